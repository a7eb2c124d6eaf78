"""While assisting, the help centre is the user's and every write carries both names."""
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.tickets.models import Comment, Ticket, TicketEvent


def submit(client, world, subject="Printer jams"):
    return client.post(f"/acme/hc/en/requests/new?ticket_form_id={world.general.id}",
                       data={"subject": subject, "description": "It jams on floor 2.",
                             f"field_{world.category.id}": "hardware"})


def test_request_and_comment_are_the_users_with_assisted_by_and_channel(client, world, assisting):
    response = submit(client, world)
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    ticket = db.session.scalar(select(Ticket))
    assert (ticket.requester_id, ticket.submitter_id, ticket.assisted_by_id, ticket.channel) == (
        world.user.id, world.user.id, world.agent.id, "phone")
    assert client.post(f"/acme/hc/en/requests/{ticket.id}/comments", data={"body": "More detail"}).status_code == 302
    comment = db.session.scalars(select(Comment).order_by(Comment.id.desc())).first()
    assert (comment.author_id, comment.assisted_by_id, comment.channel, comment.is_public) == (
        world.user.id, world.agent.id, "phone", True)
    history = db.session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)).all()
    assert history and all((e.actor_id, e.assisted_by_id) == (world.user.id, world.agent.id) for e in history)
    audits = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "assist.acted")).all()
    assert len(audits) == 2
    assert {(a.actor_id, a.on_behalf_of_id) for a in audits} == {(world.agent.id, world.user.id)}


def test_my_activities_are_the_users(client, world, assisting):
    db.session.add(Ticket(brand_id=world.brand.id, subject="Haru's own request", requester_id=world.user.id,
                          submitter_id=world.user.id, status="open"))
    db.session.add(Ticket(brand_id=world.brand.id, subject="Sarah's own request", requester_id=world.agent.id,
                          submitter_id=world.agent.id, status="open"))
    db.session.commit()
    page = client.get("/acme/hc/en/requests").get_data(as_text=True)
    assert "Haru&#39;s own request" in page or "Haru's own request" in page
    assert "Sarah" not in page.split("</header>", 1)[1].split("assist-banner")[0]


def test_agent_marks_the_users_request_solved_but_cannot_rate(client, world, assisting):
    ticket = Ticket(brand_id=world.brand.id, subject="VPN drops", requester_id=world.user.id,
                    submitter_id=world.user.id, status="open", assignee_id=world.agent2.id)
    db.session.add(ticket)
    db.session.commit()
    assert client.post(f"/acme/hc/en/requests/{ticket.id}/solve").status_code == 302
    db.session.refresh(ticket)
    assert ticket.status == "solved"
    solved = db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                         TicketEvent.field == "status"))
    assert (solved.actor_id, solved.assisted_by_id) == (world.user.id, world.agent.id)
    rating = client.post(f"/acme/hc/en/requests/{ticket.id}/rating", data={"score": "good"})
    assert rating.status_code == 403
    assert "blocked while assisting" in rating.get_data(as_text=True)
    db.session.refresh(ticket)
    assert ticket.rating is None


def test_password_and_email_changes_are_blocked(client, world, assisting):
    for path in ("profile/password", "profile/email"):
        response = client.post(f"/acme/hc/en/{path}", data={})
        assert response.status_code == 403
        assert "blocked while assisting" in response.get_data(as_text=True)


def test_after_ending_the_help_centre_is_the_agents_again(client, world, assisting):
    client.post("/acme/agent/assist/end", data={"interaction_id": assisting.id, "outcome": "resolved"})
    assert submit(client, world, "Sarah's own").status_code == 302
    ticket = db.session.scalar(select(Ticket).where(Ticket.subject == "Sarah's own"))
    assert (ticket.requester_id, ticket.assisted_by_id, ticket.channel) == (world.agent.id, None, "web")


def test_brand_switch_is_hidden_while_assisting(client, world, login, start):
    login(world.brand, world.agent)
    assert ">Brands<" in client.get("/acme/hc/en/").get_data(as_text=True)
    start(world.user)
    assert ">Brands<" not in client.get("/acme/hc/en/").get_data(as_text=True)


def test_in_another_brand_the_agent_is_themself(client, world, assisting):
    page = client.get("/globex/hc/en/").get_data(as_text=True)
    assert "This assist belongs to Acme IT" in page
    response = client.post(f"/globex/hc/en/requests/new?ticket_form_id={world.demande.id}",
                           data={"subject": "Congés", "description": "Combien ?"})
    assert response.status_code == 302
    ticket = db.session.scalar(select(Ticket).where(Ticket.brand_id == world.other_brand.id))
    assert (ticket.requester_id, ticket.assisted_by_id, ticket.channel) == (world.agent.id, None, "web")
