"""Sign-in: no account enumeration, session rotation, joining open brands, throttling, rehash."""
from argon2 import PasswordHasher
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.auth.models import SigninFailure, User, UserSession
from portal.brands.models import Membership
from portal.extensions import db
from tests.conftest import PASSWORD, signin


def _text(response):
    return response.get_data(as_text=True)


def _count(model, *where):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_signin_page_labels_every_input(client, make_brand):
    make_brand("acme")
    page = _text(client.get("/acme/hc/en/signin"))
    assert '<label class="form-label" for="email">' in page
    assert '<label class="form-label" for="password">' in page
    assert 'name="email"' in page and 'name="password"' in page


def test_signin_starts_a_session_and_redirects(client, make_brand, make_user):
    brand = make_brand("acme")
    user = make_user(roles={brand: "end_user"})
    response = signin(client, brand, user)
    assert response.status_code == 302
    assert response.headers["Location"] == "/acme/hc/en/"
    assert _count(UserSession, UserSession.user_id == user.id) == 1
    assert client.get("/acme/hc/en/profile").status_code == 200


def test_unknown_email_and_wrong_password_answer_the_same(client, make_brand, make_user):
    brand = make_brand("acme")
    user = make_user(roles={brand: "end_user"})
    unknown = signin(client, brand, "nobody@example.com")
    wrong = signin(client, brand, user, password="not-the-password")
    assert unknown.status_code == wrong.status_code == 401
    assert "Wrong e-mail or password." in _text(unknown)
    assert "Wrong e-mail or password." in _text(wrong)
    assert _count(UserSession) == 0


def test_inactive_user_is_refused_like_a_wrong_password(client, make_brand, make_user):
    brand = make_brand("acme")
    user = make_user(roles={brand: "end_user"}, active=False)
    response = signin(client, brand, user)
    assert response.status_code == 401
    assert "Wrong e-mail or password." in _text(response)


def test_malformed_email_is_422_and_records_nothing(client, make_brand):
    make_brand("acme")
    response = client.post("/acme/hc/en/signin", data={"email": "not-an-email", "password": "x"})
    assert response.status_code == 422
    assert "Enter a valid e-mail address." in _text(response)
    assert _count(SigninFailure) == 0


def test_signin_rotates_the_session_key(client, make_brand, make_user):
    brand = make_brand("acme")
    user = make_user(roles={brand: "end_user"})
    signin(client, brand, user)
    first_key = client.get_cookie("session").value
    signin(client, brand, user)
    assert client.get_cookie("session").value != first_key
    # The browser's earlier row is replaced, not kept beside the new one.
    assert _count(UserSession, UserSession.user_id == user.id) == 1


def test_open_brand_makes_a_non_member_its_end_user_at_signin(client, make_brand, make_user):
    home = make_brand("acme")
    open_brand = make_brand("globex")
    user = make_user(roles={home: "agent"})
    client.get("/globex/hc/en/signin")  # a GET never writes
    assert _count(Membership, Membership.user_id == user.id) == 1
    response = signin(client, open_brand, user)
    assert response.status_code == 302
    membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id,
                                                            Membership.brand_id == open_brand.id))
    assert membership.role == "end_user"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "membership.set",
                                                       AuditEvent.brand_id == open_brand.id))
    assert event.data["reason"] == "signin" and event.actor_id == user.id


def test_restricted_brand_refuses_non_members_neutrally(client, make_brand, make_user):
    make_brand("acme")
    restricted = make_brand("globex", self_registration=False)
    outsider = make_user()
    member = make_user(roles={restricted: "end_user"})
    refused = signin(client, restricted, outsider)
    wrong = signin(client, restricted, "nobody@example.com")
    assert refused.status_code == wrong.status_code == 401
    assert _text(refused).count("accepts only its members") == 1
    assert "accepts only its members" in _text(wrong)
    assert _count(Membership, Membership.user_id == outsider.id) == 0
    assert _count(UserSession) == 0
    assert signin(client, restricted, member).status_code == 302


def _signin_from(client, brand, user_or_email, address, password=PASSWORD):
    email = getattr(user_or_email, "email", user_or_email)
    return client.post(f"/{brand.slug}/hc/en/signin", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_failed_signins_lock_that_address_out_of_that_account_only(app, client, make_brand, make_user):
    app.config.update(SIGNIN_MAX_FAILURES=3, SIGNIN_FAILURE_WINDOW_SECONDS=600)
    brand = make_brand("acme")
    user = make_user(roles={brand: "end_user"})
    for _ in range(3):
        assert _signin_from(client, brand, user, "10.0.0.66", password="wrong-password").status_code == 401
    # Even the right password is refused from that address, with the same neutral words.
    blocked = _signin_from(client, brand, user, "10.0.0.66")
    assert blocked.status_code == 429
    assert "Too many failed sign-ins" in _text(blocked)
    assert _text(_signin_from(client, brand, "nobody@example.com", "10.0.0.67")).count("Too many") == 0
    assert _count(UserSession) == 0
    assert _count(SigninFailure) == 4  # a refused attempt does not extend the lock
    # The owner, from their own address, is not locked out by the stranger.
    assert _signin_from(client, brand, user, "10.9.9.9").status_code == 302


def test_throttle_is_also_per_address_and_counts_unknown_emails(app, client, make_brand, make_user):
    app.config.update(SIGNIN_MAX_FAILURES=3, SIGNIN_MAX_FAILURES_PER_IP=4, SIGNIN_FAILURE_WINDOW_SECONDS=600)
    brand = make_brand("acme")
    user = make_user(roles={brand: "end_user"})
    for n in range(3):
        assert signin(client, brand, f"guess{n}@example.com").status_code == 401
    assert signin(client, brand, user).status_code == 302  # 3 failures over many accounts: allowed
    signin(client, brand, "guess3@example.com")
    assert signin(client, brand, "guess4@example.com").status_code == 429
    assert signin(client, brand, user).status_code == 429
    elsewhere = _signin_from(client, brand, user, "10.1.2.3")
    assert elsewhere.status_code == 302


def test_a_high_per_account_ceiling_holds_against_spread_out_guessing(app, client, make_brand, make_user):
    app.config.update(SIGNIN_MAX_FAILURES=3, SIGNIN_MAX_FAILURES_PER_ACCOUNT=5)
    brand = make_brand("acme")
    user = make_user(roles={brand: "end_user"})
    for n in range(4):
        _signin_from(client, brand, user, f"10.0.1.{n}", password="wrong-password")
    assert _signin_from(client, brand, user, "10.0.2.1").status_code == 302
    _signin_from(client, brand, user, "10.0.1.9", password="wrong-password")
    # At the ceiling, an address this account never signed in from is refused, right password or not.
    assert _signin_from(client, brand, user, "10.0.2.2").status_code == 429
    assert _signin_from(client, brand, "other@example.com", "10.0.2.2").status_code == 401


def test_old_failures_outside_the_window_do_not_count(app, client, make_brand, make_user):
    from datetime import timedelta

    from portal.models_base import utcnow

    app.config.update(SIGNIN_MAX_FAILURES=2, SIGNIN_FAILURE_WINDOW_SECONDS=60)
    brand = make_brand("acme")
    user = make_user(roles={brand: "end_user"})
    long_ago = utcnow() - timedelta(hours=1)
    db.session.add_all([SigninFailure(email=user.email, ip_address="127.0.0.1", created_at=long_ago)
                        for _ in range(5)])
    db.session.commit()
    assert signin(client, brand, user).status_code == 302


def test_success_forgives_the_failures_of_that_account_from_that_address(app, client, make_brand, make_user):
    app.config.update(SIGNIN_MAX_FAILURES=3)
    brand = make_brand("acme")
    user = make_user(roles={brand: "end_user"})
    for address in ("10.0.0.1", "10.0.0.1", "10.0.0.2"):
        _signin_from(client, brand, user, address, password="wrong-password")
    _signin_from(client, brand, "guess@example.com", "10.0.0.1")
    assert _signin_from(client, brand, user, "10.0.0.1").status_code == 302
    assert _count(SigninFailure, SigninFailure.email == user.email, SigninFailure.ip_address == "10.0.0.1") == 0
    assert _count(SigninFailure, SigninFailure.email == user.email) == 1  # another address's stay
    assert _count(SigninFailure) == 2  # and so do other accounts' failures


def test_weaker_hash_is_upgraded_at_signin(app, client, make_brand, make_user):
    brand = make_brand("acme")
    user = make_user(roles={brand: "end_user"})
    weak = PasswordHasher(time_cost=1, memory_cost=512).hash(PASSWORD)
    user.password_hash = weak
    db.session.commit()
    assert signin(client, brand, user).status_code == 302
    db.session.expire_all()
    upgraded = db.session.get(User, user.id).password_hash
    assert upgraded != weak
    assert upgraded.startswith("$argon2id$") and f"m={app.config['ARGON2_MEMORY_COST']}," in upgraded
    assert not PasswordHasher(time_cost=1, memory_cost=1024).check_needs_rehash(upgraded)


def test_next_must_stay_on_this_site(client, make_brand, make_user):
    brand = make_brand("acme")
    user = make_user(roles={brand: "end_user"})
    inside = client.post("/acme/hc/en/signin?next=/acme/hc/en/profile",
                         data={"email": user.email, "password": PASSWORD})
    assert inside.headers["Location"] == "/acme/hc/en/profile"
    outside = client.post("/acme/hc/en/signin?next=//evil.example/",
                          data={"email": user.email, "password": PASSWORD})
    assert outside.headers["Location"] == "/acme/hc/en/"


def test_anonymous_profile_redirects_to_signin(client, make_brand):
    make_brand("acme")
    response = client.get("/acme/hc/en/profile")
    assert response.status_code == 302
    assert response.headers["Location"] == "/acme/hc/en/signin?next=/acme/hc/en/profile"


def test_a_stranger_reaching_the_ceiling_does_not_lock_the_owner_out(app, client, make_brand, make_user):
    """DESIGN §13: 100 wrong API tokens, 5 from each of 20 addresses (under the per-address
    limits), reach the per-account ceiling; the owner still signs in from an address they used
    before, over the browser and the API; a new address stays refused at the ceiling."""
    from tests.api.conftest import basic

    brand = make_brand("acme")
    owner = make_user("super@example.com", roles={brand: "admin"})
    assert _signin_from(client, brand, owner, "127.0.0.1").status_code == 302
    client.post("/acme/hc/en/signout", environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert _count(UserSession) == 0  # signed out: no session row says where they were
    for host in range(1, 21):
        for n in range(5):
            response = client.get("/acme/api/v2/users/me.json", headers=basic(owner, f"x{host}.{n}", token=True),
                                  environ_base={"REMOTE_ADDR": f"127.0.1.{host}"})
            assert response.status_code == 401
    db.session.commit()
    assert _count(SigninFailure, SigninFailure.email == owner.email) == 100
    # The owner, from their known address: in through the sign-in page and through the API.
    assert _signin_from(client, brand, owner, "127.0.0.1").status_code == 302
    known = client.get("/acme/api/v2/users/me.json", headers=basic(owner), environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert known.status_code == 200
    # A wrong password from the known address is still a failure, counted on that address.
    assert _signin_from(client, brand, owner, "127.0.0.1", password="wrong-password").status_code == 401
    # From an address this account never signed in from: refused, with the right password too.
    assert _signin_from(client, brand, owner, "127.0.2.1").status_code == 429
    unknown = client.get("/acme/api/v2/users/me.json", headers=basic(owner), environ_base={"REMOTE_ADDR": "127.0.2.1"})
    assert unknown.status_code == 429
    assert _signin_from(client, brand, owner, "127.0.1.7").status_code == 429  # the stranger's too


def test_an_api_caller_is_known_from_where_it_authenticated(app, client, make_brand, make_user):
    from tests.api.conftest import basic

    app.config.update(SIGNIN_MAX_FAILURES=3, SIGNIN_MAX_FAILURES_PER_ACCOUNT=6)
    brand = make_brand("acme")
    owner = make_user(roles={brand: "agent"})

    def me(address, secret=PASSWORD):
        return client.get("/acme/api/v2/users/me.json", headers=basic(owner, secret),
                          environ_base={"REMOTE_ADDR": address}).status_code

    assert me("10.5.0.1") == 200  # an integration that never used the sign-in page
    for n in range(6):
        assert me(f"10.6.0.{n // 2}", "wrong") == 401
    assert me("10.5.0.1") == 200
    assert me("10.5.0.2") == 429


def test_a_known_address_is_forgotten_after_a_while(app, client, make_brand, make_user):
    from datetime import timedelta

    from portal.auth.models import KnownAddress
    from portal.models_base import utcnow

    app.config.update(SIGNIN_MAX_FAILURES=3, SIGNIN_MAX_FAILURES_PER_ACCOUNT=3, SIGNIN_KNOWN_ADDRESS_DAYS=30)
    brand = make_brand("acme")
    owner = make_user(roles={brand: "end_user"})
    db.session.add(KnownAddress(user_id=owner.id, ip_address="10.7.0.1", last_signed_in_at=utcnow() - timedelta(days=31)))
    db.session.commit()
    for n in range(3):
        _signin_from(client, brand, owner, f"10.6.0.{n}", password="wrong-password")
    assert _signin_from(client, brand, owner, "10.7.0.1").status_code == 429
