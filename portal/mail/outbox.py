"""Queueing a message, building it as it is sent, and the development drop.

`queue_mail` adds the outbox row to the caller's transaction; `flask mail deliver` sends it over
SMTP (portal/mail/delivery.py). With no SMTP configured (`SMTP_URL` unset: development), each
message is also written after its transaction commits as an `.eml` file under `MAIL_DROP_DIR`
(by default `instance/mail/`), readable by the developer's account only (mode 0600): the one place
a development message's body can be read. A rolled-back message is never written. With SMTP
configured nothing is written to disk, whatever `MAIL_DROP_DIR` says.
"""
import logging
import os
import secrets
from types import SimpleNamespace
from email.utils import formataddr, parseaddr
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..brands.settings import settings_for
from ..extensions import db
from ..models_base import utcnow
from ..statements import statement
from .compose import compose, one_line
from .layout import parts
from .models import QUEUED, MailOutbox

log = logging.getLogger(__name__)

_PENDING = "mail_drop_pending"
DEFAULT_FROM = "Guichet <no-reply@guichet.invalid>"


def queue_mail(brand, to_email: str, subject: str, body: str | None, kind: str, *, html: str | None = None,
               content: dict | None = None, language: str | None = None, in_reply_to: str | None = None,
               references: str | None = None, reply_to: str | None = None, message_id: str | None = None,
               executor=None) -> SimpleNamespace:
    """One message to one recipient, written in the current transaction (not committed), or in
    `executor`'s (a connection with a transaction of its own).

    `message_id` ("<…@…>") is generated unless given (a caller threading replies may choose it);
    `in_reply_to` and `references` thread it under earlier messages; `reply_to` is the address
    replies go to. The message is either its text `body` (and `html` alternative) or its
    `content`, the translated words a notification lays out when it is sent (layout.py);
    `language` is the recipient's. Answers the row's values (and its id).

    The row is inserted at once on the transaction's connection, not added to the ORM session:
    nothing reads it back in the request, and the unit of work cost a public reply most of what
    its notification cost (issue 15's reply-cost benchmark)."""
    now = utcnow()
    mail = SimpleNamespace(brand_id=brand.id if brand is not None else None, to_email=to_email.strip(),
                           subject=one_line(subject)[:255], body=body, html=html, content=content, kind=kind,
                           language=language, message_id=one_line(message_id or new_message_id())[:255],
                           in_reply_to=_optional(in_reply_to, 255), references_header=_optional(references, None),
                           reply_to=_optional(reply_to, 320), state=QUEUED, attempts=0,
                           next_attempt_at=now, created_at=now)
    mail.id = (executor or db.session.connection()).execute(_insert(), vars(mail)).inserted_primary_key[0]
    drop_dir = current_app.config.get("MAIL_DROP_DIR")
    if drop_dir and not current_app.config.get("SMTP_URL"):
        name = f"{mail.created_at:%Y%m%d-%H%M%S}-{kind}-{secrets.token_hex(4)}.eml"
        try:
            eml = compose(mail, sender_for(brand), *parts(mail))
        except (ValueError, TypeError, UnicodeError, IndexError):  # the row stands; the file is a convenience
            log.warning("development mail %s to one recipient could not be written as .eml", kind)
        else:
            db.session().info.setdefault(_PENDING, []).append((os.path.join(drop_dir, name), eml))
    return mail


@statement
def _insert():
    return MailOutbox.__table__.insert()


def _optional(value: str | None, limit: int | None) -> str | None:
    if value is None:
        return None
    text = one_line(value)
    return (text[:limit] if limit else text) or None


def new_message_id() -> str:
    """A unique Message-ID on the host people reach Guichet at (`BASE_URL`)."""
    host = urlsplit(current_app.config.get("BASE_URL") or "").hostname or "guichet.invalid"
    return f"<{secrets.token_hex(16)}@{host}>"


def default_sender() -> str:
    return one_line(current_app.config.get("MAIL_FROM") or DEFAULT_FROM)


def sender_for(brand) -> str:
    """The From of a brand's messages: its sender name and address (brand settings) when set,
    else `MAIL_FROM` (`GUICHET_MAIL_FROM`), else DEFAULT_FROM. A brand with only a name sends
    under that name from the default address; one with only an address under the brand's name."""
    default = default_sender()
    if brand is None:
        return default
    settings = settings_for(brand)  # a Brand, or a row with its name and settings
    name, address = one_line(settings.mail_from_name), one_line(settings.mail_from_address)
    if not name and not address:
        return default
    default_name, default_address = parseaddr(default)
    if not address:
        address = default_address
    if not name:
        name = one_line(brand.name) if settings.mail_from_address else default_name
    return formataddr((name, address))


def _write_drop(path: str, content: bytes) -> None:
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


def _after_commit(session: Session) -> None:
    for path, content in session.info.pop(_PENDING, None) or ():
        try:
            _write_drop(path, content)
        except OSError:  # a development convenience: never fail a committed request over it
            log.warning("could not write development mail to %s", path)


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


_hooks_installed = False


def install_hooks() -> None:
    global _hooks_installed
    if _hooks_installed:
        return
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_soft_rollback", lambda session, _tx: _after_rollback(session))
    _hooks_installed = True
