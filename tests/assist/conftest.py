"""Assisted-service fixtures: a brand with the feature on, its people, and a helper to start."""
from types import SimpleNamespace

import pytest

from portal.assist.models import Interaction
from portal.extensions import db
from portal.tickets.models import TicketForm

SERVICE = "General request"


@pytest.fixture
def world(app, make_brand, make_user):
    acme = make_brand("acme", "Acme IT", assisted_service=True, agents_manage_requests=True)
    globex = make_brand("globex", "Globex HR")  # assisted_service off (the default)
    db.session.add_all([
        TicketForm(brand_id=acme.id, name=SERVICE, end_user_visible=True, position=1),
        TicketForm(brand_id=acme.id, name="Incident", end_user_visible=False, position=2),
        TicketForm(brand_id=globex.id, name="Demande", end_user_visible=True),
    ])
    db.session.commit()
    people = SimpleNamespace(
        acme=acme, globex=globex,
        agent=make_user(email="agent@example.com", name="Sarah Agent", roles={
            acme: ("agent", {"can_assist": True, "can_register_users": True}), globex: "end_user"}),
        plain_agent=make_user(name="Paul Plain", roles={acme: "agent"}),
        admin=make_user(name="Ada Admin", roles={acme: "admin"}),
        assisting_admin=make_user(name="Alan Admin", roles={acme: ("admin", {"can_assist": True})}),
        light=make_user(name="Louis Light", roles={acme: ("light_agent", {"can_assist": True})}),
        user=make_user(email="user@example.com", name="Haru Tanaka", phone="+33 6 12 34 56 78",
                       roles={acme: "end_user", globex: "end_user"}),
        niels=make_user(email="niels@example.com", name="Niels Bohr", roles={acme: "end_user"}),
        inactive=make_user(name="Ivy Inactive", active=False, roles={acme: "end_user"}),
        outsider=make_user(email="marie@example.com", name="Marie Curie", roles={globex: "end_user"}),
    )
    return people


@pytest.fixture
def start(client):
    """start(user, **form) posts the start form and returns the response."""
    def do(user, channel="phone", service=SERVICE, **extra):
        data = {"user_id": user.id, "channel": channel, "service": service, **extra}
        return client.post("/acme/agent/assist/start", data=data)
    return do


@pytest.fixture
def assisting(world, login, start):
    """The agent signed in and assisting Haru Tanaka by phone; returns the interaction."""
    login(world.acme, world.agent)
    response = start(world.user)
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    return db.session.scalars(db.select(Interaction).order_by(Interaction.id.desc())).first()
