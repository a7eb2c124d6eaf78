"""Attached files (DESIGN §15): storage, checks, services, and the download pages."""
from flask import Blueprint

bp = Blueprint("attachments", __name__, url_prefix="/<brand>/attachments")

from . import views, web  # noqa: E402,F401
