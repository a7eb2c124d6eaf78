"""Inviting a person into a brand, and their accepting or declining (DESIGN §2, consent).

Every path by which a brand's staff name a person by e-mail (an admin adding a member, an agent
registering someone on behalf, a ticket opened for an e-mail, the API's `requester`) comes here.
A member of the brand is simply returned. Anyone else is *invited*: an account is created when the
e-mail has none (password-less, with what the staff typed), and an invitation is mailed. What the
staff see afterwards is the same whether or not the e-mail already had an account: the e-mail
only, until the person accepts.
"""
import hashlib
import secrets
from datetime import timedelta

from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..audit.services import record
from ..brands.models import Membership
from ..brands.settings import settings_for
from ..extensions import db
from ..mail.links import mail_link
from ..mail.outbox import queue_mail
from ..models_base import utcnow
from .models import Invitation, User
from .passwords import hash_password
from .services import add_membership, check_capabilities, check_password_rules, create_user, \
    is_member, normalise_email
from ..service_error import ServiceError

INVITATION_DAYS = 14


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def account_for(email: str) -> User | None:
    """The account using this (normalised) e-mail, if any. Callers never show the answer to staff."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email))


def pending_invitation(brand, user: User) -> Invitation | None:
    """The person's live invitation to brand, if any."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.brand_id == brand.id,
                                                            Invitation.user_id == user.id))
    return invitation if invitation is not None and invitation.expires_at > utcnow() else None


def member_or_invite(brand, email: str, *, actor, role: str = "end_user", can_assist: bool = False,
                     can_register_users: bool = False, name: str | None = None, phone: str | None = None,
                     address: str | None = None) -> tuple[User, bool]:
    """(person, is_member): the brand's member with this e-mail, or the invited person.

    A new e-mail gets a password-less account holding only the e-mail; what was typed (name,
    phone, address) waits on the invitation until the person accepts. An existing account is
    left exactly as it is. A live invitation is kept as it is (no second mail, its role
    unchanged). Not committed; raises ServiceError on bad input.
    """
    email = normalise_email(email)
    check_capabilities(role, can_assist, can_register_users)
    user = account_for(email)
    if user is not None and is_member(user, brand):
        return user, True
    if user is None:
        user = create_user(email, email.split("@")[0], None)
        # Not in the brand's log: that would tell its admins the e-mail had no account before.
        record("user.create", actor=actor, obj=user, reason="invited")
    else:
        live = pending_invitation(brand, user)
        if live is not None:
            # Kept as made (no second mail). Only an explicit staff role (an admin's) changes
            # it; a ticket or a registration on behalf (end user) never does.
            if role != "end_user" and (live.role, live.can_assist, live.can_register_users) != (
                    role, can_assist, can_register_users):
                live.role, live.can_assist, live.can_register_users = role, can_assist, can_register_users
                record("invitation.sent", actor=actor, brand=brand, obj=live, email=live.email, role=role)
            return user, False
    invite(brand, user, email, actor=actor, role=role, can_assist=can_assist,
           can_register_users=can_register_users, typed={"name": name, "phone": phone, "address": address})
    return user, False


def invite(brand, user: User, email: str, *, actor, role: str = "end_user", can_assist: bool = False,
           can_register_users: bool = False, typed: dict | None = None) -> Invitation:
    """Write (or renew an expired) invitation and queue its mail, in the person's language (not
    committed)."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.brand_id == brand.id,
                                                            Invitation.user_id == user.id))
    if invitation is None:
        invitation = Invitation(brand_id=brand.id, user_id=user.id)
        db.session.add(invitation)
    secret, now = secrets.token_urlsafe(32), utcnow()
    typed = typed or {}
    invitation.email, invitation.role = email, role
    invitation.can_assist, invitation.can_register_users = can_assist, can_register_users
    invitation.invited_by_id = actor.id if actor is not None else None
    invitation.typed_name = _typed(typed.get("name"), 120)
    invitation.typed_phone = _typed(typed.get("phone"), 40)
    invitation.typed_address = _typed(typed.get("address"), 300)
    invitation.token_hash = _digest(secret)
    invitation.created_at, invitation.expires_at = now, now + timedelta(days=INVITATION_DAYS)
    db.session.flush()
    record("invitation.sent", actor=actor, brand=brand, obj=invitation, email=email, role=role)
    _queue_invitation_mail(brand, user, email, secret)
    return invitation


def _typed(value: str | None, limit: int) -> str | None:
    return (value or "").strip()[:limit] or None


def _queue_invitation_mail(brand, user: User, email: str, secret: str) -> None:
    locales = settings_for(brand).locales
    locale = next((code for code in (user.locale, str(get_locale() or "")) if code in locales), locales[0])
    with force_locale(locale):
        link = mail_link(brand, "auth.invitation", token=secret, locale=locale)
        subject = _("You are invited to the %(brand)s help centre", brand=brand.name)
        body = _("Hello,\n\nThe team of the %(brand)s help centre invites you, at %(email)s, to follow "
                 "your requests there.\n\nTo accept (or decline), open this link within %(days)d days: "
                 "%(link)s\n\nIf you did not expect this message, ignore it: nothing changes until "
                 "you accept.\n", brand=brand.name, email=email, days=INVITATION_DAYS, link=link)
    queue_mail(brand, email, subject, body, "invitation")


def invitation_for_token(brand, secret: str) -> Invitation | None:
    """The live invitation to brand behind this link's secret, of an active account, or None."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == _digest(secret or ""),
                                                            Invitation.brand_id == brand.id))
    if invitation is None or invitation.expires_at <= utcnow() or not invitation.user.active:
        return None
    return invitation


def accept(invitation: Invitation, password: str | None = None) -> Membership:
    """The person joins with the invited role; a password-less account sets its first password.
    Not committed; raises ServiceError (nothing written) on a too-short password."""
    user = invitation.user
    brand = invitation.brand
    current = user.membership_in(brand)
    if current is not None:
        # A member already (made another way since): the invitation never changes their role.
        db.session.delete(invitation)
        return current
    if user.password_hash is None:
        # The account's first activation: it takes what the inviting staff typed.
        check_password_rules(password or "")
        user.password_hash = hash_password(password)
        user.name = invitation.typed_name or user.name
        user.phone = user.phone or invitation.typed_phone
        user.address = user.address or invitation.typed_address
    membership = add_membership(user, brand, invitation.role, can_assist=invitation.can_assist,
                                can_register_users=invitation.can_register_users, actor=user,
                                reason="invitation accepted")
    record("invitation.accepted", actor=user, brand=brand, obj=invitation, role=invitation.role)
    db.session.delete(invitation)
    return membership


def decline(invitation: Invitation) -> None:
    record("invitation.declined", actor=invitation.user, brand=invitation.brand, obj=invitation)
    db.session.delete(invitation)


def withdraw(invitation: Invitation, actor) -> None:
    record("invitation.withdrawn", actor=actor, brand=invitation.brand, obj=invitation, email=invitation.email)
    db.session.delete(invitation)


def pending_invitations(brand) -> list[Invitation]:
    """The brand's live invitations, newest first (staff see the typed e-mail and the role only)."""
    return list(db.session.scalars(select(Invitation).where(Invitation.brand_id == brand.id,
                                                            Invitation.expires_at > utcnow())
                                   .order_by(Invitation.created_at.desc())))


__all__ = ["ServiceError", "INVITATION_DAYS", "accept", "account_for", "decline", "invitation_for_token",
           "invite", "is_member", "member_or_invite", "pending_invitation", "pending_invitations", "withdraw"]
