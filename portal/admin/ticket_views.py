"""Ticket forms and ticket fields: list, create, edit, order, assign, conditions."""
from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..brands import current_brand
from ..brands.models import Group
from ..extensions import db
from ..tickets.models import FormField, TicketField, TicketForm
from . import bp
from . import ticket_services as services
from ..notices import N_, notify
from .common import scoped_or_404, submit
from .forms import (AUDIENCE_LABELS, FIELD_TYPE_LABELS, PORTAL_ACCESS_LABELS, AddFieldForm, ConditionForm,
                    TicketFieldForm, TicketFormForm, choices)


def _brand_groups():
    return list(db.session.scalars(select(Group).where(Group.brand_id == current_brand.id).order_by(Group.name)))


def _brand_fields():
    return list(db.session.scalars(
        select(TicketField).where(TicketField.brand_id == current_brand.id).order_by(TicketField.title)
    ))


def _with_group_choices(form: TicketFormForm) -> TicketFormForm:
    form.default_group_id.choices = choices({0: _("No group"), **{g.id: g.name for g in _brand_groups()}})
    return form


def _chosen_group(form: TicketFormForm):
    return scoped_or_404(Group, form.default_group_id.data) if form.default_group_id.data else None


def _form_values(form: TicketFormForm) -> dict:
    return {"name": form.name.data, "end_user_visible": form.end_user_visible.data,
            "active": form.active.data, "default_group": _chosen_group(form)}


def _load_ticket_form(form_id: int) -> TicketForm:
    return scoped_or_404(TicketForm, form_id,
                         selectinload(TicketForm.form_fields).selectinload(FormField.field),
                         selectinload(TicketForm.conditions), selectinload(TicketForm.default_group))


# --- forms -------------------------------------------------------------------------------------

@bp.route("/forms", methods=["GET", "POST"])
def forms():
    form = _with_group_choices(TicketFormForm())
    status = 200
    if request.method == "POST":
        status, created = submit(form, lambda: services.create_ticket_form(current_brand, **_form_values(form)))
        if status is None:
            notify(N_("Form “%(name)s” created."), "success", name=created.name)
            return redirect(url_for("admin.ticket_form", form_id=created.id))
    ticket_forms = list(db.session.scalars(
        select(TicketForm).where(TicketForm.brand_id == current_brand.id)
        .options(selectinload(TicketForm.default_group)).order_by(TicketForm.position, TicketForm.id)
    ))
    return render_template("admin/forms.html", ticket_forms=ticket_forms, form=form), status


def _render_ticket_form(ticket_form, edit_form=None, add_form=None, condition_form=None, status=200):
    on_form = ticket_form.fields
    on_form_ids = {field.id for field in on_form}
    addable = [f for f in _brand_fields() if f.id not in on_form_ids]
    edit_form = edit_form or _with_group_choices(TicketFormForm(obj=ticket_form, formdata=None))
    add_form = add_form or AddFieldForm(formdata=None)
    add_form.field_id.choices = choices({f.id: f.title for f in addable})
    condition_form = condition_form or ConditionForm(formdata=None)
    field_choices = choices({f.id: f.title for f in on_form})
    condition_form.parent_field_id.choices = field_choices
    condition_form.child_field_id.choices = field_choices
    titles = {f.id: f.title for f in on_form}
    return render_template("admin/form_edit.html", ticket_form=ticket_form, edit_form=edit_form,
                           add_form=add_form, condition_form=condition_form, titles=titles,
                           audiences=AUDIENCE_LABELS, access_labels=PORTAL_ACCESS_LABELS), status


@bp.route("/forms/<int:form_id>", methods=["GET", "POST"])
def ticket_form(form_id):
    ticket_form = _load_ticket_form(form_id)
    if request.method == "GET":
        return _render_ticket_form(ticket_form)
    edit_form = _with_group_choices(TicketFormForm())
    status, _changes = submit(edit_form, lambda: services.update_ticket_form(current_brand, ticket_form,
                                                                               **_form_values(edit_form)))
    if status is None:
        notify(N_("Form saved."), "success")
        return redirect(url_for("admin.ticket_form", form_id=form_id))
    return _render_ticket_form(ticket_form, edit_form=edit_form, status=status)


@bp.post("/forms/<int:form_id>/move")
def move_ticket_form(form_id):
    ticket_form = scoped_or_404(TicketForm, form_id)
    services.move_ticket_form(current_brand, ticket_form, request.form.get("direction", ""))
    return redirect(url_for("admin.forms"))


@bp.post("/forms/<int:form_id>/active")
def set_ticket_form_active(form_id):
    ticket_form = scoped_or_404(TicketForm, form_id)
    active = request.form.get("active") == "1"
    services.set_ticket_form_active(current_brand, ticket_form, active)
    notify(N_("Form activated.") if active else N_("Form deactivated."), "success")
    return redirect(url_for("admin.forms"))


# --- fields on a form --------------------------------------------------------------------------

@bp.post("/forms/<int:form_id>/fields")
def add_form_field(form_id):
    ticket_form = _load_ticket_form(form_id)
    add_form = AddFieldForm()
    field = scoped_or_404(TicketField, add_form.field_id.data)
    services.add_field_to_form(current_brand, ticket_form, field)
    notify(N_("Field “%(title)s” added to the form."), "success", title=field.title)
    return redirect(url_for("admin.ticket_form", form_id=form_id))


def _form_and_field(form_id: int, field_id: int):
    return _load_ticket_form(form_id), scoped_or_404(TicketField, field_id)


@bp.post("/forms/<int:form_id>/fields/<int:field_id>/remove")
def remove_form_field(form_id, field_id):
    ticket_form, field = _form_and_field(form_id, field_id)
    services.remove_field_from_form(current_brand, ticket_form, field)
    notify(N_("Field “%(title)s” removed from the form."), "success", title=field.title)
    return redirect(url_for("admin.ticket_form", form_id=form_id))


@bp.post("/forms/<int:form_id>/fields/<int:field_id>/move")
def move_form_field(form_id, field_id):
    ticket_form, field = _form_and_field(form_id, field_id)
    services.move_field_on_form(current_brand, ticket_form, field, request.form.get("direction", ""))
    return redirect(url_for("admin.ticket_form", form_id=form_id))


@bp.post("/forms/<int:form_id>/conditions")
def add_condition(form_id):
    ticket_form = _load_ticket_form(form_id)
    condition_form = ConditionForm()
    status, _condition = submit(condition_form, lambda: services.add_condition(
        current_brand, ticket_form, parent=scoped_or_404(TicketField, condition_form.parent_field_id.data),
        child=scoped_or_404(TicketField, condition_form.child_field_id.data),
        value=condition_form.parent_value.data, audience=condition_form.audience.data))
    if status is None:
        notify(N_("Condition added."), "success")
        return redirect(url_for("admin.ticket_form", form_id=form_id))
    return _render_ticket_form(ticket_form, condition_form=condition_form, status=status)


@bp.post("/forms/<int:form_id>/conditions/<int:condition_id>/remove")
def remove_condition(form_id, condition_id):
    ticket_form = _load_ticket_form(form_id)
    condition = next((c for c in ticket_form.conditions if c.id == condition_id), None)
    if condition is None:
        abort(404)
    services.remove_condition(current_brand, ticket_form, condition)
    notify(N_("Condition removed."), "success")
    return redirect(url_for("admin.ticket_form", form_id=form_id))


# --- fields ------------------------------------------------------------------------------------

def _field_values(form: TicketFieldForm) -> dict:
    return {name: getattr(form, name).data for name in (
        "title", "field_type", "options", "portal_access", "required_in_portal", "required_to_solve", "active")}


@bp.route("/fields", methods=["GET", "POST"])
def fields():
    form = TicketFieldForm()
    status = 200
    if request.method == "POST":
        status, created = submit(form, lambda: services.create_ticket_field(current_brand, **_field_values(form)))
        if status is None:
            notify(N_("Field “%(title)s” created."), "success", title=created.title)
            return redirect(url_for("admin.fields"))
    return render_template("admin/fields.html", fields=_brand_fields(), form=form, type_labels=FIELD_TYPE_LABELS,
                           access_labels=PORTAL_ACCESS_LABELS), status


@bp.route("/fields/<int:field_id>", methods=["GET", "POST"])
def ticket_field(field_id):
    field = scoped_or_404(TicketField, field_id)
    status = 200
    if request.method == "GET":
        form = TicketFieldForm(obj=field, formdata=None)
        form.options.data = "\n".join(field.options or [])
    else:
        form = TicketFieldForm()
        status, _changes = submit(form, lambda: services.update_ticket_field(current_brand, field,
                                                                            **_field_values(form)))
        if status is None:
            notify(N_("Field saved."), "success")
            return redirect(url_for("admin.fields"))
    return render_template("admin/field_edit.html", field=field, form=form), status
