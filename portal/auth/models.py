from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import utcnow


class User(UserMixin, db.Model):
    """One global identity; roles live in Membership, per brand."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(300))
    locale: Mapped[str | None] = mapped_column(String(5))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Presence, for supervisor assistance: written at most once a minute.
    last_seen_at: Mapped[datetime | None] = mapped_column()

    memberships = relationship("Membership", back_populates="user", cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def membership_in(self, brand):
        if brand is None:
            return None
        for membership in self.memberships:
            if membership.brand_id == brand.id:
                return membership
        return None

    def role_in(self, brand) -> str | None:
        membership = self.membership_in(brand)
        return membership.role if membership else None

    def __repr__(self):
        return f"<User {self.email}>"


class UserSession(db.Model):
    """A server-side session: the signed cookie carries only `key` (DESIGN §1)."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_agent: Mapped[str | None] = mapped_column(String(300))
    ip_address: Mapped[str | None] = mapped_column(String(64))
    # Pointer to the assist interaction this session acts in (assisted service), if any.
    assist_interaction_id: Mapped[int | None] = mapped_column()

    user = relationship("User")


class KnownAddress(db.Model):
    """An address this account signed in from (browser or API): at the per-account ceiling of
    failed sign-ins, the owner still gets in from such an address (DESIGN §13)."""

    __tablename__ = "known_addresses"
    __table_args__ = (UniqueConstraint("user_id", "ip_address", name="uq_known_addresses_user_ip"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    ip_address: Mapped[str] = mapped_column(String(64))
    last_signed_in_at: Mapped[datetime] = mapped_column(default=utcnow)


class SigninFailure(db.Model):
    """Failed sign-ins, in the database so throttling holds across workers and hosts.

    `kind` keeps other throttled attempts (password-reset requests) apart from sign-ins.
    """

    __tablename__ = "signin_failures"
    __table_args__ = (Index("ix_signin_failures_email_at", "email", "created_at"),
                      Index("ix_signin_failures_ip_at", "ip_address", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="signin")
    email: Mapped[str] = mapped_column(String(254))
    ip_address: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PasswordResetToken(db.Model):
    """A one-time link to choose a password ("Forgot your password?", invitations).

    Only the sha256 of the secret is stored, so a database leak gives no usable link.
    """

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()

    user = relationship("User")


class Invitation(db.Model):
    """A brand's invitation to the account with `email` (DESIGN §2, consent before a brand sees a
    person). Until the person accepts, the brand knows only the e-mail its staff typed: the
    account is no member, is in no search result, and cannot be assisted. Accepting makes the
    membership (with `role` and the capabilities) and removes the row; declining removes it.

    Only the sha256 of the link's secret is stored.
    """

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("brand_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20), default="end_user")
    can_assist: Mapped[bool] = mapped_column(Boolean, default=False)
    can_register_users: Mapped[bool] = mapped_column(Boolean, default=False)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # What the staff typed about a new person: written to the account only when this invitation
    # activates it (its first password), so no other brand ever reads it.
    typed_name: Mapped[str | None] = mapped_column(String(120))
    typed_phone: Mapped[str | None] = mapped_column(String(40))
    typed_address: Mapped[str | None] = mapped_column(String(300))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()

    user = relationship("User", foreign_keys=[user_id])
    brand = relationship("Brand")
