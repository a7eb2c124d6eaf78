"""Tickets: the agent view (Zendesk's /api/v2/tickets), with the workspace's limits (DESIGN §6).

Listing and loading use the workspace's scope; creating and updating call the workspace's
services, so a light agent writes internal notes only and changes nothing after creation.
"""
from datetime import datetime, timezone

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from .. import policy
from ..attachments import services as attachments
from ..actor import Actor
from ..agent import queries
from ..agent.services import UNCHANGED, NewTicket, TicketUpdate, create_on_behalf, update_ticket
from ..auth.services import is_member
from ..auth.models import User
from ..brands import current_brand
from ..extensions import db
from ..tickets.models import Ticket
from ..tickets.queries import form_in_brand
from . import bp
from .access import as_id, custom_field_values
from .common import comment_of, json_body, page_args, paged, route
from .errors import field_details, refuse
from .requests import API_CHANNEL
from .serializers import comments_json, load_extras, ticket_json
from ..service_error import ServiceError


def _viewer() -> queries.Viewer:
    if not policy.can_use_workspace(current_user, current_brand):
        refuse(403, _("The agent workspace is for the agents of this help centre."))
    return queries.viewer_for(current_user, current_brand)


def _load(ticket_id: int, viewer):
    ticket = queries.ticket_in_brand(current_brand, ticket_id)
    if ticket is None or not policy.can_view_in_workspace(current_user, current_brand, ticket, viewer.group_ids):
        refuse(404)
    return ticket


def _one(ticket, status=200):
    group_ids = queries.group_ids_of(current_user, current_brand)
    return jsonify(ticket=ticket_json(ticket, load_extras([ticket]), current_user, current_brand, group_ids)), status


def _workspace(function, *args, safe_update: bool = False, **kwargs):
    try:
        return function(*args, **kwargs)
    except ServiceError as error:
        if safe_update and error.details.get("conflict"):
            _update_conflict()
        errors = error.details.get("field_errors")
        refuse(error.status, error.message, field_details(errors) if errors else None)


@route(bp, "/tickets", methods=["GET"])
def list_tickets():
    viewer = _viewer()
    page, per_page = page_args()
    conditions = queries.workspace_scope(viewer)
    total = db.session.scalar(select(func.count(Ticket.id)).where(*conditions))
    tickets = list(db.session.scalars(select(Ticket).where(*conditions).order_by(Ticket.id)
                                      .limit(per_page).offset((page - 1) * per_page)))
    extras = load_extras(tickets)
    return paged("tickets", [ticket_json(t, extras, current_user, current_brand, viewer.group_ids) for t in tickets],
                 total, page, per_page)


@route(bp, "/tickets/<int:ticket_id>", methods=["GET"])
def show_ticket(ticket_id):
    return _one(_load(ticket_id, _viewer()))


@route(bp, "/tickets/<int:ticket_id>/comments", methods=["GET"])
def ticket_comments(ticket_id):
    viewer = _viewer()
    ticket = _load(ticket_id, viewer)
    page, per_page = page_args()
    thread = queries.thread(ticket, policy.sees_internal_notes(current_user, current_brand, ticket, viewer.group_ids))
    shown = thread[(page - 1) * per_page: page * per_page]
    return paged("comments", comments_json(shown), len(thread), page, per_page)


def _choice(payload: dict, key: str, default=UNCHANGED):
    if key not in payload:
        return default
    if not isinstance(payload[key], str):
        refuse(422, _("%(name)s must be text.", name=key))
    return payload[key]


def _id(payload: dict, key: str, default=UNCHANGED):
    if key not in payload:
        return default
    return as_id(payload[key], _("%(name)s must be a number or null.", name=key))


def _comment(payload: dict) -> tuple[str | None, bool, list]:
    """The comment's text, whether it is public (Zendesk comments are public unless said
    otherwise; light agents only ever write internal notes) and the uploads it attaches."""
    comment = comment_of(payload)
    public = comment.get("public", True)
    if not isinstance(public, bool):
        refuse(422, _("comment.public must be true or false."))
    files = _workspace(attachments.claim, current_brand, Actor.itself(current_user, API_CHANNEL),
                       comment.get("uploads"))
    return comment.get("body"), policy.comment_is_public(current_user, current_brand, public), files


def _requester_email(payload: dict) -> str:
    requester_id = as_id(payload.get("requester_id"), _("requester_id must be a number."))
    if requester_id is not None:
        # By id, only this brand's members: an id names no one the brand does not already know.
        user = db.session.get(User, requester_id)
        if user is None or not is_member(user, current_brand):
            refuse(422, _("requester_id: no member of this help centre has this id."))
        return user.email
    requester = payload.get("requester")
    if isinstance(requester, dict) and isinstance(requester.get("email"), str):
        return requester["email"]
    return current_user.email


@route(bp, "/tickets", methods=["POST"])
def create_ticket():
    _viewer()
    payload = json_body("ticket")
    form_id = as_id(payload.get("ticket_form_id"), _("ticket_form_id must be a number."))
    form = form_in_brand(current_brand, form_id) if form_id is not None else None
    if form_id is not None and (form is None or not form.active):
        refuse(404, _("This form does not exist."))
    subject = payload.get("subject")
    if subject is not None and not isinstance(subject, str):
        refuse(422, _("Please enter a subject."))
    body, public, files = _comment(payload)
    new = NewTicket(requester_email=_requester_email(payload), subject=subject or "", body=body,
                    channel=API_CHANNEL, priority=_choice(payload, "priority", "normal"),
                    type=_choice(payload, "type", "question"), group_id=_id(payload, "group_id", None),
                    assignee_id=_id(payload, "assignee_id", None), public=public,
                    fields=custom_field_values(payload.get("custom_fields")), files=tuple(files))
    ticket = _workspace(create_on_behalf, current_brand, Actor.itself(current_user, API_CHANNEL), form, new,
                        channels=(API_CHANNEL,))
    return _one(ticket, 201)


def _update_conflict():
    refuse(409, _("Safe Update prevented the update due to outdated ticket data. "
                  "Please fetch the latest ticket data and try again."), error="UpdateConflict")


def _safe_update_stamp(payload: dict) -> datetime | None:
    """Zendesk's `safe_update: true` + `updated_stamp`: the caller's view of updated_at (naive UTC),
    or None when the caller asks for last-write-wins (Zendesk's default)."""
    safe = payload.get("safe_update", False)
    if not isinstance(safe, bool):
        refuse(422, _("safe_update must be true or false."))
    if not safe:
        return None
    stamp = payload.get("updated_stamp")
    message = _("With safe_update, send updated_stamp: the ticket's updated_at as you read it "
                "(ISO 8601, e.g. 2024-05-01T09:30:00Z).")
    if not isinstance(stamp, str) or len(stamp) > 40:
        refuse(422, message)
    try:
        moment = datetime.fromisoformat(stamp.strip())
    except ValueError:
        refuse(422, message)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


@route(bp, "/tickets/<int:ticket_id>", methods=["PUT"])
def update(ticket_id):
    viewer = _viewer()
    ticket = _load(ticket_id, viewer)
    payload = json_body("ticket")
    stamp = _safe_update_stamp(payload)
    # The API shows updated_at to the second, and every change moves it on by at least a second
    # (tickets.models): only the very second the API showed is fresh; an older, a later (a future
    # one that would win every race) or a fractional stamp is a conflict.
    if stamp is not None and ticket.updated_at.replace(microsecond=0) != stamp:
        _update_conflict()
    body, public, files = _comment(payload)
    # The version read here makes the write itself conditional: a change landing between this
    # check and the commit is a 409 too.
    change = TicketUpdate(version=ticket.version, status=_choice(payload, "status"),
                          priority=_choice(payload, "priority"), type=_choice(payload, "type"),
                          group_id=_id(payload, "group_id"), assignee_id=_id(payload, "assignee_id"),
                          fields=custom_field_values(payload.get("custom_fields")), body=body or "", public=public,
                          files=tuple(files))
    _workspace(update_ticket, ticket, Actor.itself(current_user, API_CHANNEL), current_brand, change,
               queries.field_values(ticket), safe_update=stamp is not None)
    db.session.expire_all()
    return _one(_load(ticket_id, viewer))
