"""Password-reset requests are limited per client address, in the database, without telling who has an account."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from portal.mail.models import MailOutbox
from portal.auth.models import SigninFailure
from portal.auth.throttle import PASSWORD_RESET
from portal.extensions import db
from portal.models_base import utcnow
from tests.conftest import signin

FORGOT = "/acme/hc/en/password/forgot"
LIMIT = 3
REFUSAL = "Too many password reset requests from this network. Please try again later."
SENT = "If an account of this help centre uses this e-mail address"


@pytest.fixture
def acme(app, make_brand, make_user):
    app.config["PASSWORD_RESET_MAX_PER_IP"] = LIMIT
    brand = make_brand("acme")
    make_user(email="ada@example.com", roles={brand: "end_user"})
    return brand


def _ask(client, email, address="10.0.0.1"):
    return client.post(FORGOT, data={"email": email}, environ_overrides={"REMOTE_ADDR": address})


def _mail_count():
    db.session.expire_all()
    return db.session.scalar(select(func.count(MailOutbox.id)))


def test_an_address_is_refused_after_the_limit_with_or_without_an_account(client, acme):
    emails = ["nobody@example.com", "ada@example.com", "ghost@example.com"]
    for email in emails:
        response = _ask(client, email)
        assert response.status_code == 200 and SENT in response.get_data(as_text=True)
    assert _mail_count() == 1
    refused = [_ask(client, email) for email in ("ada@example.com", "nobody@example.com")]
    bodies = [response.get_data(as_text=True) for response in refused]
    assert [response.status_code for response in refused] == [429, 429]
    assert all(REFUSAL in body and SENT not in body for body in bodies)
    assert bodies[0].replace("ada@", "X@") == bodies[1].replace("nobody@", "X@")  # nothing tells them apart
    assert _mail_count() == 1  # the refused request for ada@ sent nothing
    db.session.expire_all()
    assert db.session.scalar(select(func.count(SigninFailure.id))) == LIMIT  # refusals are not counted


def test_other_addresses_are_still_served(client, acme):
    for _ in range(LIMIT):
        _ask(client, "nobody@example.com", "10.0.0.1")
    assert _ask(client, "ada@example.com", "10.0.0.1").status_code == 429
    response = _ask(client, "ada@example.com", "10.0.0.2")
    assert response.status_code == 200 and _mail_count() == 1


def test_requests_older_than_the_window_no_longer_count(client, acme, app):
    for _ in range(LIMIT):
        _ask(client, "nobody@example.com")
    long_ago = utcnow() - timedelta(seconds=app.config["PASSWORD_RESET_WINDOW_SECONDS"] + 1)
    db.session.execute(update(SigninFailure).values(created_at=long_ago))
    db.session.commit()
    assert _ask(client, "ada@example.com").status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(func.count(SigninFailure.id))) == 1  # the stale rows were swept


def test_reset_requests_and_failed_signins_are_counted_apart(client, acme, app, make_user):
    app.config["SIGNIN_MAX_FAILURES"] = LIMIT
    for _ in range(LIMIT):
        _ask(client, "nobody@example.com", "127.0.0.1")
    user = make_user(roles={acme: "end_user"})
    assert signin(client, acme, user).status_code == 302  # reset requests are no failed sign-ins
    client.post("/acme/hc/en/signout")
    for _ in range(LIMIT):
        assert signin(client, acme, "nobody@example.com", "wrong").status_code == 401
    db.session.execute(update(SigninFailure).where(SigninFailure.kind == PASSWORD_RESET)
                       .values(created_at=utcnow() - timedelta(days=1)))
    db.session.commit()
    assert _ask(client, "ada@example.com", "127.0.0.1").status_code == 200  # and failures no reset requests


def test_a_malformed_request_is_not_counted(client, acme):
    assert _ask(client, "not an e-mail").status_code == 422
    db.session.expire_all()
    assert db.session.scalar(select(func.count(SigninFailure.id))) == 0
