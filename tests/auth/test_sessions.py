"""Server-side sessions: sign-out, copied cookies, the profile's list and revocation."""
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.auth.models import UserSession
from portal.extensions import db
from tests.conftest import signin


def _rows(user=None):
    db.session.expire_all()
    query = select(func.count()).select_from(UserSession)
    if user is not None:
        query = query.where(UserSession.user_id == user.id)
    return db.session.scalar(query)


def _is_signed_in(client, slug="acme"):
    return client.get(f"/{slug}/hc/en/profile").status_code == 200


def _copy_cookie(source, target):
    target.set_cookie("session", source.get_cookie("session").value)


def test_signout_deletes_the_row_and_a_copied_cookie_stops_working(app, client, make_brand, make_user, login):
    brand = make_brand("acme")
    user = make_user(roles={brand: "end_user"})
    login(brand, user)
    thief = app.test_client()
    _copy_cookie(client, thief)
    assert _is_signed_in(thief)
    response = client.post("/acme/hc/en/signout")
    assert response.status_code == 302
    assert _rows(user) == 0
    assert not _is_signed_in(client)
    assert not _is_signed_in(thief)


def test_signout_needs_post(client, make_brand, make_user, login):
    brand = make_brand("acme")
    login(brand, make_user(roles={brand: "end_user"}))
    assert client.get("/acme/hc/en/signout").status_code == 405
    assert _is_signed_in(client)


def test_profile_lists_sessions_and_marks_this_one(app, client, make_brand, make_user, login):
    brand = make_brand("acme")
    user = make_user(roles={brand: "end_user"})
    other_browser = app.test_client()
    signin(other_browser, brand, user)
    client.environ_base["HTTP_USER_AGENT"] = "TestBrowser/1.0"
    login(brand, user)
    page = client.get("/acme/hc/en/profile").get_data(as_text=True)
    assert 'title="TestBrowser/1.0">Unknown browser</td>' in page  # no rule knows it: its raw text on hover
    assert page.count("This one") == 1
    assert page.count("Sign out this one") == 1
    assert "Sign out all others" in page


FIREFOX_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_ON_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
                    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1")


def test_sessions_read_as_browser_and_system_in_the_pages_language(app, client, make_brand, make_user, login):
    brand = make_brand("acme")
    user = make_user(roles={brand: "end_user"})
    phone = app.test_client()
    phone.environ_base["HTTP_USER_AGENT"] = SAFARI_ON_IPHONE
    signin(phone, brand, user)
    client.environ_base["HTTP_USER_AGENT"] = FIREFOX_ON_WINDOWS
    login(brand, user)
    page = client.get("/acme/hc/en/profile").get_data(as_text=True)
    assert ">Firefox on Windows</td>" in page and ">Mobile Safari on iOS</td>" in page
    assert ">Firefox sous Windows</td>" in client.get("/acme/hc/fr/profile").get_data(as_text=True)


def test_an_odd_user_agent_never_breaks_the_profile(app, client, make_brand, make_user, login):
    brand = make_brand("acme")
    user = make_user(roles={brand: "end_user"})
    client.environ_base["HTTP_USER_AGENT"] = "<script>alert(1)</script>" + "A" * 5000
    login(brand, user)
    page = client.get("/acme/hc/en/profile")
    assert page.status_code == 200 and "<script>alert(1)" not in page.get_data(as_text=True)


def test_profile_dates_follow_the_locale(app, client, make_brand, make_user, login):
    from datetime import datetime

    app.config["SESSION_ABSOLUTE_LIFETIME_SECONDS"] = 20 * 365 * 24 * 3600  # a session from 2024 still lives
    brand = make_brand("acme")
    user = make_user(roles={brand: "end_user"})
    login(brand, user)
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    row.created_at = datetime(2024, 8, 14, 9, 30)
    db.session.commit()
    assert "Aug 14, 2024" in client.get("/acme/hc/en/profile").get_data(as_text=True)
    assert "14 août 2024" in client.get("/acme/hc/fr/profile").get_data(as_text=True)


def test_sign_out_one_other_session(app, client, make_brand, make_user, login):
    brand = make_brand("acme")
    user = make_user(roles={brand: "end_user"})
    other_browser = app.test_client()
    signin(other_browser, brand, user)
    login(brand, user)
    other_row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id)
                                  .order_by(UserSession.id))
    response = client.post(f"/acme/hc/en/profile/sessions/{other_row.id}/end")
    assert response.status_code == 302
    assert _rows(user) == 1
    assert not _is_signed_in(other_browser)
    assert _is_signed_in(client)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "session.ended")) is not None


def test_another_users_session_is_404_and_survives(app, client, make_brand, make_user, login):
    brand = make_brand("acme")
    me, someone = make_user(roles={brand: "end_user"}), make_user(roles={brand: "end_user"})
    victim_browser = app.test_client()
    signin(victim_browser, brand, someone)
    victim_row = db.session.scalar(select(UserSession).where(UserSession.user_id == someone.id))
    login(brand, me)
    response = client.post(f"/acme/hc/en/profile/sessions/{victim_row.id}/end")
    assert response.status_code == 404
    assert _rows(someone) == 1
    assert _is_signed_in(victim_browser)


def test_sign_out_all_others_keeps_this_one(app, client, make_brand, make_user, login):
    brand = make_brand("acme")
    user, bystander = make_user(roles={brand: "end_user"}), make_user(roles={brand: "end_user"})
    browsers = [app.test_client(), app.test_client()]
    for browser in browsers:
        signin(browser, brand, user)
    bystander_browser = app.test_client()
    signin(bystander_browser, brand, bystander)
    login(brand, user)
    assert _rows(user) == 3
    response = client.post("/acme/hc/en/profile/sessions/end-others", follow_redirects=True)
    assert "2 other sessions are signed out." in response.get_data(as_text=True)
    assert _rows(user) == 1
    assert _is_signed_in(client)
    assert not any(_is_signed_in(browser) for browser in browsers)
    assert _is_signed_in(bystander_browser)


def test_signing_out_other_sessions_is_logged_with_the_user_not_a_proxy(app, client, make_brand, make_user, login):
    brand = make_brand("acme")
    admin = make_user(roles={brand: "admin"})
    signin(app.test_client(), brand, admin)
    login(brand, admin)
    assert client.post("/acme/hc/en/profile/sessions/end-others").status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "session.others_ended"))
    assert (event.object_type, event.object_id, event.actor_id, event.brand_id) == ("User", admin.id, admin.id, brand.id)
    page = client.get("/acme/admin/audit").get_data(as_text=True)
    assert "LocalProxy" not in page and f"Person: {admin.name}" in page


def test_session_pages_need_a_signed_in_user(client, make_brand):
    make_brand("acme")
    response = client.post("/acme/hc/en/profile/sessions/end-others")
    assert response.status_code == 302 and "/signin" in response.headers["Location"]
