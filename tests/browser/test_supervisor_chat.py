"""Supervisor assistance in two real browsers (issue 14 item 5): the agent's page follows the
request without a reload (accepted: "Mark done" appears; chat lines arrive), and no pop-up covers
the chat box at 1280×900."""
import pytest
from sqlalchemy import select

from portal.agent.models import AssistanceRequest
from portal.brands.models import Brand, Group
from portal.extensions import db
from portal.tickets.models import Ticket
from tests.live import sign_in

pytestmark = pytest.mark.browser


def _free_support_ticket(app) -> int:
    with app.app_context():
        acme = db.session.scalar(select(Brand.id).where(Brand.slug == "acme"))
        support = db.session.scalar(select(Group.id).where(Group.brand_id == acme, Group.name == "Support"))
        asked = select(AssistanceRequest.ticket_id)
        return db.session.scalar(select(Ticket.id).where(
            Ticket.brand_id == acme, Ticket.group_id == support, Ticket.status.in_(("new", "open")),
            Ticket.id.not_in(asked)).order_by(Ticket.id).limit(1))


def _overlaps(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def test_the_agent_follows_the_assistance_without_reloading(demo_site, browser):
    app, base, _port = demo_site
    ticket = _free_support_ticket(app)
    assert ticket is not None
    size = {"width": 1280, "height": 900}
    agent_context, boss_context = browser.new_context(viewport=size), browser.new_context(viewport=size)
    try:
        agent, boss = agent_context.new_page(), boss_context.new_page()
        for p in (agent, boss):
            p.set_default_timeout(30_000)
        sign_in(boss, base, "super@example.com")  # signing in makes the supervisor present
        sign_in(agent, base, "agent@example.com")
        agent.goto(f"{base}/acme/agent/tickets/{ticket}")
        agent.fill("#assist-reason", "Caller asks about payroll rules")
        agent.click("#assistance button:has-text('Request assistance')")
        agent.wait_for_selector("#assist-status[data-status='waiting']")
        reloads = []
        agent.on("load", lambda _page: reloads.append(1))

        boss.goto(f"{base}/acme/agent/tickets/{ticket}")
        boss.click("button:has-text('Accept and assist')")
        boss.wait_for_selector("#assist-message")

        # Accepted: the agent's own page shows it and offers "Mark done", no reload.
        agent.wait_for_selector("#assistance button:has-text('Mark done')", timeout=20_000)
        assert agent.get_attribute("#assist-status", "data-status") == "accepted"

        boss.fill("#assist-message", "Check the payroll FAQ")
        boss.click("#assist-message-form button[type=submit]")
        agent.wait_for_selector("#assist-chat li:has-text('Check the payroll FAQ')", timeout=20_000)
        agent.fill("#assist-message", "Thanks, that was it")
        agent.click("#assist-message-form button[type=submit]")
        boss.wait_for_selector("#assist-chat li:has-text('Thanks, that was it')", timeout=20_000)
        assert reloads == []

        chat_box = agent.locator("#assist-message-form").bounding_box()
        for toast in agent.locator("#assist-toasts .toast.show").all():
            assert not _overlaps(toast.bounding_box(), chat_box), "a pop-up covers the chat box"
        agent.click("#assistance button:has-text('Mark done')")
        agent.wait_for_selector("#assist-reason")
    finally:
        agent_context.close()
        boss_context.close()
