from flask import Blueprint

bp = Blueprint("agent", __name__, url_prefix="/<brand>/agent")

from . import assistance_views, mail_views, views  # noqa: E402,F401
