"""Starting to assist: the interaction, session rotation, refusals, switching, bad input."""
import pytest
from sqlalchemy import func, select

from portal.assist.models import Interaction
from portal.auth.models import UserSession
from portal.extensions import db
from tests.conftest import csrf_token_from

from .conftest import SERVICE


def count_interactions():
    return db.session.scalar(select(func.count()).select_from(Interaction))


def test_start_creates_the_interaction_and_rotates_the_session(client, world, login, start):
    login(world.brand, world.agent)
    before = db.session.scalar(select(UserSession.key).where(UserSession.user_id == world.agent.id))
    old_cookie = client.get_cookie("session").value
    response = start(world.user, next="/acme/hc/en/requests")
    assert response.status_code == 302 and response.headers["Location"].endswith("/acme/hc/en/requests")
    interaction = db.session.scalar(select(Interaction))
    assert (interaction.agent_id, interaction.user_id, interaction.channel, interaction.service) == (
        world.agent.id, world.user.id, "phone", SERVICE)
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == world.agent.id))
    assert row.key != before and row.assist_interaction_id == interaction.id
    page = client.get("/acme/hc/en/").get_data(as_text=True)
    assert "Acting as Haru Tanaka has started" in page
    assert "Assisting Haru Tanaka" in page and f"Interaction #{interaction.id}" in page
    # The copy of the cookie from before the start no longer signs anyone in.
    other = client.application.test_client()
    other.set_cookie("session", old_cookie)
    assert "Assisting Haru Tanaka" not in other.get("/acme/hc/en/").get_data(as_text=True)


@pytest.mark.parametrize("target, status, message", [
    ("agent2", 403, "cannot be assisted"),
    ("admin", 403, "cannot be assisted"),
    ("light", 403, "cannot be assisted"),
    ("inactive", 403, "deactivated"),
    ("agent", 403, "cannot assist yourself"),
    ("outsider", 404, ""),
])
def test_refusals_write_nothing(client, world, login, start, target, status, message):
    login(world.brand, world.agent)
    response = start(getattr(world, target))
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert count_interactions() == 0


@pytest.mark.parametrize("field, value", [("channel", "carrier-pigeon"), ("service", "Incident"),
                                          ("channel", ""), ("service", "Demande")])
def test_tampered_channel_or_service_is_422(client, world, login, start, field, value):
    login(world.brand, world.agent)
    response = start(world.user, **{field: value})
    assert response.status_code == 422
    assert "from the list" in response.get_data(as_text=True)
    assert count_interactions() == 0


def test_brand_lists_limit_channels_and_services(client, world, login, start):
    world.brand.settings = {**world.brand.settings, "assist_channels": ["chat"], "assist_services": ["Billing"]}
    db.session.commit()
    login(world.brand, world.agent)
    assert start(world.user, channel="phone", service="Billing").status_code == 422
    assert start(world.user, channel="chat", service=SERVICE).status_code == 422
    assert start(world.user, channel="chat", service="Billing").status_code == 302


def test_second_assist_asks_first_then_ends_the_first_as_switched(client, world, login, start, assisting):
    response = start(world.other)
    assert response.status_code == 409
    assert "already assisting Haru Tanaka" in response.get_data(as_text=True)
    assert count_interactions() == 1
    assert start(world.other, switch="1").status_code == 302
    db.session.refresh(assisting)
    assert assisting.end_reason == "switched" and assisting.ended_at is not None
    assert "Assisting Niels Bohr" in client.get("/acme/hc/en/").get_data(as_text=True)


def test_one_assist_per_agent_across_browsers(app, world, login, start, assisting):
    from tests.conftest import signin

    second = app.test_client()
    signin(second, world.brand, world.agent)
    response = second.post("/acme/agent/assist/start", data={
        "user_id": world.other.id, "channel": "phone", "service": SERVICE})
    assert response.status_code == 409


def test_forged_posts_without_csrf_are_refused(client, world, assisting, csrf_app):
    for path in ("assist/start", "assist/pause", "assist/end", "interactions/new"):
        response = client.post(f"/acme/agent/{path}", data={
            "user_id": world.other.id, "channel": "phone", "service": SERVICE,
            "interaction_id": assisting.id, "outcome": "resolved", "minutes": 5})
        assert response.status_code == 400
        assert "The form expired" in response.get_data(as_text=True)
    db.session.refresh(assisting)
    assert assisting.is_active and not assisting.is_paused and count_interactions() == 1


def test_start_with_the_csrf_token_works(csrf_app, client, world, login):
    login_page = client.get("/acme/hc/en/signin")
    token = csrf_token_from(login_page.get_data(as_text=True))
    client.post("/acme/hc/en/signin", data={"email": world.agent.email, "password": "correct-horse-battery",
                                            "csrf_token": token})
    page = client.get(f"/acme/agent/assist/start?user_id={world.user.id}").get_data(as_text=True)
    response = client.post("/acme/agent/assist/start", data={
        "user_id": world.user.id, "channel": "phone", "service": SERVICE, "csrf_token": csrf_token_from(page)})
    assert response.status_code == 302 and count_interactions() == 1


def test_another_agents_interaction_is_404(app, client, world, login, start, make_user, assisting):
    other = make_user(roles={world.brand: ("agent", {"can_assist": True})})
    second = app.test_client()
    from tests.conftest import signin

    signin(second, world.brand, other)
    for path in ("assist/pause", "assist/resume", "assist/end"):
        response = second.post(f"/acme/agent/{path}", data={"interaction_id": assisting.id, "outcome": "resolved"})
        assert response.status_code == 404
    assert second.get(f"/acme/agent/interactions/{assisting.id}/edit").status_code == 404
    db.session.refresh(assisting)
    assert assisting.is_active and not assisting.is_paused


def test_two_tabs_stay_consistent(client, world, assisting):
    # Tab A renders a page; tab B ends the assist; tab A's stale pause is refused, not applied.
    tab_a = client.get("/acme/hc/en/").get_data(as_text=True)
    assert f'name="interaction_id" value="{assisting.id}"' in tab_a
    ended = client.post("/acme/agent/assist/end", data={"interaction_id": assisting.id, "outcome": "resolved"})
    assert ended.status_code == 302
    stale = client.post("/acme/agent/assist/pause", data={"interaction_id": assisting.id})
    assert stale.status_code == 409 and "already ended" in stale.get_data(as_text=True)
    assert client.get("/acme/agent/assist/state").get_json() == {"active": False}
    assert "Assisting Haru Tanaka" not in client.get("/acme/hc/en/").get_data(as_text=True)
