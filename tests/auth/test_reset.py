"""Forgot your password: neutral answers, one-time links from the outbox, sessions ended."""
import re
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select

from portal.mail.models import MailOutbox
from portal.audit.models import AuditEvent
from portal.auth.models import PasswordResetToken, User, UserSession
from portal.auth.reset import MAX_LIVE_LINKS
from portal.extensions import db
from portal.models_base import utcnow
from tests.conftest import PASSWORD, csrf_token_from, signin

NEW_PASSWORD = "a-brand-new-password"
FORGOT = "/acme/hc/en/password/forgot"


def _text(response):
    return response.get_data(as_text=True)


def _count(model, *where):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _mails():
    db.session.expire_all()
    return db.session.scalars(select(MailOutbox).order_by(MailOutbox.id)).all()


def _link_path(mail) -> str:
    match = re.search(r"(http://\S+/password/reset/\S+)", mail.body)
    assert match, mail.body
    return urlsplit(match.group(1)).path


def _reset(client, path, password=NEW_PASSWORD, confirm=None):
    return client.post(path, data={"password": password, "confirm": confirm or password})


def _ask_link(client, user):
    response = client.post(FORGOT, data={"email": user.email})
    assert response.status_code == 200
    return _link_path(_mails()[-1])


def test_signin_page_links_to_forgot_password(client, make_brand):
    make_brand("acme")
    assert FORGOT in _text(client.get("/acme/hc/en/signin"))
    page = _text(client.get(FORGOT))
    assert 'name="email"' in page and '<label class="form-label" for="email">' in page


def test_known_and_unknown_email_answer_the_same_and_only_known_gets_mail(client, make_brand, make_user):
    acme = make_brand("acme", name="Acme")
    user = make_user(email="ada@example.com", roles={acme: "end_user"})
    known = client.post(FORGOT, data={"email": "ADA@example.com"})
    unknown = client.post(FORGOT, data={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert "If an account of this help centre uses this e-mail address" in _text(known)
    assert _text(known) == _text(unknown)
    mails = _mails()
    assert [(m.to_email, m.kind, m.brand_id) for m in mails] == [(user.email, "password_reset", acme.id)]
    assert "Choose a new password for Acme" == mails[0].subject
    assert _link_path(mails[0]).startswith("/acme/hc/en/password/reset/")


def test_no_mail_for_inactive_account_or_member_of_another_brand_only(client, make_brand, make_user):
    acme, globex = make_brand("acme"), make_brand("globex")
    inactive = make_user(roles={acme: "end_user"}, active=False)
    elsewhere = make_user(roles={globex: "end_user"})
    for user in (inactive, elsewhere):
        assert client.post(FORGOT, data={"email": user.email}).status_code == 200
    assert _mails() == []
    assert _count(PasswordResetToken) == 0


def test_mail_is_in_the_users_language(client, make_brand, make_user):
    acme = make_brand("acme")
    make_user(email="fr@example.com", roles={acme: "end_user"}, locale="fr")
    client.post(FORGOT, data={"email": "fr@example.com"})
    assert _link_path(_mails()[0]).startswith("/acme/hc/fr/password/reset/")


def test_link_from_the_outbox_resets_the_password(client, make_brand, make_user):
    acme = make_brand("acme")
    user = make_user(roles={acme: "end_user"})
    path = _ask_link(client, user)
    form = client.get(path)
    assert form.status_code == 200 and 'name="password"' in _text(form) and 'name="confirm"' in _text(form)
    response = _reset(client, path)
    assert response.status_code == 302 and response.headers["Location"] == "/acme/hc/en/signin"
    assert "Your password is changed" in _text(client.get("/acme/hc/en/signin"))
    assert signin(client, acme, user, PASSWORD).status_code == 401
    assert signin(client, acme, user, NEW_PASSWORD).status_code == 302
    assert _count(AuditEvent, AuditEvent.action == "user.password_reset") == 1


def test_only_the_secrets_hash_is_stored(client, make_brand, make_user):
    acme = make_brand("acme")
    user = make_user(roles={acme: "end_user"})
    secret = _ask_link(client, user).rsplit("/", 1)[1]
    stored = db.session.scalar(select(PasswordResetToken.token_hash))
    assert len(secret) >= 40 and secret not in stored and len(stored) == 64


def test_a_link_works_once(client, make_brand, make_user):
    acme = make_brand("acme")
    user = make_user(roles={acme: "end_user"})
    path = _ask_link(client, user)
    assert _reset(client, path).status_code == 302
    for response in (client.get(path), _reset(client, path, "yet-another-password")):
        assert response.status_code == 404
        assert "This link is no longer valid" in _text(response)
    assert signin(client, acme, user, NEW_PASSWORD).status_code == 302


def test_expired_and_unknown_links_are_refused(client, make_brand, make_user):
    acme = make_brand("acme")
    user = make_user(roles={acme: "end_user"})
    path = _ask_link(client, user)
    token = db.session.scalar(select(PasswordResetToken))
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert _reset(client, path).status_code == 404
    assert client.get("/acme/hc/en/password/reset/not-a-token").status_code == 404
    assert signin(client, acme, user, PASSWORD).status_code == 302


def test_link_of_a_deactivated_account_is_refused(client, make_brand, make_user):
    acme = make_brand("acme")
    user = make_user(roles={acme: "end_user"})
    path = _ask_link(client, user)
    db.session.get(User, user.id).active = False
    db.session.commit()
    assert _reset(client, path).status_code == 404


def test_reset_ends_every_session_of_the_user(app, client, make_brand, make_user):
    acme = make_brand("acme")
    user = make_user(roles={acme: "end_user"})
    other_browser = app.test_client()
    signin(other_browser, acme, user)
    signin(client, acme, user)
    assert _count(UserSession, UserSession.user_id == user.id) == 2
    path = _ask_link(client, user)
    assert _reset(client, path).status_code == 302
    assert _count(UserSession, UserSession.user_id == user.id) == 0
    for browser in (client, other_browser):
        assert browser.get("/acme/hc/en/profile").status_code == 302


def test_short_or_mismatched_password_is_422_and_writes_nothing(client, make_brand, make_user):
    acme = make_brand("acme")
    user = make_user(roles={acme: "end_user"})
    path = _ask_link(client, user)
    short = _reset(client, path, "short")
    assert short.status_code == 422 and "at least 10 characters" in _text(short)
    assert _reset(client, path, NEW_PASSWORD, "something-else-entirely").status_code == 422
    assert _count(PasswordResetToken, PasswordResetToken.used_at.is_not(None)) == 0
    assert _count(AuditEvent, AuditEvent.action == "user.password_reset") == 0
    assert signin(client, acme, user, PASSWORD).status_code == 302


def test_invalid_email_is_422_with_a_message(client, make_brand):
    make_brand("acme")
    response = client.post(FORGOT, data={"email": "not-an-address"})
    assert response.status_code == 422 and "Enter a valid e-mail address." in _text(response)


def test_live_links_are_capped_per_account_with_the_same_answer(client, make_brand, make_user):
    acme = make_brand("acme")
    user = make_user(roles={acme: "end_user"})
    answers = {_text(client.post(FORGOT, data={"email": user.email})) for _ in range(MAX_LIVE_LINKS + 2)}
    assert len(answers) == 1
    assert len(_mails()) == _count(PasswordResetToken) == MAX_LIVE_LINKS


def test_a_reset_spends_the_users_other_links(client, make_brand, make_user):
    acme = make_brand("acme")
    user = make_user(roles={acme: "end_user"})
    first, second = _ask_link(client, user), _ask_link(client, user)
    assert _reset(client, second).status_code == 302
    assert _reset(client, first, "yet-another-password").status_code == 404


def test_forms_without_csrf_are_400_and_write_nothing(csrf_app, make_brand, make_user):
    acme = make_brand("acme")
    user = make_user(roles={acme: "end_user"})
    client = csrf_app.test_client()
    assert client.post(FORGOT, data={"email": user.email}).status_code == 400
    assert _mails() == []
    token = csrf_token_from(_text(client.get(FORGOT)))
    assert client.post(FORGOT, data={"email": user.email, "csrf_token": token}).status_code == 200
    path = _link_path(_mails()[0])
    assert _reset(client, path).status_code == 400
    assert _count(PasswordResetToken, PasswordResetToken.used_at.is_not(None)) == 0
    token = csrf_token_from(_text(client.get(path)))
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert _count(AuditEvent, AuditEvent.action == "user.password_reset") == 1
