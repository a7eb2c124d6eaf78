"""Conditional fields in a real browser while signed in (issue 14 item 1): the page's first form is
the header's sign-out form, and the condition script must still find the request form."""
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.tickets.models import Ticket
from tests.live import acme_form_id, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("email", ["user@example.com", "agent@example.com"])
def test_laptop_serial_appears_when_device_is_laptop_and_the_request_is_sent(demo_site, page, email):
    app, base, _port = demo_site
    form_id = acme_form_id(app, "Security report")
    sign_in(page, base, email)
    page.goto(f"{base}/acme/hc/en/requests/new?ticket_form_id={form_id}")
    serial = page.get_by_label("Laptop serial")
    assert not serial.is_visible()
    page.get_by_label("Device").select_option("laptop")
    assert serial.is_visible()
    page.get_by_label("Device").select_option("phone")
    assert not serial.is_visible()
    page.get_by_label("Device").select_option("laptop")
    subject = f"Stolen laptop ({email})"
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Description").fill("It was on my desk.")
    serial.fill("SN-1234")
    page.click("form:has([name=subject]) [type=submit]:not([name=save_draft])")
    page.wait_for_url(f"{base}/acme/hc/en/requests/*")
    assert page.get_by_text(subject).first.is_visible()
    with app.app_context():
        assert db.session.scalar(select(Ticket.id).where(Ticket.subject == subject)) is not None
