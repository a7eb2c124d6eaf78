"""Creating accounts and memberships; the web pages, the CLI and the demo all call these."""
import re

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import policy
from ..audit.services import record
from ..brands.models import ROLES, Membership
from ..extensions import db
from ..input_filter import single_line
from .models import User
from .passwords import hash_password
from ..service_error import ServiceError

MIN_PASSWORD_LENGTH = 10


def normalise_email(email: str) -> str:
    try:
        return validate_email((email or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ServiceError(422, _("Enter a valid e-mail address."), field="email") from None


def check_password_rules(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ServiceError(422, _("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH), field="password")


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
    """Validate and add a user (not committed). Raises ServiceError with a translated message."""
    email = normalise_email(email)
    name = single_line(name)
    if not name:
        raise ServiceError(422, _("Enter a name."), field="name")
    if password is not None:
        check_password_rules(password)
    if email_taken(email):
        raise ServiceError(409, _("An account already uses this e-mail address."), field="email")
    if username:
        username = single_line(username)
        if db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
            raise ServiceError(409, _("This username is taken."), field="username")
    user = User(
        email=email,
        username=username or _free_username(email.split("@")[0]),
        name=name[:120],
        phone=single_line(phone) or None,
        address=(address or "").strip() or None,
        locale=locale,
        password_hash=hash_password(password) if password else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def check_capabilities(role: str, can_assist: bool, can_register_users: bool) -> None:
    """Assisting and registering users are for agents and admins (policy); the flags are refused
    for any other role, whoever sets them (admin pages, the CLI)."""
    if (can_assist or can_register_users) and not policy.may_hold_assist_capabilities(role):
        raise ServiceError(422, _("Only agents and admins may assist users or register them."), field="role")


def is_member(user: User, brand) -> bool:
    """Has a membership in this brand (one query; `User.membership_in` reads loaded rows)."""
    return db.session.scalar(select(Membership.id).where(Membership.user_id == user.id,
                                                         Membership.brand_id == brand.id)) is not None


def add_membership(user: User, brand, role: str = "end_user", *, can_assist: bool = False,
                   can_register_users: bool = False, actor=None, reason: str = "added") -> Membership:
    """Give user a role in brand (or change it); audited. Not committed."""
    if role not in ROLES:
        raise ServiceError(422, _("Unknown role."), field="role")
    check_capabilities(role, can_assist, can_register_users)
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


# --- Self-service accounts (help-centre sign-up, sign-in, profile) ---------------------------

def sign_up(brand, name: str, email: str, password: str, locale: str | None = None) -> User | None:
    """Create an end user of brand, or None (writing nothing) when the e-mail already has an account,
    so the page can answer neutrally (DESIGN §2). Raises ServiceError for invalid input."""
    email = normalise_email(email)
    if email_taken(email):
        return None
    user = create_user(email, name, password, locale=locale)
    add_membership(user, brand, "end_user", actor=user, reason="signup")
    record("user.signed_up", actor=user, brand=brand, obj=user)
    return user


def membership_at_signin(user: User, brand, self_registration: bool) -> Membership | None:
    """The user's membership in brand, made at sign-in when the brand is open; None when the brand
    is restricted and they are not a member. Only called from a POST (a GET never writes)."""
    membership = user.membership_in(brand)
    if membership is not None or not self_registration:
        return membership
    return add_membership(user, brand, "end_user", actor=user, reason="signin")


def check_current_password(user: User, password: str, field: str = "current_password") -> None:
    from .passwords import verify_password

    if not verify_password(user, password or ""):
        raise ServiceError(422, _("The current password is not correct."), field=field)


def update_profile(user: User, *, name: str, username: str, phone: str | None, address: str | None,
                   locale: str | None, brand=None, on_behalf_of=None) -> list[str]:
    """Change the profile fields; returns the names of the fields that changed (audited)."""
    from flask import current_app

    name = single_line(name)
    username = single_line(username)
    if not name:
        raise ServiceError(422, _("Enter a name."), field="name")
    if not username:
        raise ServiceError(422, _("Enter a username."), field="username")
    if locale not in current_app.config["LANGUAGES"]:
        raise ServiceError(422, _("Choose a language from the list."), field="locale")
    if username.lower() != (user.username or "").lower() and db.session.scalar(
        select(User.id).where(func.lower(User.username) == username.lower(), User.id != user.id)
    ):
        raise ServiceError(409, _("This username is taken."), field="username")
    wanted = {"name": name[:120], "username": username[:80], "phone": single_line(phone)[:40] or None,
              "address": (address or "").strip()[:300] or None, "locale": locale}
    changed = [key for key, value in wanted.items() if getattr(user, key) != value]
    for key in changed:
        setattr(user, key, wanted[key])
    if changed:
        record("user.profile_changed", brand=brand, obj=user, on_behalf_of=on_behalf_of, fields=changed)
    return changed


def change_password(user: User, current_password: str, new_password: str, brand=None) -> int:
    """Set a new password after checking the current one; signs out the user's other sessions
    (DESIGN §1) and returns how many ended."""
    from .passwords import hash_password
    from .sessions import end_other_sessions, rotate_session

    check_current_password(user, current_password)
    check_password_rules(new_password)
    user.password_hash = hash_password(new_password)
    ended = end_other_sessions(user)
    rotate_session()
    record("user.password_changed", brand=brand, obj=user, other_sessions_ended=ended)
    return ended


def change_email(user: User, new_email: str, current_password: str, brand=None) -> None:
    """Change the sign-in e-mail; asks the current password (DESIGN §2)."""
    email = normalise_email(new_email)
    check_current_password(user, current_password, "email_password")
    if email == user.email:
        return
    if email_taken(email, except_user_id=user.id):
        raise ServiceError(409, _("An account already uses this e-mail address."), field="new_email")
    old_email, user.email = user.email, email
    record("user.email_changed", brand=brand, obj=user, old_email=old_email, email=email)
    from ..mail.notifications import email_changed  # the mail package reads auth's models
    email_changed(user, old_email, brand)


def end_own_session(user: User, session_id: int, brand=None) -> bool:
    """Sign out one of the user's own sessions (the profile's list); False if it is not theirs."""
    from .models import UserSession

    row = db.session.scalar(select(UserSession).where(UserSession.id == session_id,
                                                      UserSession.user_id == user.id))
    if row is None:
        return False
    db.session.delete(row)
    record("session.ended", brand=brand, obj=user, session_id=session_id)
    return True


def end_own_other_sessions(user: User, brand=None) -> int:
    from .sessions import end_other_sessions

    ended = end_other_sessions(user)
    record("session.others_ended", brand=brand, obj=user, count=ended)
    return ended
