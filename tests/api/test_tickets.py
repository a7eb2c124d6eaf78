"""The Tickets API (agent view) holds the workspace's limits, both ways (DESIGN §6)."""
from datetime import datetime, timedelta

import pytest

from portal.extensions import db
from portal.tickets.models import Comment, Ticket
from portal.tickets.services import create_request
from portal.actor import Actor


@pytest.fixture
def ticket(world):
    return create_request(world.brand, world.general, world.user, Actor.itself(world.user), "Printer jams", "Floor 2.",
                          {world.category.id: "hardware"})


def test_end_users_are_refused_the_tickets_api(world, api, ticket):
    for method, path in (("GET", "/tickets.json"), ("GET", f"/tickets/{ticket.id}.json"),
                         ("POST", "/tickets.json"), ("PUT", f"/tickets/{ticket.id}.json")):
        response = api(method, world.brand, path, world.user, json={"ticket": {"status": "open"}})
        assert response.status_code == 403, (method, path)


def test_agents_list_and_show_tickets_with_internal_notes(world, api, ticket):
    db.session.add(Comment(ticket_id=ticket.id, author_id=world.agent.id, body="Internal", is_public=False))
    db.session.commit()
    listed = api("GET", world.brand, "/tickets.json", world.agent).get_json()
    assert [t["id"] for t in listed["tickets"]] == [ticket.id] and listed["count"] == 1
    comments = api("GET", world.brand, f"/tickets/{ticket.id}/comments.json", world.agent).get_json()
    assert [(c["body"], c["public"]) for c in comments["comments"]] == [("Floor 2.", True), ("Internal", False)]
    shown = api("GET", world.brand, f"/tickets/{ticket.id}.json", world.agent).get_json()["ticket"]
    assert {"id": world.internal_priority.id, "value": None} not in shown["custom_fields"]
    assert shown["submitter_id"] == world.user.id


def test_an_agent_updates_status_assignee_fields_and_replies(world, api, ticket):
    response = api("PUT", world.brand, f"/tickets/{ticket.id}.json", world.agent, json={"ticket": {
        "status": "pending", "assignee_id": world.agent.id,
        "custom_fields": [{"id": world.internal_priority.id, "value": "high"}],
        "comment": {"body": "Looking into it.", "public": False}}})
    assert response.status_code == 200, response.get_json()
    updated = response.get_json()["ticket"]
    assert (updated["status"], updated["assignee_id"]) == ("pending", world.agent.id)
    assert {"id": world.internal_priority.id, "value": "high"} in updated["custom_fields"]
    last = db.session.query(Comment).order_by(Comment.id.desc()).first()
    assert (last.body, last.is_public) == ("Looking into it.", False)


@pytest.mark.parametrize("change, status", [
    ({"status": "solved", "assignee_id": None}, 422),  # Internal priority is required to solve
    ({"status": "closed"}, 422),
    ({"status": "whatever"}, 422),
    ({"priority": 3}, 422),
    ({"group_id": 999}, 422),
    ({"assignee_id": "me"}, 422),
    ({}, 422),  # nothing to update
])
def test_bad_updates_are_refused_and_change_nothing(world, api, ticket, change, status):
    before = (ticket.status, ticket.assignee_id, ticket.version)
    response = api("PUT", world.brand, f"/tickets/{ticket.id}.json", world.agent, json={"ticket": change})
    assert response.status_code == status
    assert response.get_json()["error"] == "RecordInvalid"
    db.session.expire_all()
    again = db.session.get(Ticket, ticket.id)
    assert (again.status, again.assignee_id, again.version) == before


def test_light_agents_write_internal_notes_only_and_change_nothing(world, api, ticket):
    path = f"/tickets/{ticket.id}.json"
    refused = api("PUT", world.brand, path, world.light, json={"ticket": {"status": "open"}})
    assert refused.status_code == 403
    noted = api("PUT", world.brand, path, world.light,
                json={"ticket": {"comment": {"body": "Seen it.", "public": True}}})
    assert noted.status_code == 200
    last = db.session.query(Comment).order_by(Comment.id.desc()).first()
    assert (last.body, last.is_public) == ("Seen it.", False)


def test_create_a_ticket_for_a_member_with_an_internal_note(world, api):
    response = api("POST", world.brand, "/tickets.json", world.agent, json={"ticket": {
        "subject": "Phone call", "comment": {"body": "Called about the VPN.", "public": False},
        "requester_id": world.user.id, "ticket_form_id": world.incident.id, "priority": "high"}})
    assert response.status_code == 201, response.get_json()
    created = response.get_json()["ticket"]
    assert (created["requester_id"], created["submitter_id"]) == (world.user.id, world.agent.id)
    assert (created["is_public"], created["priority"], created["via"]["channel"]) == (False, "high", "api")
    # The requester does not see it in the Requests API: it is internal only.
    assert api("GET", world.brand, f"/requests/{created['id']}.json", world.user).status_code == 404


def test_light_agents_create_internal_tickets_and_cannot_assign(world, api):
    created = api("POST", world.brand, "/tickets.json", world.light, json={"ticket": {
        "subject": "For a user", "comment": {"body": "Public?", "public": True},
        "requester": {"email": "user@example.com"}}})
    assert created.status_code == 201 and created.get_json()["ticket"]["is_public"] is False
    refused = api("POST", world.brand, "/tickets.json", world.light, json={"ticket": {
        "subject": "s", "comment": {"body": "b"}, "assignee_id": world.agent.id}})
    assert refused.status_code == 403


def test_creating_for_a_non_member_or_another_brands_form_is_refused(world, api, make_user):
    outsider = make_user(roles={world.other_brand: "end_user"})
    response = api("POST", world.brand, "/tickets.json", world.agent, json={"ticket": {
        "subject": "s", "comment": {"body": "b"}, "requester_id": outsider.id}})
    assert response.status_code == 422
    globex_form = api("POST", world.other_brand, "/tickets.json", world.globex_agent, json={"ticket": {
        "subject": "s", "comment": {"body": "b"}, "ticket_form_id": world.general.id}})
    assert globex_form.status_code == 404


def test_light_agents_see_only_their_groups_tickets(world, api, ticket):
    hidden = create_request(world.brand, None, world.user, Actor.itself(world.user), "Elsewhere", "Body")
    hidden.group_id = world.security.id
    db.session.commit()
    listed = api("GET", world.brand, "/tickets.json", world.light).get_json()
    assert [t["id"] for t in listed["tickets"]] == [ticket.id]
    assert api("GET", world.brand, f"/tickets/{hidden.id}.json", world.light).status_code == 404
    assert api("GET", world.brand, f"/tickets/{hidden.id}.json", world.agent).status_code == 200


def test_an_agent_requester_outside_the_group_does_not_see_internal_notes_when_the_brand_hides_them(
        world, api, make_user, make_group):
    outsider_agent = make_user(roles={world.brand: "agent"})
    mine = create_request(world.brand, world.general, outsider_agent, Actor.itself(outsider_agent), "My laptop", "Broken.",
                          {world.category.id: "hardware"})
    db.session.add(Comment(ticket_id=mine.id, author_id=world.agent.id, body="Internal", is_public=False))
    db.session.commit()
    path = f"/tickets/{mine.id}/comments.json"

    def bodies():
        return [c["body"] for c in api("GET", world.brand, path, outsider_agent).get_json()["comments"]]

    assert bodies() == ["Broken.", "Internal"]
    world.brand.settings = {**world.brand.settings, "hide_internal_notes_from_agent_requesters": True}
    db.session.commit()
    assert bodies() == ["Broken."]
    # A member of the ticket's group still sees them.
    assert "Internal" in [c["body"] for c in api("GET", world.brand, path, world.agent).get_json()["comments"]]


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_ids_beyond_the_database_range_are_not_found(world, api, method):
    for ticket_id in (2**63, 12941176132296738078720):
        response = api(method, world.brand, f"/tickets/{ticket_id}.json", world.agent,
                       json={"ticket": {"status": "open"}})
        assert response.status_code == 404, (method, ticket_id, response.status_code)
        assert response.get_json()["error"] == "RecordNotFound"


# --- safe_update (Zendesk): a stale updated_stamp is a 409 and changes nothing --------------------
def _stamp(api, world, ticket):
    return api("GET", world.brand, f"/tickets/{ticket.id}.json", world.agent).get_json()["ticket"]["updated_at"]


def test_a_stale_safe_update_is_refused_and_changes_nothing(world, api, ticket):
    path = f"/tickets/{ticket.id}.json"
    first_read = _stamp(api, world, ticket)
    second_read = _stamp(api, world, ticket)
    first = api("PUT", world.brand, path, world.agent, json={"ticket": {
        "priority": "high", "safe_update": True, "updated_stamp": first_read}})
    assert first.status_code == 200, first.get_json()
    # The second integration read the ticket in the same second, before the first wrote.
    stale = api("PUT", world.brand, path, world.agent, json={"ticket": {
        "priority": "low", "comment": {"body": "Mine"}, "safe_update": True, "updated_stamp": second_read}})
    assert stale.status_code == 409
    assert stale.get_json() == {"error": "UpdateConflict", "description": (
        "Safe Update prevented the update due to outdated ticket data. "
        "Please fetch the latest ticket data and try again.")}
    db.session.expire_all()
    shown = api("GET", world.brand, path, world.agent).get_json()["ticket"]
    assert shown["priority"] == "high" and shown["updated_at"] > second_read
    assert db.session.query(Comment).filter_by(ticket_id=ticket.id, body="Mine").count() == 0


def test_a_fresh_safe_update_succeeds(world, api, ticket):
    path = f"/tickets/{ticket.id}.json"
    api("PUT", world.brand, path, world.agent, json={"ticket": {"priority": "high"}})
    response = api("PUT", world.brand, path, world.agent, json={"ticket": {
        "priority": "urgent", "safe_update": True, "updated_stamp": _stamp(api, world, ticket)}})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["ticket"]["priority"] == "urgent"


@pytest.mark.parametrize("shift", [timedelta(days=365 * 80), timedelta(seconds=1), timedelta(milliseconds=500),
                                   -timedelta(seconds=1)], ids=["2099", "next-second", "fraction", "earlier"])
def test_safe_update_accepts_only_the_stamp_it_showed(world, api, ticket, shift):
    path = f"/tickets/{ticket.id}.json"
    shown = datetime.strptime(_stamp(api, world, ticket), "%Y-%m-%dT%H:%M:%SZ")
    for stamp in ("2099-01-01T00:00:00Z", (shown + shift).isoformat() + "Z"):
        response = api("PUT", world.brand, path, world.agent, json={"ticket": {
            "priority": "urgent", "safe_update": True, "updated_stamp": stamp}})
        assert response.status_code == 409, stamp
        assert response.get_json()["error"] == "UpdateConflict"
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).priority == "normal"
    # The same moment written with an offset is the stamp it showed.
    same = (shown + timedelta(hours=2)).isoformat() + "+02:00"
    response = api("PUT", world.brand, path, world.agent, json={"ticket": {
        "priority": "urgent", "safe_update": True, "updated_stamp": same}})
    assert response.status_code == 200, response.get_json()


def test_without_safe_update_the_last_write_wins(world, api, ticket):
    path = f"/tickets/{ticket.id}.json"
    stale = _stamp(api, world, ticket)
    api("PUT", world.brand, path, world.agent, json={"ticket": {"priority": "high"}})
    for ticket_json in ({"priority": "low"}, {"priority": "urgent", "safe_update": False, "updated_stamp": stale}):
        response = api("PUT", world.brand, path, world.agent, json={"ticket": ticket_json})
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["ticket"]["priority"] == ticket_json["priority"]


@pytest.mark.parametrize("extra", [{}, {"updated_stamp": None}, {"updated_stamp": "yesterday"},
                                   {"updated_stamp": 1700000000}])
def test_safe_update_needs_a_readable_stamp(world, api, ticket, extra):
    response = api("PUT", world.brand, f"/tickets/{ticket.id}.json", world.agent,
                   json={"ticket": {"priority": "high", "safe_update": True, **extra}})
    assert response.status_code == 422
    assert "updated_stamp" in response.get_json()["description"]
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).priority == "normal"


def test_safe_update_must_be_a_boolean(world, api, ticket):
    response = api("PUT", world.brand, f"/tickets/{ticket.id}.json", world.agent,
                   json={"ticket": {"priority": "high", "safe_update": "yes"}})
    assert response.status_code == 422
