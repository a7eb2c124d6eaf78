"""Objects in Zendesk's JSON shapes. A page of tickets loads what its rows need in a constant
number of queries (`TicketExtras`), never one per row."""
from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import case, func, select
from sqlalchemy.orm.attributes import set_committed_value

from .. import policy
from ..attachments import services as attachments
from ..attachments.models import INLINE_TYPES
from ..brands.models import Membership
from ..extensions import db
from ..tickets.models import Comment, TicketCollaborator, TicketField, TicketFieldValue

ZENDESK_ROLES = {"end_user": "end-user", "light_agent": "agent", "agent": "agent", "admin": "admin"}
LIGHT_AGENT_ROLE_TYPE = 1  # Zendesk's role_type for light agents


def iso(moment) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment is not None else None


def via(channel: str) -> dict:
    return {"channel": channel, "source": {"from": {}, "to": {}, "rel": None}}


@dataclass
class TicketExtras:
    """Per ticket id: first comment, first public comment, collaborators, field values."""

    first_body: dict = field(default_factory=dict)
    first_public_body: dict = field(default_factory=dict)
    collaborator_ids: dict = field(default_factory=dict)
    fields: dict = field(default_factory=dict)  # ticket id -> [(field id, value, portal_access)]
    # Requesters who are no members of the ticket's brand (invited, not yet accepted): the brand
    # knows only the e-mail its staff typed, so their global id is not shown (DESIGN §2).
    unknown_requesters: set = field(default_factory=set)


def load_extras(tickets) -> TicketExtras:
    """Five queries for any number of tickets; also fills `ticket.collaborators` for the policy."""
    extras = TicketExtras()
    ids = [t.id for t in tickets]
    if not ids:
        return extras
    firsts = (select(Comment.ticket_id, func.min(Comment.id).label("first_id"),
                     func.min(case((Comment.is_public.is_(True), Comment.id))).label("first_public_id"))
              .where(Comment.ticket_id.in_(ids)).group_by(Comment.ticket_id).subquery())
    rows = db.session.execute(select(firsts.c.ticket_id, firsts.c.first_id, firsts.c.first_public_id)).all()
    wanted = {cid for row in rows for cid in row[1:] if cid is not None}
    bodies = dict(db.session.execute(select(Comment.id, Comment.body).where(Comment.id.in_(wanted))).all()) \
        if wanted else {}
    for ticket_id, first_id, first_public_id in rows:
        extras.first_body[ticket_id] = bodies.get(first_id)
        extras.first_public_body[ticket_id] = bodies.get(first_public_id)
    collaborators = list(db.session.scalars(select(TicketCollaborator).where(TicketCollaborator.ticket_id.in_(ids))
                                            .order_by(TicketCollaborator.id)))
    by_ticket: dict[int, list] = {}
    for row in collaborators:
        by_ticket.setdefault(row.ticket_id, []).append(row)
    for ticket in tickets:
        rows_of = by_ticket.get(ticket.id, [])
        set_committed_value(ticket, "collaborators", rows_of)
        extras.collaborator_ids[ticket.id] = [r.user_id for r in rows_of]
    values = db.session.execute(
        select(TicketFieldValue.ticket_id, TicketFieldValue.field_id, TicketFieldValue.value,
               TicketField.portal_access)
        .join(TicketField, TicketField.id == TicketFieldValue.field_id)
        .where(TicketFieldValue.ticket_id.in_(ids), TicketField.active.is_(True))
        .order_by(TicketFieldValue.field_id)).all()
    for ticket_id, field_id, value, access in values:
        extras.fields.setdefault(ticket_id, []).append((field_id, value, access))
    requesters = {(t.brand_id, t.requester_id) for t in tickets}
    members = set(db.session.execute(select(Membership.brand_id, Membership.user_id).where(
        Membership.brand_id.in_({b for b, _u in requesters}),
        Membership.user_id.in_({u for _b, u in requesters}))).all())
    extras.unknown_requesters = {(b, u) for b, u in requesters if (b, u) not in members}
    return extras


def _common(ticket, extras: TicketExtras, description, portal_only: bool) -> dict:
    custom = [{"id": fid, "value": value} for fid, value, access in extras.fields.get(ticket.id, [])
              if not portal_only or access in policy.VISIBLE_IN_PORTAL]
    return {
        "id": ticket.id, "subject": ticket.subject, "description": description,
        "status": ticket.status, "priority": ticket.priority, "type": ticket.type,
        "requester_id": (None if (ticket.brand_id, ticket.requester_id) in extras.unknown_requesters
                         else ticket.requester_id),
        "assignee_id": ticket.assignee_id, "group_id": ticket.group_id,
        "collaborator_ids": extras.collaborator_ids.get(ticket.id, []),
        "custom_fields": custom, "fields": custom, "ticket_form_id": ticket.form_id,
        "brand_id": ticket.brand_id, "is_public": ticket.is_public, "via": via(ticket.channel),
        "created_at": iso(ticket.created_at), "updated_at": iso(ticket.updated_at),
    }


def request_json(ticket, extras: TicketExtras, person, brand) -> dict:
    """The end-user view: public description, portal-visible fields only."""
    data = _common(ticket, extras, extras.first_public_body.get(ticket.id) or "", portal_only=True)
    data.update(
        url=url_for("api.show_request", request_id=ticket.id, _external=True),
        can_be_solved_by_me=policy.can(person, brand, policy.MARK_SOLVED, ticket=ticket),
        solved=ticket.status in ("solved", "closed"),
        followup_source_id=ticket.followup_source_id,
    )
    return data


def ticket_json(ticket, extras: TicketExtras, person, brand, group_ids) -> dict:
    """The agent view: every field; the description is an internal note only for those who see them
    (group_ids: the person's groups in this brand)."""
    sees_internal = policy.sees_internal_notes(person, brand, ticket, group_ids)
    description = extras.first_body.get(ticket.id) if sees_internal else extras.first_public_body.get(ticket.id)
    data = _common(ticket, extras, description or "", portal_only=False)
    data.update(
        url=url_for("api.show_ticket", ticket_id=ticket.id, _external=True),
        submitter_id=ticket.submitter_id, via_followup_source_id=ticket.followup_source_id,
        tags=[], satisfaction_rating=rating_json(ticket) if ticket.rating else None,
    )
    return data


def comments_json(comments) -> list[dict]:
    """A page of a thread with its attachments (one query for all of them)."""
    files = attachments.of_comments(c.id for c in comments)
    return [comment_json(c, files.get(c.id, ())) for c in comments]


def attachment_json(row) -> dict:
    """Zendesk's attachment object; `row` an Attachment or a thread row (of_comments)."""
    data = {
        "id": row.id, "file_name": row.file_name, "content_type": row.content_type, "size": row.size,
        "content_url": url_for("attachments.download", attachment_id=row.id, _external=True),
        "inline": row.content_type in INLINE_TYPES, "deleted": False, "thumbnails": [],
    }
    data["mapped_content_url"] = data["content_url"]
    if row.thumbnail_size is not None:
        data["thumbnails"] = [{
            "id": row.id, "file_name": "thumbnail.png", "content_type": "image/png", "size": row.thumbnail_size,
            "content_url": url_for("attachments.thumbnail", attachment_id=row.id, _external=True)}]
    return data


def comment_json(comment, files=()) -> dict:
    return {
        "id": comment.id, "type": "Comment", "body": comment.body, "plain_body": comment.body,
        "public": comment.is_public, "author_id": comment.author_id,
        "attachments": [attachment_json(row) for row in files],
        "via": via(comment.channel), "created_at": iso(comment.created_at),
    }


def rating_json(ticket) -> dict:
    return {
        "id": ticket.id, "score": ticket.rating or "unoffered", "comment": ticket.rating_comment,
        "ticket_id": ticket.id, "requester_id": ticket.requester_id, "assignee_id": ticket.assignee_id,
        "group_id": ticket.group_id, "created_at": iso(ticket.rated_at), "updated_at": iso(ticket.rated_at),
    }


def user_json(user, role: str | None, full: bool = True) -> dict:
    """`full`: the profile details staff see (and a person sees of themself)."""
    data = {
        "id": user.id, "url": url_for("api.show_user", user_id=user.id, _external=True),
        "name": user.name, "email": user.email, "role": ZENDESK_ROLES.get(role, "end-user"),
        "role_type": LIGHT_AGENT_ROLE_TYPE if role == "light_agent" else None,
        "active": user.active, "locale": user.locale, "created_at": iso(user.created_at),
        "updated_at": iso(user.created_at),
    }
    if full:
        data.update(phone=user.phone, details=user.address, username=user.username)
    return data


def brand_json(brand) -> dict:
    return {
        "id": brand.id, "url": url_for("api.show_brand", brand_id=brand.id, _external=True),
        "name": brand.name, "subdomain": brand.slug, "host_mapping": brand.host_mapping,
        "brand_url": url_for("helpcenter.home", _external=True), "active": True, "default": True,
        "has_help_center": True, "help_center_state": "enabled", "created_at": iso(brand.created_at),
        "updated_at": iso(brand.created_at),
    }


def _conditions(form, audience: str, field_ids: set) -> list[dict]:
    """Zendesk's shape: one entry per (parent field, value) with the children it shows."""
    grouped: dict[tuple, list] = {}
    for condition in form.conditions:
        if condition.audience == audience and {condition.parent_field_id, condition.child_field_id} <= field_ids:
            grouped.setdefault((condition.parent_field_id, condition.parent_value), []).append(condition.child_field_id)
    return [{"parent_field_id": parent, "value": value, "child_fields": [{"id": child} for child in children]}
            for (parent, value), children in grouped.items()]


def form_json(form, fields, agent_view: bool) -> dict:
    field_ids = {f.id for f in fields}
    return {
        "id": form.id, "url": url_for("api.show_ticket_form", form_id=form.id, _external=True),
        "name": form.name, "display_name": form.name, "raw_name": form.name, "position": form.position,
        "active": form.active, "end_user_visible": form.end_user_visible, "default": False,
        "ticket_field_ids": [f.id for f in fields],
        "agent_conditions": _conditions(form, "agent", field_ids) if agent_view else [],
        "end_user_conditions": _conditions(form, "end_user", field_ids),
    }


def field_json(ticket_field) -> dict:
    access = ticket_field.portal_access
    return {
        "id": ticket_field.id, "url": url_for("api.show_ticket_field", field_id=ticket_field.id, _external=True),
        "type": ticket_field.field_type, "title": ticket_field.title, "title_in_portal": ticket_field.title,
        "active": ticket_field.active, "required": ticket_field.required_to_solve,
        "required_in_portal": ticket_field.required_in_portal,
        "visible_in_portal": access in policy.VISIBLE_IN_PORTAL,
        "editable_in_portal": access in policy.EDITABLE_IN_PORTAL,
        "custom_field_options": [{"name": option, "value": option} for option in (ticket_field.options or [])],
    }
