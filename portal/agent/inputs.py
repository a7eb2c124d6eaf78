"""The workspace's HTML forms read into the services' typed inputs (the API builds the same
inputs from JSON in portal.api.tickets). A malformed id is refused here, with the message the
service would give for an unknown one."""
from flask_babel import gettext as _

from ..numbers import MAX_ID, parse_int
from ..service_error import ServiceError
from ..tickets import fields as ticket_fields
from .services import UNCHANGED, NewTicket, TicketUpdate


def _id_or_none(raw, message: str) -> int | None:
    if raw in (None, ""):
        return None
    number = parse_int(raw, 0, MAX_ID)
    if number is None:
        raise ServiceError(422, message)
    return number


def _group_id(raw) -> int | None:
    return _id_or_none(raw, _("This group does not exist in this help centre."))


def _assignee_id(raw) -> int | None:
    return _id_or_none(raw, _("Only agents of this help centre can be assigned."))


def ticket_update(posted, form, files=()) -> TicketUpdate:
    """The ticket page's form: a property the page did not send is left unchanged. `files`: the
    attachments it sent, already stored (portal.attachments)."""
    def sent(name, read=str):
        return read(posted[name]) if name in posted else UNCHANGED

    return TicketUpdate(
        version=_id_or_none(posted.get("version"), _("The form is incomplete. Please reload the page.")),
        status=sent("status"), priority=sent("priority"), type=sent("type"),
        group_id=sent("group_id", _group_id), assignee_id=sent("assignee_id", _assignee_id),
        fields=ticket_fields.posted_fields(form, posted, ticket_fields.AGENT),
        body=posted.get("body") or "", public=posted.get("public") == "1", files=tuple(files))


def new_ticket(posted, form, files=()) -> NewTicket:
    """The new-ticket form (what is left out takes the form's defaults)."""
    return NewTicket(
        requester_email=posted.get("requester_email") or "", subject=posted.get("subject"),
        body=posted.get("body"), channel=posted.get("channel", "web"),
        priority=posted.get("priority", "normal"), type=posted.get("type", "question"),
        group_id=_group_id(posted.get("group_id")), assignee_id=_assignee_id(posted.get("assignee_id")),
        public=posted.get("public", "1") == "1",
        fields=ticket_fields.posted_fields(form, posted, ticket_fields.AGENT), files=tuple(files))
