"""Throttling in the database (DESIGN §12): failed sign-ins, and password-reset requests.

An in-process counter (Flask-Limiter's memory storage) becomes n times looser with n workers;
rows in `signin_failures` are seen by every worker and host. Write requests run in a
`BEGIN IMMEDIATE` transaction, so count-then-insert cannot lose an attempt between workers.
Each kind of attempt has its own rows (`kind`), window and limits.
"""
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import and_, delete, func, or_, select

from ..extensions import db
from ..models_base import utcnow
from .models import KnownAddress, SigninFailure, User

SIGNIN = "signin"
PASSWORD_RESET = "password_reset"
# An address stays known this long after the account last signed in from it.
KNOWN_ADDRESS_DAYS = 90
# A known address's stamp is refreshed at most this often (the API signs in on every request).
KNOWN_ADDRESS_REFRESH = timedelta(hours=1)


def _window_start(kind: str):
    key = "SIGNIN_FAILURE_WINDOW_SECONDS" if kind == SIGNIN else "PASSWORD_RESET_WINDOW_SECONDS"
    return utcnow() - timedelta(seconds=current_app.config[key])


def _limits() -> tuple[int, int, int]:
    """(per account and address, per address, per account) failures allowed in the window."""
    config = current_app.config
    per_pair = config["SIGNIN_MAX_FAILURES"]
    return (per_pair, config.get("SIGNIN_MAX_FAILURES_PER_IP") or 10 * per_pair,
            config.get("SIGNIN_MAX_FAILURES_PER_ACCOUNT") or 20 * per_pair)


def _from(address: str | None):
    return SigninFailure.ip_address.is_(None) if address is None else SigninFailure.ip_address == address


def client_address() -> str | None:
    return request.remote_addr


def _attempts(kind: str, where) -> int:
    """Attempts of this kind matching where (one column's value) in the kind's window."""
    return db.session.scalar(select(func.count(SigninFailure.id)).where(
        where, SigninFailure.kind == kind, SigninFailure.created_at >= _window_start(kind)))


def _record(kind: str, email: str, address: str | None) -> None:
    """Count one attempt (not committed); this key's rows older than the window go on the way."""
    stale = [SigninFailure.email == email]
    if address is not None:
        stale.append(SigninFailure.ip_address == address)
    db.session.execute(delete(SigninFailure).where(or_(*stale), SigninFailure.kind == kind,
                                                   SigninFailure.created_at < _window_start(kind)))
    db.session.add(SigninFailure(kind=kind, email=email[:254], ip_address=address))


def _normal(email: str) -> str:
    return (email or "").strip().lower()


# --- Sign-in ---------------------------------------------------------------------------------

def too_many_failures(email: str, address: str | None = None) -> bool:
    """True when this account failed too often from this address, this address failed too often
    (for any accounts), or this account failed very often from everywhere.

    Only the last ceiling ignores the address, and it is far higher than the first: a stranger
    guessing from a few addresses locks themselves out, not the owner (DESIGN §13).
    """
    per_pair, per_address, per_account = _limits()
    account = SigninFailure.email == _normal(email)
    if _attempts(SIGNIN, and_(account, _from(address))) >= per_pair:
        return True
    if address is not None and _attempts(SIGNIN, _from(address)) >= per_address:
        return True
    # At the ceiling only: the owner still gets in from an address they signed in from before
    # (its own limits above still hold); an unknown address is refused without a password check.
    return _attempts(SIGNIN, account) >= per_account and not is_known_address(email, address)


def _known_since():
    days = current_app.config.get("SIGNIN_KNOWN_ADDRESS_DAYS") or KNOWN_ADDRESS_DAYS
    return utcnow() - timedelta(days=days)


def is_known_address(email: str, address: str | None) -> bool:
    """True when the account of this e-mail signed in from this address lately."""
    if address is None:
        return False
    return db.session.scalar(
        select(KnownAddress.id).join(User, User.id == KnownAddress.user_id)
        .where(func.lower(User.email) == _normal(email), KnownAddress.ip_address == address[:64],
               KnownAddress.last_signed_in_at >= _known_since()).limit(1)) is not None


def remember_address(user_id: int, address: str | None, executor=None, *, prune: bool = False) -> None:
    """This account signed in from this address (not committed): one upsert, on the session or
    on the given connection; prune drops this account's addresses not seen for too long."""
    if address is None:
        return
    executor = db.session if executor is None else executor
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    now = utcnow()
    if prune:
        executor.execute(delete(KnownAddress).where(KnownAddress.user_id == user_id,
                                                    KnownAddress.last_signed_in_at < _known_since()))
    executor.execute(insert(KnownAddress).values(user_id=user_id, ip_address=address[:64], last_signed_in_at=now)
                     .on_conflict_do_update(index_elements=["user_id", "ip_address"],
                                            set_={"last_signed_in_at": now},
                                            where=KnownAddress.last_signed_in_at < now - KNOWN_ADDRESS_REFRESH))


def record_failure(email: str, address: str | None = None) -> None:
    """Count one failed sign-in, API password or API token (not committed)."""
    _record(SIGNIN, _normal(email), address)


def clear_failures(email: str, address: str | None = None, *, everywhere: bool = False) -> None:
    """A successful sign-in forgives that account's failures from that address; a password reset
    (the owner read the mailbox) forgives them from everywhere. Other accounts' failures stay."""
    where = [SigninFailure.kind == SIGNIN, SigninFailure.email == _normal(email)]
    if not everywhere:
        where.append(_from(address))
    db.session.execute(delete(SigninFailure).where(*where))


# --- Password-reset requests -------------------------------------------------------------------
# Per e-mail, live links are capped where they are issued (reset.MAX_LIVE_LINKS); this caps one
# address asking for many e-mails. Every request counts, with or without an account behind it,
# so a refusal says nothing about who has one.

def too_many_reset_requests(address: str | None) -> bool:
    if address is None:
        return False
    limit = current_app.config["PASSWORD_RESET_MAX_PER_IP"]
    return _attempts(PASSWORD_RESET, SigninFailure.ip_address == address) >= limit


def record_reset_request(email: str, address: str | None) -> None:
    """Count one password-reset request from this address (not committed)."""
    _record(PASSWORD_RESET, _normal(email), address)
