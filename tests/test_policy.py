"""The policy as a table: every role x agents_manage_requests x action x request status.

The expected outcomes are written out by hand below, not computed: a change in the rules must
change this table. Codes: "." allowed, "L" sign in first (401), "N" not found (404),
"F" forbidden (403), "C" conflict with the request's state (409), "W" off to the agent workspace.
"""
import pytest

from portal import policy
from portal.extensions import db

STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
TICKET_ACTIONS = ("view_request", "comment", "mark_solved", "rate", "create_followup")

# (person, agents_manage_requests): statuses new/open/pending/hold/solved/closed for each of
#                                   view_request   comment   mark_solved   rate   create_followup
EXPECTED_TICKET = {
    ("anonymous", "off"):             "LLLLLL LLLLLL LLLLLL LLLLLL LLLLLL",
    ("anonymous", "on"):              "LLLLLL LLLLLL LLLLLL LLLLLL LLLLLL",
    ("non_member", "off"):            "NNNNNN NNNNNN NNNNNN NNNNNN NNNNNN",
    ("non_member", "on"):             "NNNNNN NNNNNN NNNNNN NNNNNN NNNNNN",
    ("end_user:requester", "off"):    "...... .....C ....CC CCCC.C CCCCC.",
    ("end_user:requester", "on"):     "...... .....C ....CC CCCC.C CCCCC.",
    ("end_user:cc", "off"):           "...... .....C FFFFFF FFFFFF FFFFFF",
    ("end_user:cc", "on"):            "...... .....C FFFFFF FFFFFF FFFFFF",
    ("end_user:other", "off"):        "NNNNNN NNNNNN NNNNNN NNNNNN NNNNNN",
    ("end_user:other", "on"):         "NNNNNN NNNNNN NNNNNN NNNNNN NNNNNN",
    ("light_agent:requester", "off"): "WWWWWW WWWWWW WWWWWW WWWWWW WWWWWW",
    ("light_agent:requester", "on"):  "...... .....C FFFFFF FFFFFF CCCCC.",
    ("light_agent:other", "off"):     "WWWWWW WWWWWW WWWWWW WWWWWW WWWWWW",
    ("light_agent:other", "on"):      "NNNNNN NNNNNN NNNNNN NNNNNN NNNNNN",
    ("agent:requester", "off"):       "WWWWWW WWWWWW WWWWWW WWWWWW WWWWWW",
    ("agent:requester", "on"):        "...... .....C FFFFFF FFFFFF CCCCC.",
    ("agent:other", "off"):           "WWWWWW WWWWWW WWWWWW WWWWWW WWWWWW",
    ("agent:other", "on"):            "NNNNNN NNNNNN NNNNNN NNNNNN NNNNNN",
    ("admin:requester", "off"):       "WWWWWW WWWWWW WWWWWW WWWWWW WWWWWW",
    ("admin:requester", "on"):        "...... .....C FFFFFF FFFFFF CCCCC.",
    ("admin:other", "off"):           "WWWWWW WWWWWW WWWWWW WWWWWW WWWWWW",
    ("admin:other", "on"):            "NNNNNN NNNNNN NNNNNN NNNNNN NNNNNN",
}

# (role, agents_manage_requests): use_help_centre_requests, submit end-user form, submit agent-only form
EXPECTED_FORMS = {
    ("anonymous", "off"): "LLL", ("anonymous", "on"): "LLL",
    ("non_member", "off"): "FFN", ("non_member", "on"): "FFN",
    ("end_user", "off"): "..N", ("end_user", "on"): "..N",
    ("light_agent", "off"): "WWW", ("light_agent", "on"): "..N",
    ("agent", "off"): "WWW", ("agent", "on"): "..N",
    ("admin", "off"): "WWW", ("admin", "on"): "..N",
}


def code(decision) -> str:
    if decision.allowed:
        return "."
    if decision.to_workspace:
        assert decision.status == 302
        return "W"
    if decision.status in (403, 409):
        assert decision.reason, "a refusal the person can act on says why"
    return {401: "L", 404: "N", 403: "F", 409: "C"}[decision.status]


@pytest.fixture
def worlds(make_world):
    return {"off": make_world("off"), "on": make_world("on", agents_manage_requests=True)}


def person_of(w, name):
    return {"anonymous": None, "non_member": w.outsider, "end_user": w.user, "light_agent": w.light,
            "agent": w.agent, "admin": w.admin}[name]


def test_ticket_actions_table(worlds):
    mismatches = []
    for (who, setting), expected in EXPECTED_TICKET.items():
        w = worlds[setting]
        role, _, relation = who.partition(":")
        person = person_of(w, role)
        requester = person if relation == "requester" else w.other
        ccs = [person] if relation == "cc" else []
        got_by_action = []
        for action in TICKET_ACTIONS:
            codes = ""
            for status in STATUSES:
                ticket = w.make_ticket(requester, status=status, assignee=w.agent, ccs=ccs)
                codes += code(policy.decide(person, w.brand, action, ticket=ticket))
            got_by_action.append(codes)
        got = " ".join(got_by_action)
        if got != expected:
            mismatches.append(f"{who} {setting}: expected {expected!r}, got {got!r}")
    assert not mismatches, "\n".join(mismatches)


def test_forms_table(worlds):
    mismatches = []
    for (role, setting), expected in EXPECTED_FORMS.items():
        w = worlds[setting]
        person = person_of(w, role)
        got = (code(policy.decide(person, w.brand, policy.USE_REQUESTS))
               + code(policy.decide(person, w.brand, policy.SUBMIT_FORM, form=w.general))
               + code(policy.decide(person, w.brand, policy.SUBMIT_FORM, form=w.incident)))
        if got != expected:
            mismatches.append(f"{role} {setting}: expected {expected!r}, got {got!r}")
    assert not mismatches, "\n".join(mismatches)


def test_another_brands_request_and_form_are_not_found(worlds):
    on, off = worlds["on"], worlds["off"]
    ticket = off.make_ticket(off.user)
    assert code(policy.decide(on.user, on.brand, policy.VIEW_REQUEST, ticket=ticket)) == "N"
    assert code(policy.decide(on.user, on.brand, policy.SUBMIT_FORM, form=off.general)) == "N"
    assert code(policy.decide(off.user, off.brand, policy.VIEW_REQUEST, ticket=ticket)) == "."


def test_mark_solved_needs_an_assignee_and_the_setting(make_world):
    w = make_world("solve")
    unassigned = w.make_ticket(w.user, status="open")
    assert code(policy.decide(w.user, w.brand, policy.MARK_SOLVED, ticket=unassigned)) == "C"
    assigned = w.make_ticket(w.user, status="open", assignee=w.agent)
    assert code(policy.decide(w.user, w.brand, policy.MARK_SOLVED, ticket=assigned)) == "."
    w.brand.settings = {"end_users_can_solve": False}
    db.session.commit()
    assert code(policy.decide(w.user, w.brand, policy.MARK_SOLVED, ticket=assigned)) == "F"


def test_rating_follows_the_setting(make_world):
    w = make_world("rate", satisfaction_ratings=False)
    ticket = w.make_ticket(w.user, status="solved", assignee=w.agent)
    assert code(policy.decide(w.user, w.brand, policy.RATE, ticket=ticket)) == "F"
    w.brand.settings = {"satisfaction_ratings": True}
    db.session.commit()
    assert code(policy.decide(w.user, w.brand, policy.RATE, ticket=ticket)) == "."


def test_internal_only_request_is_not_in_the_request_portal(make_world):
    w = make_world("internal", agents_manage_requests=True)
    light_request = w.make_ticket(w.light, status="new", public=False)
    assert code(policy.decide(w.light, w.brand, policy.VIEW_REQUEST, ticket=light_request)) == "W"
    user_request = w.make_ticket(w.user, status="new", public=False)
    assert code(policy.decide(w.user, w.brand, policy.VIEW_REQUEST, ticket=user_request)) == "N"


def test_roles_are_read_in_the_current_brand(make_world, make_user):
    """agent@ of brand A is an ordinary end user in brand B (setting off there)."""
    a = make_world("a", agents_manage_requests=False)
    b = make_world("b")
    agent = a.agent
    db.session.add(b.brand)
    from portal.models import Membership

    db.session.add(Membership(user_id=agent.id, brand_id=b.brand.id, role="end_user"))
    db.session.commit()
    db.session.refresh(agent)
    ticket = b.make_ticket(agent, status="solved", assignee=b.agent)
    assert policy.decide(agent, b.brand, policy.RATE, ticket=ticket).allowed
    assert policy.comment_reopens(agent, b.brand)
    assert policy.comment_is_public(agent, b.brand)
    assert code(policy.decide(agent, a.brand, policy.USE_REQUESTS)) == "W"
    assert code(policy.decide(agent, b.brand, policy.USE_REQUESTS)) == "."


def test_comment_rules_by_role(world):
    w = world
    assert policy.comment_is_public(w.user, w.brand) and policy.comment_reopens(w.user, w.brand)
    assert not policy.comment_is_public(w.light, w.brand) and not policy.comment_reopens(w.light, w.brand)
    assert policy.comment_is_public(w.agent, w.brand) and not policy.comment_reopens(w.agent, w.brand)
    assert not policy.comment_reopens(w.admin, w.brand)


def test_internal_notes_for_agent_requesters(make_world):
    w = make_world("notes", agents_manage_requests=True)
    own_in_other_group = w.make_ticket(w.agent, group=w.security)
    others = w.make_ticket(w.user, group=w.security)
    outside, inside = frozenset(), frozenset({w.security.id})
    assert policy.sees_internal_notes(w.agent, w.brand, own_in_other_group, outside)
    assert not policy.sees_internal_notes(w.user, w.brand, others, inside)
    w.brand.settings = {"agents_manage_requests": True, "hide_internal_notes_from_agent_requesters": True}
    db.session.commit()
    assert not policy.sees_internal_notes(w.agent, w.brand, own_in_other_group, outside)
    assert policy.sees_internal_notes(w.agent, w.brand, others, outside)
    assert policy.sees_internal_notes(w.agent, w.brand, own_in_other_group, inside)


def test_blocked_while_acting_rules_are_declared_on_their_views(app):
    """Every view that declares a refusal names one the policy knows, and the four rules of
    DESIGN §8 are each declared on at least one view (a renamed view keeps its declaration)."""
    declared = {getattr(view, "blocked_while_acting", None) for view in app.view_functions.values()}
    assert set(policy.BLOCKED_WHILE_ACTING) <= declared
    assert declared - {None} <= set(policy.BLOCKED_WHILE_ACTING)


def test_the_rating_refusal_while_acting_comes_from_the_decision(world, make_ticket):
    ticket = make_ticket(world.user, status="solved", assignee=world.agent)
    assert policy.decide(world.user, world.brand, policy.RATE, ticket=ticket).allowed
    decision = policy.decide(world.user, world.brand, policy.RATE, ticket=ticket, assisted_by=world.agent)
    assert not decision.allowed and decision.reason == policy.BLOCKED_WHILE_ACTING["rating"]


def test_sensitive_form_warning(make_world):
    w = make_world("warn", agents_manage_requests=True)
    assert policy.warn_sensitive_form(w.agent, w.brand, w.security_report)
    assert not policy.warn_sensitive_form(w.agent, w.brand, w.general)
    assert not policy.warn_sensitive_form(w.user, w.brand, w.security_report)
    w.brand.settings = {"agents_manage_requests": True, "hide_internal_notes_from_agent_requesters": True}
    db.session.commit()
    assert not policy.warn_sensitive_form(w.agent, w.brand, w.security_report)


def test_unknown_action_is_a_programming_error(world):
    with pytest.raises(ValueError):
        policy.decide(world.user, world.brand, "fly")


# Workspace status changes, written out: rows are the current status, columns the wanted one
# (new open pending hold solved closed). "." allowed, "U" refused as invalid input (422).
EXPECTED_STATUS_CHANGE = {
    "new":     ". . . . . U",
    "open":    "U . . . . U",
    "pending": "U . . . . U",
    "hold":    "U . . . . U",
    "solved":  "U . . . . U",
}


@pytest.mark.parametrize("current", list(EXPECTED_STATUS_CHANGE))
def test_status_changes_by_hand(current):
    got = " ".join("." if policy.decide_status_change(current, wanted) else
                   {422: "U"}[policy.decide_status_change(current, wanted).status] for wanted in STATUSES)
    assert got == EXPECTED_STATUS_CHANGE[current]
    # The workspace offers exactly the allowed ones (the page asks the same rule).
    assert policy.status_choices(current) == tuple(
        wanted for wanted, code in zip(STATUSES, got.split()) if code == ".")


def test_an_unknown_status_is_invalid():
    assert policy.decide_status_change("open", "deleted").status == 422


def test_interaction_edits_own_ended_entries_of_the_last_day_only():
    from datetime import datetime, timedelta
    from types import SimpleNamespace

    now = datetime(2026, 12, 2, 12, 0)
    agent, other = SimpleNamespace(id=1), SimpleNamespace(id=2)
    entry = SimpleNamespace(agent_id=1, ended_at=now - timedelta(hours=23))
    assert policy.decide_interaction_edit(agent, entry, now).allowed
    assert policy.decide_interaction_edit(other, entry, now).status == 404
    assert policy.decide_interaction_edit(None, entry, now).status == 404
    assert policy.decide_interaction_edit(agent, SimpleNamespace(agent_id=1, ended_at=None), now).status == 409
    old = SimpleNamespace(agent_id=1, ended_at=now - timedelta(hours=25))
    assert policy.decide_interaction_edit(agent, old, now).status == 403


def test_an_agents_update_opens_only_a_new_ticket():
    assert [policy.status_on_agent_update(s) for s in STATUSES] == ["open", "open", "pending", "hold", "solved",
                                                                    "closed"]


# Attachments (issue 17): exactly who reads the comment; an upload not on a comment yet, its
# uploader alone; another brand's, nobody. Columns: on a public comment, on an internal note, an
# upload of user@'s waiting for its comment, a public comment's file of another brand.
EXPECTED_ATTACHMENTS = {
    "anonymous": "NNNN", "user": ".N.N", "other": "NNNN", "light": "..NN", "agent": "..NN",
    "security_agent": "..NN", "admin": "..NN", "outsider": "NNNN", "globex_agent": "NNNN",
}


def test_attachments_table(world, make_ticket):
    from types import SimpleNamespace

    from portal.agent.queries import group_ids_of

    ticket = make_ticket(world.user)
    on_comment = SimpleNamespace(brand_id=world.brand.id, comment_id=1, uploader_id=world.agent.id)
    upload = SimpleNamespace(brand_id=world.brand.id, comment_id=None, uploader_id=world.user.id)
    elsewhere = SimpleNamespace(brand_id=world.other_brand.id, comment_id=1, uploader_id=world.user.id)
    observed = {}
    for who in EXPECTED_ATTACHMENTS:
        person = None if who == "anonymous" else getattr(world, who)
        groups = group_ids_of(person, world.brand) if person is not None else frozenset()
        cells = [policy.decide_attachment(person, world.brand, on_comment, ticket, True, groups),
                 policy.decide_attachment(person, world.brand, on_comment, ticket, False, groups),
                 policy.decide_attachment(person, world.brand, upload, None, False, groups),
                 policy.decide_attachment(person, world.brand, elsewhere, ticket, True, groups)]
        assert all(cell.allowed or cell.status == 404 for cell in cells)
        observed[who] = "".join("." if cell.allowed else "N" for cell in cells)
    assert observed == EXPECTED_ATTACHMENTS


def test_an_attachment_on_a_note_hidden_from_an_agent_requester_is_hidden_too(make_world):
    from types import SimpleNamespace

    w = make_world("acme", hide_internal_notes_from_agent_requesters=True)
    ticket = w.make_ticket(w.security_agent)  # in Support, which security_agent is not in
    on_note = SimpleNamespace(brand_id=w.brand.id, comment_id=1, uploader_id=w.agent.id)
    assert not policy.decide_attachment(w.security_agent, w.brand, on_note, ticket, False, {w.security.id})
    assert policy.decide_attachment(w.security_agent, w.brand, on_note, ticket, True, {w.security.id})
    assert policy.decide_attachment(w.agent, w.brand, on_note, ticket, False, {w.support.id})
