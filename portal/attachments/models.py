"""An attached file: its row is what makes the stored content live (DESIGN §15).

A row belongs to exactly one of: a comment (readable by those who read the comment), a draft
(its owner's), or nothing yet: an upload waiting to be attached, its uploader's alone, found by
the hash of its token (the token itself is shown once, to the uploader, and never stored).
The content and the thumbnail are files of the storage (portal/attachments/storage.py), named
by the SHA-256 of their bytes; `flask attachments prune` removes the files no row names.
"""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_base import utcnow


class Attachment(db.Model):
    __tablename__ = "attachments"
    __table_args__ = (
        # A thread's attachments come in one query, by comment ids (the request and ticket pages).
        Index("ix_attachments_comment_id", "comment_id", "id"),
        Index("ix_attachments_draft_id", "draft_id"),
        Index("ix_attachments_content_key", "content_key"),
        Index("ix_attachments_thumbnail_key", "thumbnail_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    # Whose write it is, as for the comment (the assisted user, with the agent who acted for them).
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assisted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(20), default="web")
    # An API upload waiting for its comment: SHA-256 of its token (hex); None once attached.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    content_key: Mapped[str] = mapped_column(String(64))
    thumbnail_key: Mapped[str | None] = mapped_column(String(64))
    thumbnail_size: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def has_thumbnail(self) -> bool:  # as the thread's rows say it (services.of_comments)
        return self.thumbnail_key is not None

    @property
    def inline(self) -> bool:
        """Shown in the page rather than downloaded: raster images only (re-encoded on the way in)."""
        return self.content_type in INLINE_TYPES


# Raster images we re-encode with Pillow (EXIF gone) and serve inline; anything else is a download.
INLINE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
