"""Authentication, the browser session's absence, CSRF, rate limits and the error shape."""
import pytest
from sqlalchemy import func, select

from portal.api.auth import hash_secret
from portal.api.models import ApiRateCounter, ApiToken
from portal.api.tokens import create_token, revoke_token
from portal.auth.models import SigninFailure
from portal.extensions import db

from .conftest import basic


def test_password_and_token_authenticate(world, api):
    assert api("GET", world.brand, "/users/me.json", world.user).get_json()["user"]["email"] == "user@example.com"
    _token, secret = create_token(world.user, "script")
    response = api("GET", world.brand, "/users/me.json", world.user, secret=secret, token=True)
    assert response.status_code == 200
    assert response.get_json()["user"]["role"] == "end-user"


@pytest.mark.parametrize("headers", [
    {},
    basic("user@example.com", "wrong password"),
    basic("nobody@example.com"),
    {"Authorization": "Bearer something"},
    {"Authorization": "Basic not-base64!"},
], ids=["none", "wrong-password", "unknown-email", "bearer", "garbage"])
def test_bad_credentials_answer_401_in_zendesks_shape(world, client, headers):
    response = client.get("/acme/api/v2/users/me.json", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    body = response.get_json()
    assert body["error"] == "Couldn't authenticate you" and body["description"]


def test_a_token_is_stored_hashed_and_a_revoked_or_foreign_one_is_refused(world, api):
    token, secret = create_token(world.user, "script")
    stored = db.session.get(ApiToken, token.id)
    assert stored.token_hash == hash_secret(secret) and secret not in stored.token_hash
    # Someone else's e-mail with this token is refused.
    assert api("GET", world.brand, "/users/me.json", world.other, secret=secret, token=True).status_code == 401
    revoke_token(world.user, token.id)
    assert api("GET", world.brand, "/users/me.json", world.user, secret=secret, token=True).status_code == 401


def test_the_browser_session_cookie_is_not_accepted(world, client, login):
    login(world.brand, world.user)
    assert client.get("/acme/hc/en/requests").status_code == 200  # signed in for the pages
    response = client.get("/acme/api/v2/users/me.json")
    assert response.status_code == 401
    response = client.post("/acme/api/v2/requests.json", json={"request": {"subject": "x", "comment": {"body": "y"}}})
    assert response.status_code == 401


def test_basic_auth_needs_no_csrf_token(csrf_app, world, api):
    response = api("POST", world.brand, "/requests.json", world.user, json={"request": {
        "subject": "Printer jams", "comment": {"body": "Floor 2."},
        "custom_fields": [{"id": world.category.id, "value": "hardware"}]}})
    assert response.status_code == 201


def test_repeated_wrong_passwords_are_throttled_from_that_address_only(world, api):
    for _attempt in range(5):
        assert api("GET", world.brand, "/users/me.json", world.user, secret="wrong").status_code == 401
    assert api("GET", world.brand, "/users/me.json", world.user).status_code == 429
    owner = api("GET", world.brand, "/users/me.json", world.user, environ_base={"REMOTE_ADDR": "10.8.8.8"})
    assert owner.status_code == 200
    assert api("GET", world.brand, "/users/me.json", world.agent).status_code == 200


def test_wrong_tokens_count_like_wrong_passwords(app, world, api):
    app.config.update(SIGNIN_MAX_FAILURES=3)
    _token, secret = create_token(world.user, "script")
    for _attempt in range(3):
        assert api("GET", world.brand, "/users/me.json", world.user, secret="guess", token=True).status_code == 401
    assert db.session.scalar(select(func.count(SigninFailure.id))) == 3
    assert api("GET", world.brand, "/users/me.json", world.user, secret=secret, token=True).status_code == 429
    assert api("GET", world.brand, "/users/me.json", world.user).status_code == 429  # same counters
    elsewhere = api("GET", world.brand, "/users/me.json", world.user, secret=secret, token=True,
                    environ_base={"REMOTE_ADDR": "10.8.8.8"})
    assert elsewhere.status_code == 200


def test_rate_limit_headers_then_429_with_retry_after(app, world, api):
    app.config["API_RATE_LIMIT_PER_MINUTE"] = 3
    _token, secret = create_token(world.user, "script")
    remaining = []
    for _ in range(3):
        response = api("GET", world.brand, "/brands.json", world.user, secret=secret, token=True)
        assert response.status_code == 200
        assert response.headers["X-Rate-Limit"] == "3"
        remaining.append(int(response.headers["X-Rate-Limit-Remaining"]))
    assert remaining == [2, 1, 0]
    refused = api("GET", world.brand, "/brands.json", world.user, secret=secret, token=True)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.get_json()["error"] == "TooManyRequests"
    # Writes count too, and the count lives in the database (shared by every worker).
    assert api("POST", world.brand, "/requests.json", world.user, secret=secret, token=True,
               json={"request": {}}).status_code == 429
    assert db.session.scalar(select(ApiRateCounter.count).where(ApiRateCounter.caller.like("token:%"))) == 5
    # Another caller has a budget of their own.
    assert api("GET", world.brand, "/brands.json", world.other).status_code == 200


def test_unknown_api_paths_and_methods_answer_json(world, api):
    missing = api("GET", world.brand, "/nothing-here.json", world.user)
    assert missing.status_code == 404 and missing.get_json()["error"]
    wrong_method = api("DELETE", world.brand, "/requests.json", world.user)
    assert wrong_method.status_code == 405 and wrong_method.get_json()["error"]


def test_bad_json_answers_400_and_a_missing_root_422(world, api, client):
    response = client.post("/acme/api/v2/requests.json", data="{not json", headers={
        **basic(world.user), "Content-Type": "application/json"})
    assert response.status_code == 400 and response.get_json()["error"] == "InvalidRequest"
    response = api("POST", world.brand, "/requests.json", world.user, json={"ticket": {}})
    assert response.status_code == 422
    assert response.get_json()["details"]["base"][0]["description"]


def test_the_openapi_document_lists_the_served_paths(world, client, app):
    document = client.get("/acme/api/v2/openapi.json").get_json()
    served = {rule.rule.replace("/<brand>/api/v2", "") for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith("api.") and rule.rule.endswith(".json")}
    described = {path.replace("{", "<").replace("}", ">") for path in document["paths"]}
    normalise = {rule.replace("int:", "") for rule in served}
    assert described == normalise - {"/openapi.json"}
    assert document["servers"][0]["url"].endswith("/acme/api/v2")
