"""Notifications (issue 15 "What is sent"): caused over HTTP, delivered by `deliver` to a real SMTP
server on loopback, read as their recipients' mail clients would."""
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.mail.layout import parts
from portal.mail.models import MailOutbox
from portal.models import GroupMember, Ticket, TicketCollaborator, TicketForm
from tests.conftest import signin

from .conftest import run_delivery

BASE = "http://127.0.0.1:5000"


@pytest.fixture
def world(mail_app, make_brand, make_user, make_group):
    brand = make_brand("acme", "Acme IT", assisted_service=True)
    w = SimpleNamespace(brand=brand)
    w.agent = make_user(email="sarah@example.org", name="Sarah Agent",
                        roles={brand: ("agent", {"can_assist": True})})
    w.agent2 = make_user(email="alan@example.org", name="Alan Agent", roles={brand: "agent"})
    w.quiet = make_user(email="quiet@example.org", name="Quentin Quiet", roles={brand: "agent"})
    w.gone = make_user(email="gone@example.org", name="Gina Gone", roles={brand: "agent"}, active=False)
    w.light = make_user(email="louis@example.org", name="Louis Light", roles={brand: "light_agent"})
    w.supervisor = make_user(email="sam@example.org", name="Sam Super", roles={brand: "agent"})
    w.user = make_user(email="haru@example.com", name="Haru Tanaka", roles={brand: "end_user"})
    w.french = make_user(email="zoe@example.com", name="Zoé Lefèvre", locale="fr", roles={brand: "end_user"})
    w.support = make_group(brand, "Support", members=[w.agent, w.agent2, w.quiet, w.gone, w.light],
                           supervisors=[w.supervisor])
    w.form = TicketForm(brand_id=brand.id, name="General request", end_user_visible=True,
                        default_group_id=w.support.id)
    db.session.add(w.form)
    db.session.commit()
    return w


def client_for(app, brand, user):
    client = app.test_client()
    assert signin(client, brand, user).status_code == 302
    return client


def ticket_for(w, requester=None, subject="Printer jams", **values):
    requester = requester or w.user
    ticket = Ticket(brand_id=w.brand.id, subject=subject, status="open", requester_id=requester.id,
                    submitter_id=requester.id, group_id=w.support.id, **values)
    db.session.add(ticket)
    db.session.commit()
    return ticket


def workspace_post(client, ticket, **values):
    db.session.refresh(ticket)
    data = {"version": str(ticket.version), "status": ticket.status, "priority": ticket.priority,
            "type": ticket.type, "group_id": str(ticket.group_id or ""),
            "assignee_id": str(ticket.assignee_id or ""), "body": "", "public": "1"}
    data.update(values)
    response = client.post(f"/acme/agent/tickets/{ticket.id}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    return response


def queued(kind=None, to=None):
    query = select(MailOutbox).order_by(MailOutbox.id)
    if kind:
        query = query.where(MailOutbox.kind == kind)
    if to:
        query = query.where(MailOutbox.to_email == to)
    return list(db.session.scalars(query))


def received_by(smtp, address):
    return [r.message for r in smtp.recorder.received if r.rcpt_tos == [address]]


def text_of(message):
    return message.get_body(("plain",)).get_content()


def test_a_public_reply_reaches_the_requester_and_a_french_cc_threaded_with_a_reply_token(mail_app, smtp, world):
    ticket = ticket_for(world)
    db.session.add(TicketCollaborator(ticket_id=ticket.id, user_id=world.french.id))
    db.session.commit()
    agent = client_for(mail_app, world.brand, world.agent)
    workspace_post(agent, ticket, body="Please restart the printer.\nThen <try> again & tell us.")
    counts = run_delivery()
    assert counts.sent == 2 and counts.failed == 0
    ticket = db.session.get(Ticket, ticket.id)
    token = ticket.reply_token
    assert token and len(token) == 32

    [message] = received_by(smtp, world.user.email)
    assert message["Subject"] == f"[#{ticket.id}] New reply: Printer jams"
    assert message["From"] == "Guichet Test <help@guichet.test>"
    assert message["In-Reply-To"] == f"<ticket-{ticket.id}@127.0.0.1>"
    assert message["References"] == f"<ticket-{ticket.id}@127.0.0.1>"
    assert message["Reply-To"] == f"help+{token}@guichet.test"
    assert message["Auto-Submitted"] == "auto-generated" and message["Bcc"] is None
    assert message.get_all("To") == [world.user.email]
    text = text_of(message)
    assert "Hello Haru Tanaka," in text and "Sarah Agent replied to your request" in text
    assert "Please restart the printer.\nThen <try> again & tell us." in text.replace("\r\n", "\n")
    assert f"{BASE}/acme/hc/en/requests/{ticket.id}" in text
    html = message.get_body(("html",)).get_content()
    assert "Then &lt;try&gt; again &amp; tell us." in html and "<try>" not in html
    assert f'href="{BASE}/acme/hc/en/requests/{ticket.id}"' in html and "#0d6efd" in html

    [french] = received_by(smtp, world.french.email)
    assert french["Subject"] == f"[#{ticket.id}] Nouvelle réponse : Printer jams"
    assert french["Content-Language"] == "fr"
    text = text_of(french)
    assert "Bonjour Zoé Lefèvre," in text and "Sarah Agent a répondu à votre demande" in text
    assert f"{BASE}/acme/hc/fr/requests/{ticket.id}" in text
    assert french["Message-ID"] != message["Message-ID"]
    # The author hears nothing of their own reply; no page shows the token.
    assert received_by(smtp, world.agent.email) == []
    for path in (f"/acme/agent/tickets/{ticket.id}",):
        assert token not in agent.get(path).get_data(as_text=True)
    requester = client_for(mail_app, world.brand, world.user)
    assert token not in requester.get(f"/acme/hc/en/requests/{ticket.id}").get_data(as_text=True)


def test_an_internal_note_never_produces_a_message_to_the_requester(mail_app, smtp, world):
    world.brand.settings = {**world.brand.settings, "hide_internal_notes_from_agent_requesters": True}
    db.session.commit()
    for requester in (world.user, world.agent2):  # an end user, and an agent who requested a ticket
        ticket = ticket_for(world, requester=requester, assignee_id=world.supervisor.id)
        agent = client_for(mail_app, world.brand, world.agent)
        workspace_post(agent, ticket, body="Internal: the printer is out of warranty.", public="0")
    assert queued() == []
    run_delivery()
    assert smtp.recorder.received == []


def test_a_light_agents_request_never_mails_its_requester(mail_app, smtp, world):
    light = client_for(mail_app, world.brand, world.light)
    response = light.post(f"/acme/agent/tickets/new?ticket_form_id={world.form.id}", data={
        "requester_email": world.user.email, "channel": "phone", "subject": "Screen flickers",
        "body": "Internal first.", "public": "1", "priority": "normal", "type": "question"})
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    ticket = db.session.scalar(select(Ticket).where(Ticket.subject == "Screen flickers"))
    assert ticket.is_public is False
    workspace_post(light, ticket, body="A note by the light agent.", public="0")
    run_delivery()
    assert received_by(smtp, world.user.email) == []
    # Its group's agents still learn of new work.
    assert {m["To"] for m in (r.message for r in smtp.recorder.received)} == {
        world.agent.email, world.agent2.email, world.quiet.email, world.supervisor.email}


def test_a_new_request_is_confirmed_and_reaches_its_groups_agents_unless_they_opt_out(mail_app, smtp, world):
    quiet = client_for(mail_app, world.brand, world.quiet)
    page = quiet.get("/acme/agent/").get_data(as_text=True)
    assert 'name="mail_new_in_group"' in page and 'id="pref-mail-group" checked' in page
    quiet.post("/acme/agent/preferences", data={"mail_switch": "1", "play_sound": "1", "pop_up": "1"})
    assert 'id="pref-mail-group" checked' not in quiet.get("/acme/agent/").get_data(as_text=True)
    requester = client_for(mail_app, world.brand, world.user)
    response = requester.post(f"/acme/hc/en/requests/new?ticket_form_id={world.form.id}",
                              data={"subject": "Hello\r\nBcc: evil@evil.test", "description": "It jams."})
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    ticket = db.session.scalar(select(Ticket).order_by(Ticket.id.desc()))
    run_delivery()
    recipients = sorted(r.rcpt_tos[0] for r in smtp.recorder.received)
    # Not the agent who opted out, not the deactivated one; the light agent is staff of the group.
    assert recipients == sorted([world.user.email, world.agent.email, world.agent2.email, world.light.email,
                                 world.supervisor.email])
    [confirmation] = received_by(smtp, world.user.email)
    assert confirmation["Subject"] == f"[#{ticket.id}] Request received: Hello Bcc: evil@evil.test"
    assert confirmation["Bcc"] is None and b"\r\nBcc:" not in smtp.recorder.received[0].content
    assert f"{BASE}/acme/hc/en/requests/{ticket.id}" in text_of(confirmation)
    [group_mail] = received_by(smtp, world.agent.email)
    assert group_mail["Subject"] == f"[#{ticket.id}] New request in Support: Hello Bcc: evil@evil.test"
    assert f"{BASE}/acme/agent/tickets/{ticket.id}" in text_of(group_mail)
    assert group_mail["In-Reply-To"] == confirmation["In-Reply-To"]


def test_assignment_requester_reply_and_solved_with_the_rating_link(mail_app, smtp, world):
    ticket = ticket_for(world)
    agent = client_for(mail_app, world.brand, world.agent)
    workspace_post(agent, ticket, assignee_id=str(world.agent2.id))
    workspace_post(agent, ticket, assignee_id=str(world.agent.id))  # to themselves: nothing
    assert [m.to_email for m in queued("ticket_assigned")] == [world.agent2.email]
    requester = client_for(mail_app, world.brand, world.user)
    assert requester.post(f"/acme/hc/en/requests/{ticket.id}/comments",
                          data={"body": "Still jammed."}).status_code == 302
    assert [m.to_email for m in queued("requester_replied")] == [world.agent.email]
    assert queued("public_reply") == []  # the requester's own reply is not mailed back to them
    workspace_post(agent, ticket, status="solved")
    run_delivery()
    [solved] = [m for m in received_by(smtp, world.user.email) if "Request solved" in m["Subject"]]
    assert f"{BASE}/acme/hc/en/requests/{ticket.id}#rating" in text_of(solved)
    [replied] = [m for m in received_by(smtp, world.agent.email) if "replied" in m["Subject"]]
    assert "Still jammed." in text_of(replied) and f"{BASE}/acme/agent/tickets/{ticket.id}" in text_of(replied)


def test_without_ratings_the_solved_mail_has_no_rating_link(mail_app, world):
    world.brand.settings = {**world.brand.settings, "satisfaction_ratings": False}
    db.session.commit()
    ticket = ticket_for(world, assignee_id=world.agent.id)
    workspace_post(client_for(mail_app, world.brand, world.agent), ticket, status="solved")
    [solved] = queued("request_solved")
    assert solved.to_email == world.user.email and "#rating" not in parts(solved)[0]


def test_a_deactivated_requester_gets_nothing(mail_app, world):
    ticket = ticket_for(world)
    world.user.active = False
    db.session.commit()
    workspace_post(client_for(mail_app, world.brand, world.agent), ticket, body="Any news?")
    assert queued() == []


def test_an_offline_supervisor_is_mailed_an_assistance_request(mail_app, world):
    from portal.agent.assistance import request_assistance
    from portal.models_base import utcnow

    online = world.agent2
    db.session.execute(GroupMember.__table__.update().where(GroupMember.user_id == world.quiet.id,
                                                            GroupMember.is_supervisor.is_(False))
                       .values(is_supervisor=True))
    world.quiet.last_seen_at = utcnow()  # online: a notice in the workspace, no mail
    db.session.commit()
    ticket = ticket_for(world)
    with mail_app.test_request_context("/"):
        request_assistance(ticket, online, "Customer is angry", world.brand)
        db.session.commit()
    mails = queued("assistance_requested")
    assert [m.to_email for m in mails] == [world.supervisor.email]
    assert "Customer is angry" in parts(mails[0])[0] and "Alan Agent" in parts(mails[0])[0]


def test_an_email_change_notifies_the_old_and_the_new_address(mail_app, world):
    client = client_for(mail_app, world.brand, world.french)
    response = client.post("/acme/hc/fr/profile/email", data={"new_email": "zoe.new@example.com",
                                                              "email_password": "correct-horse-battery"})
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    mails = queued("email_changed")
    assert sorted(m.to_email for m in mails) == ["zoe.new@example.com", "zoe@example.com"]
    assert all(m.subject == "Votre adresse e-mail a été changée" and m.language == "fr" for m in mails)


def test_the_assisted_person_gets_a_summary_when_the_interaction_ends(mail_app, smtp, world):
    agent = client_for(mail_app, world.brand, world.agent)
    response = agent.post("/acme/agent/assist/start", data={"user_id": world.french.id, "channel": "phone",
                                                            "service": "General request"})
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    response = agent.post(f"/acme/hc/fr/requests/new?ticket_form_id={world.form.id}",
                          data={"subject": "Imprimante", "description": "Elle bourre."})
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    ticket = db.session.scalar(select(Ticket).where(Ticket.subject == "Imprimante"))
    from portal.assist.models import Interaction

    interaction = db.session.scalar(select(Interaction))
    assert agent.post("/acme/agent/assist/end", data={"interaction_id": interaction.id,
                                                      "outcome": "resolved"}).status_code == 302
    run_delivery()
    [summary] = [m for m in received_by(smtp, world.french.email) if m["X-Guichet-Kind"] == "assist_summary"]
    text = text_of(summary)
    assert summary["Subject"] == "Résumé de l’aide que vous avez reçue de Acme IT"
    assert "Sarah Agent vous a aidé le" in text and "Téléphone" in text
    assert f"Demande n°{ticket.id} créée : Imprimante" in text
    assert f"{BASE}/acme/hc/fr/requests" in text


def test_the_brand_can_turn_the_assist_summary_off(mail_app, world):
    world.brand.settings = {**world.brand.settings, "assist_summary_mail": False}
    db.session.commit()
    agent = client_for(mail_app, world.brand, world.agent)
    agent.post("/acme/agent/assist/start", data={"user_id": world.user.id, "channel": "phone",
                                                 "service": "General request"})
    from portal.assist.models import Interaction

    interaction = db.session.scalar(select(Interaction))
    agent.post("/acme/agent/assist/end", data={"interaction_id": interaction.id, "outcome": "resolved"})
    assert interaction.id and queued("assist_summary") == []


def test_an_assist_that_times_out_on_a_page_view_still_sends_its_summary(mail_app, world):
    from datetime import timedelta

    from portal.assist.models import Interaction

    agent = client_for(mail_app, world.brand, world.agent)
    agent.post("/acme/agent/assist/start", data={"user_id": world.user.id, "channel": "phone",
                                                 "service": "General request"})
    interaction = db.session.scalar(select(Interaction))
    interaction.last_activity_at = interaction.last_activity_at - timedelta(hours=1)
    db.session.commit()
    agent.get("/acme/hc/en/requests")  # a GET: the timeout is written through its own connection
    db.session.expire_all()
    assert db.session.get(Interaction, interaction.id).end_reason == "timed_out"
    [summary] = queued("assist_summary")
    assert summary.to_email == world.user.email and "Nothing was changed on your behalf." in parts(summary)[0]
