"""Incoming mail as people meet it: the round trip of a request through the help centre, a
notification delivered over SMTP and the requester's answer from their mail client; the original
on the agent's ticket page; the rejected mail admins read."""
from email import policy
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.mail.models import InboundMail
from portal.models import Ticket
from tests.conftest import signin

from .conftest import run_delivery
from .inbound_helpers import build_world, comments_of, corpus, make_ticket, receive, reply_address


@pytest.fixture
def world(app, make_brand, make_user, make_group):
    return build_world(make_brand, make_user, make_group)


def client_for(app, brand, user):
    client = app.test_client()
    assert signin(client, brand, user).status_code == 302
    return client


def answer_from_mail_client(notification, sender: str, text: str) -> bytes:
    """What a mail client sends when its user presses Reply on the notification and writes above it."""
    reply = EmailMessage(policy=policy.SMTP)
    reply["From"] = sender
    reply["To"] = notification["Reply-To"]
    reply["Subject"] = "Re: " + notification["Subject"]
    reply["Message-ID"] = "<round-trip-answer@client.example>"
    reply["In-Reply-To"] = notification["Message-ID"]
    reply["References"] = f"{notification['References']} {notification['Message-ID']}"
    quoted = "\n".join("> " + line for line in notification.get_body(("plain",)).get_content().splitlines())
    reply.set_content(f"{text}\n\nOn Tue, 1 Dec 2026 at 10:00, {notification['From']} wrote:\n{quoted}\n")
    return bytes(reply)


def test_round_trip_help_centre_agent_reply_notification_and_the_answer_by_mail(mail_app, smtp, world):
    requester = client_for(mail_app, world.brand, world.user)
    response = requester.post(f"/acme/hc/en/requests/new?ticket_form_id={world.form.id}",
                              data={"subject": "Printer jams again", "description": "Floor 2, tray 1."})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    ticket = db.session.scalar(select(Ticket).order_by(Ticket.id.desc()))
    agent = client_for(mail_app, world.brand, world.agent)
    db.session.refresh(ticket)
    assert agent.post(f"/acme/agent/tickets/{ticket.id}", data={
        "version": str(ticket.version), "status": "pending", "priority": ticket.priority, "type": ticket.type,
        "group_id": str(ticket.group_id), "assignee_id": str(world.agent.id), "public": "1",
        "body": "Please open tray 1 and remove the torn sheet."}).status_code == 302
    run_delivery()
    [notification] = [r.message for r in smtp.recorder.received
                      if r.rcpt_tos == [world.user.email] and "New reply" in r.message["Subject"]]
    assert notification["Reply-To"] == reply_address(db.session.get(Ticket, ticket.id))
    result = receive(mail_app, answer_from_mail_client(notification, "Haru Tanaka <haru@example.com>",
                                                       "Done, it prints again. Thank you!"))
    assert result.exit_code == 0, result.output
    last = comments_of(ticket)[-1]
    assert (last.author_id, last.channel, last.body) == (world.user.id, "email", "Done, it prints again. Thank you!")
    assert db.session.get(Ticket, ticket.id).status == "open"  # the requester's answer reopened it
    page = requester.get(f"/acme/hc/en/requests/{ticket.id}").get_data(as_text=True)
    assert "Done, it prints again. Thank you!" in page and "remove the torn sheet" in page
    # The assignee hears of it (requester replied), by the same outbox.
    run_delivery()
    assert any("replied" in r.message["Subject"] for r in smtp.recorder.received if r.rcpt_tos == [world.agent.email])


def test_agents_who_see_the_comment_open_its_original(app, world):
    ticket = make_ticket(world)
    raw = corpus("outlook_reply_fr.eml", to=reply_address(ticket), sender=world.user.email)
    assert receive(app, raw).exit_code == 0
    comment = comments_of(ticket)[-1]
    agent = client_for(app, world.brand, world.agent)
    page = agent.get(f"/acme/agent/tickets/{ticket.id}").get_data(as_text=True)
    assert f'href="../comments/{comment.id}/original"' in page
    original = agent.get(f"/acme/agent/comments/{comment.id}/original")
    assert original.status_code == 200 and original.mimetype == "text/plain"
    assert original.headers["X-Content-Type-Options"] == "nosniff"
    assert "Thread-Topic:" in original.get_data(as_text=True)
    # The request's reply token (in the To: address) is never shown (DESIGN §13).
    assert ticket.reply_token not in original.get_data(as_text=True)
    assert "To: Acme IT <support+…@acme.example>" in original.get_data(as_text=True)
    for outsider in (world.user, world.other):  # end users never reach the workspace's originals
        assert client_for(app, world.brand, outsider).get(f"/acme/agent/comments/{comment.id}/original").status_code in (403, 404)
    # A comment written on the web has no original.
    first = comments_of(ticket)[0]
    assert agent.get(f"/acme/agent/comments/{first.id}/original").status_code == 404


def test_admins_read_rejected_and_ignored_mail_with_the_reason_in_their_language(app, world, make_user):
    receive(app, corpus("bounce.eml"))
    receive(app, corpus("no_sender.eml"))
    french_admin = make_user(email="fabienne@example.org", name="Fabienne", locale="fr", roles={world.brand: "admin"})
    admin = client_for(app, world.brand, world.admin)
    assert 'href="/acme/admin/mail/rejected"' in admin.get("/acme/admin/mail").get_data(as_text=True)
    page = admin.get("/acme/admin/mail/rejected").get_data(as_text=True)
    assert "Automatic message (Auto-Submitted)" in page and "No usable sender address" in page
    assert "Undelivered Mail Returned to Sender" in page
    bounce = db.session.scalar(select(InboundMail).where(InboundMail.reason == "auto_submitted"))
    original = admin.get(f"/acme/admin/mail/rejected/{bounce.id}")
    assert original.status_code == 200 and "Reporting-MTA: dns; mx.example.com" in original.get_data(as_text=True)
    french = client_for(app, world.brand, french_admin).get("/acme/admin/mail/rejected?lang=fr",
                                                            headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Courrier refusé" in french and "Aucune adresse d'expéditeur utilisable" in french.replace("&#39;", "'")
    # Agents and other brands' admins see nothing of it.
    assert client_for(app, world.brand, world.agent).get("/acme/admin/mail/rejected").status_code == 404


def test_the_support_addresses_setting_takes_addresses_only(app, world):
    from portal.brands.services import change_settings
    from portal.brands.settings import SettingError

    changed = change_settings(world.brand, {"mail_support_addresses": "Desk@Acme.example, desk@acme.example"})
    assert changed["mail_support_addresses"][1] == ["desk@acme.example"]
    with pytest.raises(SettingError):
        change_settings(world.brand, {"mail_support_addresses": "not an address"})
    with pytest.raises(SettingError):
        change_settings(world.brand, {"mail_imap_url": "imaps://support:secret@imap.example"})
    assert change_settings(world.brand, {"mail_imap_url": "imaps://support@imap.example:993"})
