"""Attachments through the API, as Zendesk's uploads: zenpy's upload call, raw requests, tokens
that only their uploader may use, once, for 3 days; comments list their attachments."""
import io
from datetime import timedelta

import pytest
from zenpy.lib.api_objects import Comment, Request, Ticket

from portal.extensions import db
from portal.models import Attachment
from portal.models_base import utcnow
from tests.api.conftest import end_test_transaction
from tests.attachments.conftest import PDF, attachment_rows, files_on_disk, png


def upload(api, brand, user, content, name="screen.png", **kwargs):
    return api("POST", brand, f"/uploads.json?filename={name}", user, data=content,
               headers={"Content-Type": "application/binary"}, **kwargs)


def test_zenpy_uploads_and_attaches_to_a_request(world, zenpy_client, app):
    zenpy = zenpy_client(world.brand, world.user)
    sent = zenpy.attachments.upload(io.BytesIO(png()), target_name="screen.png", content_type="image/png")
    assert sent.token and sent.attachment.file_name == "screen.png"
    created = zenpy.requests.create(Request(
        subject="Printer jams on floor 2", comment=Comment(body="See the screenshot.", uploads=[sent.token]),
        ticket_form_id=world.general.id, custom_fields=[{"id": world.category.id, "value": "hardware"}]))
    (first,) = list(zenpy.requests.comments(created.id))
    (shown,) = first.attachments
    assert (shown.file_name, shown.content_type) == ("screen.png", "image/png")
    assert shown.content_url.endswith(f"/acme/attachments/{shown.id}")
    assert shown.thumbnails[0].content_type == "image/png"
    # The agent replies with a PDF through the tickets API.
    agent = zenpy_client(world.brand, world.agent)
    report = agent.attachments.upload(io.BytesIO(PDF), target_name="report.pdf")
    agent.tickets.update(Ticket(id=created.id, comment=Comment(body="Here is the report.", public=True,
                                                               uploads=[report.token])))
    names = [[a.file_name for a in c.attachments] for c in agent.tickets.comments(created.id)]
    assert names == [["screen.png"], ["report.pdf"]]


def test_a_token_is_usable_once_by_its_uploader_within_three_days(world, api, make_ticket):
    ticket = make_ticket(world.user)
    answer = upload(api, world.brand, world.user, png())
    assert answer.status_code == 201
    body = answer.get_json()["upload"]
    token = body["token"]
    assert body["attachment"]["content_type"] == "image/png" and body["attachments"] == [body["attachment"]]
    comment = {"request": {"comment": {"body": "Screenshot", "uploads": [token]}}}
    # Someone else (a CC would be the same) cannot use it.
    other = make_ticket(world.other)
    assert api("PUT", world.brand, f"/requests/{other.id}.json", world.other,
               json=comment).status_code == 422
    assert api("PUT", world.brand, f"/requests/{ticket.id}.json", world.user, json=comment).status_code == 200
    # Once.
    assert api("PUT", world.brand, f"/requests/{ticket.id}.json", world.user, json=comment).status_code == 422
    comments = api("GET", world.brand, f"/requests/{ticket.id}/comments.json", world.user).get_json()["comments"]
    assert [a["file_name"] for a in comments[-1]["attachments"]] == ["screen.png"]
    # Not after three days.
    late = upload(api, world.brand, world.user, PDF, name="late.pdf").get_json()["upload"]["token"]
    db.session.execute(db.update(Attachment).where(Attachment.file_name == "late.pdf")
                       .values(created_at=utcnow() - timedelta(days=3, minutes=1)))
    end_test_transaction()
    late_comment = {"request": {"comment": {"body": "Late", "uploads": [late]}}}
    assert api("PUT", world.brand, f"/requests/{ticket.id}.json", world.user, json=late_comment).status_code == 422


def test_another_brands_token_is_unknown(world, api, make_ticket):
    token = upload(api, world.other_brand, world.user, png()).get_json()["upload"]["token"]
    ticket = make_ticket(world.user)
    comment = {"request": {"comment": {"body": "Screenshot", "uploads": [token]}}}
    assert api("PUT", world.brand, f"/requests/{ticket.id}.json", world.user, json=comment).status_code == 422


def test_deleting_an_upload_frees_it(world, api, app):
    token = upload(api, world.brand, world.user, PDF, name="r.pdf").get_json()["upload"]["token"]
    assert api("DELETE", world.brand, f"/uploads/{token}.json", world.other).status_code == 404
    assert api("DELETE", world.brand, f"/uploads/{token}.json", world.user).status_code == 204
    assert attachment_rows() == [] and files_on_disk(app) == []
    assert api("DELETE", world.brand, f"/uploads/{token}.json", world.user).status_code == 404


@pytest.mark.parametrize("name, content, status", [
    ("empty.txt", b"", 422),
    ("tool.exe", b"MZ\x90\x00" + b"\x00" * 100, 422),
    ("bomb.png", png(8000, 6000, (0, 0, 0)), 422),
])
def test_bad_uploads_are_refused_and_nothing_is_stored(world, api, app, name, content, status):
    answer = upload(api, world.brand, world.user, content, name=name)
    assert answer.status_code == status and answer.get_json()["error"]
    assert attachment_rows() == [] and files_on_disk(app) == []


def test_too_large_and_truncated_uploads(world, api, app, limits):
    limits(attachment_max_mb=1)
    big = PDF + b"x" * (1024 * 1024)
    assert upload(api, world.brand, world.user, big, name="big.pdf").status_code == 413
    cut = upload(api, world.brand, world.user, PDF, name="cut.pdf",
                 environ_overrides={"CONTENT_LENGTH": str(len(PDF) + 500)})
    assert cut.status_code == 400
    assert attachment_rows() == [] and files_on_disk(app) == []


def test_an_upload_needs_a_name_and_a_member(world, api):
    assert api("POST", world.brand, "/uploads.json", world.user, data=PDF).status_code == 422
    assert upload(api, world.brand, world.outsider, PDF, name="r.pdf").status_code == 403
    assert upload(api, world.brand, None, PDF, name="r.pdf").status_code == 401


def test_an_internal_notes_attachment_is_not_listed_for_the_requester(world, api, make_ticket):
    ticket = make_ticket(world.user)
    token = upload(api, world.brand, world.agent, PDF, name="internal.pdf").get_json()["upload"]["token"]
    note = {"ticket": {"comment": {"body": "Internal", "public": False, "uploads": [token]}}}
    assert api("PUT", world.brand, f"/tickets/{ticket.id}.json", world.agent, json=note).status_code == 200
    mine = api("GET", world.brand, f"/requests/{ticket.id}/comments.json", world.user).get_json()["comments"]
    assert all(c["attachments"] == [] for c in mine)
    theirs = api("GET", world.brand, f"/tickets/{ticket.id}/comments.json", world.agent).get_json()["comments"]
    assert [a["file_name"] for a in theirs[-1]["attachments"]] == ["internal.pdf"]


def test_names_are_cleaned_and_an_endless_one_refused(world, api):
    passwd = upload(api, world.brand, world.user, b"root:x:0:0\n", name="../../etc/passwd").get_json()
    assert passwd["upload"]["attachment"]["file_name"] == "passwd"
    long_name = upload(api, world.brand, world.user, b"x\n", name="a" * 9_996 + ".txt").get_json()
    assert long_name["upload"]["attachment"]["file_name"] == "a" * 196 + ".txt"  # 200 characters
    assert upload(api, world.brand, world.user, b"x\n", name="a" * 10_001).status_code == 400
