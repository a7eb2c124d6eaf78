"""Registering on behalf (an invitation), Customer 360 and the dashboards."""
import re

from sqlalchemy import func, select

from portal.assist.models import Interaction
from portal.mail.models import MailOutbox
from portal.auth.models import User
from portal.extensions import db
from portal.tickets.models import Ticket

from .conftest import SERVICE


def register(client, **overrides):
    data = {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "06 11 22 33 44",
            "address": "1 rue des Maths", "channel": "phone", "service": SERVICE}
    data.update(overrides)
    return client.post("/acme/agent/assist/register", data=data)


def _invited_page(response, client):
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_register_a_new_person_invites_them_and_assisting_waits(client, world, login, tmp_path):
    world.brand.settings = {**world.brand.settings, "self_registration": False}
    db.session.commit()
    login(world.brand, world.agent)
    page = _invited_page(register(client), client)
    assert "An invitation was sent to ada@example.com" in page
    ada = db.session.scalar(select(User).where(User.email == "ada@example.com"))
    # An account holding only the e-mail (what the agent typed waits on the invitation), and no
    # member until Ada accepts.
    assert ada.role_in(world.brand) is None and ada.password_hash is None and ada.phone is None
    assert ada.name == "ada"
    mail = db.session.scalar(select(MailOutbox))
    assert mail.to_email == "ada@example.com" and mail.kind == "invitation"
    assert "/acme/hc/en/invitation/" in mail.body
    assert "Assisting" not in client.get("/acme/hc/en/").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Interaction)) == 0
    # The development mail is a file for the developer, never a page.
    assert client.get("/acme/agent/assist/mail").status_code == 404
    dropped = list((tmp_path / "mail").glob("*.eml"))
    assert len(dropped) == 1 and oct(dropped[0].stat().st_mode & 0o777) == "0o600"


def test_register_needs_the_capability(client, world, login, app):
    from tests.conftest import signin

    other = app.test_client()
    signin(other, world.brand, world.assisting_admin)  # can_assist without can_register_users
    register_link = 'href="/acme/agent/assist/register"'
    assert register_link not in other.get("/acme/agent/assist").get_data(as_text=True)  # the panel asks the policy
    login(world.brand, world.agent)
    assert register_link in client.get("/acme/agent/assist").get_data(as_text=True)
    assert other.get("/acme/agent/assist/register").status_code == 404
    assert other.post("/acme/agent/assist/register", data={"name": "X", "email": "x@example.com"}).status_code == 404
    assert db.session.scalar(select(User).where(User.email == "x@example.com")) is None


def test_register_bad_input_writes_nothing(client, world, login):
    login(world.brand, world.agent)
    for overrides in ({"email": "not-an-address"}, {"email": ""}):
        response = register(client, **overrides)
        assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(MailOutbox)) == 0
    assert db.session.scalar(select(User).where(User.email == "ada@example.com")) is None


def test_existing_member_is_offered_to_assist(client, world, login):
    login(world.brand, world.agent)
    response = register(client, email="user@example.com", name="Someone")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "already a member" in page and f"user_id={world.user.id}" in page
    assert db.session.scalar(select(func.count()).select_from(Interaction)) == 0
    assert db.session.scalar(select(func.count()).select_from(MailOutbox)) == 0


def test_another_brands_person_is_invited_exactly_like_a_new_one(client, world, login):
    """The agent cannot tell marie@ (globex) from a new e-mail, nor read or assist her."""
    login(world.brand, world.agent)
    marie_page = _invited_page(register(client, email="marie@example.com", name="M"), client)
    new_page = _invited_page(register(client, email="nobody-yet@example.com", name="M"), client)
    def neutral(page, email):  # the form's CSRF token carries a timestamp: not part of the answer
        return re.sub(r'name="csrf_token" value="[^"]*"', "", page.replace(email, "X"))

    assert neutral(marie_page, "marie@example.com") == neutral(new_page, "nobody-yet@example.com")
    db.session.refresh(world.outsider)
    assert world.outsider.role_in(world.brand) is None and world.outsider.name == "Marie Curie"
    assert client.get(f"/acme/agent/users/{world.outsider.id}").status_code == 404
    assert client.get(f"/acme/agent/assist/start?user_id={world.outsider.id}").status_code == 404
    assert "Marie Curie" not in client.get("/acme/agent/users?q=marie").get_data(as_text=True)
    assert client.post("/acme/agent/assist/register/existing", data={"email": "marie@example.com"}).status_code == 404


def test_customer_360(client, world, login):
    db.session.add_all([
        Ticket(brand_id=world.brand.id, subject="Printer jams", requester_id=world.user.id,
               submitter_id=world.user.id, status="open"),
        Ticket(brand_id=world.brand.id, subject="VPN drops", requester_id=world.user.id,
               submitter_id=world.user.id, status="solved", rating="good", rating_comment="Quick"),
        Ticket(brand_id=world.other_brand.id, subject="Payslip missing", requester_id=world.user.id,
               submitter_id=world.user.id, status="open"),
    ])
    db.session.commit()
    login(world.brand, world.agent)
    client.post("/acme/agent/interactions/new", data={"email": "user@example.com", "channel": "phone",
                                                       "service": SERVICE, "minutes": "12", "outcome": "resolved"})
    page = client.get(f"/acme/agent/users/{world.user.id}").get_data(as_text=True)
    assert "+33 6 12 34 56 78" in page and "Printer jams" in page and "VPN drops" in page
    assert "Payslip missing" not in page  # another brand's request
    assert "Quick" in page and "12:00" in page
    assert client.get(f"/acme/agent/users/{world.outsider.id}").status_code == 404


def test_dashboards_count_the_logged_minutes_in_both_languages(client, world, login, start):
    login(world.brand, world.agent)
    client.post("/acme/agent/interactions/new", data={"email": "user@example.com", "channel": "phone",
                                                       "service": SERVICE, "minutes": "12", "outcome": "resolved"})
    client.post("/acme/agent/interactions/new", data={"email": "niels@example.com", "channel": "chat",
                                                       "service": SERVICE, "minutes": "3", "outcome": "referred"})
    page = client.get("/acme/agent/dashboards?days=7")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<svg" in html and "style=" not in html and "<script>" not in html
    assert re.search(r'data-chart="agent".*?Sarah Agent</td><td class="text-end" data-value="15.0">15.0<', html, re.S)
    assert re.search(r'data-chart="channel".*?Phone</td><td class="text-end" data-value="12.0">', html, re.S)
    assert re.search(r'data-chart="outcome".*?Resolved</td><td class="text-end" data-value="1.0">1<', html, re.S)
    csv = client.get("/acme/agent/dashboards.csv?days=7")
    assert csv.mimetype == "text/csv"
    assert "Time spent by channel (minutes),Phone,12.0" in csv.get_data(as_text=True)
    client.post("/locale", data={"locale": "fr", "next": "/acme/agent/dashboards"})
    french = client.get("/acme/agent/dashboards?days=90").get_data(as_text=True)
    assert 'lang="fr"' in french and "15,0" in french


def test_dashboard_periods_exclude_older_entries(client, world, login):
    login(world.brand, world.agent)
    client.post("/acme/agent/interactions/new", data={"email": "user@example.com", "channel": "phone",
                                                       "service": SERVICE, "minutes": "12", "outcome": "resolved"})
    from datetime import timedelta

    entry = db.session.scalar(select(Interaction))
    entry.started_at -= timedelta(days=10)
    db.session.commit()
    assert 'data-value="12.0"' not in client.get("/acme/agent/dashboards?days=7").get_data(as_text=True)
    assert 'data-value="12.0"' in client.get("/acme/agent/dashboards?days=30").get_data(as_text=True)
