"""Assisted-service fixtures: a brand with the feature on, its people, and a helper to start."""
import pytest

from portal.assist.models import Interaction
from portal.extensions import db

SERVICE = "General request"


@pytest.fixture
def world(make_world, make_user):
    """The shared world with assisted service on in acme (off in globex, the default): the agent may
    assist and register users, the light agent may assist; and an admin who may assist."""
    w = make_world("acme", other_brand="globex", assisted_service=True, agents_manage_requests=True,
                   capabilities={"agent": {"can_assist": True, "can_register_users": True},
                                 "light": {"can_assist": True}})
    w.assisting_admin = make_user(name="Alex Admin", roles={w.brand: ("admin", {"can_assist": True})})
    return w


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
    login(world.brand, world.agent)
    response = start(world.user)
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    return db.session.scalars(db.select(Interaction).order_by(Interaction.id.desc())).first()
