"""Ticket forms and fields: create, edit, order, activate, assign, conditions; brand-scoped, audited."""
import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.tickets.models import FieldCondition, FormField, TicketField, TicketForm

from .conftest import audit_actions, audit_events, count_queries


def form_names(brand):
    return list(db.session.scalars(select(TicketForm.name).where(TicketForm.brand_id == brand.id)
                                   .order_by(TicketForm.position)))


def count(model):
    return db.session.scalar(select(func.count(model.id)))


def test_create_form_with_default_group(client, as_admin, make_group):
    support = make_group(as_admin.brand, "Support")
    response = client.post("/acme/admin/forms", data={"name": "General request", "end_user_visible": "y",
                                                      "active": "y", "default_group_id": str(support.id)})
    assert response.status_code == 302
    form = db.session.scalar(select(TicketForm))
    assert (form.name, form.end_user_visible, form.active, form.default_group_id) == (
        "General request", True, True, support.id)
    assert audit_actions(as_admin.brand) == ["ticket_form.create"]
    html = client.get("/acme/admin/forms").get_data(as_text=True)
    assert "General request" in html and "Support" in html


def test_create_agent_only_form(client, as_admin):
    client.post("/acme/admin/forms", data={"name": "Incident", "active": "y", "default_group_id": "0"})
    form = db.session.scalar(select(TicketForm))
    assert form.end_user_visible is False and form.default_group_id is None


@pytest.mark.parametrize("data, status", [
    ({"name": "", "default_group_id": "0"}, 422),
    ({"name": "x" * 121, "default_group_id": "0"}, 422),
    ({"name": "general REQUEST", "default_group_id": "0"}, 409),
])
def test_bad_forms_are_refused(client, as_admin, make_form, data, status):
    make_form(as_admin.brand, "General request")
    response = client.post("/acme/admin/forms", data=data)
    assert response.status_code == status
    assert count(TicketForm) == 1
    assert audit_actions(as_admin.brand) == []


def test_another_brands_group_is_404(client, as_admin, make_group):
    theirs = make_group(as_admin.other_brand, "Paie")
    assert client.post("/acme/admin/forms", data={"name": "X", "default_group_id": str(theirs.id)}).status_code == 404
    assert count(TicketForm) == 0


def test_edit_form_audits_old_and_new(client, as_admin, make_form):
    form = make_form(as_admin.brand, "General")
    page = client.get(f"/acme/admin/forms/{form.id}")
    assert page.status_code == 200 and "General" in page.get_data(as_text=True)
    assert client.post(f"/acme/admin/forms/{form.id}", data={"name": "General request", "default_group_id": "0",
                                                             "active": "y"}).status_code == 302
    db.session.refresh(form)
    assert (form.name, form.end_user_visible) == ("General request", False)
    [event] = audit_events(as_admin.brand, "ticket_form.update")
    assert event.data["changes"]["name"] == ["General", "General request"]
    assert event.data["changes"]["end_user_visible"] == [True, False]


def test_edit_to_an_existing_name_is_409(client, as_admin, make_form):
    make_form(as_admin.brand, "One")
    two = make_form(as_admin.brand, "Two", position=1)
    response = client.post(f"/acme/admin/forms/{two.id}", data={"name": "One", "default_group_id": "0"})
    assert response.status_code == 409
    assert "Another form already has this name." in response.get_data(as_text=True)
    db.session.refresh(two)
    assert two.name == "Two"


def test_reorder_forms(client, as_admin, make_form):
    a = make_form(as_admin.brand, "A", position=0)
    make_form(as_admin.brand, "B", position=1)
    c = make_form(as_admin.brand, "C", position=2)
    assert client.post(f"/acme/admin/forms/{c.id}/move", data={"direction": "up"}).status_code == 302
    assert form_names(as_admin.brand) == ["A", "C", "B"]
    client.post(f"/acme/admin/forms/{a.id}/move", data={"direction": "down"})
    assert form_names(as_admin.brand) == ["C", "A", "B"]
    client.post(f"/acme/admin/forms/{c.id}/move", data={"direction": "up"})  # already first: no change
    assert form_names(as_admin.brand) == ["C", "A", "B"]
    assert audit_actions(as_admin.brand) == ["ticket_form.move", "ticket_form.move"]
    assert client.post(f"/acme/admin/forms/{c.id}/move", data={"direction": "sideways"}).status_code == 400


def test_activate_and_deactivate(client, as_admin, make_form):
    form = make_form(as_admin.brand, "A")
    client.post(f"/acme/admin/forms/{form.id}/active", data={"active": "0"})
    db.session.refresh(form)
    assert form.active is False
    client.post(f"/acme/admin/forms/{form.id}/active", data={"active": "1"})
    db.session.refresh(form)
    assert form.active is True
    assert audit_actions(as_admin.brand) == ["ticket_form.deactivate", "ticket_form.activate"]


def test_other_brands_form_and_field_ids_are_404(client, as_admin, make_form, make_field):
    theirs = make_form(as_admin.other_brand, "Theirs")
    their_field = make_field(as_admin.other_brand, "Their field")
    mine = make_form(as_admin.brand, "Mine")
    assert client.get(f"/acme/admin/forms/{theirs.id}").status_code == 404
    assert client.post(f"/acme/admin/forms/{theirs.id}", data={"name": "Hijacked"}).status_code == 404
    assert client.post(f"/acme/admin/forms/{theirs.id}/move", data={"direction": "up"}).status_code == 404
    assert client.post(f"/acme/admin/forms/{theirs.id}/active", data={"active": "0"}).status_code == 404
    assert client.get(f"/acme/admin/fields/{their_field.id}").status_code == 404
    assert client.post(f"/acme/admin/forms/{mine.id}/fields", data={"field_id": their_field.id}).status_code == 404
    db.session.refresh(theirs)
    assert (theirs.name, theirs.active) == ("Theirs", True)
    assert count(FormField) == 0


def test_create_dropdown_field(client, as_admin):
    response = client.post("/acme/admin/fields", data={
        "title": "Category", "field_type": "dropdown", "options": "hardware\r\n software \n\naccess",
        "portal_access": "editable", "required_in_portal": "y", "active": "y"})
    assert response.status_code == 302
    field = db.session.scalar(select(TicketField))
    assert field.options == ["hardware", "software", "access"]
    assert (field.required_in_portal, field.required_to_solve, field.active) == (True, False, True)
    assert audit_actions(as_admin.brand) == ["ticket_field.create"]
    assert "Category" in client.get("/acme/admin/fields").get_data(as_text=True)


def test_options_are_dropped_for_types_without_options(client, as_admin):
    client.post("/acme/admin/fields", data={"title": "Reference", "field_type": "text", "options": "a\nb",
                                            "portal_access": "read_only"})
    assert db.session.scalar(select(TicketField.options)) == []


@pytest.mark.parametrize("data, status, message", [
    ({"title": "Category", "field_type": "dropdown", "options": ""}, 422, "needs at least one option"),
    ({"title": "Category", "field_type": "multiselect", "options": "a\na"}, 422, "Each option must be different."),
    ({"title": "Category", "field_type": "dropdown", "options": "x" * 201}, 422, "at most 200 characters"),
    ({"title": "Category", "field_type": "colour"}, 422, "Not a valid choice"),
    ({"title": "Secret", "portal_access": "agent_only", "required_in_portal": "y"}, 422,
     "Only a field end users can edit may be required in the help centre."),
    ({"title": "existing"}, 409, "Another field already has this title."),
    ({"title": ""}, 422, "This field is required."),
])
def test_bad_fields_are_refused(client, as_admin, make_field, data, status, message):
    make_field(as_admin.brand, "Existing")
    response = client.post("/acme/admin/fields", data={"field_type": "text", "portal_access": "editable", **data})
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert count(TicketField) == 1
    assert audit_actions(as_admin.brand) == []


def test_edit_field(client, as_admin, make_field):
    field = make_field(as_admin.brand, "Device", "dropdown", ["laptop"])
    page = client.get(f"/acme/admin/fields/{field.id}").get_data(as_text=True)
    assert "laptop" in page
    assert client.post(f"/acme/admin/fields/{field.id}", data={
        "title": "Device", "field_type": "dropdown", "options": "laptop\nphone", "portal_access": "editable",
        "required_to_solve": "y", "active": "y"}).status_code == 302
    db.session.refresh(field)
    assert field.options == ["laptop", "phone"] and field.required_to_solve is True
    [event] = audit_events(as_admin.brand, "ticket_field.update")
    assert event.data["changes"]["options"] == [["laptop"], ["laptop", "phone"]]


def test_assign_order_and_remove_fields(client, as_admin, make_form, make_field):
    form = make_form(as_admin.brand, "General")
    a, b = make_field(as_admin.brand, "A"), make_field(as_admin.brand, "B")
    assert client.post(f"/acme/admin/forms/{form.id}/fields", data={"field_id": a.id}).status_code == 302
    client.post(f"/acme/admin/forms/{form.id}/fields", data={"field_id": b.id})
    assert client.post(f"/acme/admin/forms/{form.id}/fields", data={"field_id": b.id}).status_code == 409
    db.session.refresh(form)
    assert [f.title for f in form.fields] == ["A", "B"]
    client.post(f"/acme/admin/forms/{form.id}/fields/{b.id}/move", data={"direction": "up"})
    db.session.expire_all()
    assert [f.title for f in form.fields] == ["B", "A"]
    assert client.post(f"/acme/admin/forms/{form.id}/fields/{b.id}/remove").status_code == 302
    db.session.expire_all()
    assert [(ff.field.title, ff.position) for ff in form.form_fields] == [("A", 0)]
    assert client.post(f"/acme/admin/forms/{form.id}/fields/{b.id}/remove").status_code == 404
    assert audit_actions(as_admin.brand) == ["ticket_form.field_add", "ticket_form.field_add",
                                             "ticket_form.field_move", "ticket_form.field_remove"]


@pytest.fixture
def security_form(as_admin, make_form, make_field):
    device = make_field(as_admin.brand, "Device", "dropdown", ["laptop", "phone"])
    serial = make_field(as_admin.brand, "Laptop serial")
    notes = make_field(as_admin.brand, "Notes")
    form = make_form(as_admin.brand, "Security report", [device, serial])
    return form, device, serial, notes


def condition(form, parent, child, value="laptop", audience="end_user"):
    return {"parent_field_id": parent.id, "child_field_id": child.id, "parent_value": value, "audience": audience}


def test_add_and_remove_a_condition(client, as_admin, security_form):
    form, device, serial, _notes = security_form
    response = client.post(f"/acme/admin/forms/{form.id}/conditions", data=condition(form, device, serial))
    assert response.status_code == 302
    saved = db.session.scalar(select(FieldCondition))
    assert (saved.form_id, saved.parent_field_id, saved.parent_value, saved.child_field_id, saved.audience) == (
        form.id, device.id, "laptop", serial.id, "end_user")
    html = client.get(f"/acme/admin/forms/{form.id}").get_data(as_text=True)
    assert "Show “Laptop serial” to end users when “Device” is “laptop”." in html
    assert client.post(f"/acme/admin/forms/{form.id}/conditions/{saved.id}/remove").status_code == 302
    assert count(FieldCondition) == 0
    assert audit_actions(as_admin.brand) == ["ticket_form.condition_add", "ticket_form.condition_remove"]


@pytest.mark.parametrize("case, status, message", [
    ("value not an option", 422, "Choose one of the parent field&#39;s options: laptop, phone."),
    ("child not on form", 422, "Both fields of a condition must be on this form."),
    ("same field", 422, "A field cannot depend on itself."),
    ("unknown audience", 422, "Not a valid choice"),
    ("empty value", 422, "This field is required."),
    ("loop", 422, "These fields would depend on each other in a loop."),
    ("duplicate", 409, "This condition already exists."),
])
def test_bad_conditions_are_refused(client, as_admin, security_form, case, status, message):
    form, device, serial, notes = security_form
    data = condition(form, device, serial)
    if case == "value not an option":
        data["parent_value"] = "tablet"
    elif case == "child not on form":
        data["child_field_id"] = notes.id
    elif case == "same field":
        data["child_field_id"] = device.id
    elif case == "unknown audience":
        data["audience"] = "robots"
    elif case == "empty value":
        data["parent_value"] = ""
    elif case in ("loop", "duplicate"):
        db.session.add(FieldCondition(form_id=form.id, parent_field_id=serial.id if case == "loop" else device.id,
                                      parent_value="x" if case == "loop" else "laptop",
                                      child_field_id=device.id if case == "loop" else serial.id,
                                      audience="end_user"))
        db.session.commit()
    before = count(FieldCondition)
    response = client.post(f"/acme/admin/forms/{form.id}/conditions", data=data)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert count(FieldCondition) == before
    assert audit_actions(as_admin.brand) == []


def test_free_text_parent_accepts_any_value_and_agent_audience(client, as_admin, security_form):
    form, device, serial, _notes = security_form
    data = condition(form, serial, device, value="ABC-123", audience="agent")
    assert client.post(f"/acme/admin/forms/{form.id}/conditions", data=data).status_code == 302
    assert db.session.scalar(select(FieldCondition.audience)) == "agent"


def test_condition_fields_of_another_brand_are_404(client, as_admin, security_form, make_field):
    form, device, _serial, _notes = security_form
    theirs = make_field(as_admin.other_brand, "Theirs")
    data = condition(form, device, theirs)
    assert client.post(f"/acme/admin/forms/{form.id}/conditions", data=data).status_code == 404
    assert count(FieldCondition) == 0


def test_removing_a_field_removes_its_conditions(client, as_admin, security_form):
    form, device, serial, _notes = security_form
    client.post(f"/acme/admin/forms/{form.id}/conditions", data=condition(form, device, serial))
    client.post(f"/acme/admin/forms/{form.id}/fields/{serial.id}/remove")
    assert count(FieldCondition) == 0


def test_an_option_used_by_a_condition_cannot_be_dropped(client, as_admin, security_form):
    form, device, serial, _notes = security_form
    client.post(f"/acme/admin/forms/{form.id}/conditions", data=condition(form, device, serial))
    response = client.post(f"/acme/admin/fields/{device.id}", data={
        "title": "Device", "field_type": "dropdown", "options": "phone", "portal_access": "editable"})
    assert response.status_code == 409
    db.session.refresh(device)
    assert device.options == ["laptop", "phone"]


def test_condition_of_another_form_is_404(client, as_admin, security_form, make_form):
    form, device, serial, _notes = security_form
    other_form = make_form(as_admin.brand, "Other", [device, serial])
    client.post(f"/acme/admin/forms/{form.id}/conditions", data=condition(form, device, serial))
    saved = db.session.scalar(select(FieldCondition))
    assert client.post(f"/acme/admin/forms/{other_form.id}/conditions/{saved.id}/remove").status_code == 404
    assert count(FieldCondition) == 1


def test_form_pages_queries_do_not_grow(client, as_admin, make_form, make_field, make_group):
    def grow(n):
        group = make_group(as_admin.brand)
        for _ in range(n):
            fields = [make_field(as_admin.brand, f"F{count(TicketField)}", "dropdown", ["a"]) for _ in range(2)]
            form = make_form(as_admin.brand, f"Form {count(TicketForm)}", fields)
            form.default_group_id = group.id
            db.session.add(FieldCondition(form_id=form.id, parent_field_id=fields[0].id, parent_value="a",
                                          child_field_id=fields[1].id))
        db.session.commit()
        return form

    form = grow(1)
    before = [count_queries(client, path) for path in
              ("/acme/admin/forms", "/acme/admin/fields", f"/acme/admin/forms/{form.id}")]
    form = grow(4)
    after = [count_queries(client, path) for path in
             ("/acme/admin/forms", "/acme/admin/fields", f"/acme/admin/forms/{form.id}")]
    assert after == before


def test_a_refused_condition_is_explained_on_the_page(client, as_admin, make_form, make_field):
    only = make_field(as_admin.brand, "Only")
    form = make_form(as_admin.brand, "Small", [only])
    response = client.post(f"/acme/admin/forms/{form.id}/conditions",
                           data={"parent_field_id": only.id, "child_field_id": only.id, "parent_value": "x",
                                 "audience": "end_user"})
    assert response.status_code == 422
    assert "A field cannot depend on itself." in response.get_data(as_text=True)
