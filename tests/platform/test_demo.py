"""`flask --app app demo` builds exactly DESIGN §10, and a second run changes nothing."""
import pytest
from sqlalchemy import select

from portal.auth.passwords import verify_password
from portal.brands.settings import settings_for
from portal.extensions import db
from portal.models import (
    Brand,
    FieldCondition,
    Group,
    Membership,
    Ticket,
    TicketField,
    TicketForm,
    User,
)


def run_demo(app, *args):
    result = app.test_cli_runner().invoke(args=["demo", *args])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result


def snapshot():
    """Every row of every table, so a test can prove nothing changed."""
    return {
        table.name: sorted(tuple(map(repr, row)) for row in db.session.execute(table.select()))
        for table in db.metadata.sorted_tables
    }


@pytest.fixture
def demo(app):
    run_demo(app)
    return app


def by_email(email):
    return db.session.scalar(select(User).where(User.email == email))


def brand(slug):
    return db.session.scalar(select(Brand).where(Brand.slug == slug))


def test_brands_and_settings(demo):
    acme, globex = brand("acme"), brand("globex")
    assert (acme.host_mapping, globex.host_mapping) == ("acme.localhost", "globex.localhost")
    acme_settings, globex_settings = settings_for(acme), settings_for(globex)
    assert acme_settings.agents_manage_requests and acme_settings.assisted_service
    assert acme_settings.default_locale == "en"
    assert globex.settings == {"default_locale": "fr"}  # every other setting at its default
    assert not globex_settings.agents_manage_requests and not globex_settings.assisted_service
    assert db.session.scalar(select(db.func.count(Brand.id))) == 2


def test_users_and_memberships(demo):
    expected = {
        "admin@example.com": {"acme": "admin", "globex": "admin"},
        "agent@example.com": {"acme": "agent", "globex": "end_user"},
        "light@example.com": {"acme": "light_agent", "globex": "end_user"},
        "super@example.com": {"acme": "agent"},
        "user@example.com": {"acme": "end_user", "globex": "end_user"},
        "niels@example.com": {"acme": "end_user"},
        "marie@example.com": {"globex": "end_user"},
        "rh@example.com": {"globex": "agent"},
    }
    users = db.session.scalars(select(User)).all()
    assert {user.email for user in users} == set(expected)
    for user in users:
        assert {m.brand.slug: m.role for m in user.memberships} == expected[user.email]
        assert verify_password(user, "demo-password"), user.email
    capabilities = {
        (m.user.email, m.brand.slug)
        for m in db.session.scalars(select(Membership))
        if m.can_assist or m.can_register_users
    }
    assert capabilities == {("agent@example.com", "acme")}
    agent = by_email("agent@example.com").membership_in(brand("acme"))
    assert agent.can_assist and agent.can_register_users
    haru = by_email("user@example.com")
    assert (haru.name, haru.phone, haru.address) == (
        "Haru Tanaka", "+33 6 12 34 56 78", "12 rue de la Paix, 75002 Paris")
    niels = by_email("niels@example.com")
    assert (niels.name, niels.phone, niels.address) == ("Niels Bohr", "06 98 76 54 32", "3 rue Volta, 69001 Lyon")
    marie = by_email("marie@example.com")
    assert (marie.phone, marie.address) == ("+33 7 11 22 33 44", "11 rue Pierre et Marie Curie, 75005 Paris")
    assert {u.name for u in users} >= {"Ada Admin", "Sarah Agent", "Louis Light", "Sam Super", "Rémi RH"}


def test_groups(demo):
    groups = {
        (g.brand_id == brand("acme").id and "acme" or "globex", g.name): g
        for g in db.session.scalars(select(Group))
    }
    assert set(groups) == {("acme", "Support"), ("acme", "Security"), ("globex", "Paie")}

    def people(group):
        return {(m.user.email, m.is_supervisor) for m in group.members}

    assert people(groups["acme", "Support"]) == {
        ("agent@example.com", False), ("light@example.com", False), ("super@example.com", True)}
    assert groups["acme", "Security"].sensitive and not groups["acme", "Support"].sensitive
    assert {email for email, _ in people(groups["acme", "Security"])} == {"super@example.com"}
    assert groups["globex", "Paie"].sensitive
    assert people(groups["globex", "Paie"]) == {("rh@example.com", True)}


def form(slug, name):
    return db.session.scalar(select(TicketForm).where(TicketForm.brand_id == brand(slug).id,
                                                      TicketForm.name == name))


@pytest.mark.parametrize("slug, group", [("acme", "Support"), ("globex", "Paie")])
def test_general_request_and_incident_forms(demo, slug, group):
    general = form(slug, "General request")
    assert general.end_user_visible and general.default_group.name == group
    fields = {f.title: f for f in general.fields}
    assert list(fields) == ["Category", "Reference", "Internal priority"]
    category, reference, priority = fields.values()
    assert (category.field_type, category.options, category.portal_access) == (
        "dropdown", ["hardware", "software", "access"], "editable")
    assert category.required_in_portal and not category.required_to_solve
    assert (reference.field_type, reference.portal_access) == ("text", "read_only")
    assert (priority.field_type, priority.options, priority.portal_access) == ("dropdown", ["low", "high"], "agent_only")
    assert priority.required_to_solve and not priority.required_in_portal
    assert all(f.brand_id == brand(slug).id for f in fields.values())
    assert not form(slug, "Incident").end_user_visible


def test_security_report_with_end_user_condition(demo):
    report = form("acme", "Security report")
    assert report.end_user_visible and report.default_group.name == "Security"
    device, serial = report.fields
    assert (device.title, device.field_type, device.options) == ("Device", "dropdown", ["laptop", "phone"])
    assert (serial.title, serial.field_type) == ("Laptop serial", "text")
    assert all(f.portal_access == "editable" and f.required_in_portal for f in (device, serial))
    (condition,) = db.session.scalars(select(FieldCondition)).all()
    assert (condition.form_id, condition.parent_field_id, condition.parent_value, condition.child_field_id,
            condition.audience) == (report.id, device.id, "laptop", serial.id, "end_user")
    assert form("globex", "Security report") is None


def test_named_tickets(demo):
    tickets = {t.subject: t for t in db.session.scalars(select(Ticket))}
    expected = {  # subject: (brand, requester, status, assignee, group)
        "Printer jams on floor 2": ("acme", "user", "open", None, "Support"),
        "VPN drops every hour": ("acme", "user", "solved", "super", "Support"),
        "Old laptop return": ("acme", "user", "closed", "agent", "Support"),
        "Badge does not open the lab": ("acme", "agent", "solved", "super", "Security"),
        "Need a second monitor": ("acme", "light", "new", None, "Support"),
        "Password reset loop": ("acme", "niels", "pending", "agent", "Support"),
        "Payslip missing for October": ("globex", "user", "open", None, "Paie"),
        "Question about leave days": ("globex", "agent", "new", None, "Paie"),
    }
    assert set(tickets) == set(expected)
    for subject, (slug, requester, status, assignee, group) in expected.items():
        ticket = tickets[subject]
        assert ticket.brand.slug == slug, subject
        assert ticket.requester.email == ticket.submitter.email == f"{requester}@example.com", subject
        assert ticket.status == status, subject
        assert (ticket.assignee.email if ticket.assignee else None) == (
            f"{assignee}@example.com" if assignee else None), subject
        assert ticket.group.name == group and ticket.group.brand_id == ticket.brand_id, subject
        assert ticket.form.brand_id == ticket.brand_id and ticket.comments, subject
        assert (ticket.solved_at is not None) == (status in ("solved", "closed")), subject
        assert ticket.is_public == any(c.is_public for c in ticket.comments), subject

    def internal_notes(subject):
        return [c for c in tickets[subject].comments if not c.is_public]

    assert len(internal_notes("Badge does not open the lab")) == 1
    assert len(internal_notes("Payslip missing for October")) == 1
    monitor = tickets["Need a second monitor"]
    assert not monitor.is_public and not monitor.comments[0].is_public
    printer_values = {v.field.title for v in tickets["Printer jams on floor 2"].field_values}
    assert "Internal priority" not in printer_values
    solved_priority = {v.field.title: v.value for v in tickets["VPN drops every hour"].field_values}
    assert solved_priority["Internal priority"] in ("low", "high")  # required to solve


def test_second_run_changes_nothing(demo):
    before = snapshot()
    result = run_demo(demo)
    assert "nothing changed" in result.output
    assert snapshot() == before


def test_if_empty_seeds_an_empty_database(app):
    run_demo(app, "--if-empty")
    assert brand("acme") is not None and len(db.session.scalars(select(Ticket)).all()) == 8


def test_if_empty_leaves_a_database_with_brands_alone(app, make_brand):
    make_brand("mine")
    before = snapshot()
    result = run_demo(app, "--if-empty")
    assert "not added" in result.output
    assert snapshot() == before
    assert brand("acme") is None and by_email("user@example.com") is None


def test_demo_fields_are_scoped_to_their_brand(demo):
    titles = {(f.brand_id, f.title) for f in db.session.scalars(select(TicketField))}
    assert len(titles) == 8  # 5 in acme, 3 in globex: no field is shared across brands
