"""API tokens on the profile page: created (shown once, stored hashed, audited), revoked,
refused while assisting."""
import re

from sqlalchemy import select

from portal.api.auth import hash_secret
from portal.api.models import ApiToken
from portal.assist.models import Interaction
from portal.audit.models import AuditEvent
from portal.extensions import db
from tests.conftest import csrf_token_from

from .conftest import basic


def _create(client, name="Deploy script"):
    return client.post("/acme/hc/en/profile/tokens", data={"name": name})


def test_create_shows_the_secret_once_and_stores_its_hash(world, client, login):
    login(world.brand, world.user)
    response = _create(client)
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    secret = re.search(r'id="api-token-secret">([^<]+)<', response.get_data(as_text=True)).group(1)
    token = db.session.scalars(select(ApiToken)).one()
    assert token.token_hash == hash_secret(secret) and token.name == "Deploy script"
    profile = client.get("/acme/hc/en/profile").get_data(as_text=True)
    assert "Deploy script" in profile and secret not in profile
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "api_token.created" in actions
    api = client.get("/acme/api/v2/users/me.json", headers=basic(world.user, secret, token=True))
    assert api.status_code == 200


def test_revoke_stops_the_token_and_only_the_owner_can(world, client, login, make_user):
    login(world.brand, world.user)
    secret = re.search(r'id="api-token-secret">([^<]+)<', _create(client).get_data(as_text=True)).group(1)
    token = db.session.scalars(select(ApiToken)).one()
    client.post("/acme/hc/en/signout")
    login(world.brand, world.other)
    assert client.post(f"/acme/hc/en/profile/tokens/{token.id}/revoke").status_code == 404
    client.post("/acme/hc/en/signout")
    login(world.brand, world.user)
    assert client.post(f"/acme/hc/en/profile/tokens/{token.id}/revoke").status_code == 302
    assert client.post(f"/acme/hc/en/profile/tokens/{token.id}/revoke").status_code == 404
    assert client.get("/acme/api/v2/users/me.json", headers=basic(world.user, secret, token=True)).status_code == 401
    assert "api_token.revoked" in db.session.scalars(select(AuditEvent.action)).all()


def test_a_token_needs_a_name_and_sign_in(world, client, login):
    assert _create(client).status_code == 302  # to the sign-in page
    login(world.brand, world.user)
    assert _create(client, name=" ").status_code == 422
    assert db.session.scalars(select(ApiToken)).all() == []


def test_creating_a_token_needs_the_csrf_token(csrf_app, world, client):
    page = client.get("/acme/hc/en/signin").get_data(as_text=True)
    client.post("/acme/hc/en/signin", data={"email": world.user.email, "password": "correct-horse-battery",
                                            "csrf_token": csrf_token_from(page)})
    assert _create(client).status_code == 400
    profile = client.get("/acme/hc/en/profile").get_data(as_text=True)
    response = client.post("/acme/hc/en/profile/tokens", data={"name": "n", "csrf_token": csrf_token_from(profile)})
    assert response.status_code == 201


def test_tokens_are_refused_while_assisting(world, client, login, make_user):
    from portal.brands.models import Membership

    membership = db.session.scalars(select(Membership).where(Membership.user_id == world.agent.id,
                                                             Membership.brand_id == world.brand.id)).one()
    membership.can_assist = True
    world.brand.settings = {**world.brand.settings, "assisted_service": True}
    db.session.commit()
    login(world.brand, world.agent)
    started = client.post("/acme/agent/assist/start", data={"user_id": world.user.id, "channel": "phone",
                                                            "service": "General request"})
    assert started.status_code == 302, started.get_data(as_text=True)[:500]
    assert db.session.scalars(select(Interaction)).one()
    refused = _create(client)
    assert refused.status_code == 403
    assert "assisting" in refused.get_data(as_text=True)
    assert db.session.scalars(select(ApiToken)).all() == []
