"""Sessions end on the server after an idle time and a total lifetime (DESIGN §13), tested by
moving the row's clocks back."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.auth.models import UserSession
from portal.extensions import db
from portal.models_base import utcnow


@pytest.fixture
def acme(make_brand):
    return make_brand("acme")


def _move_back(user, **clocks):
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    for column, delta in clocks.items():
        setattr(row, column, utcnow() - delta)
    db.session.commit()


def _rows(user):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id))


def _is_signed_in(client):
    return client.get("/acme/hc/en/profile").status_code == 200


@pytest.mark.parametrize("clocks", [
    {"last_seen_at": timedelta(days=90), "created_at": timedelta(days=90)},   # the audit's case
    {"last_seen_at": timedelta(hours=12, minutes=1)},                         # idle
    {"created_at": timedelta(days=30, minutes=1)},                            # active but too old
])
def test_an_expired_session_is_signed_out_and_its_row_deleted(client, acme, make_user, login, clocks):
    user = make_user(roles={acme: "end_user"})
    login(acme, user)
    _move_back(user, **clocks)
    response = client.get("/acme/hc/en/profile")
    assert response.status_code == 302 and "/signin" in response.headers["Location"]
    assert _rows(user) == 0
    assert not _is_signed_in(client)


@pytest.mark.parametrize("clocks", [
    {},
    {"last_seen_at": timedelta(hours=11, minutes=50)},
    {"created_at": timedelta(days=29, hours=23), "last_seen_at": timedelta(minutes=5)},
])
def test_a_session_within_both_limits_still_works(client, acme, make_user, login, clocks):
    user = make_user(roles={acme: "end_user"})
    login(acme, user)
    _move_back(user, **clocks)
    assert _is_signed_in(client)
    assert _rows(user) == 1


def test_a_request_resets_the_idle_clock(client, acme, make_user, login):
    user = make_user(roles={acme: "end_user"})
    login(acme, user)
    _move_back(user, last_seen_at=timedelta(hours=11))
    assert _is_signed_in(client)  # seen now
    _move_back(user, created_at=timedelta(hours=2))
    db.session.expire_all()
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert utcnow() - row.last_seen_at < timedelta(minutes=1)
    assert _is_signed_in(client)


def test_an_expired_session_cannot_post_either(client, acme, make_user, login):
    user = make_user(roles={acme: "end_user"})
    login(acme, user)
    _move_back(user, last_seen_at=timedelta(days=1))
    response = client.post("/acme/hc/en/profile", data={"name": "Changed"})
    assert response.status_code in (302, 401, 403)
    db.session.expire_all()
    assert user.name != "Changed"
    assert _rows(user) == 0


def test_limits_come_from_the_configuration(app, client, acme, make_user, login):
    app.config["SESSION_IDLE_TIMEOUT_SECONDS"] = 600
    user = make_user(roles={acme: "end_user"})
    login(acme, user)
    _move_back(user, last_seen_at=timedelta(minutes=11))
    assert not _is_signed_in(client)
    app.config["SESSION_ABSOLUTE_LIFETIME_SECONDS"] = 3600
    login(acme, user)
    _move_back(user, created_at=timedelta(minutes=61))
    assert not _is_signed_in(client)
    login(acme, user)
    _move_back(user, created_at=timedelta(minutes=59), last_seen_at=timedelta(minutes=9))
    assert _is_signed_in(client)


def test_the_workspace_poll_refuses_an_expired_session(client, acme, make_user, login):
    agent = make_user(roles={acme: "agent"})
    login(acme, agent)
    json = {"Accept": "application/json"}
    assert client.get("/acme/agent/poll", headers=json).status_code == 200
    _move_back(agent, created_at=timedelta(days=31), last_seen_at=timedelta(minutes=1))
    response = client.get("/acme/agent/poll", headers=json)
    assert response.status_code == 401 and "error" in response.get_json()


def test_a_post_long_after_the_last_request_is_served_at_once(client, acme, make_user, login):
    """Recording presence on a POST writes with the request (it holds the SQLite write lock),
    never through a second connection that would wait for that lock."""
    user = make_user(roles={acme: "end_user"})
    login(acme, user)
    _move_back(user, last_seen_at=timedelta(minutes=5))
    response = client.post("/acme/hc/en/signout")
    assert response.status_code == 302
    assert _rows(user) == 0


def test_other_expired_sessions_are_not_listed_and_go_at_sign_in(app, client, acme, make_user, login):
    user = make_user(roles={acme: "end_user"})
    old_browser = app.test_client()
    old_browser.post("/acme/hc/en/signin", data={"email": user.email, "password": "correct-horse-battery"})
    _move_back(user, last_seen_at=timedelta(days=2))
    login(acme, user)
    assert _rows(user) == 1
    assert "This one" in client.get("/acme/hc/en/profile").get_data(as_text=True)
