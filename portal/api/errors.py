"""Errors in Zendesk's shape: {"error": …, "description": …, "details": …} (issue 7).

Zendesk clients (zenpy) read `error` to pick an exception: "RecordNotFound" for 404,
"RecordInvalid" for 422. Descriptions are translated, like every other message.
"""
from flask import jsonify
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException


def _kinds():
    return {
        400: ("InvalidRequest", _("The request is not valid.")),
        401: ("Couldn't authenticate you", _("Sign in with your e-mail address and password, "
                                             "or with your e-mail address and an API token.")),
        403: ("Forbidden", _("You do not have access to this.")),
        404: ("RecordNotFound", _("Not found")),
        405: ("MethodNotAllowed", _("This method is not allowed here.")),
        409: ("Conflict", _("This conflicts with the current state of the record.")),
        413: ("TooLarge", _("The request is too large.")),
        415: ("UnsupportedMediaType", _("Send JSON with the Content-Type application/json.")),
        422: ("RecordInvalid", _("Record validation errors")),
        429: ("TooManyRequests", _("Too many requests. Wait a little and try again.")),
    }


class ApiError(HTTPException):
    """Raised anywhere in the API; rendered by `error_response`."""

    def __init__(self, status: int, description: str | None = None, details: dict | None = None,
                 headers: dict | None = None, error: str | None = None):
        super().__init__(description)
        self.code = status
        self.api_description = description
        self.details = details
        self.extra_headers = headers or {}
        self.error_name = error


def error_response(status: int, description: str | None = None, details: dict | None = None, headers=None,
                   error_name: str | None = None):
    error, default = _kinds().get(status, ("Error", _("Something went wrong")))
    error = error_name or error
    body = {"error": error, "description": description or default}
    if details:
        body["details"] = details
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Basic realm="Guichet API"'
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def handle_http_error(error: HTTPException):
    if isinstance(error, ApiError):
        return error_response(error.code, error.api_description, error.details, error.extra_headers,
                              error.error_name)
    return error_response(error.code or 500, getattr(error, "guichet_message", None))


def base_details(message: str) -> dict:
    return {"base": [{"description": message}]}


def field_details(field_errors: dict) -> dict:
    """{field_id: message} -> Zendesk's details keyed by the custom field."""
    return {f"custom_field_{field_id}": [{"description": message}] for field_id, message in field_errors.items()}


def refuse(status: int, message: str | None = None, details: dict | None = None, error: str | None = None):
    """Stop with an API error; a 422 without details carries its message under `base`. `error`
    names a kind Zendesk gives its own name (e.g. "UpdateConflict")."""
    if status == 422 and details is None and message:
        details = base_details(message)
    raise ApiError(status, message, details, error=error)
