"""Supervisor assistance (DESIGN §6, seed 003), through HTTP: request, notices, accept, chat,
cancel, done, expiry, one active request per ticket, presence, the brand setting."""
from datetime import timedelta

from sqlalchemy import select

from portal.agent.models import AssistanceMessage, AssistanceNotice, AssistanceRequest
from portal.extensions import db
from portal.models_base import utcnow

from .conftest import set_online

JSON = {"Accept": "application/json"}


def ask(client, ticket, reason="Caller asks about payroll rules", **headers):
    return client.post(f"/acme/agent/tickets/{ticket.id}/assistance", data={"reason": reason}, headers=headers)


def requests_on(ticket):
    db.session.expire_all()
    return db.session.scalars(select(AssistanceRequest).where(AssistanceRequest.ticket_id == ticket.id)
                              .order_by(AssistanceRequest.id)).all()


def poll(client, ticket=None, after=0):
    query = f"?ticket_id={ticket.id}&after={after}" if ticket else ""
    response = client.get(f"/acme/agent/poll{query}", headers=JSON)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_full_exchange_notices_accept_chat_done(world, make_ticket, make_user, client_for, app):
    from portal.models import GroupMember

    second_super = make_user(name="Sue Second", roles={world.brand: "agent"})
    offline_super = make_user(name="Otto Offline", roles={world.brand: "agent"})
    db.session.add_all([GroupMember(group_id=world.support.id, user_id=u.id, is_supervisor=True)
                        for u in (second_super, offline_super)])
    db.session.commit()
    set_online(world.supervisor, second_super)
    ticket = make_ticket(group=world.support)
    agent, boss, boss2, offline = (client_for(u) for u in (world.agent, world.supervisor, second_super, offline_super))
    set_online(offline_super, minutes_ago=6)  # after signing in, which marks them present

    assert ask(agent, ticket).status_code == 302
    (assistance,) = requests_on(ticket)
    assert assistance.status == "waiting" and assistance.agent_id == world.agent.id
    notified = set(db.session.scalars(select(AssistanceNotice.supervisor_id)))
    assert notified == {world.supervisor.id, second_super.id}  # online ones only
    assert [n["subject"] for n in poll(boss)["notices"]] == ["Printer jams"]
    assert poll(boss2)["notices"][0]["reason"] == "Caller asks about payroll rules"
    assert poll(offline)["notices"] == []
    assert poll(agent)["notices"] == []

    page = boss.get(f"/acme/agent/tickets/{ticket.id}").get_data(as_text=True)
    assert "Accept and assist" in page
    assert boss.post(f"/acme/agent/assistance/{assistance.id}/accept").status_code == 302
    assert poll(boss2)["notices"] == []  # the others' notices close
    late = boss2.post(f"/acme/agent/assistance/{assistance.id}/accept", headers=JSON)
    assert late.status_code == 409 and "already accepted" in late.get_json()["error"]

    sent = boss.post(f"/acme/agent/assistance/{assistance.id}/messages", data={"body": "Check the FAQ"}, headers=JSON)
    assert sent.status_code == 200
    lines = poll(agent, ticket)["messages"]
    assert [(m["kind"], m["author"]) for m in lines] == [
        ("request", "Sarah Agent"), ("accepted", "Sam Super"), ("message", "Sam Super")]
    assert poll(agent, ticket, after=lines[1]["id"])["messages"][0]["body"] == "Check the FAQ"
    assert agent.post(f"/acme/agent/assistance/{assistance.id}/messages", data={"body": "Thanks"}).status_code == 302
    # Someone outside the exchange can neither write nor read it live.
    intruder = boss2.post(f"/acme/agent/assistance/{assistance.id}/messages", data={"body": "hi"}, headers=JSON)
    assert intruder.status_code == 403
    assert poll(boss2, ticket)["messages"] == []

    assert boss.post(f"/acme/agent/assistance/{assistance.id}/done", headers=JSON).status_code == 403
    assert agent.post(f"/acme/agent/assistance/{assistance.id}/done").status_code == 302
    assert requests_on(ticket)[0].status == "done"
    closed = agent.post(f"/acme/agent/assistance/{assistance.id}/messages", data={"body": "more"}, headers=JSON)
    assert closed.status_code == 409 and "no longer active" in closed.get_json()["error"]
    assert db.session.scalar(select(AssistanceMessage.id).where(AssistanceMessage.body == "more")) is None

    # The whole exchange stays on the ticket's record, for agents only.
    record = client_for(world.agent2).get(f"/acme/agent/tickets/{ticket.id}").get_data(as_text=True)
    assert "Check the FAQ" in record and "Earlier assistance requests (1)" in record
    end_user_page = client_for(world.user).get(f"/acme/hc/en/requests/{ticket.id}")
    assert "Check the FAQ" not in end_user_page.get_data(as_text=True)


def test_one_active_request_per_ticket_then_a_new_one(world, make_ticket, client_for):
    set_online(world.supervisor)
    ticket = make_ticket(group=world.support)
    agent = client_for(world.agent)
    assert ask(agent, ticket).status_code == 302
    second = ask(client_for(world.agent2), ticket, **JSON)
    assert second.status_code == 409 and "already active" in second.get_json()["error"]
    page = agent.get(f"/acme/agent/tickets/{ticket.id}").get_data(as_text=True)
    assert "Cancel the request" in page
    (first,) = requests_on(ticket)
    assert agent.post(f"/acme/agent/assistance/{first.id}/done", headers=JSON).status_code == 409  # not answered
    assert agent.post(f"/acme/agent/assistance/{first.id}/cancelled").status_code == 302
    assert requests_on(ticket)[0].status == "cancelled"
    assert poll(client_for(world.supervisor))["notices"] == []
    assert agent.post(f"/acme/agent/assistance/{first.id}/cancelled", headers=JSON).status_code == 409
    assert ask(agent, ticket).status_code == 302
    assert [r.status for r in requests_on(ticket)] == ["cancelled", "waiting"]


def test_unanswered_request_expires_after_15_minutes(world, make_ticket, client_for):
    set_online(world.supervisor)
    ticket = make_ticket(group=world.support)
    agent, boss = client_for(world.agent), client_for(world.supervisor)
    assert ask(agent, ticket).status_code == 302
    (assistance,) = requests_on(ticket)
    assistance.created_at -= timedelta(minutes=15)
    assistance.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert poll(boss)["notices"] == []
    late = boss.post(f"/acme/agent/assistance/{assistance.id}/accept", headers=JSON)
    assert late.status_code == 409 and "no longer active" in late.get_json()["error"]
    page = agent.get(f"/acme/agent/tickets/{ticket.id}").get_data(as_text=True)
    assert 'name="reason"' in page and "Request assistance" in page  # the ticket is free again
    assert ask(agent, ticket).status_code == 302
    assert [r.status for r in requests_on(ticket)] == ["expired", "waiting"]
    kinds = db.session.scalars(select(AssistanceMessage.kind).where(AssistanceMessage.request_id == assistance.id)
                               .order_by(AssistanceMessage.id)).all()
    assert kinds == ["request", "expired"]


def test_refusals_no_group_no_supervisor_online_empty_reason(world, make_ticket, client_for):
    agent = client_for(world.agent)
    loose = make_ticket(group=None)
    refused = ask(agent, loose)
    assert refused.status_code == 409 and "routed to a group" in refused.get_data(as_text=True)
    page = agent.get(f"/acme/agent/tickets/{loose.id}").get_data(as_text=True)
    assert "routed to a group" in page and "disabled" in page

    ticket = make_ticket(group=world.support)
    set_online(world.supervisor, minutes_ago=6)
    refused = ask(agent, ticket, **JSON)
    assert refused.status_code == 409 and "No supervisor of this group is online" in refused.get_json()["error"]
    set_online(world.supervisor)
    assert ask(agent, ticket, reason="   ", **JSON).status_code == 422
    assert ask(agent, ticket, reason="x" * 501, **JSON).status_code == 422
    assert requests_on(ticket) == [] and requests_on(loose) == []
    # A supervisor cannot be their own helper: with only themself online, it is refused.
    refused = ask(client_for(world.supervisor), ticket, **JSON)
    assert refused.status_code == 409


def test_light_agents_end_users_other_brands_and_the_setting(world, make_ticket, client_for):
    set_online(world.supervisor)
    ticket = make_ticket(group=world.support)
    light = ask(client_for(world.light), ticket, **JSON)
    assert light.status_code == 403
    assert ask(client_for(world.user), ticket).status_code == 403
    foreign = make_ticket(brand=world.other_brand, group=world.paie)
    assert ask(client_for(world.agent), foreign).status_code == 404
    assert client_for(world.agent).post("/acme/agent/assistance/999/accept").status_code == 404

    world.brand.settings = {"supervisor_assistance": False}
    db.session.commit()
    agent = client_for(world.agent)
    off = ask(agent, ticket, **JSON)
    assert off.status_code == 404 and "turned off" in off.get_json()["error"]
    assert "turned off" in agent.get(f"/acme/agent/tickets/{ticket.id}").get_data(as_text=True)
    assert requests_on(ticket) == []


def test_supervisor_of_another_group_cannot_accept(world, make_ticket, make_user, client_for):
    set_online(world.supervisor)
    ticket = make_ticket(group=world.support)
    agent = client_for(world.agent)
    assert ask(agent, ticket).status_code == 302
    (assistance,) = requests_on(ticket)
    for user in (world.agent2, world.security_agent):
        response = client_for(user).post(f"/acme/agent/assistance/{assistance.id}/accept", headers=JSON)
        assert response.status_code == 403
    assert agent.post(f"/acme/agent/assistance/{assistance.id}/accept", headers=JSON).status_code == 403
    assert requests_on(ticket)[0].status == "waiting"


def test_poll_costs_one_query_and_refuses_non_staff(world, make_ticket, client_for, count_queries):
    set_online(world.supervisor)
    ticket = make_ticket(group=world.support)
    agent = client_for(world.agent)
    assert ask(agent, ticket).status_code == 302
    boss = client_for(world.supervisor)
    url = f"/acme/agent/poll?ticket_id={ticket.id}&after=0"
    with count_queries() as counter:
        data = boss.get(url, headers=JSON).get_json()
    assert len(data["notices"]) == 1
    # The whole job (session, staff check, notices, lines) in one statement; BEGIN is no query.
    statements = [s for s in counter.statements if s.strip() != "BEGIN"]
    assert len(statements) == 1, counter.statements
    assert "UNION ALL" in statements[0] and "user_sessions" in statements[0]

    end_user = client_for(world.user).get("/acme/agent/poll", headers=JSON)
    assert end_user.status_code == 403 and "error" in end_user.get_json()


def test_poll_refuses_without_a_valid_session_and_elsewhere(world, make_ticket, client_for, app):
    from portal.auth.models import UserSession

    set_online(world.supervisor)
    ticket = make_ticket(group=world.support)
    assert ask(client_for(world.agent), ticket).status_code == 302
    anonymous = app.test_client().get("/acme/agent/poll", headers=JSON)
    assert anonymous.status_code == 401 and "error" in anonymous.get_json()
    boss = client_for(world.supervisor)
    assert boss.get("/acme/agent/poll", headers=JSON).status_code == 200
    # Another brand: unknown answers 404, one where the supervisor is nobody 403, with nothing leaked.
    assert boss.get("/nowhere/agent/poll", headers=JSON).status_code == 404
    elsewhere = boss.get(f"/globex/agent/poll?ticket_id={ticket.id}", headers=JSON)
    assert elsewhere.status_code == 403 and set(elsewhere.get_json()) == {"error"}
    # A deactivated person, then a signed-out session (row deleted), are not signed in any more.
    world.supervisor.active = False
    db.session.commit()
    assert boss.get("/acme/agent/poll", headers=JSON).status_code == 401
    world.supervisor.active = True
    db.session.commit()
    db.session.execute(UserSession.__table__.delete().where(UserSession.user_id == world.supervisor.id))
    db.session.commit()
    assert boss.get("/acme/agent/poll", headers=JSON).status_code == 401


def test_poll_is_not_activity(world, client_for):
    from portal.auth.models import UserSession

    boss = client_for(world.supervisor)
    long_ago = utcnow() - timedelta(hours=1)
    db.session.execute(UserSession.__table__.update().where(UserSession.user_id == world.supervisor.id)
                       .values(last_seen_at=long_ago))
    world.supervisor.last_seen_at = long_ago
    db.session.commit()
    assert boss.get("/acme/agent/poll", headers=JSON).status_code == 200
    db.session.expire_all()
    assert world.supervisor.last_seen_at == long_ago
    assert db.session.scalar(select(UserSession.last_seen_at)
                             .where(UserSession.user_id == world.supervisor.id)) == long_ago
    boss.get("/acme/agent/").close()  # a real page records presence
    db.session.expire_all()
    assert world.supervisor.last_seen_at > long_ago


def test_notification_preferences_are_saved_per_user(world, client_for):
    from portal.brands.models import AgentPreference

    agent = client_for(world.agent)
    page = agent.get("/acme/agent/").get_data(as_text=True)
    assert 'data-sound="1"' in page and 'data-popup="1"' in page
    saved = agent.post("/acme/agent/preferences", data={"pop_up": "1"}, headers=JSON)
    assert saved.get_json() == {"play_sound": False, "pop_up": True}
    assert 'data-sound="0"' in agent.get("/acme/agent/").get_data(as_text=True)
    assert 'data-sound="1"' in client_for(world.agent2).get("/acme/agent/").get_data(as_text=True)
    assert db.session.get(AgentPreference, world.agent.id).play_sound is False
    assert client_for(world.user).post("/acme/agent/preferences", data={}).status_code == 403


def test_a_group_without_supervisor_disables_the_button_with_the_servers_reason(world, make_ticket, client_for):
    """The page and the server ask the same policy decision, in the same order (issue 13)."""
    agent = client_for(world.agent)
    ticket = make_ticket(group=world.security)  # a group with no supervisor at all
    page = agent.get(f"/acme/agent/tickets/{ticket.id}").get_data(as_text=True)
    reason = "This ticket's group has no supervisor to ask."
    assert 'id="assist-disabled">' + reason.replace("'", "&#39;") in page
    refused = ask(agent, ticket, **JSON)
    assert refused.status_code == 409 and refused.get_json()["error"] == reason
    # A light agent is told the server's own reason, not that the feature is off.
    light = client_for(world.light)
    support_ticket = make_ticket(group=world.support)
    light_page = light.get(f"/acme/agent/tickets/{support_ticket.id}").get_data(as_text=True)
    assert "Only agents can request assistance." in light_page
    assert ask(light, support_ticket, **JSON).get_json()["error"] == "Only agents can request assistance."
    assert requests_on(ticket) == [] and requests_on(support_ticket) == []
