"""Writes on requests: creation, comments, status, ratings, follow-ups, drafts, auto-close.

Each public function validates, writes and records the ticket's history in the caller's
transaction; the request's transaction owner (portal.transaction) or the command commits it, so
nothing is ever half-written. Permission checks are the callers' (portal.policy);
the status rules of DESIGN §4 live here because they hold whoever writes (page, API, assist, CLI).
"""
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from .. import policy
from ..actor import Actor
from ..attachments import services as attachments
from ..brands.models import Brand
from ..brands.settings import settings_for
from ..extensions import db
from ..input_filter import single_line
from ..mail import notifications
from ..models_base import utcnow
from .models import Comment, Draft, Ticket, TicketEvent, TicketFieldValue
from ..service_error import ServiceError

MAX_SUBJECT = 255
MAX_BODY = 32_000
REOPENED_BY_END_USER = ("pending", "hold", "solved")


def _id(obj):
    return getattr(obj, "id", None)


def check_subject(subject: str | None) -> str:
    subject = single_line(subject)
    if not subject:
        raise ServiceError(422, _("Please enter a subject."))
    if len(subject) > MAX_SUBJECT:
        raise ServiceError(422, _("The subject is too long (at most %(max)d characters).", max=MAX_SUBJECT))
    return subject


def check_body(body: str | None) -> str:
    body = (body or "").strip()
    if not body:
        raise ServiceError(422, _("Please write a message."))
    if len(body) > MAX_BODY:
        raise ServiceError(422, _("The message is too long (at most %(max)d characters).", max=MAX_BODY))
    return body


def record_event(ticket, actor: Actor | None, field: str, old=None, new=None) -> TicketEvent:
    """One line of the ticket's history (by the actor's person, with the assisting agent), written
    with the change it describes. `actor` None: the system (auto-close)."""
    if ticket.id is None:
        db.session.flush()
    event = TicketEvent(
        ticket_id=ticket.id, actor_id=_id(actor and actor.person), assisted_by_id=_id(actor and actor.assisted_by),
        field=field,
        old_value=None if old is None else str(old), new_value=None if new is None else str(new),
    )
    db.session.add(event)
    return event


def _flush():
    """Write now, inside the caller's transaction (its owner commits): a concurrent change of the
    same ticket (its version column) is a 409 here, not a failure at commit."""
    try:
        db.session.flush()
    except StaleDataError:
        raise ServiceError(409, _("This request was changed by someone else meanwhile. Please try again."),
                           conflict=True) from None


def _require_state(action: str, ticket) -> None:
    """The request's status rules (policy.decide_ticket_state) hold whoever writes."""
    decision = policy.decide_ticket_state(action, ticket)
    if not decision:
        raise ServiceError(decision.status, _(decision.reason))


def _touch(ticket):
    ticket.updated_at = utcnow()


def apply_status(ticket, status: str, actor: Actor | None) -> None:
    """Change the status with its history line, in the session: no closed check, no commit
    (set_status below does both; the workspace bundles it with other changes)."""
    if ticket.status == status:
        return
    record_event(ticket, actor, "status", ticket.status, status)
    ticket.status = status
    if status == "solved":
        ticket.solved_at = utcnow()
        notifications.request_solved(ticket, actor)
    elif status != "closed":
        ticket.solved_at = None


def build_request(brand, form, requester, actor: Actor, subject, description, field_values=None,
                  followup_source=None, public=None, channel: str | None = None, files=()) -> Ticket:
    """Create a request in the session (for callers that bundle writes), submitted by the actor's
    person for `requester`. `channel`: how the request came in, when not the actor's own (an agent
    records a phone call). `files`: stored attachments (portal.attachments) for its first comment."""
    submitter, assisted_by, channel = actor.person, actor.assisted_by, channel or actor.channel
    subject = check_subject(subject)
    description = check_body(description)
    if form is not None and form.brand_id != brand.id:
        raise ServiceError(404, _("This form does not exist."))
    if public is None:
        public = True
    public = policy.comment_is_public(submitter, brand, public)
    now = utcnow()
    ticket = Ticket(
        brand_id=brand.id, form_id=_id(form), subject=subject, status="new",
        requester_id=requester.id, submitter_id=submitter.id,
        assisted_by_id=_id(assisted_by), group_id=form.default_group_id if form is not None else None,
        channel=channel, followup_source_id=_id(followup_source), is_public=public,
        created_at=now, updated_at=now,
    )
    db.session.add(ticket)
    db.session.flush()
    first = Comment(ticket_id=ticket.id, author_id=submitter.id, body=description,
                    is_public=public, channel=channel, assisted_by_id=_id(assisted_by), created_at=now)
    db.session.add(first)
    if files:
        db.session.flush()
        attachments.attach(first, files)
    for field_id, value in (field_values or {}).items():
        db.session.add(TicketFieldValue(ticket_id=ticket.id, field_id=field_id, value=value))
    record_event(ticket, actor, "created", None, ticket.id)
    if followup_source is not None:
        record_event(followup_source, actor, "followup", None, ticket.id)
    return ticket


def create_request(brand, form, requester, actor: Actor, subject, description, field_values=None,
                   followup_source=None, public=None, files=()) -> Ticket:
    """A new request routed to the form's default group. A light agent's is internal-first (§5.1).

    field_values: {field_id: cleaned value} (see tickets.fields.clean_submission).
    """
    ticket = build_request(brand, form, requester, actor, subject, description, field_values,
                           followup_source, public, files=files)
    _flush()
    notifications.request_received(ticket, actor)
    return ticket


def create_followup(source, form, actor: Actor, subject, description, field_values=None, files=()) -> Ticket:
    """A new request of the actor's person, linked to their closed one."""
    _require_state(policy.CREATE_FOLLOWUP, source)
    return create_request(source.brand, form, actor.person, actor, subject, description, field_values,
                          followup_source=source, files=files)


def add_comment(ticket, actor: Actor, body, public=True, files=()) -> Comment:
    """Add to the thread as the actor's person. An end user's public comment reopens pending/hold/solved (§4);
    agents' and light agents' never change the status (§5.5); closed requests refuse (409)."""
    body = check_body(body)
    _require_state(policy.COMMENT, ticket)
    brand = ticket.brand
    author = actor.person
    public = policy.comment_is_public(author, brand, public)
    comment = Comment(ticket_id=ticket.id, author_id=author.id, body=body, is_public=public,
                      channel=actor.channel, assisted_by_id=_id(actor.assisted_by), created_at=utcnow())
    db.session.add(comment)
    if files:
        db.session.flush()
        attachments.attach(comment, files)
    if public and not ticket.is_public:
        ticket.is_public = True
    if public and ticket.status in REOPENED_BY_END_USER and policy.comment_reopens(author, brand):
        apply_status(ticket, "open", actor)
    _touch(ticket)
    _flush()
    notifications.comment_added(ticket, comment, actor)
    return comment


def set_status(ticket, status: str, actor: Actor | None) -> None:
    """Change the status with its history line; callers check who may (policy)."""
    _require_state(policy.CHANGE_STATUS, ticket)
    apply_status(ticket, status, actor)
    _touch(ticket)
    _flush()


def mark_solved(ticket, actor: Actor) -> None:
    """The requester marks their request solved (no required_to_solve check for them, §4)."""
    _require_state(policy.MARK_SOLVED, ticket)
    set_status(ticket, "solved", actor)


def rate(ticket, actor: Actor, score: str, comment: str | None = None) -> None:
    if score not in ("good", "bad"):
        raise ServiceError(422, _("Please choose good or bad."))
    _require_state(policy.RATE, ticket)
    comment = (comment or "").strip() or None
    if comment is not None and len(comment) > MAX_BODY:
        raise ServiceError(422, _("The message is too long (at most %(max)d characters).", max=MAX_BODY))
    record_event(ticket, actor, "rating", ticket.rating, score)
    ticket.rating, ticket.rating_comment, ticket.rated_at = score, comment, utcnow()
    _touch(ticket)
    _flush()


def close_solved(now=None) -> list[Ticket]:
    """Close every request solved more than its brand's auto_close_solved_after_days ago (cron)."""
    now = now or utcnow()
    closed = []
    for brand in db.session.scalars(select(Brand).order_by(Brand.id)):
        cutoff = now - timedelta(days=settings_for(brand).auto_close_solved_after_days)
        tickets = db.session.scalars(select(Ticket).where(
            Ticket.brand_id == brand.id, Ticket.status == "solved", Ticket.solved_at <= cutoff,
        ).order_by(Ticket.id))
        for ticket in tickets:
            apply_status(ticket, "closed", None)
            ticket.updated_at = now
            closed.append(ticket)
    _flush()
    return closed


# Drafts (DESIGN §4): an unfinished request form, resumed from My activities.

def save_draft(brand, actor: Actor, form, subject, data, draft=None, files=()) -> Draft:
    subject = single_line(subject)
    if len(subject) > MAX_SUBJECT:
        raise ServiceError(422, _("The subject is too long (at most %(max)d characters).", max=MAX_SUBJECT))
    if len(data.get("description") or "") > MAX_BODY:
        raise ServiceError(422, _("The message is too long (at most %(max)d characters).", max=MAX_BODY))
    if draft is None:
        draft = Draft(brand_id=brand.id, user_id=actor.person.id, form_id=form.id, channel=actor.channel,
                      assisted_by_id=_id(actor.assisted_by))
        db.session.add(draft)
    draft.form_id = form.id
    draft.subject = subject
    draft.data = data
    draft.updated_at = utcnow()
    _flush()
    attachments.hold_for_draft(draft, files)
    return draft


def submit_draft(draft, form, actor: Actor, subject, description, field_values=None, files=()) -> Ticket:
    """Create the actor's person's request and remove the draft, in one transaction; the draft's
    files (then `files`) go to the request's first comment."""
    ticket = build_request(draft_brand(draft), form, actor.person, actor, subject, description, field_values,
                           files=attachments.of_draft(draft) + list(files))
    db.session.delete(draft)
    _flush()
    notifications.request_received(ticket, actor)
    return ticket


def delete_draft(draft) -> None:
    attachments.discard(attachments.of_draft(draft))
    db.session.delete(draft)
    _flush()


def draft_brand(draft) -> Brand:
    return db.session.get(Brand, draft.brand_id)
