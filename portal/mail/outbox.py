"""Queueing a message, and the development drop.

`queue_mail` adds the outbox row to the caller's transaction. With no mail transport configured
(`MAIL_DROP_DIR`, by default `instance/mail/`), each message is written after its transaction
commits as an `.eml` file readable by the developer's account only (mode 0600): the one place a
development message's body can be read. A rolled-back message is never written.
"""
import logging
import os
import secrets
from datetime import timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db
from ..models_base import utcnow
from .models import MailOutbox

log = logging.getLogger(__name__)

_PENDING = "mail_drop_pending"
DEFAULT_FROM = "Guichet <no-reply@guichet.invalid>"


def queue_mail(brand, to_email: str, subject: str, body: str, kind: str) -> MailOutbox:
    """One message to one recipient, added to the current transaction (not committed)."""
    mail = MailOutbox(brand_id=brand.id if brand is not None else None, to_email=to_email,
                      subject=subject[:255], body=body, kind=kind, created_at=utcnow())
    db.session.add(mail)
    drop_dir = current_app.config.get("MAIL_DROP_DIR")
    if drop_dir:
        name = f"{mail.created_at:%Y%m%d-%H%M%S}-{kind}-{secrets.token_hex(4)}.eml"
        try:
            content = bytes(as_message(mail))
        except (ValueError, TypeError, UnicodeError):  # the outbox row stands; the file is a convenience
            log.warning("development mail %s to one recipient could not be written as .eml", kind)
        else:
            db.session().info.setdefault(_PENDING, []).append((os.path.join(drop_dir, name), content))
    return mail


def as_message(mail: MailOutbox, sender: str = DEFAULT_FROM) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to_email
    # A header may not carry a line break (a brand name typed with one must not fail the request).
    message["Subject"] = " ".join(mail.subject.split())
    message["Date"] = format_datetime(mail.created_at.replace(tzinfo=timezone.utc))
    message["Message-ID"] = make_msgid(domain="guichet.invalid")
    message["Auto-Submitted"] = "auto-generated"
    message["X-Guichet-Kind"] = mail.kind
    message.set_content(mail.body)
    return message


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
