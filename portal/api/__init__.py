"""The Zendesk-compatible REST API at /<brand>/api/v2/… (DESIGN §11, issue 7), and the API-token
pages of the profile.

Authentication is HTTP Basic only (password or API token); the browser's session cookie is never
read here, which is why the blueprint is exempt from CSRF.
"""
from flask import Blueprint
from werkzeug.exceptions import HTTPException

bp = Blueprint("api", __name__, url_prefix="/<brand>/api/v2")
tokens_bp = Blueprint("api_tokens", __name__, url_prefix="/<brand>/hc/<locale>/profile/tokens")


@bp.record_once
def _exempt_from_csrf(state):
    from ..extensions import csrf

    csrf.exempt(bp)


def _install():
    from .auth import add_rate_headers, authenticate, ignore_browser_session
    from .errors import handle_http_error

    bp.url_value_preprocessor(ignore_browser_session)
    bp.before_request(authenticate)
    bp.after_request(add_rate_headers)
    bp.register_error_handler(HTTPException, handle_http_error)


_install()
from . import openapi, requests, resources, tickets, token_views, uploads  # noqa: E402,F401
