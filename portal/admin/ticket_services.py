"""Ticket forms, ticket fields, their assignment and conditions (DESIGN §4); every write audited.

Callers commit on success and roll back on ServiceError, so a refused change writes nothing.
"""
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..audit.services import record
from ..extensions import db
from ..tickets.models import AUDIENCES, FIELD_TYPES, PORTAL_ACCESS, FieldCondition, FormField, TicketField, TicketForm
from .common import apply_changes, name_taken
from ..service_error import ServiceError

TYPES_WITH_OPTIONS = ("dropdown", "multiselect")
MAX_OPTION_LENGTH = 200  # FieldCondition.parent_value holds one option


def move_in_list(items: list, item, direction: str) -> bool:
    """Swap item with its neighbour and renumber positions 0..n-1 (which also mends ties)."""
    if direction not in ("up", "down"):
        raise ServiceError(400, _("Choose up or down."))
    items = list(items)
    index = items.index(item)
    target = index - 1 if direction == "up" else index + 1
    moved = 0 <= target < len(items)
    if moved:
        items[index], items[target] = items[target], items[index]
    for position, each in enumerate(items):
        each.position = position
    return moved


# --- forms -------------------------------------------------------------------------------------

def _form_values(brand, form: TicketForm | None, name, end_user_visible, active, default_group) -> dict:
    name = (name or "").strip()
    if not name:
        raise ServiceError(422, _("Enter a name."), field="name")
    if name_taken(TicketForm, TicketForm.name, brand, name, form.id if form else None):
        raise ServiceError(409, _("Another form already has this name."), field="name")
    return {"name": name, "end_user_visible": bool(end_user_visible), "active": bool(active),
            "default_group_id": default_group.id if default_group else None}


def create_ticket_form(brand, *, name, end_user_visible=True, active=True, default_group=None) -> TicketForm:
    values = _form_values(brand, None, name, end_user_visible, active, default_group)
    last = db.session.scalar(select(func.max(TicketForm.position)).where(TicketForm.brand_id == brand.id))
    form = TicketForm(brand_id=brand.id, position=(last if last is not None else -1) + 1, **values)
    db.session.add(form)
    db.session.flush()
    record("ticket_form.create", brand=brand, obj=form, **values)
    return form


def update_ticket_form(brand, form: TicketForm, *, name, end_user_visible, active, default_group) -> dict:
    changes = apply_changes(form, _form_values(brand, form, name, end_user_visible, active, default_group))
    if changes:
        record("ticket_form.update", brand=brand, obj=form, changes=changes)
    return changes


def set_ticket_form_active(brand, form: TicketForm, active: bool) -> bool:
    changes = apply_changes(form, {"active": bool(active)})
    if changes:
        record("ticket_form.activate" if active else "ticket_form.deactivate", brand=brand, obj=form)
    return bool(changes)


def brand_forms(brand) -> list[TicketForm]:
    return list(db.session.scalars(
        select(TicketForm).where(TicketForm.brand_id == brand.id).order_by(TicketForm.position, TicketForm.id)
    ))


def move_ticket_form(brand, form: TicketForm, direction: str) -> bool:
    moved = move_in_list(brand_forms(brand), form, direction)
    if moved:
        record("ticket_form.move", brand=brand, obj=form, direction=direction, position=form.position)
    return moved


# --- fields ------------------------------------------------------------------------------------

def clean_options(field_type: str, text: str) -> list[str]:
    """Options typed one per line; only dropdowns and multi-selects have (and need) them."""
    if field_type not in TYPES_WITH_OPTIONS:
        return []
    options = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not options:
        raise ServiceError(422, _("A dropdown or multi-select needs at least one option, one per line."), field="options")
    if len(set(options)) != len(options):
        raise ServiceError(422, _("Each option must be different."), field="options")
    if any(len(option) > MAX_OPTION_LENGTH for option in options):
        raise ServiceError(422, _("An option may have at most %(n)d characters.", n=MAX_OPTION_LENGTH), field="options")
    return options


def _field_values(brand, field: TicketField | None, *, title, field_type, options, portal_access,
                  required_in_portal, required_to_solve, active) -> dict:
    title = (title or "").strip()
    if not title:
        raise ServiceError(422, _("Enter a title."), field="title")
    if field_type not in FIELD_TYPES:
        raise ServiceError(422, _("Choose a field type from the list."), field="field_type")
    if portal_access not in PORTAL_ACCESS:
        raise ServiceError(422, _("Choose who may see the field in the help centre."), field="portal_access")
    if required_in_portal and portal_access != "editable":
        raise ServiceError(422, _("Only a field end users can edit may be required in the help centre."), field="required_in_portal")
    if name_taken(TicketField, TicketField.title, brand, title, field.id if field else None):
        raise ServiceError(409, _("Another field already has this title."), field="title")
    return {"title": title, "field_type": field_type, "options": clean_options(field_type, options),
            "portal_access": portal_access, "required_in_portal": bool(required_in_portal),
            "required_to_solve": bool(required_to_solve), "active": bool(active)}


def create_ticket_field(brand, **values) -> TicketField:
    values = _field_values(brand, None, **values)
    field = TicketField(brand_id=brand.id, **values)
    db.session.add(field)
    db.session.flush()
    record("ticket_field.create", brand=brand, obj=field, **values)
    return field


def update_ticket_field(brand, field: TicketField, **values) -> dict:
    values = _field_values(brand, field, **values)
    if values["field_type"] in TYPES_WITH_OPTIONS:
        used = db.session.scalars(select(FieldCondition.parent_value)
                                  .where(FieldCondition.parent_field_id == field.id)).all()
        missing = sorted(set(used) - set(values["options"]))
        if missing:
            raise ServiceError(409, _("Conditions use these values, keep them as options or remove the conditions "
                               "first: %(values)s.", values=", ".join(missing)), field="options")
    changes = apply_changes(field, values)
    if changes:
        record("ticket_field.update", brand=brand, obj=field, changes=changes)
    return changes


# --- fields on forms ---------------------------------------------------------------------------

def add_field_to_form(brand, form: TicketForm, field: TicketField) -> FormField:
    if any(ff.field_id == field.id for ff in form.form_fields):
        raise ServiceError(409, _("This field is already on the form."))
    form_field = FormField(field_id=field.id, position=len(form.form_fields))
    form.form_fields.append(form_field)
    db.session.flush()
    record("ticket_form.field_add", brand=brand, obj=form, field_id=field.id, position=form_field.position)
    return form_field


def _form_field(form: TicketForm, field: TicketField) -> FormField:
    for form_field in form.form_fields:
        if form_field.field_id == field.id:
            return form_field
    raise ServiceError(404, _("This field is not on the form."))


def remove_field_from_form(brand, form: TicketForm, field: TicketField) -> None:
    """Take a field off a form, with the form's conditions that use it (they could never apply)."""
    form_field = _form_field(form, field)
    dropped = [c for c in form.conditions if field.id in (c.parent_field_id, c.child_field_id)]
    for condition in dropped:
        form.conditions.remove(condition)
    form.form_fields.remove(form_field)
    for position, each in enumerate(form.form_fields):
        each.position = position
    record("ticket_form.field_remove", brand=brand, obj=form, field_id=field.id,
           conditions_removed=[c.id for c in dropped])


def move_field_on_form(brand, form: TicketForm, field: TicketField, direction: str) -> bool:
    moved = move_in_list(form.form_fields, _form_field(form, field), direction)
    if moved:
        record("ticket_form.field_move", brand=brand, obj=form, field_id=field.id, direction=direction)
    return moved


# --- conditions --------------------------------------------------------------------------------

def _depends_on(conditions, field_id: int, ancestor_id: int, audience: str) -> bool:
    """True if field_id is already shown depending (maybe indirectly) on ancestor_id."""
    parents = {}
    for c in conditions:
        if c.audience == audience:
            parents.setdefault(c.child_field_id, set()).add(c.parent_field_id)
    seen, todo = set(), [field_id]
    while todo:
        current = todo.pop()
        if current == ancestor_id:
            return True
        if current not in seen:
            seen.add(current)
            todo.extend(parents.get(current, ()))
    return False


def add_condition(brand, form: TicketForm, *, parent: TicketField, value: str, child: TicketField,
                  audience: str) -> FieldCondition:
    """Show child only when parent has value, for one audience (end users or agents)."""
    value = (value or "").strip()
    if audience not in AUDIENCES:
        raise ServiceError(422, _("Choose whether the condition applies to end users or agents."), field="audience")
    on_form = {ff.field_id for ff in form.form_fields}
    if parent.id not in on_form or child.id not in on_form:
        raise ServiceError(422, _("Both fields of a condition must be on this form."))
    if parent.id == child.id:
        raise ServiceError(422, _("A field cannot depend on itself."), field="child_field_id")
    if not value or len(value) > MAX_OPTION_LENGTH:
        raise ServiceError(422, _("Enter the value the parent field must have."), field="parent_value")
    if parent.field_type in TYPES_WITH_OPTIONS and value not in parent.options:
        raise ServiceError(422, _("Choose one of the parent field's options: %(options)s.",
                           options=", ".join(parent.options)), field="parent_value")
    for c in form.conditions:
        if (c.parent_field_id, c.parent_value, c.child_field_id, c.audience) == (parent.id, value, child.id, audience):
            raise ServiceError(409, _("This condition already exists."))
    if _depends_on(form.conditions, parent.id, child.id, audience):
        raise ServiceError(422, _("These fields would depend on each other in a loop."), field="child_field_id")
    condition = FieldCondition(parent_field_id=parent.id, parent_value=value, child_field_id=child.id,
                               audience=audience)
    form.conditions.append(condition)
    db.session.flush()
    record("ticket_form.condition_add", brand=brand, obj=form, condition_id=condition.id,
           parent_field_id=parent.id, parent_value=value, child_field_id=child.id, audience=audience)
    return condition


def remove_condition(brand, form: TicketForm, condition: FieldCondition) -> None:
    form.conditions.remove(condition)
    record("ticket_form.condition_remove", brand=brand, obj=form, condition_id=condition.id,
           parent_field_id=condition.parent_field_id, parent_value=condition.parent_value,
           child_field_id=condition.child_field_id, audience=condition.audience)
