"""Failed sign-in throttling, stored in the database (DESIGN §12).

An in-process counter (Flask-Limiter's memory storage) becomes n times looser with n workers;
rows in `signin_failures` are seen by every worker and host. Write requests run in a
`BEGIN IMMEDIATE` transaction, so count-then-insert cannot lose a failure between workers.
"""
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import delete, func, or_, select

from ..extensions import db
from ..models_base import utcnow
from .models import SigninFailure


def _window_start():
    return utcnow() - timedelta(seconds=current_app.config["SIGNIN_FAILURE_WINDOW_SECONDS"])


def _limits() -> tuple[int, int]:
    per_email = current_app.config["SIGNIN_MAX_FAILURES"]
    per_address = current_app.config.get("SIGNIN_MAX_FAILURES_PER_IP") or per_email
    return per_email, per_address


def client_address() -> str | None:
    return request.remote_addr


def too_many_failures(email: str, address: str | None = None) -> bool:
    """True when this e-mail, or this client address, failed too often in the window."""
    email = (email or "").strip().lower()
    since = _window_start()
    per_email, per_address = _limits()
    email_failures = db.session.scalar(
        select(func.count(SigninFailure.id)).where(SigninFailure.email == email,
                                                   SigninFailure.created_at >= since)
    )
    if email_failures >= per_email:
        return True
    if address is None:
        return False
    address_failures = db.session.scalar(
        select(func.count(SigninFailure.id)).where(SigninFailure.ip_address == address,
                                                   SigninFailure.created_at >= since)
    )
    return address_failures >= per_address


def record_failure(email: str, address: str | None = None) -> None:
    """Count one failure (not committed); rows older than the window are dropped on the way."""
    email = (email or "").strip().lower()
    stale = [SigninFailure.email == email]
    if address is not None:
        stale.append(SigninFailure.ip_address == address)
    db.session.execute(delete(SigninFailure).where(or_(*stale), SigninFailure.created_at < _window_start()))
    db.session.add(SigninFailure(email=email[:254], ip_address=address))


def clear_failures(email: str) -> None:
    """A successful sign-in forgives that e-mail's failures (not the address's others)."""
    db.session.execute(delete(SigninFailure).where(SigninFailure.email == (email or "").strip().lower()))
