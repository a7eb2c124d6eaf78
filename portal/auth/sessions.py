"""Server-side sessions (DESIGN §1): the signed cookie holds only a random key; the row is the truth.

Rotation replaces the row, sign-out deletes it, a password change deletes the others; so a copied
cookie stops working and every worker sees the same state at once.
"""
import secrets
from datetime import timedelta

from flask import current_app, g, request, session
from sqlalchemy import bindparam, delete, or_, select
from sqlalchemy.orm import joinedload

from ..brands.models import Membership
from ..extensions import db, login_manager
from ..models_base import utcnow
from .models import User, UserSession
from .throttle import remember_address
from ..statements import statement

SESSION_KEY = "sid"
# Every page needs the session, its user and their memberships (with brands: the header's brand
# switch): one statement, built once (building a select with its options costs more than running it).
@statement
def _session_with_user():
    return (select(UserSession).where(UserSession.key == bindparam("key"))
            .options(joinedload(UserSession.user).joinedload(User.memberships).joinedload(Membership.brand)))


TOUCH_EVERY = timedelta(minutes=1)


def _new_key() -> str:
    return secrets.token_urlsafe(32)


def current_session_row() -> UserSession | None:
    return g.get("user_session")


def start_session(user: User) -> UserSession:
    """Sign in: drop any previous row of this browser and issue a fresh key (rotation)."""
    old = session.get(SESSION_KEY)
    if old:
        db.session.execute(delete(UserSession).where(UserSession.key == old))
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id, _expired_clause()))
    _clear_cookie_keeping_locale()
    row = UserSession(
        key=_new_key(),
        user_id=user.id,
        user_agent=(request.user_agent.string or "")[:300],
        ip_address=request.remote_addr,
    )
    db.session.add(row)
    remember_address(user.id, request.remote_addr, prune=True)  # the owner's address (DESIGN §13)
    user.last_seen_at = row.last_seen_at = utcnow()  # present from the moment they sign in
    session[SESSION_KEY] = row.key
    g.user_session = row
    return row


def rotate_session() -> UserSession | None:
    """New key, same row contents (assist start/stop): an old copy of the cookie stops working."""
    row = current_session_row()
    if row is None:
        return None
    row.key = _new_key()
    session[SESSION_KEY] = row.key
    return row


def end_session() -> None:
    key = session.get(SESSION_KEY)
    if key:
        db.session.execute(delete(UserSession).where(UserSession.key == key))
    _clear_cookie_keeping_locale()
    g.user_session = None


def _clear_cookie_keeping_locale() -> None:
    """A new (or no) session starts from an empty cookie; only the language choice survives."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


def end_other_sessions(user: User) -> int:
    keep = session.get(SESSION_KEY)
    result = db.session.execute(
        delete(UserSession).where(UserSession.user_id == user.id, UserSession.key != keep)
    )
    return result.rowcount or 0


def sessions_of(user: User) -> list[UserSession]:
    return list(db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, ~_expired_clause())
        .order_by(UserSession.last_seen_at.desc())
    ))


@login_manager.request_loader
def load_user_from_session(_request):
    from ..brands.resolver import is_self_served

    key = session.get(SESSION_KEY)
    if not key or is_self_served():  # such a view reads the session row itself
        return None
    row = db.session.execute(_session_with_user(), {"key": key}).unique().scalar_one_or_none()
    if row is None or not row.user.active:
        session.pop(SESSION_KEY, None)
        return None
    now = utcnow()
    if expired(row, now):
        _forget(row)
        return None
    g.user_session = row
    _touch(row, now)
    return row.user


def limits(now) -> tuple:
    """(seen since, created since): a session last seen or created before these has ended
    (idle timeout and absolute lifetime, DESIGN §13)."""
    config = current_app.config
    return (now - timedelta(seconds=config["SESSION_IDLE_TIMEOUT_SECONDS"]),
            now - timedelta(seconds=config["SESSION_ABSOLUTE_LIFETIME_SECONDS"]))


def expired(row: UserSession, now) -> bool:
    """From the row already loaded: no extra query. last_seen_at lags by up to TOUCH_EVERY,
    which only shortens the idle time by as much."""
    seen_since, created_since = limits(now)
    return row.last_seen_at < seen_since or row.created_at < created_since


def _expired_clause():
    """`expired` as SQL: for the list of sessions and the clean-up at sign-in."""
    seen_since, created_since = limits(utcnow())
    return or_(UserSession.last_seen_at < seen_since, UserSession.created_at < created_since)


def _forget(row: UserSession) -> None:
    """An expired session: its row goes and the request is anonymous."""
    from ..database import bookkeeping_writer

    with bookkeeping_writer() as writer:
        writer.execute(delete(UserSession).where(UserSession.id == row.id))
    if writer is db.session and not (db.session.new or db.session.dirty or db.session.deleted):
        db.session.commit()  # the request may never commit (it is anonymous now): the row goes now
    _clear_cookie_keeping_locale()


def _touch(row: UserSession, now) -> None:
    """Record last seen (session and presence) at most once a minute, in its own short write
    on a GET (with the request's own writes otherwise)."""
    if now - row.last_seen_at < TOUCH_EVERY:
        return
    from sqlalchemy import update

    from ..database import bookkeeping_writer

    with bookkeeping_writer() as writer:
        writer.execute(update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now))
        writer.execute(update(User).where(User.id == row.user_id).values(last_seen_at=now))
    from sqlalchemy.orm.attributes import set_committed_value

    set_committed_value(row, "last_seen_at", now)
