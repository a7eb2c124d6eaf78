"""One field-cleaning path (tickets.fields.check_fields) for every layer and audience: the help
centre's form, the workspace's form and the API's JSON give the same values for the same input."""
from types import SimpleNamespace

import pytest
from werkzeug.datastructures import MultiDict

from portal.tickets import fields as ticket_fields


def field(id, kind="text", access="editable", required_in_portal=False, required_to_solve=False, options=()):
    return SimpleNamespace(id=id, title=f"Field {id}", field_type=kind, options=list(options), active=True,
                           portal_access=access, required_in_portal=required_in_portal,
                           required_to_solve=required_to_solve)


@pytest.fixture
def form():
    device = field(1, "dropdown", options=("laptop", "phone"), required_in_portal=True)
    serial = field(2, required_in_portal=True)
    tags = field(3, "multiselect", options=("a", "b"))
    internal = field(4, "number", access="agent_only", required_to_solve=True)
    laptop_only = SimpleNamespace(parent_field_id=1, parent_value="laptop", child_field_id=2, audience="end_user")
    return SimpleNamespace(fields=[device, serial, tags, internal], conditions=[laptop_only])


def test_the_html_form_and_the_api_json_give_the_same_values(form, app):
    posted = MultiDict([("field_1", "laptop"), ("field_2", " SN-1 "), ("field_3", "a"), ("field_3", "b")])
    with app.test_request_context():
        from_form = ticket_fields.check_fields(
            form, ticket_fields.posted_fields(form, posted, ticket_fields.END_USER), ticket_fields.END_USER,
            enforce_required=True)
        from_api = ticket_fields.check_fields(form, {1: "laptop", 2: "SN-1", 3: ["a", "b"]}, ticket_fields.END_USER,
                                              enforce_required=True)
    assert from_form.errors == from_api.errors == {}
    assert from_form.filled == from_api.filled == {1: "laptop", 2: "SN-1", 3: ["a", "b"]}


def test_a_field_hidden_by_its_condition_is_dropped_and_never_required(form, app):
    with app.test_request_context():
        check = ticket_fields.check_fields(form, {1: "phone", 2: "ignored"}, ticket_fields.END_USER,
                                           enforce_required=True)
        missing = ticket_fields.check_fields(form, {1: "laptop"}, ticket_fields.END_USER, enforce_required=True)
    assert check.errors == {} and check.filled == {1: "phone"}
    assert set(missing.errors) == {2}


def test_the_end_user_never_writes_an_agent_only_field(form, app):
    with app.test_request_context():
        check = ticket_fields.check_fields(form, {1: "phone", 4: "12"}, ticket_fields.END_USER)
    assert 4 not in check.values and 4 not in check.filled


def test_an_agent_update_changes_only_the_fields_sent(form, app):
    current = {1: "laptop", 2: "SN-1", 4: 3}
    with app.test_request_context():
        check = ticket_fields.check_fields(form, {4: "12"}, ticket_fields.AGENT, current)
        refused = ticket_fields.check_fields(form, {4: "twelve"}, ticket_fields.AGENT, current)
    assert check.values == {4: 12}
    assert check.merged[2] == "SN-1"
    assert set(refused.errors) == {4}


def test_required_to_solve_is_the_agents_rule(form, app):
    with app.test_request_context():
        assert [f.id for f in ticket_fields.missing_to_solve(form, {1: "phone"})] == [4]
        assert ticket_fields.missing_to_solve(form, {1: "phone", 4: 0}) == []
