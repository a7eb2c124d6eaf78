"""`flask --app app demo`: the demo data of DESIGN §10, a contract the README and tests rely on.

Every object is looked up by its natural key (slug, e-mail, name, subject) before it is made, so a
second run finds everything and changes nothing.
"""
from datetime import timedelta

import click
from sqlalchemy import func, select

from .auth.models import User
from .auth.services import add_membership, create_user
from .brands.models import Brand, Group, GroupMember, Membership
from .brands.services import create_brand
from .extensions import db
from .models_base import utcnow
from .tickets.models import (
    Comment,
    FieldCondition,
    FormField,
    Ticket,
    TicketField,
    TicketFieldValue,
    TicketForm,
)

DEMO_PASSWORD = "demo-password"

BRANDS = {
    "acme": dict(name="Acme IT Support", host_mapping="acme.localhost", colour="#0d6efd",
                 settings={"agents_manage_requests": True, "assisted_service": True}),
    "globex": dict(name="Globex HR", host_mapping="globex.localhost", colour="#6f42c1",
                   settings={"default_locale": "fr"}),
}

# email: (name, phone, address)
USERS = {
    "admin@example.com": ("Ada Admin", None, None),
    "agent@example.com": ("Sarah Agent", None, None),
    "light@example.com": ("Louis Light", None, None),
    "super@example.com": ("Sam Super", None, None),
    "user@example.com": ("Haru Tanaka", "+33 6 12 34 56 78", "12 rue de la Paix, 75002 Paris"),
    "niels@example.com": ("Niels Bohr", "06 98 76 54 32", "3 rue Volta, 69001 Lyon"),
    "marie@example.com": ("Marie Curie", "+33 7 11 22 33 44",
                          "11 rue Pierre et Marie Curie, 75005 Paris"),
    "rh@example.com": ("Rémi RH", None, None),
}

# (email, brand, role, capabilities)
MEMBERSHIPS = [
    ("admin@example.com", "acme", "admin", {}),
    ("admin@example.com", "globex", "admin", {}),
    ("agent@example.com", "acme", "agent", {"can_assist": True, "can_register_users": True}),
    ("agent@example.com", "globex", "end_user", {}),
    ("light@example.com", "acme", "light_agent", {}),
    ("light@example.com", "globex", "end_user", {}),
    ("super@example.com", "acme", "agent", {}),
    ("user@example.com", "acme", "end_user", {}),
    ("user@example.com", "globex", "end_user", {}),
    ("niels@example.com", "acme", "end_user", {}),
    ("marie@example.com", "globex", "end_user", {}),
    ("rh@example.com", "globex", "agent", {}),
]

# (brand, name, sensitive, members, supervisors)
GROUPS = [
    ("acme", "Support", False, ["agent@example.com", "light@example.com"], ["super@example.com"]),
    ("acme", "Security", True, ["super@example.com"], []),
    ("globex", "Paie", True, [], ["rh@example.com"]),
]

# title: (type, options, portal access, required in portal, required to solve)
FIELDS = {
    "Category": ("dropdown", ["hardware", "software", "access"], "editable", True, False),
    "Reference": ("text", [], "read_only", False, False),
    "Internal priority": ("dropdown", ["low", "high"], "agent_only", False, True),
    "Device": ("dropdown", ["laptop", "phone"], "editable", True, False),
    "Laptop serial": ("text", [], "editable", True, False),
}

# brand: [(form name, end-user visible, default group, field titles)]
FORMS = {
    "acme": [
        ("General request", True, "Support", ["Category", "Reference", "Internal priority"]),
        ("Incident", False, None, ["Category", "Reference", "Internal priority"]),
        ("Security report", True, "Security", ["Device", "Laptop serial"]),
    ],
    "globex": [
        ("General request", True, "Paie", ["Category", "Reference", "Internal priority"]),
        ("Incident", False, None, ["Category", "Reference", "Internal priority"]),
    ],
}

# (brand, form, parent field, parent value, child field, audience)
CONDITIONS = [
    ("acme", "Security report", "Device", "laptop", "Laptop serial", "end_user"),
]

# Each ticket: comments are (author, body, public); days_ago dates the first comment.
TICKETS = [
    dict(brand="acme", subject="Printer jams on floor 2", requester="user@example.com",
         status="open", group="Support", days_ago=2, type="incident",
         values={"Category": "hardware", "Reference": "PRN-2041"},
         comments=[("user@example.com", "The printer near the lifts jams on every second page.", True),
                   ("agent@example.com", "Thanks, we are looking into it. Does it jam with every paper tray?", True),
                   ("user@example.com", "Only with tray 2.", True)]),
    dict(brand="acme", subject="VPN drops every hour", requester="user@example.com",
         status="solved", group="Support", assignee="super@example.com", days_ago=3, solved_days_ago=1,
         type="problem", values={"Category": "software", "Internal priority": "high"},
         comments=[("user@example.com", "My VPN connection drops every hour on the hour.", True),
                   ("super@example.com", "We renewed your VPN certificate; it should hold now.", True)]),
    dict(brand="acme", subject="Old laptop return", requester="user@example.com",
         status="closed", group="Support", assignee="agent@example.com", days_ago=20, solved_days_ago=12,
         type="task", values={"Category": "hardware", "Internal priority": "low"},
         comments=[("user@example.com", "Where do I return my old laptop?", True),
                   ("agent@example.com", "Bring it to the IT desk on floor 1; we wipe it for you.", True)]),
    dict(brand="acme", subject="Badge does not open the lab", requester="agent@example.com",
         status="solved", group="Security", assignee="super@example.com", days_ago=5, solved_days_ago=2,
         type="incident", values={"Category": "access", "Internal priority": "high"},
         comments=[("agent@example.com", "My badge no longer opens the lab door since Monday.", True),
                   ("super@example.com", "Badge log shows three refused entries at night: checked with the guards.", False),
                   ("super@example.com", "Your badge was re-encoded; it opens the lab again.", True)]),
    dict(brand="acme", subject="Need a second monitor", requester="light@example.com",
         status="new", group="Support", days_ago=1, type="question",
         values={"Category": "hardware"},
         comments=[("light@example.com", "Could I get a second monitor for my desk?", False)]),
    dict(brand="acme", subject="Password reset loop", requester="niels@example.com",
         status="pending", group="Support", assignee="agent@example.com", days_ago=4, type="incident",
         values={"Category": "access"},
         comments=[("niels@example.com", "The password reset page sends me back to the reset page.", True),
                   ("agent@example.com", "Which browser do you use? Please try once in a private window.", True)]),
    dict(brand="globex", subject="Payslip missing for October", requester="user@example.com",
         status="open", group="Paie", days_ago=6, type="question",
         values={"Category": "access"},
         comments=[("user@example.com", "Je ne trouve pas ma fiche de paie d'octobre.", True),
                   ("rh@example.com", "Le fichier d'octobre a été rejeté par la banque : relance en cours.", False),
                   ("rh@example.com", "Nous vérifions et revenons vers vous.", True)]),
    dict(brand="globex", subject="Question about leave days", requester="agent@example.com",
         status="new", group="Paie", days_ago=1, type="question",
         values={"Category": "software"},
         comments=[("agent@example.com", "Combien de jours de congé me reste-t-il cette année ?", True)]),
]


def seed_demo() -> int:
    """Create whatever part of the demo data is missing; returns how many objects were made."""
    made = _Counter()
    brands = {slug: _brand(slug, made) for slug in BRANDS}
    users = {email: _user(email, made) for email in USERS}
    for email, slug, role, capabilities in MEMBERSHIPS:
        _membership(users[email], brands[slug], role, capabilities, made)
    groups = {}
    for slug, name, sensitive, members, supervisors in GROUPS:
        groups[slug, name] = _group(brands[slug], name, sensitive, made)
        for email in members:
            _group_member(groups[slug, name], users[email], False, made)
        for email in supervisors:
            _group_member(groups[slug, name], users[email], True, made)
    fields, forms = {}, {}
    for slug, form_specs in FORMS.items():
        for form_position, (name, visible, group_name, titles) in enumerate(form_specs):
            for title in titles:
                if (slug, title) not in fields:
                    fields[slug, title] = _field(brands[slug], title, made)
            group = groups[slug, group_name] if group_name else None
            forms[slug, name] = _form(brands[slug], name, visible, group, form_position, made)
            for position, title in enumerate(titles):
                _form_field(forms[slug, name], fields[slug, title], position, made)
    for slug, form_name, parent, value, child, audience in CONDITIONS:
        _condition(forms[slug, form_name], fields[slug, parent], value, fields[slug, child], audience, made)
    for spec in TICKETS:
        slug = spec["brand"]
        field_ids = {title: fields[slug, title].id for title in spec["values"]}
        _ticket(spec, brands[slug], forms[slug, "General request"], groups[slug, spec["group"]],
                users, field_ids, made)
    db.session.commit()
    return made.count


class _Counter:
    """Adds new rows (flushed, so their ids are known) and counts everything made."""

    count = 0

    def add(self, obj):
        db.session.add(obj)
        db.session.flush()
        self.count += 1
        return obj


def _find(model, **keys):
    return db.session.scalar(select(model).filter_by(**keys))


def _brand(slug, made):
    brand = _find(Brand, slug=slug)
    if brand is None:
        spec = BRANDS[slug]
        brand = create_brand(slug, spec["name"], host_mapping=spec["host_mapping"], colour=spec["colour"],
                             settings=spec["settings"])
        made.count += 1
    return brand


def _user(email, made):
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None:
        name, phone, address = USERS[email]
        user = create_user(email, name, DEMO_PASSWORD, username=email.split("@")[0], phone=phone,
                           address=address)
        made.count += 1
    return user


def _membership(user, brand, role, capabilities, made):
    if _find(Membership, user_id=user.id, brand_id=brand.id) is None:
        add_membership(user, brand, role, reason="demo", **capabilities)
        made.count += 1


def _group(brand, name, sensitive, made):
    return _find(Group, brand_id=brand.id, name=name) or made.add(
        Group(brand_id=brand.id, name=name, sensitive=sensitive))


def _group_member(group, user, is_supervisor, made):
    if _find(GroupMember, group_id=group.id, user_id=user.id) is None:
        made.add(GroupMember(group_id=group.id, user_id=user.id, is_supervisor=is_supervisor))


def _field(brand, title, made):
    field_type, options, access, required_in_portal, required_to_solve = FIELDS[title]
    return _find(TicketField, brand_id=brand.id, title=title) or made.add(TicketField(
        brand_id=brand.id, title=title, field_type=field_type, options=list(options), portal_access=access,
        required_in_portal=required_in_portal, required_to_solve=required_to_solve))


def _form(brand, name, end_user_visible, group, position, made):
    return _find(TicketForm, brand_id=brand.id, name=name) or made.add(TicketForm(
        brand_id=brand.id, name=name, end_user_visible=end_user_visible, position=position,
        default_group_id=group.id if group else None))


def _form_field(form, field, position, made):
    if _find(FormField, form_id=form.id, field_id=field.id) is None:
        made.add(FormField(form_id=form.id, field_id=field.id, position=position))


def _condition(form, parent, value, child, audience, made):
    keys = dict(form_id=form.id, parent_field_id=parent.id, parent_value=value, child_field_id=child.id,
                audience=audience)
    if _find(FieldCondition, **keys) is None:
        made.add(FieldCondition(**keys))


def _ticket(spec, brand, form, group, users, field_ids, made):
    if _find(Ticket, brand_id=brand.id, subject=spec["subject"]) is not None:
        return
    now = utcnow()
    created = now - timedelta(days=spec["days_ago"])
    requester = users[spec["requester"]]
    assignee = users.get(spec.get("assignee"))
    solved_at = now - timedelta(days=spec["solved_days_ago"]) if "solved_days_ago" in spec else None
    comments = [
        Comment(author_id=users[author].id, body=body, is_public=public, channel="web",
                created_at=created + timedelta(hours=4 * n))
        for n, (author, body, public) in enumerate(spec["comments"])
    ]
    made.add(Ticket(
        brand_id=brand.id, form_id=form.id, subject=spec["subject"], type=spec["type"], priority="normal",
        status=spec["status"], requester_id=requester.id, submitter_id=requester.id, group_id=group.id,
        assignee_id=assignee.id if assignee else None, channel="web",
        is_public=any(comment.is_public for comment in comments), created_at=created,
        updated_at=solved_at or comments[-1].created_at, solved_at=solved_at,
        comments=comments,
        field_values=[TicketFieldValue(field_id=field_ids[title], value=value)
                      for title, value in spec["values"].items()],
    ))


def register(app):
    @app.cli.command("demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing when any brand exists already.")
    def demo(if_empty):
        """Create the demo brands, accounts, groups, forms and tickets (DESIGN §10)."""
        if if_empty and db.session.scalar(select(Brand.id).limit(1)) is not None:
            click.echo("The database already has brands: demo data not added.")
            return
        made = seed_demo()
        if made:
            click.echo(f"Demo data ready ({made} objects created). Password for every account: {DEMO_PASSWORD}")
        else:
            click.echo("Demo data already present: nothing changed.")
