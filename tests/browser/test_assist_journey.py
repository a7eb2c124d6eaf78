"""Assisted service in a real browser (DESIGN §8): Debian's chromium through Playwright, on the demo
data served by a real HTTP server on a free loopback port. In CI a missing chromium fails."""
import time

import pytest
from sqlalchemy import func, select

from portal.assist.models import Interaction
from portal.auth.models import User
from portal.brands.models import Brand
from portal.extensions import db
from portal.tickets.models import Ticket, TicketForm
from tests.live import demo_server, sign_in

pytestmark = pytest.mark.browser
IDLE_SECONDS = 3


@pytest.fixture
def short_idle(tmp_path):
    with demo_server(tmp_path, ASSIST_IDLE_TIMEOUT_SECONDS=IDLE_SECONDS) as (app, base, _port):
        yield app, base


def sign_in_as_agent(page, base, locale):
    sign_in(page, base, "agent@example.com", locale)


def start_assisting_haru_by_phone(page, base, locale, haru_id):
    page.goto(f"{base}/acme/hc/{locale}/?asm=true")
    page.wait_for_url("**/acme/agent/assist?**")
    page.fill("#assist-q", "06 12 34 56 78")
    page.click("form[role=search] [type=submit]")
    page.click(f"#assist-results [data-user-id='{haru_id}'] a.btn-primary")
    page.select_option("#assist-channel", "phone")
    page.select_option("#assist-service", "General request")
    page.click("form[action$='/assist/start'] [type=submit]")
    page.wait_for_url(f"{base}/acme/hc/{locale}/")
    assert page.locator("#assist-banner").is_visible()


def ids(app):
    with app.app_context():
        haru = db.session.scalar(select(User.id).where(User.email == "user@example.com"))
        sarah = db.session.scalar(select(User.id).where(User.email == "agent@example.com"))
        form = db.session.scalar(select(TicketForm.id).join(Brand, Brand.id == TicketForm.brand_id)
                                 .where(TicketForm.name == "General request", Brand.slug == "acme"))
        return haru, sarah, form


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_assisted_request_then_logged_call_in_the_dashboard(demo_site, page, locale):
    app, base, _port = demo_site
    haru, sarah, form_id = ids(app)
    sign_in_as_agent(page, base, locale)
    start_assisting_haru_by_phone(page, base, locale, haru)
    assert page.get_attribute("html", "lang") == locale

    subject = f"Scanner offline ({locale})"
    page.goto(f"{base}/acme/hc/{locale}/requests/new?ticket_form_id={form_id}")
    page.fill("input[name=subject]", subject)
    page.fill("textarea[name=description]", "The scanner on floor 3 shows no light.")
    page.get_by_label("Category").select_option("hardware")
    page.click("button[name=submit]")
    page.wait_for_url(f"{base}/acme/hc/{locale}/requests/*")
    page.fill("textarea[name=body]", "Haru adds: it started yesterday.")
    page.click("form:has(textarea[name=body]) [type=submit]")
    page.wait_for_url(f"{base}/acme/hc/{locale}/requests/*")
    assert "Haru adds: it started yesterday." in page.content()

    page.click("#assist-banner a[href$='/assist/end']")
    page.select_option("#assist-outcome", "resolved")
    page.fill("#assist-note", "Request raised for the scanner.")
    page.click("form[action$='/assist/end'] [type=submit]")
    page.wait_for_url(f"{base}/acme/agent/interactions")
    assert page.locator("#assist-banner").count() == 0

    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.subject == subject))
        assert (ticket.requester_id, ticket.submitter_id, ticket.assisted_by_id, ticket.channel) == (
            haru, haru, sarah, "phone")
        assert all(c.assisted_by_id == sarah and c.author_id == haru for c in ticket.comments)

    page.goto(f"{base}/acme/agent/interactions/new")
    page.fill("#entry-email", "user@example.com")
    page.select_option("#assist-channel", "phone")
    page.select_option("#assist-service", "General request")
    page.fill("#entry-minutes", "12")
    page.select_option("#assist-outcome", "resolved")
    page.click("form[action$='/interactions/new'] [type=submit]")
    page.wait_for_url(f"{base}/acme/agent/interactions")

    page.goto(f"{base}/acme/agent/dashboards?days=7")
    with app.app_context():
        phone_seconds = db.session.scalar(select(func.sum(Interaction.seconds_spent)).where(
            Interaction.channel == "phone", Interaction.ended_at.is_not(None)))
        manual = db.session.scalar(select(func.count()).select_from(Interaction).where(
            Interaction.manual.is_(True), Interaction.seconds_spent == 720))
    assert manual >= 1 and phone_seconds >= 720
    cell = page.locator("table[data-chart=channel] td[data-value]").first
    assert cell.get_attribute("data-value") == f"{phone_seconds / 60:.1f}"
    assert page.locator("#chart-channel svg rect").count() >= 1


def test_idle_timeout_ends_acting_as_the_user(short_idle, page):
    app, base = short_idle
    haru, _sarah, _form = ids(app)
    sign_in_as_agent(page, base, "en")
    start_assisting_haru_by_phone(page, base, "en", haru)
    page.goto("about:blank")  # no banner polling: the server alone must end it
    time.sleep(IDLE_SECONDS + 1)
    page.goto(f"{base}/acme/hc/en/requests")
    assert page.locator("#assist-banner").count() == 0
    assert "timed out" in page.inner_text("main")
    assert "Sarah Agent" in page.inner_text("header")
    with app.app_context():
        interaction = db.session.scalar(select(Interaction))
        assert interaction.end_reason == "timed_out" and interaction.seconds_spent <= IDLE_SECONDS + 1
