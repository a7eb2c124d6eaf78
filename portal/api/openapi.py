"""/<brand>/api/v2/openapi.json: an OpenAPI 3.0 description of exactly what the API serves.

Schemathesis runs this document against the server in the test suite, so it must stay true: every
route here exists, answers only the statuses listed, and its bodies match the schemas.
"""
from flask import jsonify, request

from . import bp
from .common import MAX_PAGE, MAX_PER_PAGE

ERROR_STATUSES = ("400", "401", "403", "404", "409", "422", "429")


def _nullable(kind: str, **extra) -> dict:
    return {"type": kind, "nullable": True, **extra}


def _object(properties: dict, required=None) -> dict:
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


_ID = {"type": "integer"}
_TIME = _nullable("string", format="date-time")
_VIA = _object({"channel": {"type": "string"}, "source": {"type": "object"}}, ["channel"])
_CUSTOM = {"type": "array", "items": _object({"id": _ID, "value": {}}, ["id"])}
_TICKET_COMMON = {
    "id": _ID, "url": {"type": "string"}, "subject": {"type": "string"}, "description": {"type": "string"},
    "status": {"type": "string", "enum": ["new", "open", "pending", "hold", "solved", "closed"]},
    "priority": {"type": "string"}, "type": {"type": "string"}, "requester_id": _nullable("integer"),
    "assignee_id": _nullable("integer"), "group_id": _nullable("integer"),
    "collaborator_ids": {"type": "array", "items": _ID}, "custom_fields": _CUSTOM, "fields": _CUSTOM,
    "ticket_form_id": _nullable("integer"), "brand_id": _ID, "is_public": {"type": "boolean"}, "via": _VIA,
    "created_at": _TIME, "updated_at": _TIME,
}
SCHEMAS = {
    "Error": _object({"error": {"type": "string"}, "description": {"type": "string"},
                      "details": {"type": "object"}}, ["error", "description"]),
    "Request": _object({**_TICKET_COMMON, "can_be_solved_by_me": {"type": "boolean"}, "solved": {"type": "boolean"},
                        "followup_source_id": _nullable("integer")}, list(_TICKET_COMMON) + ["solved"]),
    "Ticket": _object({**_TICKET_COMMON, "submitter_id": _ID, "via_followup_source_id": _nullable("integer"),
                       "tags": {"type": "array", "items": {"type": "string"}},
                       "satisfaction_rating": _nullable("object")}, list(_TICKET_COMMON)),
    "Comment": _object({"id": _ID, "type": {"type": "string"}, "body": {"type": "string"},
                        "public": {"type": "boolean"}, "author_id": _ID, "created_at": _TIME, "via": _VIA,
                        "attachments": {"type": "array", "items": {"$ref": "#/components/schemas/Attachment"}}},
                       ["id", "body", "public", "author_id", "attachments"]),
    "Attachment": _object({"id": _ID, "file_name": {"type": "string"}, "content_url": {"type": "string"},
                           "content_type": {"type": "string"}, "size": {"type": "integer"},
                           "inline": {"type": "boolean"}, "thumbnails": {"type": "array", "items": {"type": "object"}}},
                          ["id", "file_name", "content_url", "content_type", "size", "thumbnails"]),
    "Upload": _object({"token": {"type": "string"}, "expires_at": _TIME,
                       "attachment": {"$ref": "#/components/schemas/Attachment"},
                       "attachments": {"type": "array", "items": {"$ref": "#/components/schemas/Attachment"}}},
                      ["token", "attachment", "attachments"]),
    "User": _object({"id": _ID, "url": {"type": "string"}, "name": {"type": "string"}, "email": {"type": "string"},
                     "role": {"type": "string", "enum": ["end-user", "agent", "admin"]},
                     "role_type": _nullable("integer"), "active": {"type": "boolean"},
                     "locale": _nullable("string"), "phone": _nullable("string"), "details": _nullable("string")},
                    ["id", "name", "email", "role"]),
    "Brand": _object({"id": _ID, "url": {"type": "string"}, "name": {"type": "string"},
                      "subdomain": {"type": "string"}, "host_mapping": _nullable("string")}, ["id", "name"]),
    "TicketForm": _object({"id": _ID, "name": {"type": "string"}, "end_user_visible": {"type": "boolean"},
                           "ticket_field_ids": {"type": "array", "items": _ID}}, ["id", "name", "ticket_field_ids"]),
    "TicketField": _object({"id": _ID, "type": {"type": "string"}, "title": {"type": "string"},
                            "visible_in_portal": {"type": "boolean"}, "editable_in_portal": {"type": "boolean"},
                            "custom_field_options": {"type": "array", "items": {"type": "object"}}},
                           ["id", "type", "title"]),
    "SatisfactionRating": _object({"id": _ID, "score": {"type": "string"}, "comment": _nullable("string"),
                                   "ticket_id": _ID}, ["id", "score", "ticket_id"]),
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _one(key: str, name: str) -> dict:
    return _object({key: _ref(name)}, [key])


def _page(key: str, name: str) -> dict:
    return _object({key: {"type": "array", "items": _ref(name)}, "count": {"type": "integer"},
                    "next_page": _nullable("string"), "previous_page": _nullable("string")},
                   [key, "count", "next_page", "previous_page"])


def _param(name: str, where: str, schema: dict, required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required or where == "path", "schema": schema}


PAGING = [_param("page", "query", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}),
          _param("per_page", "query", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE})]


def _operation(summary: str, ok: dict, status: str = "200", params=(), body: dict | None = None) -> dict:
    responses = {status: ok, **{code: _json(_ref("Error"), "Error") for code in ERROR_STATUSES}}
    operation = {"summary": summary, "parameters": list(params), "responses": responses}
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return operation


def _id(name: str) -> dict:
    return _param(name, "path", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1})


_COMMENT_IN = _object({"body": {"type": "string"}, "public": {"type": "boolean"},
                       "uploads": {"type": "array", "items": {"type": "string"}}})
_CUSTOM_IN = {"type": "array", "items": _object({"id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                                                  "value": {"type": "string"}}, ["id"])}
REQUEST_IN = _object({"request": _object({"subject": {"type": "string"}, "comment": _COMMENT_IN,
                                          "ticket_form_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                                          "custom_fields": _CUSTOM_IN, "solved": {"type": "boolean"}})}, ["request"])
TICKET_IN = _object({"ticket": _object({
    "subject": {"type": "string"}, "comment": _COMMENT_IN, "status": {"type": "string"},
    "priority": {"type": "string"}, "type": {"type": "string"},
    "group_id": _nullable("integer", minimum=1, maximum=2**31 - 1),
    "assignee_id": _nullable("integer", minimum=1, maximum=2**31 - 1),
    "requester_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, "custom_fields": _CUSTOM_IN})},
    ["ticket"])
RATING_IN = _object({"satisfaction_rating": _object({"score": {"type": "string", "enum": ["good", "bad"]},
                                                     "comment": {"type": "string"}})}, ["satisfaction_rating"])


def _upload_operation() -> dict:
    """The file is the raw body (any type: it is sniffed from its bytes), named by `filename`."""
    operation = _operation("Upload a file for a later comment (its token goes in comment.uploads)",
                           _json(_one("upload", "Upload"), "Created"), "201",
                           params=[_param("filename", "query", {"type": "string", "minLength": 1, "maxLength": 10_000},
                                          required=True)])
    operation["responses"]["413"] = _json(_ref("Error"), "Error")
    operation["requestBody"] = {"required": True, "content": {"application/octet-stream": {
        "schema": {"type": "string", "format": "binary"}}}}
    return operation


def _paths() -> dict:
    query = _param("query", "query", {"type": "string", "minLength": 1, "maxLength": 200}, required=True)
    status = _param("status", "query", {"type": "string", "enum": ["new", "open", "pending", "hold", "solved",
                                                                    "closed", "open,pending"]})
    request_id, ticket_id, user_id = _id("request_id"), _id("ticket_id"), _id("user_id")
    requests_page = _json(_page("requests", "Request"))
    return {
        "/requests.json": {
            "get": _operation("Your requests", requests_page, params=[*PAGING, status]),
            "post": _operation("Create a request", _json(_one("request", "Request"), "Created"), "201",
                               body=REQUEST_IN)},
        "/requests/open.json": {"get": _operation("Your unsolved requests", requests_page, params=PAGING)},
        "/requests/solved.json": {"get": _operation("Your solved requests", requests_page, params=PAGING)},
        "/requests/ccd.json": {"get": _operation("Requests you are copied on", requests_page, params=PAGING)},
        "/requests/search.json": {"get": _operation("Search your requests", requests_page, params=[query, *PAGING])},
        "/requests/{request_id}.json": {
            "get": _operation("A request", _json(_one("request", "Request")), params=[request_id]),
            "put": _operation("Comment on or solve a request", _json(_one("request", "Request")),
                              params=[request_id], body=REQUEST_IN)},
        "/requests/{request_id}/comments.json": {
            "get": _operation("A request's public comments", _json(_page("comments", "Comment")),
                              params=[request_id, *PAGING])},
        "/tickets.json": {
            "get": _operation("Tickets you may see", _json(_page("tickets", "Ticket")), params=PAGING),
            "post": _operation("Create a ticket", _json(_one("ticket", "Ticket"), "Created"), "201", body=TICKET_IN)},
        "/tickets/{ticket_id}.json": {
            "get": _operation("A ticket", _json(_one("ticket", "Ticket")), params=[ticket_id]),
            "put": _operation("Update a ticket", _json(_one("ticket", "Ticket")), params=[ticket_id],
                              body=TICKET_IN)},
        "/tickets/{ticket_id}/comments.json": {
            "get": _operation("A ticket's comments", _json(_page("comments", "Comment")),
                              params=[ticket_id, *PAGING])},
        "/tickets/{ticket_id}/satisfaction_rating.json": {
            "post": _operation("Rate your solved request", _json(_one("satisfaction_rating", "SatisfactionRating")),
                               params=[ticket_id], body=RATING_IN)},
        "/uploads.json": {"post": _upload_operation()},
        "/uploads/{token}.json": {"delete": {
            "summary": "Drop an upload not attached yet", "parameters": [_param("token", "path", {"type": "string"})],
            "responses": {"204": {"description": "Dropped"},
                          **{code: _json(_ref("Error"), "Error") for code in ERROR_STATUSES}}}},
        "/users/me.json": {"get": _operation("You", _json(_one("user", "User")))},
        "/users/search.json": {"get": _operation("Search users (agents)", _json(_page("users", "User")),
                                                 params=[query, *PAGING])},
        "/users/{user_id}.json": {"get": _operation("A user", _json(_one("user", "User")), params=[user_id])},
        "/users/{user_id}/requests.json": {"get": _operation("A user's requests", requests_page,
                                                             params=[user_id, *PAGING])},
        "/brands.json": {"get": _operation("This brand", _json(_page("brands", "Brand")))},
        "/brands/{brand_id}.json": {"get": _operation("A brand", _json(_one("brand", "Brand")),
                                                      params=[_id("brand_id")])},
        "/ticket_forms.json": {"get": _operation("Ticket forms", _json(_page("ticket_forms", "TicketForm")))},
        "/ticket_forms/{form_id}.json": {"get": _operation("A ticket form", _json(_one("ticket_form", "TicketForm")),
                                                           params=[_id("form_id")])},
        "/ticket_fields.json": {"get": _operation("Ticket fields", _json(_page("ticket_fields", "TicketField")))},
        "/ticket_fields/{field_id}.json": {
            "get": _operation("A ticket field", _json(_one("ticket_field", "TicketField")), params=[_id("field_id")])},
    }


def document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Guichet API (Zendesk-compatible subset)", "version": "2"},
        "servers": [{"url": request.host_url.rstrip("/") + request.path.rsplit("/", 1)[0]}],
        "security": [{"basic": []}],
        "components": {"securitySchemes": {"basic": {"type": "http", "scheme": "basic",
                                                     "description": "email:password or email/token:TOKEN"}},
                       "schemas": SCHEMAS},
        "paths": _paths(),
    }


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
