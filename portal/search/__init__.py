"""User search behind a small interface (DESIGN §7)."""
from flask import Blueprint

bp = Blueprint("search", __name__, url_prefix="/<brand>/agent/users")

from . import views  # noqa: E402,F401
