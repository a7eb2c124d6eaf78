from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import utcnow

ROLES = ("end_user", "light_agent", "agent", "admin")
STAFF_ROLES = ("light_agent", "agent", "admin")
RESERVED_SLUGS = {"static", "api", "agent", "admin", "hc", "locale", "bootstrap", "healthz"}


class Brand(db.Model):
    __tablename__ = "brands"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    colour: Mapped[str] = mapped_column(String(7), default="#0d6efd")
    logo_url: Mapped[str | None] = mapped_column(String(300))
    host_mapping: Mapped[str | None] = mapped_column(String(253), unique=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self):
        return f"<Brand {self.slug}>"


class Membership(db.Model):
    """A person's role in one brand; roles are always read in the current brand."""

    __tablename__ = "memberships"
    # (brand_id, role): the staff of a brand among its 100k end users (assignable agents).
    __table_args__ = (UniqueConstraint("user_id", "brand_id"), Index("ix_memberships_brand_role", "brand_id", "role"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20), default="end_user")
    can_assist: Mapped[bool] = mapped_column(Boolean, default=False)
    can_register_users: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", back_populates="memberships")
    brand = relationship("Brand")


class Group(db.Model):
    """A department inside a brand."""

    __tablename__ = "groups"
    __table_args__ = (UniqueConstraint("brand_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members = relationship("GroupMember", back_populates="group", cascade="all, delete-orphan")


class GroupMember(db.Model):
    __tablename__ = "group_members"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    is_supervisor: Mapped[bool] = mapped_column(Boolean, default=False)

    group = relationship("Group", back_populates="members")
    user = relationship("User")


class AgentPreference(db.Model):
    """Per-user switches for the sound and pop-up on new assistance notices and messages, and
    for the e-mail on each new request routed to one of their groups."""

    __tablename__ = "agent_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    play_sound: Mapped[bool] = mapped_column(Boolean, default=True)
    pop_up: Mapped[bool] = mapped_column(Boolean, default=True)
    mail_new_in_group: Mapped[bool] = mapped_column(Boolean, default=True)
