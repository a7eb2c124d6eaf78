"""Attachments in the help centre: the new-request form (and its draft), the comment box, the
thread, downloads; refused files come back on the form, nothing half-stored."""
import pytest

from portal.extensions import db
from portal.models import Comment, Draft, Ticket
from tests.attachments.conftest import PDF, attachment_rows, files_on_disk, jpeg_with_gps, multipart, png, served


def new_request(client, world, files, subject="Printer jams on floor 2", extra=None):
    data = {"subject": subject, "description": "It jams at every page.",
            f"field_{world.category.id}": "hardware", "submit": "1", **(extra or {})}
    return client.post(f"/acme/hc/en/requests/new?ticket_form_id={world.general.id}", **multipart(data, files))


def test_a_request_with_a_screenshot_shows_its_thumbnail_and_downloads(app, client, login, world):
    login(world.brand, world.user)
    response = new_request(client, world, [("screen.png", png()), ("report.pdf", PDF)])
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    ticket = db.session.scalars(db.select(Ticket).order_by(Ticket.id.desc())).first()
    image, pdf = attachment_rows()
    first = db.session.scalars(db.select(Comment).where(Comment.ticket_id == ticket.id)).first()
    assert image.comment_id == pdf.comment_id == first.id
    assert (image.content_type, pdf.content_type) == ("image/png", "application/pdf")
    page = client.get(f"/acme/hc/en/requests/{ticket.id}").get_data(as_text=True)
    # The links file_items builds are the routes' own addresses.
    with app.test_request_context():
        from flask import url_for

        links = [url_for("attachments.thumbnail", brand="acme", attachment_id=image.id),
                 url_for("attachments.download", brand="acme", attachment_id=pdf.id)]
    assert f'src="{links[0]}"' in page and f'href="{links[1]}">report.pdf</a>' in page
    shown = served(client, f"/acme/attachments/{image.id}")
    assert shown.status_code == 200 and shown.mimetype == "image/png"
    assert shown.headers["Content-Disposition"].startswith("inline")
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    assert shown.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    download = served(client, f"/acme/attachments/{pdf.id}")
    assert download.headers["Content-Disposition"].startswith("attachment") and download.data == PDF
    assert served(client, f"/acme/attachments/{image.id}/thumbnail").mimetype == "image/png"


def test_exif_is_stripped_from_the_stored_copy(client, login, world):
    login(world.brand, world.user)
    original = jpeg_with_gps()
    assert b"CameraMaker" in original
    assert new_request(client, world, [("holiday.jpg", original)]).status_code == 302
    (row,) = attachment_rows()
    stored = served(client, f"/acme/attachments/{row.id}").data
    assert stored.startswith(b"\xff\xd8") and b"CameraMaker" not in stored and b"Exif" not in stored


def test_a_draft_keeps_its_files_until_submitted(client, login, world):
    login(world.brand, world.user)
    response = new_request(client, world, [("screen.png", png())], extra={"save_draft": "1", "submit": ""})
    assert response.status_code == 302
    draft = db.session.scalars(db.select(Draft)).one()
    (row,) = attachment_rows()
    assert row.draft_id == draft.id and row.comment_id is None
    page = client.get(f"/acme/hc/en/requests/new?draft_id={draft.id}").get_data(as_text=True)
    assert "screen.png" in page
    response = client.post(f"/acme/hc/en/requests/new?draft_id={draft.id}", data={
        "subject": "Printer", "description": "Jams", f"field_{world.category.id}": "hardware", "submit": "1"})
    assert response.status_code == 302
    (row,) = attachment_rows()
    assert row.draft_id is None and row.comment_id is not None


def test_deleting_a_draft_frees_its_files(client, login, world, app):
    login(world.brand, world.user)
    new_request(client, world, [("screen.png", png())], extra={"save_draft": "1", "submit": ""})
    draft = db.session.scalars(db.select(Draft)).one()
    assert files_on_disk(app)  # the image (and its thumbnail: the same bytes for so small an image)
    assert client.post(f"/acme/hc/en/drafts/{draft.id}/delete").status_code == 302
    assert attachment_rows() == [] and files_on_disk(app) == []


def test_a_comment_carries_files(client, login, world, make_ticket):
    ticket = make_ticket(world.user)
    login(world.brand, world.user)
    response = client.post(f"/acme/hc/en/requests/{ticket.id}/comments",
                           **multipart({"body": "Here is the error"}, [("log.txt", b"error 42\n")]))
    assert response.status_code == 302
    (row,) = attachment_rows()
    assert row.content_type == "text/plain" and row.uploader_id == world.user.id


@pytest.mark.parametrize("name, content, status, says", [
    ("big.pdf", PDF + b"x" * (1024 * 1024), 413, "larger than 1 MB"),
    ("empty.txt", b"", 422, "is empty"),
    ("tool.exe", b"MZ\x90\x00" + b"\x00" * 200, 422, "not a kind of file"),
    ("broken.png", png()[:40], 422, "damaged or incomplete"),
])
def test_a_refused_file_keeps_the_form_and_stores_nothing(client, login, world, app, limits, name, content,
                                                          status, says):
    limits(attachment_max_mb=1)
    login(world.brand, world.user)
    response = new_request(client, world, [("fine.png", png()), (name, content)])
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[:1000]
    assert says in html and "Printer jams on floor 2" in html and "There is a problem" in html
    assert 'aria-describedby="attachments-error' in html or 'id="attachments-error"' in html
    assert attachment_rows() == [] and files_on_disk(app) == []
    assert db.session.scalars(db.select(Ticket)).all() == []


def test_more_files_than_allowed_are_refused_before_reading(client, login, world, app, limits):
    limits(attachments_per_comment=2)
    login(world.brand, world.user)
    response = new_request(client, world, [(f"{n}.txt", b"hello\n") for n in range(3)])
    assert response.status_code == 422 and "at most 2 files" in response.get_data(as_text=True)
    assert files_on_disk(app) == []


def test_a_kind_the_brand_does_not_allow_is_refused(client, login, world, limits):
    limits(attachment_kinds=["image"])
    login(world.brand, world.user)
    assert new_request(client, world, [("report.pdf", PDF)]).status_code == 422


def test_names_are_cleaned(client, login, world):
    login(world.brand, world.user)
    long_name = "a" * 10_000 + ".txt"
    assert new_request(client, world, [("../../etc/passwd", b"root:x:0:0\n"), (long_name, b"x\n")]).status_code == 302
    passwd, long_one = attachment_rows()
    assert passwd.file_name == "passwd"
    assert len(long_one.file_name) <= 200 and long_one.file_name.endswith(".txt")


def test_a_decompression_bomb_is_refused(client, login, world, app):
    login(world.brand, world.user)
    bomb = png(8000, 6000, (0, 0, 0))  # 48 megapixels, a few kB compressed
    response = new_request(client, world, [("bomb.png", bomb)])
    assert response.status_code == 422 and "40 megapixels" in response.get_data(as_text=True)
    assert files_on_disk(app) == []


def test_html_and_svg_are_served_as_text_downloads(client, login, world):
    login(world.brand, world.user)
    html = b"<html><script>alert(document.cookie)</script></html>"
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    polyglot = b"GIF89a/*" + b"\x00" * 10 + b"*/=alert(1);<script>alert(1)</script>"
    assert new_request(client, world, [("page.html", html), ("logo.svg", svg)]).status_code == 302
    for row in attachment_rows():
        answer = served(client, f"/acme/attachments/{row.id}")
        assert answer.mimetype == "text/plain"
        assert answer.headers["Content-Disposition"].startswith("attachment")
        assert answer.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    # A GIF header in front of a script is no image Pillow can read: refused, never served.
    assert new_request(client, world, [("cat.gif", polyglot)]).status_code == 422


def test_past_the_servers_limit_a_translated_413_page(app, client, login, world):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    login(world.brand, world.user)
    response = client.post(f"/acme/hc/fr/requests/new?ticket_form_id={world.general.id}",
                           **multipart({"subject": "S", "description": "D"}, [("big.pdf", PDF + b"x" * 100_000)]))
    html = response.get_data(as_text=True)
    assert response.status_code == 413 and "trop volumineux" in html
    assert attachment_rows() == []


@pytest.mark.parametrize("cut", ["body", "length"])
def test_a_truncated_upload_is_a_4xx_and_stores_nothing(app, client, login, world, cut):
    login(world.brand, world.user)
    sent = multipart({"subject": "S", "description": "D", f"field_{world.category.id}": "hardware", "submit": "1"},
                     [("big.pdf", PDF + b"x" * 200_000)])
    body = sent["data"]
    extra = {}
    if cut == "body":
        sent["data"] = body[:len(body) // 2]
    else:
        extra["environ_overrides"] = {"CONTENT_LENGTH": str(len(body) + 1000)}
    response = client.post(f"/acme/hc/en/requests/new?ticket_form_id={world.general.id}", **sent, **extra)
    assert 400 <= response.status_code < 500, response.status_code
    assert attachment_rows() == [] and files_on_disk(app) == []
    assert db.session.scalars(db.select(Ticket)).all() == []


def test_a_png_polyglot_loses_its_payload(client, login, world):
    login(world.brand, world.user)
    polyglot = png() + b"<html><script>alert(document.domain)</script></html>"
    assert new_request(client, world, [("cat.png", polyglot)]).status_code == 302
    (row,) = attachment_rows()
    stored = served(client, f"/acme/attachments/{row.id}").data
    assert stored.startswith(b"\x89PNG") and b"<script>" not in stored
