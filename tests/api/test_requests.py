"""The Requests API: the end-user view, agents as end users under DESIGN §5, both ways."""
import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.tickets.models import Comment, Ticket, TicketCollaborator
from portal.tickets.services import create_request, set_status

from .conftest import end_test_transaction
from portal.actor import Actor


def _new(world, api, who="user", **request):
    body = {"subject": "Printer jams", "comment": {"body": "Floor 2."},
            "custom_fields": [{"id": world.category.id, "value": "hardware"}], **request}
    return api("POST", world.brand, "/requests.json", getattr(world, who), json={"request": body})


def _assign(world, ticket_id):
    ticket = db.session.get(Ticket, ticket_id)
    ticket.assignee_id = world.agent.id
    db.session.commit()


def test_create_answers_201_with_the_fields_of_the_issue(world, api):
    response = _new(world, api)
    assert response.status_code == 201
    created = response.get_json()["request"]
    expected = {"id", "url", "subject", "description", "status", "priority", "type", "requester_id", "assignee_id",
                "group_id", "collaborator_ids", "custom_fields", "ticket_form_id", "is_public",
                "can_be_solved_by_me", "solved", "followup_source_id", "via", "created_at", "updated_at"}
    assert expected <= set(created)
    assert created["url"].endswith(f"/acme/api/v2/requests/{created['id']}.json")
    assert created["group_id"] == world.support.id  # routed by the form's default group
    assert created["ticket_form_id"] == world.general.id


@pytest.mark.parametrize("request_body, field", [
    ({"subject": ""}, "subject"),
    ({"comment": {"body": "  "}}, "description"),
    ({"custom_fields": [{"id": 0, "value": "x"}]}, None),  # unknown field: ignored, Category missing
    ({"custom_fields": [{"id": "category", "value": "x"}]}, "base"),
    ({"ticket_form_id": "one"}, "base"),
    ({"comment": "text"}, "base"),
])
def test_bad_input_answers_422_and_writes_nothing(world, api, request_body, field):
    body = {"subject": "Printer jams", "comment": {"body": "Floor 2."}, **request_body}
    response = api("POST", world.brand, "/requests.json", world.user, json={"request": body})
    assert response.status_code == 422
    error = response.get_json()
    assert error["error"] == "RecordInvalid" and error["description"]
    if field:
        assert field in error["details"]
    assert db.session.scalar(select(func.count(Ticket.id))) == 0


def test_a_required_portal_field_is_required_and_agent_only_values_are_dropped(world, api):
    missing = api("POST", world.brand, "/requests.json", world.user,
                  json={"request": {"subject": "s", "comment": {"body": "b"}}})
    assert missing.status_code == 422
    assert f"custom_field_{world.category.id}" in missing.get_json()["details"]
    created = _new(world, api, custom_fields=[{"id": world.category.id, "value": "hardware"},
                                              {"id": world.internal_priority.id, "value": "high"}]).get_json()["request"]
    assert created["custom_fields"] == [{"id": world.category.id, "value": "hardware"}]


def test_agent_only_forms_and_other_brands_forms_are_not_found(world, api, make_brand):
    response = _new(world, api, ticket_form_id=world.incident.id)
    assert response.status_code == 404 and response.get_json()["error"] == "RecordNotFound"
    assert _new(world, api, who="agent", ticket_form_id=world.incident.id).status_code == 404


def test_agents_are_refused_where_agents_manage_requests_is_off(world, api):
    response = api("GET", world.other_brand, "/requests.json", world.globex_agent)
    assert response.status_code == 403
    assert "workspace" in response.get_json()["description"]
    post = api("POST", world.other_brand, "/requests.json", world.globex_agent,
               json={"request": {"subject": "s", "comment": {"body": "b"}}})
    assert post.status_code == 403
    # agent@ is an end user in globex, and is one there.
    assert api("GET", world.other_brand, "/requests.json", world.agent).status_code == 200


def test_an_end_user_comment_reopens_an_agents_does_not(world, api):
    created = _new(world, api).get_json()["request"]
    ticket = db.session.get(Ticket, created["id"])
    set_status(ticket, "pending", Actor.itself(world.agent))
    db.session.add(TicketCollaborator(ticket_id=created["id"], user_id=world.agent.id))
    db.session.commit()
    agent_comment = api("PUT", world.brand, f"/requests/{created['id']}.json", world.agent,
                        json={"request": {"comment": {"body": "Copied and commenting."}}})
    assert agent_comment.status_code == 200
    assert agent_comment.get_json()["request"]["status"] == "pending"
    user_comment = api("PUT", world.brand, f"/requests/{created['id']}.json", world.user,
                       json={"request": {"comment": {"body": "Any news?"}}})
    assert user_comment.get_json()["request"]["status"] == "open"
    ccd = api("GET", world.brand, "/requests/ccd.json", world.agent).get_json()
    assert [r["id"] for r in ccd["requests"]] == [created["id"]]


def test_solving_needs_an_assignee_and_the_requester(world, api):
    created = _new(world, api).get_json()["request"]
    path = f"/requests/{created['id']}.json"
    unassigned = api("PUT", world.brand, path, world.user, json={"request": {"solved": True}})
    assert unassigned.status_code == 409
    _assign(world, created["id"])
    assert api("PUT", world.brand, path, world.other, json={"request": {"solved": True}}).status_code == 404
    assert api("PUT", world.brand, path, world.user, json={"request": {"solved": "yes"}}).status_code == 422
    solved = api("PUT", world.brand, path, world.user, json={"request": {"solved": True}})
    assert solved.status_code == 200 and solved.get_json()["request"]["status"] == "solved"


def test_a_closed_request_refuses_comments(world, api):
    created = _new(world, api).get_json()["request"]
    set_status(db.session.get(Ticket, created["id"]), "closed", None)
    response = api("PUT", world.brand, f"/requests/{created['id']}.json", world.user,
                   json={"request": {"comment": {"body": "Hello?"}}})
    assert response.status_code == 409
    assert db.session.scalar(select(func.count(Comment.id)).where(Comment.ticket_id == created["id"])) == 1


def test_comments_show_only_public_ones(world, api):
    created = _new(world, api).get_json()["request"]
    ticket = db.session.get(Ticket, created["id"])
    db.session.add(Comment(ticket_id=ticket.id, author_id=world.agent.id, body="Internal", is_public=False))
    db.session.commit()
    comments = api("GET", world.brand, f"/requests/{created['id']}/comments.json", world.user).get_json()
    assert [c["body"] for c in comments["comments"]] == ["Floor 2."]
    assert comments["count"] == 1


def test_lists_paginate_with_absolute_links_and_counts(world, api):
    for n in range(3):
        create_request(world.brand, world.general, world.user, Actor.itself(world.user), f"Request {n}", "Body",
                       {world.category.id: "hardware"})
    first = api("GET", world.brand, "/requests.json?per_page=2", world.user).get_json()
    assert first["count"] == 3 and len(first["requests"]) == 2
    assert first["next_page"].startswith("http://localhost/acme/api/v2/requests.json?")
    assert "page=2" in first["next_page"] and "per_page=2" in first["next_page"]
    assert first["previous_page"] is None
    second = api("GET", world.brand, "/requests?per_page=2&page=2", world.user).get_json()
    assert len(second["requests"]) == 1 and second["next_page"] is None
    assert "page=1" in second["previous_page"]
    for bad in ("per_page=101", "per_page=0", "page=0", "page=x"):
        response = api("GET", world.brand, f"/requests.json?{bad}", world.user)
        assert response.status_code == 400, bad


def test_status_filter_search_open_and_solved(world, api):
    ids = []
    for subject, status in (("Printer jams", "open"), ("VPN drops", "solved"), ("Old laptop", "closed")):
        ticket = create_request(world.brand, world.general, world.user, Actor.itself(world.user), subject, "Body",
                                {world.category.id: "hardware"})
        set_status(ticket, status, Actor.itself(world.agent))
        ids.append(ticket.id)
    end_test_transaction()

    def listed(path):
        return [r["id"] for r in api("GET", world.brand, path, world.user).get_json()["requests"]]

    assert listed("/requests/open.json") == [ids[0]]
    assert sorted(listed("/requests/solved.json")) == sorted(ids[1:])
    assert listed("/requests.json?status=closed") == [ids[2]]
    assert listed("/requests/search.json?query=vpn") == [ids[1]]
    assert listed("/requests/search.json?query=100%25") == []
    assert api("GET", world.brand, "/requests.json?status=nope", world.user).status_code == 400
    assert api("GET", world.brand, "/requests/search.json", world.user).status_code == 400


def test_list_query_count_does_not_grow_with_the_page(world, api, app):
    from sqlalchemy import event

    def count_for(n):
        for i in range(n):
            create_request(world.brand, world.general, world.user, Actor.itself(world.user), f"R{i}", "Body",
                           {world.category.id: "hardware"})
        api("GET", world.brand, "/users/me.json", world.user)  # the window's first request sweeps old ones
        statements = []

        def listen(*_args):
            statements.append(1)

        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            assert api("GET", world.brand, "/requests.json", world.user).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
        return len(statements)

    assert count_for(2) == count_for(20)


def test_satisfaction_rating_is_for_the_requester_of_a_solved_request(world, api):
    created = _new(world, api).get_json()["request"]
    path = f"/tickets/{created['id']}/satisfaction_rating.json"
    rating = {"satisfaction_rating": {"score": "good", "comment": "Thanks"}}
    assert api("POST", world.brand, path, world.user, json=rating).status_code == 409  # not solved yet
    set_status(db.session.get(Ticket, created["id"]), "solved", Actor.itself(world.agent))
    assert api("POST", world.brand, path, world.user,
               json={"satisfaction_rating": {"score": "great"}}).status_code == 422
    rated = api("POST", world.brand, path, world.user, json=rating)
    assert rated.status_code == 200
    assert rated.get_json()["satisfaction_rating"]["score"] == "good"
    # Agents do not rate, even their own requests (DESIGN §5.6).
    mine = _new(world, api, who="agent").get_json()["request"]
    set_status(db.session.get(Ticket, mine["id"]), "solved", Actor.itself(world.agent))
    refused = api("POST", world.brand, f"/tickets/{mine['id']}/satisfaction_rating.json", world.agent,
                  json=rating)
    assert refused.status_code == 403
