"""Every workspace POST needs the CSRF token; the pages carry it and no inline script."""
from sqlalchemy import select

from portal.agent.models import AssistanceRequest
from portal.extensions import db
from portal.models import Comment
from tests.conftest import csrf_token_from

from .conftest import set_online


def test_forged_posts_are_refused_and_real_ones_pass(csrf_app, world, make_ticket):
    set_online(world.supervisor)
    ticket = make_ticket(group=world.support)
    from tests.conftest import PASSWORD

    agent = csrf_app.test_client()
    signin_page = agent.get("/acme/hc/en/signin").get_data(as_text=True)
    assert agent.post("/acme/hc/en/signin", data={"email": world.agent.email, "password": PASSWORD,
                                                  "csrf_token": csrf_token_from(signin_page)}).status_code == 302
    for url, data in ((f"/acme/agent/tickets/{ticket.id}", {"version": "1", "body": "forged", "public": "0"}),
                      (f"/acme/agent/tickets/{ticket.id}/assistance", {"reason": "forged"}),
                      ("/acme/agent/preferences", {"play_sound": "1"}),
                      ("/acme/agent/tickets/new", {"subject": "forged"})):
        assert agent.post(url, data=data).status_code == 400, url
    assert db.session.scalar(select(Comment.id).where(Comment.body == "forged")) is None
    assert db.session.scalar(select(AssistanceRequest.id)) is None

    page = agent.get(f"/acme/agent/tickets/{ticket.id}")
    html = page.get_data(as_text=True)
    assert "<script>" not in html and " style=" not in html
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    token = csrf_token_from(html)
    assert agent.post(f"/acme/agent/tickets/{ticket.id}/assistance",
                      data={"reason": "real", "csrf_token": token}).status_code == 302
