"""Sign-up: open brands only, neutral answer for a known e-mail, bad input, CSRF."""
import re

from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.auth.models import User, UserSession
from portal.brands.models import Membership
from portal.extensions import db
from tests.conftest import csrf_token_from

GOOD = {"name": "Grace Hopper", "email": "grace@example.com",
        "password": "long-enough-pw", "confirm": "long-enough-pw"}


def _text(response):
    return response.get_data(as_text=True)


def _users():
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(User))


def test_signup_page_labels_every_input(client, make_brand):
    make_brand("acme")
    page = _text(client.get("/acme/hc/en/signup"))
    for field in ("name", "email", "password", "confirm"):
        assert f'<label class="form-label" for="{field}">' in page
        assert re.search(rf'<input[^>]*id="{field}"', page)


def test_signup_creates_end_user_signs_in_and_audits(client, make_brand):
    brand = make_brand("acme")
    response = client.post("/acme/hc/fr/signup", data=GOOD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/acme/hc/fr/"
    user = db.session.scalar(select(User).where(User.email == "grace@example.com"))
    assert user.name == "Grace Hopper" and user.locale == "fr"
    assert user.password_hash.startswith("$argon2id$")
    membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
    assert (membership.brand_id, membership.role) == (brand.id, "end_user")
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.brand_id == brand.id)))
    assert {"membership.set", "user.signed_up"} <= actions
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 1
    assert client.get("/acme/hc/fr/profile").status_code == 200


def test_signup_is_refused_when_the_brand_is_restricted(client, make_brand):
    make_brand("globex", self_registration=False)
    page = client.get("/globex/hc/en/signup")
    assert page.status_code == 404
    assert "does not take sign-ups" in _text(page)
    assert client.post("/globex/hc/en/signup", data=GOOD).status_code == 404
    assert _users() == 0
    assert "/signup" not in _text(client.get("/globex/hc/en/signin"))


def test_known_email_answers_neutrally_and_writes_nothing(client, make_brand, make_user):
    make_brand("acme")
    other = make_brand("globex")
    existing = make_user(email="grace@example.com", roles={other: "end_user"})
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    response = client.post("/acme/hc/en/signup", data={**GOOD, "email": "Grace@Example.com"})
    assert response.status_code == 200
    assert "Check your e-mail" in _text(response)
    assert "An account already uses" not in _text(response)
    assert _users() == 1
    assert db.session.scalar(select(func.count()).select_from(Membership)
                             .where(Membership.user_id == existing.id)) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_bad_input_is_422_with_a_message_and_writes_nothing(client, make_brand):
    make_brand("acme")
    cases = [
        ({"email": "not-an-email"}, "Enter a valid e-mail address."),
        ({"email": "grace@localhost"}, "Enter a valid e-mail address."),
        ({"password": "short", "confirm": "short"}, "at least 10 characters"),
        ({"confirm": "something-else"}, "The two passwords are different."),
        ({"name": ""}, "Enter a name."),
        ({"name": "x" * 500}, "Field cannot be longer than 120 characters."),
    ]
    for change, message in cases:
        response = client.post("/acme/hc/en/signup", data={**GOOD, **change})
        assert response.status_code == 422, change
        assert message in _text(response), change
    assert _users() == 0


def test_signed_in_person_is_sent_home(client, make_brand, make_user, login):
    brand = make_brand("acme")
    login(brand, make_user(roles={brand: "end_user"}))
    response = client.get("/acme/hc/en/signup")
    assert response.status_code == 302 and response.headers["Location"] == "/acme/hc/en/"


def test_signup_without_csrf_token_is_400_and_writes_nothing(csrf_app, make_brand):
    make_brand("acme")
    client = csrf_app.test_client()
    response = client.post("/acme/hc/en/signup", data=GOOD)
    assert response.status_code == 400
    assert "The form expired or was sent from elsewhere" in _text(response)
    assert _users() == 0
    token = csrf_token_from(_text(client.get("/acme/hc/en/signup")))
    assert client.post("/acme/hc/en/signup", data={**GOOD, "csrf_token": token}).status_code == 302
    assert _users() == 1


def test_signin_without_csrf_token_is_400(csrf_app, make_brand, make_user):
    brand = make_brand("acme")
    user = make_user(roles={brand: "end_user"})
    client = csrf_app.test_client()
    from tests.conftest import PASSWORD

    response = client.post("/acme/hc/en/signin", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0
