"""The search outbox (who may search users: policy.can_search_users)."""
from datetime import datetime

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_base import utcnow


class SearchOutbox(db.Model):
    """A user whose index document is out of date. Written in the same transaction as the change
    (so a committed change is never forgotten), deleted only once the index has committed it."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: the row must outlive a deleted user, whose document it removes.
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
