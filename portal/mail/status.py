"""What brand admins may know of their outgoing mail: who, what, its delivery state and the
server's last reply. Never a body (it may carry a reset or invitation secret): the query below
does not even read one."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from .models import DROPPED, FAILED, QUEUED, SENDING, SENT, MailOutbox

PER_PAGE = 100
STATE_LABELS = {QUEUED: _l("Queued"), SENDING: _l("Sending"), SENT: _l("Sent"), FAILED: _l("Failed"),
                DROPPED: _l("Not sent")}
# What each kind of message is, for people; an unknown kind shows its code.
KIND_LABELS = {"password_reset": _l("Password reset"), "invitation": _l("Invitation"),
               "request_received": _l("Request received"), "public_reply": _l("Public reply"),
               "request_solved": _l("Request solved"), "new_in_group": _l("New request in a group"),
               "ticket_assigned": _l("Ticket assigned"), "requester_replied": _l("Requester replied"),
               "assistance_requested": _l("Assistance requested"), "email_changed": _l("E-mail address changed"),
               "assist_summary": _l("Assisted service summary")}

STATUS_COLUMNS = (MailOutbox.id, MailOutbox.to_email, MailOutbox.subject, MailOutbox.kind, MailOutbox.state,
                  MailOutbox.attempts, MailOutbox.last_error, MailOutbox.created_at, MailOutbox.sent_at,
                  MailOutbox.next_attempt_at)


def delivery_page(brand, page: int, per_page: int = PER_PAGE):
    """One page of the brand's messages, newest first (no body): (rows, has_more)."""
    rows = db.session.execute(
        select(*STATUS_COLUMNS).where(MailOutbox.brand_id == brand.id)
        .order_by(MailOutbox.id.desc()).offset((page - 1) * per_page).limit(per_page + 1)
    ).all()
    return rows[:per_page], len(rows) > per_page


def state_label(state: str):
    return STATE_LABELS.get(state, state)


def kind_label(kind: str):
    return KIND_LABELS.get(kind, kind)
