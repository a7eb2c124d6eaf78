"""The ticket page and its update: thread, status rules, solving, assignment, fields, history,
optimistic concurrency, light agents and brand isolation."""
from sqlalchemy import select

from portal.extensions import db
from portal.models import Comment, Ticket, TicketEvent, TicketFieldValue


def form_data(ticket, **values):
    data = {"version": str(ticket.version), "status": ticket.status, "priority": ticket.priority,
            "type": ticket.type, "group_id": str(ticket.group_id or ""),
            "assignee_id": str(ticket.assignee_id or ""), "body": "", "public": "1"}
    data.update(values)
    return data


def fresh(ticket_id):
    db.session.expire_all()
    return db.session.get(Ticket, ticket_id)


def test_thread_tells_public_replies_from_internal_notes(world, make_ticket, client_for):
    ticket = make_ticket(group=world.support, internal_note="Only for agents", form=world.general)
    page = client_for(world.agent).get(f"/acme/agent/tickets/{ticket.id}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Only for agents" in body and "Internal note" in body and "comment-internal" in body
    assert "Internal priority" in body  # agent-only fields are shown in the workspace
    assert "Haru Tanaka" in body  # requester profile


def test_another_brands_ticket_is_404(world, make_ticket, client_for):
    foreign = make_ticket(brand=world.other_brand, group=world.paie, subject="Payslip")
    agent = client_for(world.agent)
    assert agent.get(f"/acme/agent/tickets/{foreign.id}").status_code == 404
    assert agent.post(f"/acme/agent/tickets/{foreign.id}", data=form_data(foreign, body="hi")).status_code == 404
    assert agent.get("/acme/agent/tickets/999999").status_code == 404


def test_public_reply_and_internal_note(world, make_ticket, client_for):
    ticket = make_ticket(group=world.support)
    agent = client_for(world.agent)
    response = agent.post(f"/acme/agent/tickets/{ticket.id}", data=form_data(ticket, body="Try this", public="1"))
    assert response.status_code == 302
    ticket = fresh(ticket.id)
    response = agent.post(f"/acme/agent/tickets/{ticket.id}", data=form_data(ticket, body="Note", public="0"))
    assert response.status_code == 302
    comments = db.session.scalars(select(Comment).where(Comment.ticket_id == ticket.id).order_by(Comment.id)).all()
    assert [(c.body, c.is_public) for c in comments[1:]] == [("Try this", True), ("Note", False)]


def test_status_new_is_never_set_back_and_closed_is_cron_only(world, make_ticket, client_for):
    ticket = make_ticket(group=world.support, status="open")
    agent = client_for(world.agent)
    for status, message in (("new", "cannot be set back to new"), ("closed", "closed automatically"),
                            ("bogus", "valid status")):
        response = agent.post(f"/acme/agent/tickets/{ticket.id}", data=form_data(ticket, status=status))
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert fresh(ticket.id).status == "open"
    closed = make_ticket(group=world.support, status="closed")
    response = agent.post(f"/acme/agent/tickets/{closed.id}", data=form_data(closed, body="late"))
    assert response.status_code == 409
    assert db.session.scalar(select(Comment.id).where(Comment.body == "late")) is None


def test_solving_needs_required_fields_then_assigns_the_solver(world, make_ticket, client_for):
    ticket = make_ticket(group=world.support, form=world.general)
    agent = client_for(world.agent)
    refused = agent.post(f"/acme/agent/tickets/{ticket.id}", data=form_data(ticket, status="solved", body="Done?"))
    assert refused.status_code == 422
    assert "Internal priority" in refused.get_data(as_text=True)
    assert "Done?" in refused.get_data(as_text=True)  # what was typed is kept
    ticket = fresh(ticket.id)
    assert ticket.status == "open" and ticket.assignee_id is None
    assert db.session.scalar(select(Comment.id).where(Comment.body == "Done?")) is None

    field = f"field_{world.internal_priority.id}"
    ok = agent.post(f"/acme/agent/tickets/{ticket.id}", data=form_data(ticket, status="solved", **{field: "high"}))
    assert ok.status_code == 302
    ticket = fresh(ticket.id)
    assert (ticket.status, ticket.assignee_id) == ("solved", world.agent.id)
    assert ticket.solved_at is not None
    assert db.session.scalar(select(TicketFieldValue.value).where(TicketFieldValue.ticket_id == ticket.id)) == "high"
    events = {e.field: (e.old_value, e.new_value, e.actor_id) for e in
              db.session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id))}
    assert events["status"] == ("open", "solved", world.agent.id)
    assert events["assignee"] == (None, "Sarah Agent", world.agent.id)
    history = agent.get(f"/acme/agent/tickets/{ticket.id}").get_data(as_text=True)
    assert "History" in history and "<td>Set Internal priority to “high”</td>" in history


def test_solver_outside_the_group_is_refused_unless_someone_is_assigned(world, make_ticket, client_for):
    ticket = make_ticket(group=world.support)
    outsider = client_for(world.security_agent)  # an agent of Security only
    refused = outsider.post(f"/acme/agent/tickets/{ticket.id}", data=form_data(ticket, status="solved"))
    assert refused.status_code == 422
    assert "not a member of the group Support" in refused.get_data(as_text=True)
    assert fresh(ticket.id).status == "open"
    ok = outsider.post(f"/acme/agent/tickets/{ticket.id}",
                       data=form_data(ticket, status="solved", assignee_id=str(world.agent2.id)))
    assert ok.status_code == 302
    assert (fresh(ticket.id).status, fresh(ticket.id).assignee_id) == ("solved", world.agent2.id)
    # With no group, any agent may be assigned, so the solver is.
    loose = make_ticket(group=None)
    assert outsider.post(f"/acme/agent/tickets/{loose.id}", data=form_data(loose, status="solved")).status_code == 302
    assert fresh(loose.id).assignee_id == world.security_agent.id


def test_assignee_must_be_an_agent_of_the_group(world, make_ticket, client_for):
    ticket = make_ticket(group=world.support)
    agent = client_for(world.agent)
    for assignee, message in ((world.security_agent, "is not an agent of the group Support"),
                              (world.light, "Only agents of this help centre"),
                              (world.user, "Only agents of this help centre"),
                              (world.globex_agent, "Only agents of this help centre")):
        response = agent.post(f"/acme/agent/tickets/{ticket.id}", data=form_data(ticket, assignee_id=str(assignee.id)))
        assert response.status_code == 422, assignee.name
        assert message in response.get_data(as_text=True)
    assert fresh(ticket.id).assignee_id is None
    assert agent.post(f"/acme/agent/tickets/{ticket.id}",
                      data=form_data(ticket, assignee_id=str(world.agent2.id))).status_code == 302
    # Moving to another group drops an assignee who is not in it (recorded in the history), but
    # choosing someone outside the new group is refused.
    ticket = fresh(ticket.id)
    assert agent.post(f"/acme/agent/tickets/{ticket.id}",
                      data=form_data(ticket, group_id=str(world.security.id), assignee_id=str(world.agent.id))
                      ).status_code == 422
    assert agent.post(f"/acme/agent/tickets/{ticket.id}",
                      data=form_data(ticket, group_id=str(world.security.id))).status_code == 302
    ticket = fresh(ticket.id)
    assert (ticket.group_id, ticket.assignee_id) == (world.security.id, None)
    assert db.session.scalar(select(TicketEvent.old_value).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.field == "assignee", TicketEvent.new_value.is_(None))) \
        == "Alan Agent"
    foreign_group = agent.post(f"/acme/agent/tickets/{ticket.id}", data=form_data(ticket, group_id=str(world.paie.id)))
    assert foreign_group.status_code == 422


def test_stale_version_is_409_shows_what_changed_and_writes_nothing(world, make_ticket, client_for):
    ticket = make_ticket(group=world.support)
    seen = form_data(ticket, seen_event_id="0", seen_comment_id="0")
    first, second = client_for(world.agent), client_for(world.agent2)
    assert first.post(f"/acme/agent/tickets/{ticket.id}",
                      data={**seen, "priority": "urgent", "body": "Escalating"}).status_code == 302
    late = second.post(f"/acme/agent/tickets/{ticket.id}", data={**seen, "status": "pending", "body": "My reply"})
    assert late.status_code == 409
    body = late.get_data(as_text=True)
    assert "Someone else changed this ticket" in body
    assert "Sarah Agent: Changed Priority from “Normal” to" in body and "Escalating" in body  # what changed
    assert "My reply" in body  # nothing typed is lost
    ticket = fresh(ticket.id)
    assert (ticket.priority, ticket.status) == ("urgent", "open")
    assert db.session.scalar(select(Comment.id).where(Comment.body == "My reply")) is None
    assert second.post(f"/acme/agent/tickets/{ticket.id}",
                       data={**seen, "version": "x", "body": "hi"}).status_code == 422


def test_light_agent_writes_internal_notes_only_and_changes_nothing(world, make_ticket, client_for):
    ticket = make_ticket(group=world.support, form=world.general)
    hidden = make_ticket(group=world.security, subject="Security only")
    light = client_for(world.light)
    page = light.get(f"/acme/agent/tickets/{ticket.id}").get_data(as_text=True)
    assert 'name="status"' not in page and 'id="reply-public"' not in page
    assert light.get(f"/acme/agent/tickets/{hidden.id}").status_code == 404
    note = light.post(f"/acme/agent/tickets/{ticket.id}", data={"version": ticket.version, "body": "A note", "public": "0"})
    assert note.status_code == 302
    assert db.session.scalar(select(Comment.is_public).where(Comment.body == "A note")) is False
    ticket = fresh(ticket.id)
    for change in ({"public": "1", "body": "Public?"}, {"status": "pending"}, {"priority": "high"},
                   {"assignee_id": str(world.agent.id)}, {"group_id": str(world.security.id)},
                   {f"field_{world.category.id}": "software"}):
        response = light.post(f"/acme/agent/tickets/{ticket.id}", data={"version": ticket.version, **change})
        assert response.status_code == 403, change
        assert "Light agents can only add internal notes" in response.get_data(as_text=True)
    ticket = fresh(ticket.id)
    assert (ticket.status, ticket.priority, ticket.assignee_id, ticket.group_id) == (
        "open", "normal", None, world.support.id)
    assert db.session.scalar(select(Comment.id).where(Comment.body == "Public?")) is None


def test_agent_requester_does_not_see_internal_notes_when_the_brand_hides_them(world, make_ticket, client_for):
    ticket = make_ticket(requester=world.security_agent, group=world.support, internal_note="Payroll detail")
    outsider = client_for(world.security_agent)
    assert "Payroll detail" in outsider.get(f"/acme/agent/tickets/{ticket.id}").get_data(as_text=True)
    world.brand.settings = {"hide_internal_notes_from_agent_requesters": True}
    db.session.commit()
    page = outsider.get(f"/acme/agent/tickets/{ticket.id}").get_data(as_text=True)
    assert "Payroll detail" not in page and "hidden from you" in page
    # A member of the group who is not the requester still sees them.
    assert "Payroll detail" in client_for(world.agent).get(f"/acme/agent/tickets/{ticket.id}").get_data(as_text=True)


def test_nothing_to_update_is_422(world, make_ticket, client_for):
    ticket = make_ticket(group=world.support)
    response = client_for(world.agent).post(f"/acme/agent/tickets/{ticket.id}", data=form_data(ticket))
    assert response.status_code == 422
    assert "nothing to update" in response.get_data(as_text=True)


def test_an_agents_update_opens_a_new_ticket_unless_another_status_is_chosen(world, make_ticket, client_for):
    """Issue 14 item 4, as in Zendesk: assigned and answered, the requester no longer reads "New"."""
    ticket = make_ticket(group=world.support, status="new")
    agent = client_for(world.agent)
    response = agent.post(f"/acme/agent/tickets/{ticket.id}",
                          data=form_data(ticket, assignee_id=str(world.agent.id), body="On it", public="1"))
    assert response.status_code == 302
    opened = fresh(ticket.id)
    assert opened.status == "open"
    assert db.session.scalar(select(TicketEvent.new_value).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.field == "status")) == "open"
    chosen = make_ticket(group=world.support, status="new")
    agent.post(f"/acme/agent/tickets/{chosen.id}", data=form_data(chosen, status="pending", body="Waiting on you"))
    assert fresh(chosen.id).status == "pending"


def test_a_light_agents_note_leaves_a_new_ticket_new(world, make_ticket, client_for):
    ticket = make_ticket(group=world.support, status="new")
    response = client_for(world.light).post(f"/acme/agent/tickets/{ticket.id}",
                                            data={"version": str(ticket.version), "body": "Seen", "public": "0"})
    assert response.status_code == 302
    assert fresh(ticket.id).status == "new"
