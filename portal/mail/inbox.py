"""What people may read of received mail: the brand's rejected and ignored messages with their
reason (admins), and the original of a message (admins for those, agents from the comment it
became). The original is served as plain text, never rendered: it is a stranger's HTML."""
from flask import Response
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from .inbound import mask_reply_tokens
from .models import IGNORED, REJECTED, InboundMail

PER_PAGE = 100
OUTCOME_LABELS = {REJECTED: _l("Rejected"), IGNORED: _l("Ignored (automatic)")}
# Why a message did not become a request or a reply, for admins; an unknown code shows as it is.
REASON_LABELS = {
    "too_large": _l("Too large"), "no_sender": _l("No usable sender address"), "no_body": _l("No text"),
    "invalid": _l("Refused (subject or text not valid)"),
    "unknown_recipient": _l("Sent to an address of no brand"),
    "unknown_sender": _l("Unknown sender (self-registration is off) or deactivated account"),
    "rate_limited": _l("Too many messages from this sender in the last hour"),
    "auto_submitted": _l("Automatic message (Auto-Submitted)"), "precedence": _l("Bulk or list mail (Precedence)"),
    "autoreply": _l("Auto-reply"), "loop": _l("Mail loop (X-Loop)"),
    "daemon": _l("From a mail server (mailer-daemon, postmaster, no-reply)"), "bounce": _l("Delivery report (bounce)"),
    "own_message": _l("One of our own messages"),
}
COLUMNS = (InboundMail.id, InboundMail.received_at, InboundMail.from_address, InboundMail.to_address,
           InboundMail.subject, InboundMail.size, InboundMail.outcome, InboundMail.reason)


def refused_page(brand, page: int, per_page: int = PER_PAGE):
    """One page of the brand's rejected and ignored messages, newest first: (rows, has_more)."""
    rows = db.session.execute(
        select(*COLUMNS).where(InboundMail.brand_id == brand.id, InboundMail.outcome.in_((REJECTED, IGNORED)))
        .order_by(InboundMail.id.desc()).offset((page - 1) * per_page).limit(per_page + 1)).all()
    return rows[:per_page], len(rows) > per_page


def refused_original(brand, inbound_id: int) -> bytes | None:
    return db.session.scalar(select(InboundMail.raw).where(
        InboundMail.id == inbound_id, InboundMail.brand_id == brand.id,
        InboundMail.outcome.in_((REJECTED, IGNORED))))


def comment_original(comment_id: int) -> bytes | None:
    return db.session.scalar(select(InboundMail.raw).where(InboundMail.comment_id == comment_id).limit(1))


def reason_label(reason: str):
    return REASON_LABELS.get(reason, reason)


def outcome_label(outcome: str):
    return OUTCOME_LABELS.get(outcome, outcome)


def original_response(raw: bytes, name: str) -> Response:
    """The message's source as text (undecodable bytes shown as U+FFFD), never as HTML, without
    the reply tokens of its addresses."""
    response = Response(mask_reply_tokens(raw.decode("utf-8", "replace")), mimetype="text/plain")
    response.headers["Content-Disposition"] = f'inline; filename="{name}.eml.txt"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
