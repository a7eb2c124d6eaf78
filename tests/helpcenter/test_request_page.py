"""The request page: thread, fields, comments and status rules, solve, rating, follow-up."""
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Comment, Ticket, TicketEvent, TicketFieldValue

from .conftest import hc


def comments_of(ticket):
    return db.session.scalar(select(func.count()).select_from(Comment).where(Comment.ticket_id == ticket.id))


def fresh(ticket):
    db.session.expire_all()
    return db.session.get(Ticket, ticket.id)


def test_page_shows_public_thread_and_portal_fields_only(client, world, login, make_ticket):
    ticket = make_ticket(world.user, form=world.general)
    db.session.add_all([
        Comment(ticket_id=ticket.id, author_id=world.agent.id, body="secret note", is_public=False),
        Comment(ticket_id=ticket.id, author_id=world.agent.id, body="<b>hi</b>\nsee https://example.org",
                is_public=True),
        TicketFieldValue(ticket_id=ticket.id, field_id=world.reference.id, value="REF-42"),
        TicketFieldValue(ticket_id=ticket.id, field_id=world.internal_priority.id, value="high-secret"),
    ])
    db.session.commit()
    login(world.brand, world.user)
    html = client.get(hc(world, f"requests/{ticket.id}")).get_data(as_text=True)
    assert "It jams." in html and "REF-42" in html
    assert "secret note" not in html and "high-secret" not in html
    assert "&lt;b&gt;hi&lt;/b&gt;<br>" in html and 'href="https://example.org"' in html


def test_someone_elses_or_another_brands_request_is_not_found(client, world, make_world, login, make_ticket):
    other_brand = make_world("globex")
    theirs = make_ticket(world.other)
    elsewhere = other_brand.make_ticket(other_brand.user)
    login(world.brand, world.user)
    assert client.get(hc(world, f"requests/{theirs.id}")).status_code == 404
    assert client.get(hc(world, f"requests/{elsewhere.id}")).status_code == 404
    assert client.post(hc(world, f"requests/{theirs.id}/comments"), data={"body": "hi"}).status_code == 404
    assert comments_of(theirs) == 1


def test_cc_can_read_and_comment(client, world, login, make_ticket):
    ticket = make_ticket(world.other, ccs=[world.user])
    login(world.brand, world.user)
    assert client.get(hc(world, f"requests/{ticket.id}")).status_code == 200
    assert client.post(hc(world, f"requests/{ticket.id}/comments"), data={"body": "me too"}).status_code == 302
    assert comments_of(ticket) == 2


def test_end_user_comment_reopens(client, world, login, make_ticket):
    login(world.brand, world.user)
    for status in ("pending", "hold", "solved"):
        ticket = make_ticket(world.user, status=status, assignee=world.agent)
        response = client.post(hc(world, f"requests/{ticket.id}/comments"), data={"body": "Still broken"})
        assert response.status_code == 302
        ticket = fresh(ticket)
        assert ticket.status == "open" and ticket.solved_at is None
        event = db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                            TicketEvent.field == "status"))
        assert (event.old_value, event.new_value, event.actor_id) == (status, "open", world.user.id)


def test_new_request_stays_new_on_an_end_user_comment(client, world, login, make_ticket):
    ticket = make_ticket(world.user, status="new")
    login(world.brand, world.user)
    client.post(hc(world, f"requests/{ticket.id}/comments"), data={"body": "More details"})
    assert fresh(ticket).status == "new"


def test_empty_comment_is_refused(client, world, login, make_ticket):
    ticket = make_ticket(world.user)
    login(world.brand, world.user)
    response = client.post(hc(world, f"requests/{ticket.id}/comments"), data={"body": "   "})
    assert response.status_code == 422
    assert "Please write a message." in response.get_data(as_text=True)
    assert comments_of(ticket) == 1


def test_comment_on_closed_request_is_a_conflict_with_a_follow_up_link(client, world, login, make_ticket):
    ticket = make_ticket(world.user, status="closed")
    login(world.brand, world.user)
    response = client.post(hc(world, f"requests/{ticket.id}/comments"), data={"body": "Again"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This request is closed" in html and f"followup_of={ticket.id}" in html
    assert comments_of(ticket) == 1


def test_follow_up_of_a_closed_request(client, world, login, make_ticket):
    source = make_ticket(world.user, status="closed", form=world.general)
    login(world.brand, world.user)
    page = client.get(hc(world, f"requests/new?followup_of={source.id}"))
    assert page.status_code == 200 and f"#{source.id}" in page.get_data(as_text=True)
    assert 'value="Printer jams"' in page.get_data(as_text=True)  # the subject is prefilled (issue 14)
    response = client.post(hc(world, f"requests/new?followup_of={source.id}"), data={
        "subject": "Again", "description": "It is back", f"field_{world.category.id}": "hardware"})
    assert response.status_code == 302
    followup = db.session.scalar(select(Ticket).where(Ticket.followup_source_id == source.id))
    assert followup.requester_id == world.user.id and followup.status == "new"


def test_follow_up_of_an_open_request_is_refused(client, world, login, make_ticket):
    source = make_ticket(world.user, status="open", form=world.general)
    login(world.brand, world.user)
    response = client.post(hc(world, f"requests/new?followup_of={source.id}"), data={
        "subject": "Again", "description": "It is back", f"field_{world.category.id}": "hardware"})
    assert response.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 1


def test_requester_marks_solved_without_required_to_solve_fields(client, world, login, make_ticket):
    ticket = make_ticket(world.user, status="open", assignee=world.agent, form=world.general)
    login(world.brand, world.user)
    assert "Mark as solved" in client.get(hc(world, f"requests/{ticket.id}")).get_data(as_text=True)
    assert client.post(hc(world, f"requests/{ticket.id}/solve")).status_code == 302
    ticket = fresh(ticket)
    assert ticket.status == "solved" and ticket.solved_at is not None


def test_mark_solved_refused_without_assignee_or_setting(client, make_world, login):
    w = make_world("acme", end_users_can_solve=False)
    ticket = w.make_ticket(w.user, status="open", assignee=w.agent)
    unassigned = w.make_ticket(w.user, status="open")
    login(w.brand, w.user)
    assert "Mark as solved" not in client.get(hc(w, f"requests/{ticket.id}")).get_data(as_text=True)
    response = client.post(hc(w, f"requests/{ticket.id}/solve"))
    assert response.status_code == 403
    assert "cannot be marked as solved" in response.get_data(as_text=True)
    w.brand.settings = {}
    db.session.commit()
    assert client.post(hc(w, f"requests/{unassigned.id}/solve")).status_code == 409
    assert fresh(ticket).status == "open" and fresh(unassigned).status == "open"


def test_rating_is_changeable_until_closed(client, world, login, make_ticket):
    ticket = make_ticket(world.user, status="solved", assignee=world.agent)
    login(world.brand, world.user)
    url = hc(world, f"requests/{ticket.id}/rating")
    assert client.post(url, data={"score": "bad", "comment": "slow"}).status_code == 302
    assert client.post(url, data={"score": "good"}).status_code == 302
    ticket = fresh(ticket)
    assert (ticket.rating, ticket.rating_comment) == ("good", None)
    ticket.status = "closed"
    db.session.commit()
    response = client.post(url, data={"score": "bad"})
    assert response.status_code == 409 and fresh(ticket).rating == "good"


def test_rating_bad_input_and_wrong_status(client, world, login, make_ticket):
    solved = make_ticket(world.user, status="solved", assignee=world.agent)
    open_ticket = make_ticket(world.user, status="open", assignee=world.agent)
    login(world.brand, world.user)
    response = client.post(hc(world, f"requests/{solved.id}/rating"), data={"score": "meh"})
    assert response.status_code == 422 and fresh(solved).rating is None
    assert client.post(hc(world, f"requests/{open_ticket.id}/rating"), data={"score": "good"}).status_code == 409


def test_ratings_off_refuses(client, make_world, login):
    w = make_world("acme", satisfaction_ratings=False)
    ticket = w.make_ticket(w.user, status="solved", assignee=w.agent)
    login(w.brand, w.user)
    response = client.post(hc(w, f"requests/{ticket.id}/rating"), data={"score": "good"})
    assert response.status_code == 403 and fresh(ticket).rating is None


def test_forged_post_without_csrf_token_is_refused(csrf_app, world, make_ticket):
    client = csrf_app.test_client()
    ticket = make_ticket(world.user)
    page = client.get(hc(world, "signin")).get_data(as_text=True)
    from tests.conftest import PASSWORD, csrf_token_from

    client.post(hc(world, "signin"), data={"email": world.user.email, "password": PASSWORD,
                                           "csrf_token": csrf_token_from(page)})
    response = client.post(hc(world, f"requests/{ticket.id}/comments"), data={"body": "forged"})
    assert response.status_code == 400 and comments_of(ticket) == 1
