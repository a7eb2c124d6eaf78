"""Who calls the API, and how often (DESIGN §11, §12; issue 7).

The API authenticates every request with HTTP Basic, `email:password` or `email/token:TOKEN`, and
never reads the browser's session cookie: `current_user` is pinned to anonymous before any hook
could load it from the cookie, so a forged cross-site request carries no identity (hence no CSRF
check). Requests are counted per token (or per user, with a password) in a fixed one-minute
window stored in the database, so the limit holds across workers and hosts.
Wrong passwords and wrong tokens count as failed sign-ins (auth.throttle), on the same counters.
"""
import hashlib
import time
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app, g, request
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import joinedload

from .. import policy
from ..auth.models import User
from ..auth.passwords import burn_time, verify_password
from ..auth.throttle import client_address, record_failure, remember_address, too_many_failures
from ..brands import current_brand
from ..database import write_connection
from ..extensions import db, login_manager
from ..models_base import utcnow
from .errors import ApiError, refuse
from .models import ApiRateCounter, ApiToken

TOKEN_SUFFIX = "/token"
RATE_WINDOW_SECONDS = 60
DEFAULT_RATE_PER_MINUTE = 400
TOKEN_TOUCH_EVERY = timedelta(minutes=1)
# Endpoints anyone may read without credentials (the API's own description).
PUBLIC_ENDPOINTS = {"api.openapi"}


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def ignore_browser_session(_endpoint, _values):
    """Runs before every before_request hook: nobody can load the cookie's user afterwards."""
    g._login_user = login_manager.anonymous_user()


@contextmanager
def _writer():
    """A GET reads in a deferred transaction, so its bookkeeping goes through a short write
    connection of its own; other methods already hold the write lock in the session."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        with write_connection() as conn:
            yield conn
    else:
        yield db.session
        db.session.commit()  # the count stands even when the answer is an error (rate limit)


def _refuse_credentials():
    refuse(401)


def _refuse_if_throttled(email: str) -> None:
    if too_many_failures(email, client_address()):
        refuse(429, _("Too many failed sign-ins. Wait a few minutes and try again."))


def _failed(email: str) -> None:
    """Count a wrong password or token like a failed sign-in, then answer 401."""
    # A fresh transaction whose first statement writes: no stale read snapshot to upgrade.
    db.session.rollback()
    record_failure(email, client_address())
    db.session.commit()
    _refuse_credentials()


def _user_by_password(email: str, password: str) -> User:
    _refuse_if_throttled(email)
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if user is None:
        burn_time(password)
    if user is None or not user.active or not verify_password(user, password):
        _failed(email)
    return user


def _user_by_token(email: str, secret: str) -> tuple[User, ApiToken]:
    _refuse_if_throttled(email)
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret))
                              .options(joinedload(ApiToken.user))) if secret else None
    if (token is None or not token.is_active or not token.user.active
            or token.user.email.lower() != email.lower()):
        _failed(email)
    return token.user, token


def authenticate():
    """before_request of the API blueprint: set the caller, count the request, then keep
    non-members of this brand out of every endpoint at once."""
    g.api_token = None
    g.api_rate = None
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    credentials = request.authorization
    if credentials is None or credentials.type != "basic" or not credentials.username:
        _refuse_credentials()
    username = credentials.username.strip()
    secret = credentials.password or ""
    if username.lower().endswith(TOKEN_SUFFIX):
        user, g.api_token = _user_by_token(username[: -len(TOKEN_SUFFIX)].strip(), secret)
    else:
        user = _user_by_password(username, secret)
    g._login_user = user
    _count_request(user, g.api_token)
    if not policy.is_member(user, current_brand):
        refuse(403, _("You are not a member of this help centre."))


def rate_limit() -> int:
    return int(current_app.config.get("API_RATE_LIMIT_PER_MINUTE", DEFAULT_RATE_PER_MINUTE))


def _upsert(caller: str, window: int):
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(ApiRateCounter).values(caller=caller, window_start=window, count=1)
    return statement.on_conflict_do_update(
        index_elements=["caller", "window_start"], set_={"count": ApiRateCounter.count + 1},
    ).returning(ApiRateCounter.count)


def _count_request(user, token) -> None:
    caller = f"token:{token.id}" if token is not None else f"user:{user.id}"
    now = time.time()
    window = int(now) // RATE_WINDOW_SECONDS * RATE_WINDOW_SECONDS
    with _writer() as executor:
        count = executor.execute(_upsert(caller, window)).scalar_one()
        remember_address(user.id, client_address(), executor)  # signed in from here (auth.throttle)
        if count == 1:
            # The first request of a window sweeps the finished windows away.
            executor.execute(delete(ApiRateCounter).where(ApiRateCounter.window_start < window))
        stamp = utcnow()
        if token is not None and (token.last_used_at is None or stamp - token.last_used_at >= TOKEN_TOUCH_EVERY):
            executor.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=stamp)
                             .execution_options(synchronize_session=False))
    limit = rate_limit()
    g.api_rate = (limit, max(limit - count, 0))
    if count > limit:
        retry_after = max(int(window + RATE_WINDOW_SECONDS - now), 1)
        refuse_rate(retry_after)


def refuse_rate(retry_after: int):
    raise ApiError(429, _("Too many requests. Wait %(seconds)d seconds and try again.", seconds=retry_after),
                   headers={"Retry-After": str(retry_after)})


def add_rate_headers(response):
    rate = g.get("api_rate")
    if rate is not None:
        response.headers["X-Rate-Limit"] = str(rate[0])
        response.headers["X-Rate-Limit-Remaining"] = str(rate[1])
    response.headers.setdefault("Cache-Control", "no-store")
    return response
