"""Assisted service records: interactions (the agent's timesheet)."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..labels import TICKET_CHANNEL_TEXT
from ..models_base import utcnow

END_REASONS = {
    "ended": _l("Ended by the agent"),
    "timed_out": _l("Timed out"),
    "switched": _l("Switched to another user"),
}
OUTCOMES = {
    "resolved": _l("Resolved"),
    "follow_up": _l("Follow-up needed"),
    "referred": _l("Referred"),
    "abandoned": _l("Abandoned"),
}
# The channels of assisted service: a ticket's channels people reach us by (not the web form or
# the API), worded once in portal/labels.py.
CHANNEL_LABELS = {code: _l(text) for code, text in TICKET_CHANNEL_TEXT.items() if code not in ("web", "api")}
MAX_MANUAL_MINUTES = 600


class Interaction(db.Model):
    """One assist session, or one interaction logged by hand (a phone call), kept against the agent."""

    __tablename__ = "assist_interactions"
    __table_args__ = (
        Index("ix_assist_interactions_brand_started", "brand_id", "started_at"),
        Index("ix_assist_interactions_agent_ended", "agent_id", "ended_at"),
        Index("ix_assist_interactions_brand_user", "brand_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"))
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    service: Mapped[str] = mapped_column(String(120))
    # Logged by hand (no assist session): the agent states the minutes.
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    paused_at: Mapped[datetime | None] = mapped_column()
    paused_seconds: Mapped[int] = mapped_column(default=0)
    ended_at: Mapped[datetime | None] = mapped_column()
    end_reason: Mapped[str | None] = mapped_column(String(20))
    # Set when the interaction ends (pauses excluded); the dashboards add these up.
    seconds_spent: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    brand = relationship("Brand")
    agent = relationship("User", foreign_keys=[agent_id])
    user = relationship("User", foreign_keys=[user_id])

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    @property
    def awaits_outcome(self) -> bool:
        return self.ended_at is not None and self.outcome is None

    @property
    def minutes_spent(self) -> float:
        return self.seconds_spent / 60

    def elapsed_seconds(self, now: datetime) -> int:
        """Time spent so far, pauses excluded (the banner's timer)."""
        if not self.is_active:
            return self.seconds_spent
        end = self.paused_at or now
        return max(0, int((end - self.started_at).total_seconds()) - self.paused_seconds)

