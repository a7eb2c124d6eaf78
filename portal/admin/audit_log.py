"""The audit log as admins read it (issue 14): in words, filtered (who, what, when) and paged.

The log stores codes and ids (portal/audit); this module turns one page of it into sentences a
person reads: the actor and on whose behalf, the action's label, the object's name (never
"Membership #12"), and each detail under a translated key with names instead of ids. Names are
read in one statement per kind of object on the page, never one per row. An object deleted since
keeps its kind and number ("Group #4 (deleted)").
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from ..api.models import ApiToken
from ..assist.models import Interaction
from ..audit.labels import ACTION_LABELS, action_label
from ..audit.models import AuditEvent
from ..auth.models import Invitation, User
from ..brands.models import Group, Membership
from ..brands.settings import SETTINGS
from ..extensions import db
from ..labels import channel_label
from ..tickets.models import Ticket, TicketField, TicketForm
from .forms import ROLE_LABELS

PER_PAGE = 50
MAX_WHO = 100

OBJECT_LABELS = {
    "User": _l("Person"), "Membership": _l("Membership"), "Group": _l("Group"), "TicketForm": _l("Ticket form"),
    "TicketField": _l("Ticket field"), "Ticket": _l("Ticket"), "Brand": _l("Brand"), "Invitation": _l("Invitation"),
    "ApiToken": _l("API token"), "Interaction": _l("Interaction"),
}
DETAIL_LABELS = {
    "user_id": _l("Person"), "group_ids": _l("Groups"), "field_id": _l("Field"),
    "parent_field_id": _l("When the field"), "parent_value": _l("has the value"), "child_field_id": _l("Field shown"),
    "audience": _l("For"), "condition_id": _l("Condition"), "conditions_removed": _l("Conditions removed"),
    "request_id": _l("Assistance request"), "notified": _l("Supervisors told"), "role": _l("Role"),
    "old_role": _l("Previous role"), "can_assist": _l("Can assist"), "can_register_users": _l("Can register users"),
    "reason": _l("Reason"), "key": _l("Setting"), "old": _l("Before"), "new": _l("After"), "changes": _l("Changes"),
    "fields": _l("Fields changed"), "email": _l("E-mail"), "old_email": _l("Previous e-mail"),
    "session_id": _l("Session"), "count": _l("Sessions"), "sessions_ended": _l("Sessions ended"),
    "other_sessions_ended": _l("Other sessions ended"), "is_supervisor": _l("Supervisor"),
    "direction": _l("Direction"), "position": _l("Position"), "name": _l("Name"), "slug": _l("Address"),
    "channel": _l("Channel"), "service": _l("Service"), "minutes": _l("Minutes"), "outcome": _l("Outcome"),
    "endpoint": _l("Page"), "path": _l("Address visited"), "target": _l("Went to"),
}
# Which details hold ids, and of what.
PERSON_KEYS, GROUP_KEYS, FIELD_KEYS = {"user_id", "notified"}, {"group_ids"}, {"field_id", "parent_field_id",
                                                                              "child_field_id"}


@dataclass(frozen=True)
class AuditFilter:
    who: str = ""  # part of the actor's name or e-mail address
    action: str = ""  # one action code; empty: every action
    since: date | None = None
    until: date | None = None  # inclusive
    page: int = 1

    def query_args(self, **changes) -> dict:
        """The filter as the page's query string (paging keeps it)."""
        values = {"who": self.who, "action": self.action, "since": self.since and self.since.isoformat(),
                  "until": self.until and self.until.isoformat(), "page": self.page, **changes}
        return {key: value for key, value in values.items() if value and not (key == "page" and value == 1)}


def read_filter(args, page: int) -> tuple[AuditFilter, dict[str, str]]:
    """The filter the admin asked for, and a message per field that could not be read."""
    errors: dict[str, str] = {}
    who = " ".join((args.get("who") or "").split())
    if len(who) > MAX_WHO:
        errors["who"] = _("Enter at most %(num)d characters.", num=MAX_WHO)
        who = who[:MAX_WHO]
    action = (args.get("action") or "").strip()
    if action and action not in ACTION_LABELS:
        errors["action"] = _("Choose an action from the list.")
        action = ""
    since, until = _date(args, "since", errors), _date(args, "until", errors)
    if since and until and until < since:
        errors["until"] = _("The end date must be on or after the start date.")
        until = None
    return AuditFilter(who=who, action=action, since=since, until=until, page=page), errors


def _date(args, name: str, errors: dict) -> date | None:
    text = (args.get(name) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = _("Enter a real date, for example 2026-12-02.")
        return None


def action_choices() -> list[tuple[str, str]]:
    """Every action, by its label in the page's language."""
    return sorted(((code, str(label)) for code, label in ACTION_LABELS.items()), key=lambda pair: pair[1].lower())


@dataclass
class AuditRow:
    when: datetime
    actor: User | None
    on_behalf_of: str | None
    action: str
    action_text: str
    object_text: str
    details: list[tuple[str, str]] = field(default_factory=list)


def audit_page(brand, wanted: AuditFilter) -> tuple[list[AuditRow], bool]:
    """One page of the brand's events that match, newest first, in words; and whether older ones follow."""
    query = (select(AuditEvent, User).outerjoin(User, User.id == AuditEvent.actor_id)
             .where(AuditEvent.brand_id == brand.id))
    if wanted.who:
        pattern = "%" + wanted.who.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(func.lower(User.name).like(pattern, escape="\\"),
                                func.lower(User.email).like(pattern, escape="\\")))
    if wanted.action:
        query = query.where(AuditEvent.action == wanted.action)
    if wanted.since:
        query = query.where(AuditEvent.created_at >= _utc_start_of(wanted.since))
    if wanted.until:
        query = query.where(AuditEvent.created_at < _utc_start_of(wanted.until + timedelta(days=1)))
    rows = db.session.execute(query.order_by(AuditEvent.id.desc())
                              .offset((wanted.page - 1) * PER_PAGE).limit(PER_PAGE + 1)).all()
    page = rows[:PER_PAGE]
    names = _Names(brand, [event for event, _actor in page])
    return [_row(event, actor, names) for event, actor in page], len(rows) > PER_PAGE


def _utc_start_of(day: date) -> datetime:
    """Midnight of `day` in the reader's time zone, as the stored naive UTC."""
    zone = get_timezone()
    naive = datetime.combine(day, time.min)
    local = zone.localize(naive) if hasattr(zone, "localize") else naive.replace(tzinfo=zone)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


class _Names:
    """The names of everything a page of events mentions, read in one statement per kind."""

    def __init__(self, brand, events):
        ids: dict[str, set] = {kind: set() for kind in OBJECT_LABELS}
        for event in events:
            if event.object_type in ids and event.object_id is not None:
                ids[event.object_type].add(event.object_id)
            if event.on_behalf_of_id:
                ids["User"].add(event.on_behalf_of_id)
            for key, value in (event.data or {}).items():
                kind = "User" if key in PERSON_KEYS else "Group" if key in GROUP_KEYS else \
                    "TicketField" if key in FIELD_KEYS else None
                if kind:
                    ids[kind].update(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, int))
        self.memberships = dict(db.session.execute(
            select(Membership.id, Membership.user_id).where(Membership.id.in_(ids["Membership"]),
                                                            Membership.brand_id == brand.id)).all()) \
            if ids["Membership"] else {}
        self.interactions = dict(db.session.execute(
            select(Interaction.id, Interaction.user_id).where(Interaction.id.in_(ids["Interaction"]),
                                                              Interaction.brand_id == brand.id)).all()) \
            if ids["Interaction"] else {}
        ids["User"] |= set(self.memberships.values()) | set(self.interactions.values())
        self.by_kind = {
            "User": self._read(select(User.id, User.name).where(User.id.in_(ids["User"])), ids["User"]),
            "Group": self._read(select(Group.id, Group.name).where(Group.id.in_(ids["Group"]),
                                                                 Group.brand_id == brand.id), ids["Group"]),
            "TicketForm": self._read(select(TicketForm.id, TicketForm.name).where(
                TicketForm.id.in_(ids["TicketForm"]), TicketForm.brand_id == brand.id), ids["TicketForm"]),
            "TicketField": self._read(select(TicketField.id, TicketField.title).where(
                TicketField.id.in_(ids["TicketField"]), TicketField.brand_id == brand.id), ids["TicketField"]),
            "Ticket": {ticket_id: f"#{ticket_id} {subject}" for ticket_id, subject in self._read(
                select(Ticket.id, Ticket.subject).where(Ticket.id.in_(ids["Ticket"]), Ticket.brand_id == brand.id),
                ids["Ticket"]).items()},
            "Invitation": self._read(select(Invitation.id, Invitation.email).where(
                Invitation.id.in_(ids["Invitation"]), Invitation.brand_id == brand.id), ids["Invitation"]),
            # A token is a person's, not a brand's: only those this brand's log names are read.
            "ApiToken": self._read(select(ApiToken.id, ApiToken.name).where(ApiToken.id.in_(ids["ApiToken"])),
                                   ids["ApiToken"]),
            "Brand": {brand.id: brand.name},
        }

    @staticmethod
    def _read(query, wanted) -> dict:
        return dict(db.session.execute(query).all()) if wanted else {}

    def person(self, user_id) -> str:
        return self.by_kind["User"].get(user_id) or _("Person #%(id)s (deleted)", id=user_id)

    def of(self, kind: str, object_id) -> str:
        if kind == "Membership" and object_id in self.memberships:
            return self.person(self.memberships[object_id])
        if kind == "Interaction" and object_id in self.interactions:
            return _("with %(name)s", name=self.person(self.interactions[object_id]))
        name = self.by_kind.get(kind, {}).get(object_id)
        if name:
            return name
        return _("%(kind)s #%(id)s (deleted)", kind=OBJECT_LABELS.get(kind, kind), id=object_id)


def _row(event: AuditEvent, actor: User | None, names: _Names) -> AuditRow:
    object_text = ""
    if event.object_type:
        kind = OBJECT_LABELS.get(event.object_type, event.object_type)
        object_text = f"{kind}: {names.of(event.object_type, event.object_id)}" if event.object_id is not None \
            else str(kind)
    data = event.data or {}
    details = [(str(DETAIL_LABELS.get(key, key)), _value(key, value, names, data)) for key, value in data.items()]
    return AuditRow(when=event.created_at, actor=actor,
                    on_behalf_of=names.person(event.on_behalf_of_id) if event.on_behalf_of_id else None,
                    action=event.action, action_text=str(action_label(event.action)), object_text=object_text,
                    details=details)


def _value(key: str, value, names: _Names, data: dict) -> str:
    """One detail's value in words."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key in PERSON_KEYS | GROUP_KEYS | FIELD_KEYS:
        kind = "User" if key in PERSON_KEYS else "Group" if key in GROUP_KEYS else "TicketField"
        values = value if isinstance(value, list) else [value]
        return ", ".join(names.person(v) if kind == "User" else names.of(kind, v) for v in values)
    if key in ("role", "old_role"):
        return str(ROLE_LABELS.get(value, value))
    if key == "channel":
        return channel_label(value)
    if key == "key" and value in SETTINGS:
        return str(SETTINGS[value].label or value)
    if key == "changes" and isinstance(value, dict):
        return "; ".join(f"{name}: {_plain(pair[0])} → {_plain(pair[1])}"
                         if isinstance(pair, list) and len(pair) == 2 else f"{name}: {_plain(pair)}"
                         for name, pair in value.items())
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    return _plain(value)


def _plain(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)
