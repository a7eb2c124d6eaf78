"""Registering an end user on behalf of someone (DESIGN §8), and the invitation e-mail."""
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..audit.services import record
from ..auth.models import User
from ..auth.services import AccountError, add_membership, create_user, normalise_email
from ..extensions import db
from .models import MailOutbox


def existing_account(email: str) -> User | None:
    """The account already using this e-mail address, if any (raises AccountError if malformed)."""
    email = normalise_email(email)
    return db.session.scalar(select(User).where(func.lower(User.email) == email))


def register_on_behalf(agent, brand, *, name: str, email: str, phone: str | None = None,
                       address: str | None = None) -> User:
    """A new end user of this brand, with no password yet: they are invited to choose one.

    Works when self_registration is off; only the end-user role can be created this way.
    """
    user = create_user(email, name, None, phone=phone, address=address)
    add_membership(user, brand, "end_user", actor=agent, reason="registered_on_behalf")
    record("assist.register_user", actor=agent, brand=brand, obj=user, on_behalf_of=user)
    queue_invitation(brand, user)
    return user


def add_to_brand(agent, brand, user) -> None:
    """Make an existing account an end user of this brand (nothing changes if already a member)."""
    if user.membership_in(brand) is not None:
        return
    if not user.active:
        raise AccountError(_("This account is deactivated and cannot be assisted."))
    add_membership(user, brand, "end_user", actor=agent, reason="added_on_behalf")
    db.session.refresh(user, ["memberships"])


def queue_invitation(brand, user) -> MailOutbox:
    """The invitation to set a password, in the user's language, waiting in the outbox."""
    # Imported here: auth.reset uses the outbox model, and this package imports its views.
    from ..auth.reset import INVITATION_LINK_HOURS, issue_password_link

    locale = user.locale or "en"
    with force_locale(locale):
        link = issue_password_link(user, brand=brand, locale=locale)
        subject = _("You have an account at %(brand)s", brand=brand.name)
        body = _("Hello %(name)s,\n\nAn account was created for you at the %(brand)s help centre "
                 "with the e-mail address %(email)s.\n\nTo choose your password, open this link "
                 "within %(days)d days: %(link)s\n", name=user.name, brand=brand.name,
                 email=user.email, days=INVITATION_LINK_HOURS // 24, link=link)
    mail = MailOutbox(brand_id=brand.id, to_email=user.email, subject=subject, body=body,
                      kind="invitation")
    db.session.add(mail)
    return mail
