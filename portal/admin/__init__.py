"""Brand administration: settings, ticket forms and fields, members and groups (DESIGN §2-§4).

Only the brand's admins get in. Anyone signed out is sent to sign in; everyone else, admins of
other brands included, gets a 404, so the pages do not even reveal they exist.
"""
from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user

from .. import policy
from ..brands import current_brand

bp = Blueprint("admin", __name__, url_prefix="/<brand>/admin")


@bp.before_request
def require_brand_admin():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.signin", next=request.full_path if request.query_string else request.path))
    if not policy.is_brand_admin(current_user, current_brand):
        abort(404)
    return None


from . import mail_views, people_views, ticket_views, views  # noqa: E402,F401
