"""Supervisor assistance (DESIGN §6). Each agent's notification switches (AgentPreference) live
with the groups in portal.brands.models: new-request mail reads them from the domain side.

A request is *active* while it waits for a supervisor (until `expires_at`) or once accepted. Expiry
is decided on read from `expires_at`, the same in every worker; writers also sweep stale rows to
`expired` before inserting, so the partial unique index holds one active request per ticket.
"""
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import utcnow

ASSISTANCE_TTL = timedelta(minutes=15)
SUPERVISOR_ONLINE_WINDOW = timedelta(minutes=5)
# waiting -> accepted -> done; waiting/accepted -> cancelled; waiting -> expired
ASSISTANCE_STATUSES = ("waiting", "accepted", "done", "cancelled", "expired")
STORED_ACTIVE = ("waiting", "accepted")
# Message kinds: the chat itself, plus one line per change so the record reads as a story and
# the polling client learns of each change from the same stream.
MESSAGE_KINDS = ("request", "accepted", "message", "done", "cancelled", "expired")
_ACTIVE_SQL = text("status IN ('waiting', 'accepted')")


class AssistanceLifecycle:
    """Status as read at `now` (a waiting request past `expires_at` has expired), for the model
    and for the ticket page's plain view of it (`assistance.AssistanceView`); both have `status`
    and `expires_at`."""

    def effective_status(self, now: datetime | None = None) -> str:
        if self.status == "waiting" and (now or utcnow()) >= self.expires_at:
            return "expired"
        return self.status

    def is_active(self, now: datetime | None = None) -> bool:
        return self.effective_status(now) in STORED_ACTIVE


class AssistanceRequest(AssistanceLifecycle, db.Model):
    __tablename__ = "assistance_requests"
    __table_args__ = (
        Index("ux_assistance_one_active_per_ticket", "ticket_id", unique=True,
              sqlite_where=_ACTIVE_SQL, postgresql_where=_ACTIVE_SQL),
        Index("ix_assistance_requests_ticket", "ticket_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="waiting")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    accepted_at: Mapped[datetime | None] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column()

    ticket = relationship("Ticket")
    group = relationship("Group")
    agent = relationship("User", foreign_keys=[agent_id])
    supervisor = relationship("User", foreign_keys=[supervisor_id])
    messages = relationship("AssistanceMessage", back_populates="request",
                            order_by="AssistanceMessage.id", cascade="all, delete-orphan")
    notices = relationship("AssistanceNotice", back_populates="request", cascade="all, delete-orphan")

    def involves(self, user) -> bool:
        return user.id in (self.agent_id, self.supervisor_id)


class AssistanceMessage(db.Model):
    __tablename__ = "assistance_messages"
    __table_args__ = (Index("ix_assistance_messages_request_id", "request_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("assistance_requests.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(12), default="message")
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request = relationship("AssistanceRequest", back_populates="messages")
    author = relationship("User")


class AssistanceNotice(db.Model):
    """One per supervisor who was online when the request was made; closed once anyone answers."""

    __tablename__ = "assistance_notices"
    __table_args__ = (Index("ix_assistance_notices_open", "supervisor_id", "closed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("assistance_requests.id", ondelete="CASCADE"),
                                            index=True)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column()

    request = relationship("AssistanceRequest", back_populates="notices")
    supervisor = relationship("User")


class Preferences(NamedTuple):
    """An agent's switches as pages read them: all on until they choose (AgentPreference)."""

    play_sound: bool = True
    pop_up: bool = True
    mail_new_in_group: bool = True
