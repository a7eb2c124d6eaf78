"""Files browsers fetch at fixed paths on their own, outside /static/."""
from flask import Blueprint, current_app, send_from_directory

bp = Blueprint("static_routes", __name__)

ICON_MAX_AGE = 7 * 24 * 3600  # browsers cache it anyway; a changed icon shows within a week


@bp.get("/favicon.ico")
@bp.get("/<brand>/favicon.ico")  # a host mapped to a brand prefixes every path with its slug
def favicon():
    return send_from_directory(current_app.static_folder, "favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=ICON_MAX_AGE)
