"""The mail outbox: messages waiting for delivery, and what became of them."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_base import utcnow

# queued -> sending (claimed under a lease) -> sent | queued again (temporary failure, later) |
# failed (permanent failure, or too many tries) | dropped (not to be sent: deactivated recipient).
QUEUED, SENDING, SENT, FAILED, DROPPED = "queued", "sending", "sent", "failed", "dropped"
STATES = (QUEUED, SENDING, SENT, FAILED, DROPPED)


class MailOutbox(db.Model):
    """One message to one recipient, committed in the same transaction as the change that caused it."""

    __tablename__ = "mail_outbox"
    # The workers' claim: queued and due, or claimed by a worker whose lease has run out.
    __table_args__ = (Index("ix_mail_outbox_due", "state", "next_attempt_at"),
                      Index("ix_mail_outbox_lease", "state", "lease_until"))

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"), index=True)
    to_email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)  # an HTML alternative to the text body
    kind: Mapped[str] = mapped_column(String(40))
    language: Mapped[str | None] = mapped_column(String(5))  # the recipient's, for Content-Language
    message_id: Mapped[str] = mapped_column(String(255))  # "<…@host>", set when queued
    in_reply_to: Mapped[str | None] = mapped_column(String(255))
    references_header: Mapped[str | None] = mapped_column(Text)  # References: "<…> <…>"
    reply_to: Mapped[str | None] = mapped_column(String(320))
    state: Mapped[str] = mapped_column(String(10), default=QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)  # tries begun (claims), counted at each claim
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column()
    lease_owner: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(String(200))  # the server's reply, never the message
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()
