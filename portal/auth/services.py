"""Creating accounts and memberships; the web pages, the CLI and the demo all call these."""
import re

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..audit.services import record
from ..brands.models import ROLES, Membership
from ..extensions import db
from .models import User
from .passwords import hash_password

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A translated, user-facing reason an account change was refused."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    try:
        return validate_email((email or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise AccountError(_("Enter a valid e-mail address."), "email") from None


def check_password_rules(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(_("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
                           "password")


def email_taken(email: str, except_user_id: int | None = None) -> bool:
    query = select(User.id).where(func.lower(User.email) == email.lower())
    if except_user_id:
        query = query.where(User.id != except_user_id)
    return db.session.scalar(query) is not None


def _free_username(base: str) -> str:
    base = re.sub(r"[^a-z0-9._-]+", "", base.lower())[:60] or "user"
    candidate, n = base, 1
    while db.session.scalar(select(User.id).where(User.username == candidate)) is not None:
        n += 1
        candidate = f"{base}{n}"
    return candidate


def create_user(email: str, name: str, password: str | None = None, *, username: str | None = None,
                phone: str | None = None, address: str | None = None, locale: str | None = None) -> User:
    """Validate and add a user (not committed). Raises AccountError with a translated message."""
    email = normalise_email(email)
    name = (name or "").strip()
    if not name:
        raise AccountError(_("Enter a name."), "name")
    if password is not None:
        check_password_rules(password)
    if email_taken(email):
        raise AccountError(_("An account already uses this e-mail address."), "email")
    if username:
        username = username.strip()
        if db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
            raise AccountError(_("This username is taken."), "username")
    user = User(
        email=email,
        username=username or _free_username(email.split("@")[0]),
        name=name[:120],
        phone=(phone or "").strip() or None,
        address=(address or "").strip() or None,
        locale=locale,
        password_hash=hash_password(password) if password else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def add_membership(user: User, brand, role: str = "end_user", *, can_assist: bool = False,
                   can_register_users: bool = False, actor=None, reason: str = "added") -> Membership:
    """Give user a role in brand (or change it); audited. Not committed."""
    if role not in ROLES:
        raise AccountError(_("Unknown role."), "role")
    membership = db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.brand_id == brand.id)
    )
    old_role = membership.role if membership else None
    if membership is None:
        membership = Membership(user_id=user.id, brand_id=brand.id)
        db.session.add(membership)
    membership.role = role
    membership.can_assist = can_assist
    membership.can_register_users = can_register_users
    db.session.flush()
    record("membership.set", actor=actor, brand=brand, obj=membership, user_id=user.id,
           old_role=old_role, role=role, can_assist=can_assist,
           can_register_users=can_register_users, reason=reason)
    return membership
