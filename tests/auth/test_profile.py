"""Profile: details, language, password change, e-mail change; each audited, bad input refused."""
import re

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.auth.models import SigninFailure, User, UserSession
from portal.extensions import db
from tests.conftest import PASSWORD, signin

DETAILS = {"name": "Haru Tanaka", "username": "haru", "phone": "+33 6 12 34 56 78",
           "address": "12 rue de la Paix, 75002 Paris", "locale": "en"}


def _text(response):
    return response.get_data(as_text=True)


def _fresh(user):
    db.session.expire_all()
    return db.session.get(User, user.id)


def _audits(action):
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


@pytest.fixture
def acme(make_brand):
    return make_brand("acme")


@pytest.fixture
def me(acme, make_user, login):
    user = make_user(email="me@example.com", roles={acme: "end_user"})
    login(acme, user)
    return user


def test_every_profile_input_has_a_label(client, me):
    page = _text(client.get("/acme/hc/en/profile"))
    ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="(?:hidden|submit)")[^>]*\bid="([^"]+)"', page)
    assert {"name", "username", "phone", "address", "locale", "current_password", "new_password",
            "confirm_password", "new_email", "email_password"} <= set(ids)
    for field_id in ids:
        assert f'for="{field_id}"' in page, field_id


def test_profile_details_are_saved_and_audited(client, me):
    response = client.post("/acme/hc/en/profile", data=DETAILS)
    assert response.status_code == 302
    user = _fresh(me)
    assert (user.name, user.username, user.phone, user.address, user.locale) == (
        "Haru Tanaka", "haru", "+33 6 12 34 56 78", "12 rue de la Paix, 75002 Paris", "en")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.profile_changed"))
    assert event.object_id == me.id and "phone" in event.data["fields"]


def test_profile_name_username_and_phone_stay_on_one_line(client, me):
    response = client.post("/acme/hc/en/profile", data={
        **DETAILS, "name": "Haru\r\nBcc: evil@example.com", "username": "haru\u2028x", "phone": "+33\t6 12",
        "address": "12 rue de la Paix\r\n75002 Paris"})
    assert response.status_code == 302
    user = _fresh(me)
    assert (user.name, user.username, user.phone) == ("Haru  Bcc: evil@example.com", "haru x", "+33 6 12")
    assert user.address == "12 rue de la Paix\r\n75002 Paris"  # a postal address keeps its lines
    assert client.post("/acme/hc/en/profile", data={**DETAILS, "name": "\r\n"}).status_code == 422


def test_choosing_french_moves_the_profile_to_french(client, me):
    response = client.post("/acme/hc/en/profile", data={**DETAILS, "locale": "fr"})
    assert response.headers["Location"] == "/acme/hc/fr/profile"
    assert _fresh(me).locale == "fr"
    assert '<html lang="fr">' in _text(client.get("/"))


def test_profile_bad_input_is_refused_and_nothing_changes(client, me, make_user):
    make_user(username="taken")
    cases = [
        ({"name": ""}, 422, "Enter a name."),
        ({"locale": "de"}, 422, "Not a valid choice"),
        ({"phone": "1" * 100}, 422, "Field cannot be longer than 40 characters."),
        ({"username": "Taken"}, 409, "This username is taken."),
    ]
    for change, status, message in cases:
        response = client.post("/acme/hc/en/profile", data={**DETAILS, **change})
        assert response.status_code == status, change
        assert message in _text(response), change
    user = _fresh(me)
    assert user.username != "haru" and user.phone is None
    assert _audits("user.profile_changed") == 0


def test_password_change_ends_other_sessions_and_rotates_this_one(app, client, acme, me):
    other_browser = app.test_client()
    signin(other_browser, acme, me)
    old_cookie = client.get_cookie("session").value
    response = client.post("/acme/hc/en/profile/password", data={
        "current_password": PASSWORD, "new_password": "a-brand-new-pw", "confirm_password": "a-brand-new-pw"})
    assert response.status_code == 302
    page = client.get("/acme/hc/en/profile")
    assert page.status_code == 200 and "1 other session is signed out." in _text(page)
    assert client.get_cookie("session").value != old_cookie
    assert other_browser.get("/acme/hc/en/profile").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(UserSession)
                             .where(UserSession.user_id == me.id)) == 1
    assert _audits("user.password_changed") == 1
    fresh = app.test_client()
    assert signin(fresh, acme, me, password=PASSWORD).status_code == 401
    assert signin(fresh, acme, me, password="a-brand-new-pw").status_code == 302


@pytest.mark.parametrize("data, message", [
    ({"current_password": "wrong-password"}, "The current password is not correct."),
    ({"new_password": "short", "confirm_password": "short"}, "at least 10 characters"),
    ({"confirm_password": "not-the-same-pw"}, "The two passwords are different."),
])
def test_password_change_bad_input_is_422_and_changes_nothing(client, me, data, message):
    before = _fresh(me).password_hash
    response = client.post("/acme/hc/en/profile/password", data={
        "current_password": PASSWORD, "new_password": "a-brand-new-pw",
        "confirm_password": "a-brand-new-pw", **data})
    assert response.status_code == 422
    assert message in _text(response)
    assert _fresh(me).password_hash == before
    assert _audits("user.password_changed") == 0


def test_wrong_current_passwords_are_throttled(app, client, me):
    app.config.update(SIGNIN_MAX_FAILURES=2)
    wrong = {"current_password": "wrong-password", "new_password": "a-brand-new-pw",
             "confirm_password": "a-brand-new-pw"}
    for _ in range(2):
        assert client.post("/acme/hc/en/profile/password", data=wrong).status_code == 422
    right = {**wrong, "current_password": PASSWORD}
    response = client.post("/acme/hc/en/profile/password", data=right)
    assert response.status_code == 429
    assert "Too many wrong passwords" in _text(response)
    assert db.session.scalar(select(func.count()).select_from(SigninFailure)) == 2


def test_email_change_asks_the_current_password_and_is_audited(client, me):
    refused = client.post("/acme/hc/en/profile/email",
                          data={"new_email": "new@example.com", "email_password": "wrong-password"})
    assert refused.status_code == 422
    assert "The current password is not correct." in _text(refused)
    assert _fresh(me).email == "me@example.com"
    response = client.post("/acme/hc/en/profile/email",
                           data={"new_email": "New@Example.com", "email_password": PASSWORD})
    assert response.status_code == 302
    assert _fresh(me).email == "new@example.com"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.email_changed"))
    assert event.data == {"old_email": "me@example.com", "email": "new@example.com"}


@pytest.mark.parametrize("new_email, status, message", [
    ("not-an-email", 422, "Enter a valid e-mail address."),
    ("", 422, "Enter your e-mail address."),
    ("other@example.com", 409, "An account already uses this e-mail address."),
    ("OTHER@example.com", 409, "An account already uses this e-mail address."),
])
def test_email_change_bad_input_is_refused(client, me, make_user, new_email, status, message):
    make_user(email="other@example.com")
    response = client.post("/acme/hc/en/profile/email",
                           data={"new_email": new_email, "email_password": PASSWORD})
    assert response.status_code == status
    assert message in _text(response)
    assert _fresh(me).email == "me@example.com"
    assert _audits("user.email_changed") == 0


def test_profile_forms_without_csrf_are_400(csrf_app, acme, make_user):
    user = make_user(email="me@example.com", roles={acme: "end_user"})
    client = csrf_app.test_client()
    from tests.conftest import csrf_token_from

    token = csrf_token_from(_text(client.get("/acme/hc/en/signin")))
    client.post("/acme/hc/en/signin", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert client.get("/acme/hc/en/profile").status_code == 200
    for path, data in [("/acme/hc/en/profile", DETAILS),
                       ("/acme/hc/en/profile/email", {"new_email": "x@example.com", "email_password": PASSWORD})]:
        response = client.post(path, data=data)
        assert response.status_code == 400, path
        assert "The form expired" in _text(response)
    assert _fresh(user).email == "me@example.com" and _fresh(user).username != "haru"
