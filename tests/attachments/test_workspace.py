"""Attachments in the workspace (public replies, internal notes, a new ticket on behalf of a user)
and while assisting; each file readable by exactly those who read its comment."""
import pytest

from portal.extensions import db
from portal.models import Ticket
from tests.attachments.conftest import PDF, attachment_rows, files_on_disk, multipart, png, served


@pytest.fixture
def world(make_world):
    """acme with assisted service (agent@ may assist) and agents in the help centre; and globex."""
    return make_world("acme", other_brand="globex", assisted_service=True, agents_manage_requests=True,
                      capabilities={"agent": {"can_assist": True}})


def reply(client, ticket, body, files, public):
    return client.post(f"/acme/agent/tickets/{ticket.id}", **multipart(
        {"version": str(ticket.version), "body": body, "public": "1" if public else "0"}, files))


def status_for(app, world, person, url):
    """What `person` gets for a download (a client of their own, signed in through the page)."""
    from tests.conftest import signin

    client = app.test_client()
    brand = world.brand if person.role_in(world.brand) else world.other_brand
    assert signin(client, brand, person).status_code == 302
    return served(client, url).status_code


def test_a_reply_and_a_note_carry_files_readable_as_their_comments(app, client, login, world, make_ticket):
    ticket = make_ticket(world.user)
    login(world.brand, world.agent)
    assert reply(client, ticket, "The driver", [("driver.pdf", PDF)], public=True).status_code == 302
    db.session.refresh(ticket)
    assert reply(client, ticket, "Internal log", [("log.txt", b"jam at tray 2\n")], public=False).status_code == 302
    public, internal = attachment_rows()
    page = client.get(f"/acme/agent/tickets/{ticket.id}").get_data(as_text=True)
    assert "driver.pdf" in page and "log.txt" in page
    public_url, internal_url = f"/acme/attachments/{public.id}", f"/acme/attachments/{internal.id}"
    # Who reads which: the requester the public one only; staff of the ticket's group both;
    # another brand's people and non-members neither (404, nothing said).
    expected = {"user": (200, 404), "light": (200, 200), "agent2": (200, 200), "admin": (200, 200),
                "other": (404, 404), "outsider": (404, 404), "globex_agent": (404, 404)}
    for who, codes in expected.items():
        person = getattr(world, who)
        assert (status_for(app, world, person, public_url), status_for(app, world, person, internal_url)) == codes, who
    # The requester's own page shows the public file and not the note's.
    login(world.brand, world.user)
    page = client.get(f"/acme/hc/en/requests/{ticket.id}").get_data(as_text=True)
    assert "driver.pdf" in page and "log.txt" not in page


def test_an_agent_requester_with_hidden_notes_does_not_get_the_notes_files(app, client, login, world, make_ticket):
    world.brand.settings = {**world.brand.settings, "hide_internal_notes_from_agent_requesters": True}
    db.session.commit()
    ticket = make_ticket(world.security_agent, group=world.support)  # not in Support
    login(world.brand, world.agent)
    assert reply(client, ticket, "Internal", [("log.txt", b"secret\n")], public=False).status_code == 302
    (row,) = attachment_rows()
    assert status_for(app, world, world.security_agent, f"/acme/attachments/{row.id}") == 404
    assert status_for(app, world, world.agent2, f"/acme/attachments/{row.id}") == 200


def test_another_brands_attachment_is_404_even_for_its_readers(app, client, login, world, make_ticket):
    ticket = make_ticket(world.user, brand=world.other_brand)
    login(world.other_brand, world.user)
    response = client.post(f"/globex/hc/en/requests/{ticket.id}/comments",
                           **multipart({"body": "Here"}, [("a.txt", b"hello\n")]))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    (row,) = attachment_rows()
    assert served(client, f"/globex/attachments/{row.id}").status_code == 200
    assert served(client, f"/acme/attachments/{row.id}").status_code == 404


def test_a_light_agent_attaches_to_an_internal_note(client, login, world, make_ticket):
    ticket = make_ticket(world.user)
    login(world.brand, world.light)
    assert reply(client, ticket, "Seen it", [("screen.png", png())], public=False).status_code == 302
    (row,) = attachment_rows()
    assert row.uploader_id == world.light.id and row.comment_id is not None


def test_a_refused_file_on_a_reply_keeps_the_reply_and_stores_nothing(app, client, login, world, make_ticket):
    ticket = make_ticket(world.user)
    login(world.brand, world.agent)
    response = reply(client, ticket, "My typed answer", [("tool.exe", b"MZ" + b"\x00" * 100)], public=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "not a kind of file" in html and "My typed answer" in html
    assert 'href="#attachments"' in html
    assert attachment_rows() == [] and files_on_disk(app) == []


def test_a_new_ticket_on_behalf_carries_files(client, login, world):
    login(world.brand, world.agent)
    response = client.post("/acme/agent/tickets/new", **multipart(
        {"requester_email": world.user.email, "subject": "Printer", "body": "Called about the printer",
         "channel": "phone", "public": "1"}, [("photo.png", png())]))
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    (row,) = attachment_rows()
    ticket = db.session.scalars(db.select(Ticket)).one()
    assert row.comment_id == ticket.comments[0].id and row.uploader_id == world.agent.id


def test_an_assisted_write_attributes_its_files_like_the_comment(client, login, world, make_ticket):
    ticket = make_ticket(world.user)
    login(world.brand, world.agent)
    started = client.post("/acme/agent/assist/start",
                          data={"user_id": world.user.id, "channel": "phone", "service": "General request"})
    assert started.status_code == 302
    response = client.post(f"/acme/hc/en/requests/{ticket.id}/comments",
                           **multipart({"body": "As you said"}, [("a.txt", b"read to me\n")]))
    assert response.status_code == 302
    (row,) = attachment_rows()
    comment = ticket.comments[-1]
    assert (row.uploader_id, row.assisted_by_id, row.channel) == (world.user.id, world.agent.id, "phone")
    assert (comment.author_id, comment.assisted_by_id) == (world.user.id, world.agent.id)
