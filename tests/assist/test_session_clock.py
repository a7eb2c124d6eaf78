"""The idle timeout (on the server, polling excluded), pause and resume, and time spent."""
from datetime import timedelta

from sqlalchemy import select

from portal.assist.models import Interaction
from portal.auth.models import UserSession
from portal.extensions import db


def set_clock(interaction, **ago_minutes):
    """Move the interaction's times into the past: start, last activity, pause start."""
    db.session.refresh(interaction)
    now = interaction.last_activity_at
    for field, minutes in ago_minutes.items():
        setattr(interaction, field, now - timedelta(minutes=minutes))
    db.session.commit()


def test_idle_timeout_ends_the_assist_at_the_next_request(client, world, assisting):
    set_clock(assisting, started_at=15, last_activity_at=11)  # the default timeout is 10 minutes
    page = client.get("/acme/hc/en/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "timed out" in html and "Assisting Haru Tanaka" not in html
    db.session.refresh(assisting)
    assert assisting.end_reason == "timed_out" and assisting.outcome is None
    assert assisting.seconds_spent == 4 * 60  # stops at the last activity
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == world.agent.id))
    assert row.assist_interaction_id is None
    log = client.get("/acme/agent/interactions").get_data(as_text=True)
    assert "Outcome needed" in log and "Record outcome" in log


def test_a_help_centre_post_after_the_timeout_is_refused_not_done_as_the_agent(client, world, assisting):
    set_clock(assisting, last_activity_at=11)
    response = client.post(f"/acme/hc/en/requests/new?ticket_form_id={world.general.id}",
                           data={"subject": "x", "description": "y"})
    assert response.status_code == 409
    assert "timed out" in response.get_data(as_text=True)
    from portal.tickets.models import Ticket

    assert db.session.scalar(select(Ticket.id)) is None


def test_within_the_timeout_activity_keeps_it_alive(client, world, assisting):
    set_clock(assisting, last_activity_at=9)
    assert "Assisting Haru Tanaka" in client.get("/acme/hc/en/").get_data(as_text=True)
    db.session.refresh(assisting)
    assert assisting.is_active


def test_polling_is_not_activity(client, world, assisting):
    set_clock(assisting, last_activity_at=5)
    before = assisting.last_activity_at
    state = client.get("/acme/agent/assist/state").get_json()
    assert state["active"] is True and state["idle_seconds_left"] <= 5 * 60 + 1
    db.session.refresh(assisting)
    assert assisting.last_activity_at == before
    client.get("/acme/hc/en/")
    db.session.refresh(assisting)
    assert assisting.last_activity_at > before


def test_polling_after_the_timeout_ends_it_too(client, world, assisting):
    set_clock(assisting, last_activity_at=11)
    assert client.get("/acme/agent/assist/state").get_json() == {"active": False}
    db.session.refresh(assisting)
    assert assisting.end_reason == "timed_out"


def test_short_timeout_from_the_brand_setting(client, world, assisting):
    world.brand.settings = {**world.brand.settings, "assist_idle_timeout_minutes": 2}
    db.session.commit()
    set_clock(assisting, last_activity_at=3)
    assert client.get("/acme/agent/assist/state").get_json() == {"active": False}


def test_pause_suspends_acting_as_and_the_idle_clock(client, world, assisting):
    response = client.post("/acme/agent/assist/pause", data={"interaction_id": assisting.id})
    assert response.status_code == 302
    page = client.get("/acme/hc/en/").get_data(as_text=True)
    assert "Paused: you are acting as yourself" in page
    set_clock(assisting, started_at=60, last_activity_at=50, paused_at=40)
    assert client.get("/acme/agent/assist/state").get_json()["paused"] is True  # no timeout while paused
    # Pausing twice is refused clearly.
    assert client.post("/acme/agent/assist/pause", data={"interaction_id": assisting.id}).status_code == 409
    assert client.post("/acme/agent/assist/resume", data={"interaction_id": assisting.id}).status_code == 302
    db.session.refresh(assisting)
    assert assisting.paused_at is None and assisting.paused_seconds >= 40 * 60
    assert "Assisting Haru Tanaka" in client.get("/acme/hc/en/").get_data(as_text=True)
    client.post("/acme/agent/assist/end", data={"interaction_id": assisting.id, "outcome": "resolved"})
    db.session.refresh(assisting)
    # 60 minutes since the start, 40 of them paused.
    assert 20 * 60 <= assisting.seconds_spent < 21 * 60


def test_state_endpoint_without_an_assist(client, world, login):
    login(world.brand, world.agent)
    assert client.get("/acme/agent/assist/state").get_json() == {"active": False}


def test_interactions_of_the_session_survive_other_sessions(app, world, assisting):
    """A second browser of the same agent is not acting: the pointer lives on the session row."""
    from tests.conftest import signin

    second = app.test_client()
    signin(second, world.brand, world.agent)
    assert "Assisting Haru Tanaka" not in second.get("/acme/hc/en/").get_data(as_text=True)
    assert db.session.get(Interaction, assisting.id).is_active
