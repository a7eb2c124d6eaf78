"""A small help centre: one brand with people of every role, forms, fields and a condition."""
from types import SimpleNamespace

import pytest

from portal.extensions import db
from portal.models import Comment, FieldCondition, FormField, Ticket, TicketCollaborator, TicketField, TicketForm


def _field(brand, title, kind="text", access="editable", options=(), required_in_portal=False,
           required_to_solve=False):
    field = TicketField(brand_id=brand.id, title=title, field_type=kind, portal_access=access,
                        options=list(options), required_in_portal=required_in_portal,
                        required_to_solve=required_to_solve)
    db.session.add(field)
    return field


def _form(brand, name, fields, end_user_visible=True, group=None, position=0):
    form = TicketForm(brand_id=brand.id, name=name, end_user_visible=end_user_visible, position=position,
                      default_group_id=group.id if group else None)
    db.session.add(form)
    db.session.flush()
    for i, field in enumerate(fields):
        db.session.add(FormField(form_id=form.id, field_id=field.id, position=i))
    return form


def build_brand(make_brand, make_user, make_group, slug, **settings):
    """A brand with end users, a light agent, an agent and an admin, two groups and three forms."""
    brand = make_brand(slug, **settings)
    w = SimpleNamespace(brand=brand)
    w.user = make_user(name="Una User", roles={brand: "end_user"})
    w.other = make_user(name="Otto Other", roles={brand: "end_user"})
    w.light = make_user(name="Louis Light", roles={brand: "light_agent"})
    w.agent = make_user(name="Sarah Agent", roles={brand: "agent"})
    w.admin = make_user(name="Ada Admin", roles={brand: "admin"})
    w.outsider = make_user(name="Nora Nonmember", roles={})
    w.support = make_group(brand, "Support", members=[w.agent, w.light])
    w.security = make_group(brand, "Security", sensitive=True)
    w.category = _field(brand, "Category", "dropdown", options=["hardware", "software", "access"],
                        required_in_portal=True)
    w.reference = _field(brand, "Reference", access="read_only")
    w.internal_priority = _field(brand, "Internal priority", "dropdown", access="agent_only",
                                 options=["low", "high"], required_to_solve=True)
    w.device = _field(brand, "Device", "dropdown", options=["laptop", "phone"], required_in_portal=True)
    w.serial = _field(brand, "Laptop serial", required_in_portal=True)
    w.notes = _field(brand, "Notes", "textarea")
    w.tags = _field(brand, "Tags", "multiselect", options=["urgent", "vip"])
    w.consent = _field(brand, "I agree", "checkbox")
    w.when = _field(brand, "Since", "date")
    w.count = _field(brand, "Machines", "number")
    db.session.flush()
    w.general = _form(brand, "General request", [w.category, w.reference, w.internal_priority, w.notes,
                                                 w.tags, w.consent, w.when, w.count], group=w.support)
    w.incident = _form(brand, "Incident", [w.category], end_user_visible=False, position=1)
    w.security_report = _form(brand, "Security report", [w.device, w.serial], group=w.security, position=2)
    db.session.add(FieldCondition(form_id=w.security_report.id, parent_field_id=w.device.id,
                                  parent_value="laptop", child_field_id=w.serial.id, audience="end_user"))
    db.session.commit()
    return w


@pytest.fixture
def make_world(make_brand, make_user, make_group):
    def make(slug="acme", **settings):
        return build_brand(make_brand, make_user, make_group, slug, **settings)
    return make


@pytest.fixture
def world(make_world):
    return make_world("acme", agents_manage_requests=True)


@pytest.fixture
def make_ticket(app):
    """make_ticket(w, requester, status="open", assignee=None, public=True, ccs=(), subject=...)."""
    def make(w, requester, status="open", assignee=None, public=True, ccs=(), subject="Printer jams",
             group=None, solved_at=None):
        ticket = Ticket(brand_id=w.brand.id, form_id=w.general.id, subject=subject, status=status,
                        requester_id=requester.id, submitter_id=requester.id,
                        assignee_id=assignee.id if assignee else None, is_public=public,
                        group_id=(group or w.support).id, solved_at=solved_at)
        db.session.add(ticket)
        db.session.flush()
        db.session.add(Comment(ticket_id=ticket.id, author_id=requester.id, body="It jams.", is_public=public))
        for person in ccs:
            db.session.add(TicketCollaborator(ticket_id=ticket.id, user_id=person.id))
        db.session.commit()
        return ticket
    return make


def hc(w, path=""):
    return f"/{w.brand.slug}/hc/en/{path}"
