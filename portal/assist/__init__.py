"""Assisted service (DESIGN §8): an agent acts on a user's behalf, fully attributed."""
from flask import Blueprint

bp = Blueprint("assist", __name__, url_prefix="/<brand>/agent")

from . import log_views, views  # noqa: E402,F401
from .state import register_state_hooks  # noqa: E402

register_state_hooks(bp)
