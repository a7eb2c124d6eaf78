"""Ending with an outcome, the interaction log by hand, and editing one's own recent entries."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.assist.models import Interaction
from portal.audit.models import AuditEvent
from portal.extensions import db

from .conftest import SERVICE


def count():
    return db.session.scalar(select(func.count()).select_from(Interaction))


def log(client, **overrides):
    data = {"email": "user@example.com", "channel": "phone", "service": SERVICE, "minutes": "12",
            "outcome": "resolved", "note": "Called about the printer"}
    data.update(overrides)
    return client.post("/acme/agent/interactions/new", data=data)


def test_end_needs_an_outcome(client, world, assisting):
    response = client.post("/acme/agent/assist/end", data={"interaction_id": assisting.id, "outcome": "great"})
    assert response.status_code == 422 and "Choose an outcome" in response.get_data(as_text=True)
    db.session.refresh(assisting)
    assert assisting.is_active
    response = client.post("/acme/agent/assist/end", data={"interaction_id": assisting.id,
                                                           "outcome": "follow_up", "note": "Call back"})
    assert response.status_code == 302
    db.session.refresh(assisting)
    assert (assisting.end_reason, assisting.outcome, assisting.note) == ("ended", "follow_up", "Call back")
    page = client.get("/acme/agent/interactions").get_data(as_text=True)
    assert "Follow-up needed" in page and "Ended by the agent" in page


def test_end_page_shows_the_form(client, world, assisting):
    page = client.get("/acme/agent/assist/end").get_data(as_text=True)
    assert 'name="outcome"' in page and "End the assist session with Haru Tanaka" in page


def test_manual_entry_of_twelve_minutes(client, world, login):
    login(world.brand, world.agent)
    assert log(client).status_code == 302
    entry = db.session.scalar(select(Interaction))
    assert (entry.manual, entry.seconds_spent, entry.user_id, entry.outcome) == (True, 720, world.user.id, "resolved")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assist.log")) is not None
    assert "Logged by hand" in client.get("/acme/agent/interactions").get_data(as_text=True)


@pytest.mark.parametrize("overrides, message", [
    ({"minutes": "-5"}, "between 1 and 600"),
    ({"minutes": "1200"}, "between 1 and 600"),
    ({"minutes": "0"}, "between 1 and 600"),
    ({"minutes": "ten"}, "whole number"),
    ({"channel": "fax"}, "from the list"),
    ({"service": "Incident"}, "from the list"),
    ({"outcome": ""}, "Choose an outcome"),
    ({"email": "marie@example.com"}, "e-mail address of a member"),
    ({"email": "agent@example.com"}, "cannot assist yourself"),
])
def test_manual_entry_bad_input_is_422_and_writes_nothing(client, world, login, overrides, message):
    login(world.brand, world.agent)
    response = log(client, **overrides)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count() == 0


def test_edit_own_entry_within_24_hours_is_audited(client, world, login):
    login(world.brand, world.agent)
    log(client)
    entry = db.session.scalar(select(Interaction))
    response = client.post(f"/acme/agent/interactions/{entry.id}/edit", data={
        "channel": "email", "service": SERVICE, "minutes": "15", "outcome": "referred", "note": "Sent to HR"})
    assert response.status_code == 302
    db.session.refresh(entry)
    assert (entry.channel, entry.seconds_spent, entry.outcome) == ("email", 900, "referred")
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assist.edit"))
    assert audit.data["changes"]["channel"] == ["phone", "email"] and audit.actor_id == world.agent.id


def test_edit_refuses_bad_minutes_and_old_entries(client, world, login):
    login(world.brand, world.agent)
    log(client)
    entry = db.session.scalar(select(Interaction))
    edit_link = f'href="/acme/agent/interactions/{entry.id}/edit"'
    assert edit_link in client.get("/acme/agent/interactions").get_data(as_text=True)
    bad = client.post(f"/acme/agent/interactions/{entry.id}/edit", data={
        "channel": "phone", "service": SERVICE, "minutes": "1200", "outcome": "resolved"})
    assert bad.status_code == 422
    entry.ended_at = entry.ended_at - timedelta(hours=25)
    db.session.commit()
    assert edit_link not in client.get("/acme/agent/interactions").get_data(as_text=True)  # the policy's rule
    old = client.post(f"/acme/agent/interactions/{entry.id}/edit", data={
        "channel": "email", "service": SERVICE, "minutes": "5", "outcome": "resolved"})
    assert old.status_code == 403 and "last 24 hours" in old.get_data(as_text=True)
    db.session.refresh(entry)
    assert (entry.channel, entry.seconds_spent) == ("phone", 720)


def test_entries_of_another_agent_or_brand_are_404(app, client, world, login, make_user, make_brand):
    login(world.brand, world.agent)
    log(client)
    entry = db.session.scalar(select(Interaction))
    other = make_user(roles={world.brand: ("agent", {"can_assist": True})})
    from tests.conftest import signin

    second = app.test_client()
    signin(second, world.brand, other)
    assert second.get(f"/acme/agent/interactions/{entry.id}/edit").status_code == 404
    assert second.post(f"/acme/agent/interactions/{entry.id}/edit", data={
        "channel": "email", "service": SERVICE, "minutes": "5", "outcome": "resolved"}).status_code == 404
    world.other_brand.settings = {"assisted_service": True}
    db.session.commit()
    from portal.brands.models import Membership

    db.session.get(Membership, world.agent.membership_in(world.other_brand).id).role = "agent"
    db.session.get(Membership, world.agent.membership_in(world.other_brand).id).can_assist = True
    db.session.commit()
    assert client.get(f"/globex/agent/interactions/{entry.id}/edit").status_code == 404


def test_timed_out_entry_gets_its_outcome_afterwards(client, world, assisting):
    db.session.refresh(assisting)
    assisting.last_activity_at -= timedelta(minutes=11)
    db.session.commit()
    client.get("/acme/hc/en/")
    response = client.post(f"/acme/agent/interactions/{assisting.id}/edit", data={
        "channel": "phone", "service": SERVICE, "outcome": "abandoned", "note": "Line dropped"})
    assert response.status_code == 302
    db.session.refresh(assisting)
    assert (assisting.end_reason, assisting.outcome) == ("timed_out", "abandoned")


def test_admin_sees_every_agents_entries(client, world, login, app):
    login(world.brand, world.agent)
    log(client)
    from tests.conftest import signin

    admin = app.test_client()
    signin(admin, world.brand, world.admin)
    page = admin.get("/acme/agent/interactions").get_data(as_text=True)
    assert "Sarah Agent" in page and "Haru Tanaka" in page


def test_an_agent_who_lost_the_capability_can_still_end_their_assist(client, world, assisting):
    """Ending is never locked behind the capability: the agent must be able to stop acting."""
    from portal.brands.models import Membership

    membership = db.session.scalar(db.select(Membership).where(Membership.user_id == world.agent.id,
                                                               Membership.brand_id == world.brand.id))
    membership.can_assist = False
    db.session.commit()
    response = client.post("/acme/agent/assist/end", data={"interaction_id": assisting.id, "outcome": "resolved"})
    assert response.status_code == 302
    db.session.refresh(assisting)
    assert assisting.ended_at is not None
