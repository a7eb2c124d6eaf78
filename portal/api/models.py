"""API tokens (stored as a hash only) and the API's rate-limit counters (DESIGN §11, §12)."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import utcnow


class ApiToken(db.Model):
    """A secret a user creates on their profile for `email/token:SECRET` Basic auth.

    Only the SHA-256 of the secret is kept: the secret itself is shown once, at creation. A
    random 256-bit secret needs no slow hash (nothing to brute-force), so lookups stay cheap.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()

    user = relationship("User")

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiRateCounter(db.Model):
    """Requests of one caller (a token or a user) in one fixed window: one row per window, in the
    database so that every worker and host counts against the same limit (DESIGN §12)."""

    __tablename__ = "api_rate_counters"
    __table_args__ = (UniqueConstraint("caller", "window_start"),
                      Index("ix_api_rate_counters_window", "window_start"))

    id: Mapped[int] = mapped_column(primary_key=True)
    caller: Mapped[str] = mapped_column(String(40))
    window_start: Mapped[int] = mapped_column()  # epoch seconds, a multiple of the window
    count: Mapped[int] = mapped_column(default=0)
