"""Choosing a password through a one-time link: "Forgot your password?" and invitations.

The link carries a random secret; only its sha256 is stored. Asking for a link answers the same
whether or not the e-mail has an account here, so the form cannot tell who has one.
"""
import hashlib
import secrets
from datetime import timedelta

from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, func, select, update

from ..audit.services import record
from ..extensions import db
from ..mail.links import mail_link
from ..mail.outbox import queue_mail
from ..models_base import utcnow
from .models import PasswordResetToken, User, UserSession
from .passwords import hash_password
from .services import check_password_rules, is_member
from .throttle import clear_failures

FORGOT_LINK_HOURS = 1
INVITATION_LINK_HOURS = 72
# Live links per account: more requests still answer neutrally but write nothing (no mail flood).
MAX_LIVE_LINKS = 3


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _live_links(user: User) -> int:
    return db.session.scalar(select(func.count(PasswordResetToken.id)).where(
        PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None),
        PasswordResetToken.expires_at > utcnow()))


def _new_secret(user: User, hours: int) -> str:
    """A token row (not committed); returns the secret that goes in the link, never stored."""
    secret = secrets.token_urlsafe(32)
    if user.id is None:
        db.session.flush()  # a user created in this same transaction (invitations)
    now = utcnow()
    db.session.add(PasswordResetToken(user_id=user.id, token_hash=_digest(secret), created_at=now,
                                      expires_at=now + timedelta(hours=hours)))
    return secret


def issue_password_link(user: User, hours: int = INVITATION_LINK_HOURS, *, brand=None,
                        locale: str | None = None) -> str:
    """An absolute one-time link to choose a password (not committed), for e-mails.

    Needs a request context; brand and locale default to the current page's.
    """
    secret = _new_secret(user, hours)
    target = {"locale": locale} if locale else {}
    return mail_link(brand, "auth.reset_password", token=secret, **target)


def request_password_link(brand, email: str):
    """Queue a reset message when this e-mail is an active member of the brand; else nothing.

    Returns the queued message or None. Only to members, and to an account that was never
    activated (no password yet: an invitation made it), so its owner can claim it from any help
    centre instead of being locked out by another brand's invitation. The message goes to the
    address's owner only; the caller answers the same either way.
    """
    email = (email or "").strip().lower()
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None or not user.active:
        return None
    if user.password_hash is not None and not is_member(user, brand):
        return None
    if _live_links(user) >= MAX_LIVE_LINKS:
        return None
    locale = user.locale or str(get_locale())
    with force_locale(locale):
        link = issue_password_link(user, FORGOT_LINK_HOURS, brand=brand, locale=locale)
        subject = _("Choose a new password for %(brand)s", brand=brand.name)
        body = ngettext(
            "Hello %(name)s,\n\nSomeone asked to reset the password of your account at the "
            "%(brand)s help centre.\n\nTo choose a new password, open this link within "
            "%(num)d hour: %(link)s\n\nIf it was not you, ignore this message: your "
            "password stays the same.\n",
            "Hello %(name)s,\n\nSomeone asked to reset the password of your account at the "
            "%(brand)s help centre.\n\nTo choose a new password, open this link within "
            "%(num)d hours: %(link)s\n\nIf it was not you, ignore this message: your "
            "password stays the same.\n",
            FORGOT_LINK_HOURS, name=user.name, brand=brand.name, link=link)
    mail = queue_mail(brand, user.email, subject, body, "password_reset")
    record("user.password_link_sent", brand=brand, obj=user)
    return mail


def valid_token(secret: str) -> PasswordResetToken | None:
    """The unused, unexpired token of an active account for this secret, or None."""
    token = db.session.scalar(select(PasswordResetToken).where(
        PasswordResetToken.token_hash == _digest(secret or "")))
    if token is None or token.used_at is not None or token.expires_at <= utcnow():
        return None
    if not token.user.active:
        return None
    return token


def apply_password_reset(token: PasswordResetToken, new_password: str, brand=None) -> int:
    """Set the password, spend this and every other link of the user, and end all their sessions.

    Returns how many sessions ended. Raises ServiceError before writing anything.
    """
    check_password_rules(new_password)
    user, now = token.user, utcnow()
    user.password_hash = hash_password(new_password)
    db.session.execute(update(PasswordResetToken).where(
        PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None)).values(used_at=now))
    ended = db.session.execute(delete(UserSession).where(UserSession.user_id == user.id)).rowcount or 0
    clear_failures(user.email, everywhere=True)  # the owner proved they read the mailbox: sign-in is open again
    record("user.password_reset", brand=brand, obj=user, sessions_ended=ended)
    return ended
