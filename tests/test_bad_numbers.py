"""Every route of `app.url_map` against a corpus of bad numbers: never a 5xx (DESIGN §13).

The route list comes from the URL map, so a route added later is walked without anyone
remembering to. Each route is called by the actor its family is for (end user in the help
centre, an agent with can_assist in the workspace, an admin in the admin pages and the API),
on the demo data:
- each `<int:…>` path value is replaced by numbers the database cannot hold (the rest valid);
- a first call records which query and form keys the view reads (the request's
  parameter_storage_class records them); each such key is then sent alone with every bad value;
- the API's JSON bodies carry bad ids, floats, booleans, strings and 1e999.
"""
import base64
import re
import time

from sqlalchemy import text
from werkzeug.datastructures import ImmutableMultiDict

from portal.extensions import db

PASSWORD = "demo-password"
PATH_VALUES = [2**31, 2**63, "9" * 400]
VALUES = [2**63, 2**64, -1, 0, "1e999", "NaN", "abc", "", "9" * 400]
# Keys that do not look numeric get one value: 20 nines overflow a 64-bit integer yet pass
# most length limits, so a text field parsed as a number somewhere still meets it.
FEW_VALUES = ["9" * 20]
NUMERIC_HINTS = ("id", "page", "after", "days", "version", "position", "minutes", "limit", "count")
_BAD_OBJECTS = [
    {"ticket_form_id": 2**63}, {"ticket_form_id": 2**31}, {"ticket_form_id": 1.5}, {"ticket_form_id": True},
    {"ticket_form_id": "12"}, {"requester_id": 2**63}, {"requester_id": -1}, {"requester_id": "abc"},
    {"group_id": "abc"}, {"group_id": 2**64}, {"assignee_id": 2**63}, {"assignee_id": 0.5},
    {"custom_fields": [{"id": 2**63, "value": "x"}]}, {"custom_fields": [{"id": -1, "value": "x"}]},
    {"custom_fields": {"99999999999999999999": "x"}}, {"custom_fields": [{"id": "abc", "value": 2**70}]},
    {"id": 2**63}, {"user_id": 2**63}, {"brand_id": 2**63}, {"safe_update": True, "updated_stamp": "9" * 400},
]
# 1e999 and NaN are valid for Python's JSON reader (inf, nan) though not for json.dumps: sent raw.
_RAW_BODIES = ['{"%s": {"custom_fields": [{"id": 1e999, "value": "x"}], "subject": "s", "comment": {"body": "b"}}}',
               '{"%s": {"ticket_form_id": 1e999, "requester_id": NaN, "group_id": -1e999}}',
               '{"%s": {"custom_fields": [{"id": NaN, "value": 1e999}]}}']
ROOTS = ("ticket", "request", "user", "token", "ticket_form", "ticket_field", "group")

READ_KEYS = set()


class _RecordingArgs(ImmutableMultiDict):
    """Query and form data that note which keys the view asks for."""

    def __getitem__(self, key):
        READ_KEYS.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):  # noqa: A002 (Werkzeug's name)
        READ_KEYS.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        READ_KEYS.add(key)
        return super().getlist(key, type)

    def __contains__(self, key):
        READ_KEYS.add(key)
        return super().__contains__(key)


def _valid_ids():
    """A real id of the demo's acme for each path argument name (plain people, not the actors)."""
    acme = db.session.scalar(text("SELECT id FROM brands WHERE slug = 'acme'"))
    niels = db.session.scalar(text("SELECT id FROM users WHERE email = 'niels@example.com'"))
    tables = {"condition_id": "field_conditions", "draft_id": "drafts", "field_id": "ticket_fields",
              "form_id": "ticket_forms", "group_id": "groups", "interaction_id": "assist_interactions",
              "invitation_id": "invitations", "request_id": "tickets", "ticket_id": "tickets",
              "session_id": "user_sessions", "token_id": "api_tokens"}
    ids = {"brand_id": acme, "user_id": niels,
           "membership_id": db.session.scalar(text("SELECT id FROM memberships WHERE brand_id = :b AND user_id = :u"),
                                              {"b": acme, "u": niels})}
    for name, table in tables.items():
        columns = db.metadata.tables[table].columns if table in db.metadata.tables else {}
        where = " WHERE brand_id = :b" if "brand_id" in columns else ""
        ids[name] = db.session.scalar(text(f"SELECT min(id) FROM {table}{where}"), {"b": acme}) if columns else None
    return {name: value or 1 for name, value in ids.items()}


def _family(rule: str) -> str:
    for prefix, family in (("/<brand>/api/v2", "api"), ("/<brand>/hc/<locale>/profile/tokens", "hc"),
                           ("/<brand>/hc/", "hc"), ("/<brand>/agent", "agent"), ("/<brand>/admin", "admin")):
        if rule.startswith(prefix):
            return family
    return "other"


ACTORS = {"hc": "user@example.com", "agent": "agent@example.com", "admin": "admin@example.com",
          "other": "admin@example.com"}


def _path(rule, valid_ids, bad_arg=None, bad_value=None) -> str:
    values = {}
    for name in rule.arguments:
        if name == bad_arg:
            values[name] = bad_value
        elif name == "brand":
            values[name] = "acme"
        elif name == "locale":
            values[name] = "en"
        elif type(rule._converters[name]).__name__ in ("IdConverter", "IntegerConverter"):
            values[name] = valid_ids.get(name, 1)
        else:
            values[name] = "x" * 12
    # Built by hand: url_for would refuse the out-of-range values the test is about.
    path = rule.rule
    for name, value in values.items():
        path = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?%s>" % name, str(value), path)
    return path


def _signed_in(app, email):
    client = app.test_client()
    if email is not None:
        response = client.post("/acme/hc/en/signin", data={"email": email, "password": PASSWORD},
                               environ_base={"REMOTE_ADDR": "127.0.0.9"})
        assert response.status_code == 302, (email, response.status_code)
    return client


def _basic(email):
    return {"Authorization": "Basic " + base64.b64encode(f"{email}:{PASSWORD}".encode()).decode()}


def _methods(rule):
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def test_no_route_answers_5xx_to_bad_numbers(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    app.config["API_RATE_LIMIT_PER_MINUTE"] = 10**9
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 is answered and listed, not raised at the first
    app.request_class = type("RecordingRequest", (app.request_class,),
                             {"parameter_storage_class": _RecordingArgs})
    valid_ids = _valid_ids()
    db.session.commit()
    failures, calls, started, per_actor = [], 0, time.monotonic(), {}

    def call(client, method, path, actor, **kwargs):
        nonlocal calls
        calls += 1
        per_actor[actor] = per_actor.get(actor, 0) + 1
        response = client.open(path, method=method, environ_base={"REMOTE_ADDR": "127.0.0.8"}, **kwargs)
        if response.status_code >= 500:
            failures.append((response.status_code, actor, method, path,
                             {k: str(v)[:40] for k, v in (kwargs.get("query_string") or kwargs.get("data") or {}).items()},
                             str(kwargs.get("data"))[:80] if isinstance(kwargs.get("data"), str) else ""))
        response.close()
        return response

    every_rule = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
    assert len(every_rule) > 100  # the whole map, not a filtered part of it
    # The API serves each path with and without `.json`: one view, walked once.
    rules = list({(rule.endpoint, tuple(sorted(rule.methods)), tuple(sorted(rule.arguments))): rule
                  for rule in every_rule}.values())
    anonymous = app.test_client()
    for rule in rules:
        family = _family(rule.rule)
        int_args = [name for name in rule.arguments
                    if type(rule._converters[name]).__name__ in ("IdConverter", "IntegerConverter")]
        for method in _methods(rule):
            for name in int_args:
                call(anonymous, method, _path(rule, valid_ids, name, 2**63), "anonymous")
            path = _path(rule, valid_ids)
            if family == "api":
                for email in ("admin@example.com",):
                    headers = _basic(email)
                    client = app.test_client()
                    for name in int_args:
                        for value in PATH_VALUES:
                            call(client, method, _path(rule, valid_ids, name, value), email, headers=headers)
                    READ_KEYS.clear()
                    call(client, method, path, email, headers=headers)
                    for key in sorted(READ_KEYS | ({"page", "per_page"} if method == "GET" else set())):
                        for value in VALUES:
                            call(client, method, path, email, headers=headers, query_string={key: value})
                    if method in ("POST", "PUT", "PATCH"):
                        for bad in _BAD_OBJECTS:
                            body = {root: {"subject": "s", "comment": {"body": "b"}, **bad} for root in ROOTS}
                            call(client, method, path, email, headers=headers, json=body)
                        for raw in _RAW_BODIES:
                            call(client, method, path, email, data=raw % "ticket",
                                 headers={**headers, "Content-Type": "application/json"})
                continue
            actor = ACTORS[family]
            client = _signed_in(app, actor)
            for name in int_args:
                for value in PATH_VALUES:
                    call(client, method, _path(rule, valid_ids, name, value), actor)
            READ_KEYS.clear()
            call(client, method, path, actor)
            keys = sorted((READ_KEYS - {"csrf_token", "next"}) | {"page"})
            for key in keys:
                numeric = any(hint in key for hint in NUMERIC_HINTS) or key.startswith("field_")
                for value in (VALUES if numeric else FEW_VALUES):
                    where = "query_string" if method == "GET" else "data"
                    call(client, method, path, actor, **{where: {key: value}})
    elapsed = time.monotonic() - started
    print(f"{len(rules)} rules, {calls} requests in {elapsed:.1f}s", per_actor)
    assert not failures, f"{len(failures)} answers 5xx:\n" + "\n".join(
        " ".join(map(str, failure)) for failure in failures[:60])
