"""The mail outbox: messages waiting for delivery, and what became of them."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
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
                      Index("ix_mail_outbox_lease", "state", "lease_until"),
                      # Incoming mail: a reply's In-Reply-To/References, or our own message come back.
                      Index("ix_mail_outbox_message_id", "message_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"), index=True)
    to_email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    # The message is its text body (and HTML alternative), or a notification's content: its
    # translated words, laid out as text and HTML when it is sent (layout.py), so that the request
    # that causes a notification only writes this row.
    body: Mapped[str | None] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    content: Mapped[dict | None] = mapped_column(JSON)
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


# What became of a message received (portal/mail/receive.py): made a comment or a request; refused,
# with a reason admins read; or ignored without a word (automatic mail: never answered, never a loop).
ACCEPTED, REJECTED, IGNORED = "accepted", "rejected", "ignored"
OUTCOMES = (ACCEPTED, REJECTED, IGNORED)


class InboundMail(db.Model):
    """One message received by `flask mail receive` or `fetch`, with its original bytes (agents
    open it from the comment it became; admins from the rejected list). A message that failed for
    a moment (database locked) has no row: the server or the mailbox gives it again."""

    __tablename__ = "mail_inbound"
    # The same message delivered twice (a retried pipe, two fetches) is the same row; a missing
    # Message-ID is replaced by a digest of the bytes (portal/mail/inbound.py).
    __table_args__ = (UniqueConstraint("brand_id", "message_id", name="uq_mail_inbound_message"),
                      Index("ix_mail_inbound_sender", "brand_id", "from_address", "received_at"),
                      Index("ix_mail_inbound_outcome", "brand_id", "outcome", "id"),
                      Index("ix_mail_inbound_imap", "brand_id", "imap_key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"))
    message_id: Mapped[str] = mapped_column(String(255))
    imap_key: Mapped[str | None] = mapped_column(String(64))  # "{uidvalidity}:{uid}" in the brand's mailbox
    from_address: Mapped[str] = mapped_column(String(254), default="")
    to_address: Mapped[str] = mapped_column(String(320), default="")
    subject: Mapped[str] = mapped_column(String(255), default="")
    size: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(30))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"), index=True)
    attachments: Mapped[list | None] = mapped_column(JSON)  # [{"name": …, "size": …}], not kept (yet)
    raw: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # headers only when too large
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
