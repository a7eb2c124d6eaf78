"""Throttling in the database (DESIGN §12): failed sign-ins, and password-reset requests.

An in-process counter (Flask-Limiter's memory storage) becomes n times looser with n workers;
rows in `signin_failures` are seen by every worker and host. Write requests run in a
`BEGIN IMMEDIATE` transaction, so count-then-insert cannot lose an attempt between workers.
Each kind of attempt has its own rows (`kind`), window and limits.
"""
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import delete, func, or_, select

from ..extensions import db
from ..models_base import utcnow
from .models import SigninFailure

SIGNIN = "signin"
PASSWORD_RESET = "password_reset"


def _window_start(kind: str):
    key = "SIGNIN_FAILURE_WINDOW_SECONDS" if kind == SIGNIN else "PASSWORD_RESET_WINDOW_SECONDS"
    return utcnow() - timedelta(seconds=current_app.config[key])


def _limits() -> tuple[int, int]:
    per_email = current_app.config["SIGNIN_MAX_FAILURES"]
    per_address = current_app.config.get("SIGNIN_MAX_FAILURES_PER_IP") or per_email
    return per_email, per_address


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
    """True when this e-mail, or this client address, failed too often in the window."""
    per_email, per_address = _limits()
    if _attempts(SIGNIN, SigninFailure.email == _normal(email)) >= per_email:
        return True
    return address is not None and _attempts(SIGNIN, SigninFailure.ip_address == address) >= per_address


def record_failure(email: str, address: str | None = None) -> None:
    """Count one failed sign-in (not committed)."""
    _record(SIGNIN, _normal(email), address)


def clear_failures(email: str) -> None:
    """A successful sign-in forgives that e-mail's failures (not the address's others)."""
    db.session.execute(delete(SigninFailure).where(SigninFailure.kind == SIGNIN,
                                                   SigninFailure.email == _normal(email)))


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
