"""The ticket page's group and assignee in a real browser: only agents of the chosen group can be
picked (the server refuses the others as well: tests/agent)."""
import pytest
from sqlalchemy import select

from portal.auth.models import User
from portal.brands.models import Brand, Group
from portal.extensions import db
from portal.tickets.models import Ticket
from tests.live import sign_in

pytestmark = pytest.mark.browser


def test_assignees_outside_the_chosen_group_cannot_be_picked(demo_site, page):
    app, base, _port = demo_site
    with app.app_context():
        acme = db.session.scalar(select(Brand.id).where(Brand.slug == "acme"))
        support, security = (db.session.scalar(select(Group.id).where(Group.brand_id == acme, Group.name == name))
                             for name in ("Support", "Security"))
        sarah, sam, ada = (db.session.scalar(select(User.id).where(User.email == email))
                           for email in ("agent@example.com", "super@example.com", "admin@example.com"))
        ticket = db.session.scalar(select(Ticket.id).where(Ticket.brand_id == acme, Ticket.group_id == support,
                                                           Ticket.status == "new").limit(1))
    sign_in(page, base, "agent@example.com")
    page.goto(f"{base}/acme/agent/tickets/{ticket}")

    def disabled(user_id):
        return page.locator(f"#prop-assignee option[value='{user_id}']").is_disabled()

    assert page.input_value("#prop-group") == str(support)
    assert (disabled(sarah), disabled(sam), disabled(ada)) == (False, False, True)  # Ada is in no group
    page.select_option("#prop-assignee", str(sarah))
    page.select_option("#prop-group", str(security))
    assert (disabled(sarah), disabled(sam)) == (True, False)
    assert page.input_value("#prop-assignee") == ""  # Sarah is not in Security: dropped
    page.select_option("#prop-group", "")
    assert (disabled(sarah), disabled(sam), disabled(ada)) == (False, False, False)  # no group: any agent
