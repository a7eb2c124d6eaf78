from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/<brand>/hc/<locale>")

from . import views  # noqa: E402,F401
from . import reset_views  # noqa: E402,F401
from . import invitation_views  # noqa: E402,F401
