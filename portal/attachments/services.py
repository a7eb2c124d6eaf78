"""Attaching files: storing what arrives under the brand's limits, holding it for its comment,
upload tokens (the API), reading a thread's files in one query, and pruning (DESIGN §15).

Every write goes through the caller's transaction (its owner commits); files are written to the
storage first, content-addressed and atomically, and become live only with the committed row
that names them. A refused file raises the one ServiceError (413 too large, 400 cut short, 422
anything else) with the field `attachments`, after removing what it had written.
"""
import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import BinaryIO

from flask import g, has_request_context
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import bindparam, delete, select, union
from werkzeug.exceptions import ClientDisconnected

from ..actor import Actor
from ..brands.settings import settings_for
from ..extensions import db
from ..models_base import utcnow
from ..service_error import ServiceError
from ..statements import statement
from ..transaction import after_commit_work
from . import files
from .models import Attachment
from .storage import CHUNK, TooLarge, storage

FIELD = "attachments"
UPLOAD_LIFETIME = timedelta(days=3)  # an API upload not attached by then is pruned
PRUNE_GRACE_SECONDS = 3600  # a file younger than this may belong to a transaction still running
MAX_TOKEN = 100


@dataclass(frozen=True)
class IncomingFile:
    """One file as it arrives: the sender's name for it (only a hint), its bytes to read, and the
    length the sender announced (the API's Content-Length: fewer bytes is a cut upload)."""

    name: str | None
    stream: BinaryIO
    declared_length: int | None = None


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_mb: int
    per_comment: int
    kinds: tuple


def limits_of(brand) -> Limits:
    settings = settings_for(brand)
    return Limits(settings.attachment_max_mb * 1024 * 1024, settings.attachment_max_mb,
                  settings.attachments_per_comment, tuple(settings.attachment_kinds))


def _refuse(status: int, message: str):
    raise ServiceError(status, message, field=FIELD)


def _chunks(stream):
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            return
        yield chunk


def too_many_files(limit: int) -> str:
    return ngettext("You can attach at most %(num)d file to one message.",
                    "You can attach at most %(num)d files to one message.", limit)


def check_count(brand, count: int) -> None:
    limits = limits_of(brand)
    if count > limits.per_comment:
        _refuse(422, too_many_files(limits.per_comment))


def store(brand, actor: Actor, incoming: list[IncomingFile], already: int = 0) -> list[Attachment]:
    """Check and keep each file (not on a comment yet); `already`: files the message holds
    (a draft's). The count is checked before a byte is read."""
    check_count(brand, len(incoming) + already)
    limits = limits_of(brand)
    rows = [_store_one(brand, actor, item, limits) for item in incoming]
    db.session.flush()
    return rows


def _store_one(brand, actor: Actor, incoming: IncomingFile, limits: Limits) -> Attachment:
    place = storage()
    name = files.clean_name(incoming.name)
    try:
        temporary = place.write_stream(_chunks(incoming.stream), limits.max_bytes)
    except TooLarge:
        _refuse(413, _("%(name)s is larger than %(max)d MB, the largest file this help centre accepts.",
                       name=name, max=limits.max_mb))
    except (ClientDisconnected, ConnectionError):
        _refuse(400, _("The upload of %(name)s was cut short. Please send it again.", name=name))
    try:
        size = os.path.getsize(temporary)
        if incoming.declared_length is not None and size != incoming.declared_length:
            _refuse(400, _("The upload of %(name)s was cut short. Please send it again.", name=name))
        if size == 0:
            _refuse(422, _("%(name)s is empty.", name=name))
        content_type = files.sniff(temporary)
        kind = files.kind_of(content_type) if content_type else None
        if kind is None or kind not in limits.kinds:
            _refuse(422, _("%(name)s is not a kind of file this help centre accepts.", name=name))
        thumbnail = None
        if kind == "image":
            try:
                image = files.process_image(temporary, content_type)
            except files.Refused as refused:
                _refuse(422, _("%(name)s: %(reason)s", name=name, reason=_(refused.reason)))
            content, thumbnail = place.put_bytes(image.content), place.put_bytes(image.thumbnail)
            if content.size > limits.max_bytes:
                _refuse(413, _("%(name)s is larger than %(max)d MB, the largest file this help centre accepts.",
                               name=name, max=limits.max_mb))
        else:
            content, temporary = place.keep(temporary), None
    finally:
        place.discard(temporary)
    row = Attachment(brand_id=brand.id, uploader_id=actor.person.id, assisted_by_id=_id(actor.assisted_by),
                     channel=actor.channel, file_name=name, content_type=content_type, size=content.size,
                     content_key=content.key, thumbnail_key=thumbnail.key if thumbnail else None,
                     thumbnail_size=thumbnail.size if thumbnail else None, created_at=utcnow())
    db.session.add(row)
    # Written before the transaction ends: if it rolls back, nothing names them and they go.
    release({content.key} | ({thumbnail.key} if thumbnail else set()))
    return row


def _id(obj):
    return getattr(obj, "id", None)


def attach(comment, attachments) -> None:
    """The files become the comment's: readable from now on by those who read it; a used
    upload token is spent."""
    for row in attachments:
        row.comment_id, row.draft_id, row.token_hash = comment.id, None, None


def hold_for_draft(draft, attachments) -> None:
    for row in attachments:
        row.draft_id = draft.id


def of_draft(draft) -> list[Attachment]:
    if draft is None or draft.id is None:
        return []
    return list(db.session.scalars(select(Attachment).where(Attachment.draft_id == draft.id)
                                   .order_by(Attachment.id)))


def discard(rows) -> None:
    """Delete rows (a draft's, an upload); their files are freed once this commits."""
    keys = set()
    for row in rows:
        keys.update(k for k in (row.content_key, row.thumbnail_key) if k)
        db.session.delete(row)
    release(keys)


# Upload tokens (the API, as Zendesk's POST /uploads): usable by their uploader only, once, for 3 days.

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def upload(brand, actor: Actor, incoming: IncomingFile) -> tuple[Attachment, str]:
    """Keep one file for a later comment; (its row, the token shown once to the uploader)."""
    (row,) = store(brand, actor, [incoming])
    token = secrets.token_urlsafe(24)
    row.token_hash = _token_hash(token)
    db.session.flush()
    return row, token


def _pending(brand, person, token):
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN:
        return None
    return db.session.scalar(select(Attachment).where(
        Attachment.token_hash == _token_hash(token), Attachment.brand_id == brand.id,
        Attachment.uploader_id == person.id, Attachment.comment_id.is_(None),
        Attachment.created_at >= utcnow() - UPLOAD_LIFETIME))


def claim(brand, actor: Actor, tokens) -> list[Attachment]:
    """The uploads named by `tokens` (the API's comment.uploads), to attach to the comment the
    caller writes; an unknown, spent, expired or someone else's token is a 422."""
    if tokens is None:
        return []
    if not isinstance(tokens, list):
        _refuse(422, _("comment.uploads must be a list of upload tokens."))
    check_count(brand, len(tokens))
    rows = []
    for token in tokens:
        row = _pending(brand, actor.person, token)
        if row is None or row in rows:
            _refuse(422, _("An upload token is unknown, already used or expired."))
        rows.append(row)
    return rows


def delete_upload(brand, actor: Actor, token: str) -> None:
    row = _pending(brand, actor.person, token)
    if row is None:
        raise ServiceError(404, _("This upload does not exist."))
    discard([row])


# Reading

@statement
def _of_comments():
    return (select(Attachment.id, Attachment.comment_id, Attachment.file_name, Attachment.content_type,
                   Attachment.size, Attachment.thumbnail_key.is_not(None).label("has_thumbnail"),
                   Attachment.thumbnail_size)
            .where(Attachment.comment_id.in_(bindparam("comment_ids", expanding=True)))
            .order_by(Attachment.comment_id, Attachment.id))


def of_comments(comment_ids) -> dict[int, list]:
    """{comment id: its attachments as plain rows}, for a whole thread in one query."""
    ids = list(comment_ids)
    found: dict[int, list] = {}
    if not ids:
        return found
    for row in db.session.connection().execute(_of_comments(), {"comment_ids": ids}):
        found.setdefault(row.comment_id, []).append(row)
    return found


def in_brand(brand, attachment_id: int) -> Attachment | None:
    return db.session.scalar(select(Attachment).where(Attachment.id == attachment_id,
                                                      Attachment.brand_id == brand.id))


# Freeing files

def release(keys) -> None:
    """Free these files once the request's transaction has committed, unless a row still names
    them (the same content attached elsewhere). Outside a request, prune frees them."""
    if not keys or not has_request_context():
        return
    g.setdefault("attachments_released", set()).update(keys)
    after_commit_work(free_released)


def free_released() -> None:
    keys = g.pop("attachments_released", None) if has_request_context() else None
    if keys:
        _free(keys)


def _referenced(keys) -> set:
    keys = list(keys)
    named = set()
    for start in range(0, len(keys), 500):
        part = keys[start:start + 500]
        named.update(db.session.scalars(union(
            select(Attachment.content_key).where(Attachment.content_key.in_(part)),
            select(Attachment.thumbnail_key).where(Attachment.thumbnail_key.in_(part)))))
    return named


def _free(keys) -> int:
    named = _referenced(keys)
    place = storage()
    return sum(place.delete(key) for key in keys if key not in named)


@dataclass
class PruneReport:
    expired_uploads: int = 0
    files: int = 0
    bytes: int = 0


def prune(now=None, grace_seconds: int = PRUNE_GRACE_SECONDS) -> PruneReport:
    """Delete uploads never attached within UPLOAD_LIFETIME, then every stored file no row names
    (and temporaries left by a crash), older than the grace period. The caller commits first."""
    now = now or utcnow()
    report = PruneReport()
    expired = db.session.execute(delete(Attachment).where(
        Attachment.comment_id.is_(None), Attachment.draft_id.is_(None),
        Attachment.created_at < now - UPLOAD_LIFETIME))
    report.expired_uploads = expired.rowcount or 0
    db.session.commit()
    candidates = {}
    for key, path, size in storage().entries(grace_seconds):
        candidates.setdefault(key, []).append((path, size))
    temporaries = candidates.pop(None, [])
    named = _referenced(candidates)
    for key, entries in candidates.items():
        if key in named:
            continue
        for path, size in entries:
            report.files, report.bytes = report.files + 1, report.bytes + size
            os.unlink(path)
    for path, size in temporaries:
        report.files, report.bytes = report.files + 1, report.bytes + size
        os.unlink(path)
    return report
