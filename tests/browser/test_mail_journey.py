"""E-mail out, end to end in a real browser (issue 15): an agent replies publicly in the
workspace, `deliver` sends the notification to a real SMTP server, and the link in the
requester's message opens the request, where they read the reply."""
import re

import pytest
from sqlalchemy import select

from portal.auth.models import User
from portal.brands.models import Brand
from portal.extensions import db
from portal.tickets.models import Ticket
from tests.live import demo_server, sign_in
from tests.mail.conftest import smtp  # noqa: F401 (the real SMTP server fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def mail_site(tmp_path, smtp):
    with demo_server(tmp_path, SMTP_URL=smtp.url, MAIL_FROM="Acme Help <help@acme.test>") as (app, base, port):
        app.config["BASE_URL"] = base  # links in mail point at this server
        yield app, base


def test_an_agents_reply_reaches_the_requester_whose_link_opens_the_request(mail_site, smtp, page, browser):
    from portal.mail.delivery import deliver

    app, base = mail_site
    with app.app_context():
        acme = db.session.scalar(select(Brand).where(Brand.slug == "acme"))
        acme.host_mapping = None  # one host for the browser's cookies
        db.session.commit()
        user_id = db.session.scalar(select(User.id).where(User.email == "user@example.com"))
        ticket_id = db.session.scalar(select(Ticket.id).where(
            Ticket.brand_id == acme.id, Ticket.requester_id == user_id, Ticket.is_public.is_(True),
            Ticket.status.in_(("new", "open", "pending"))).order_by(Ticket.id).limit(1))
    assert ticket_id is not None

    sign_in(page, base, "agent@example.com")
    page.goto(f"{base}/acme/agent/tickets/{ticket_id}")
    reply = "The printer on floor 2 has a new fuser; please try again."
    page.check("#reply-public")
    page.fill("#reply-body", reply)
    page.click("form:has(#reply-body) [type=submit]")
    page.wait_for_url(f"{base}/acme/agent/tickets/{ticket_id}")

    with app.app_context():
        deliver()
    mine = [r.message for r in smtp.recorder.received if "user@example.com" in r.rcpt_tos]
    assert mine, [r.rcpt_tos for r in smtp.recorder.received]
    message = mine[-1]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert reply in text and f"#{ticket_id}" in message["Subject"]
    link = re.search(rf"{re.escape(base)}/acme/hc/\w+/requests/{ticket_id}\S*", text).group(0)

    requester = browser.new_context().new_page()
    requester.set_default_timeout(30_000)
    requester.goto(link)
    if "/signin" in requester.url:  # not signed in yet: the sign-in page brings them back
        requester.fill("input[name=email]", "user@example.com")
        requester.fill("input[name=password]", "demo-password")
        requester.click("form:has(input[name=password]) [type=submit]")
    requester.wait_for_url(re.compile(rf".*/requests/{ticket_id}.*"))
    assert requester.get_by_text(reply).first.is_visible()
    requester.context.close()
