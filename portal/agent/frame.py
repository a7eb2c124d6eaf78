"""Workspace pages outside the ticket views (the interaction log, dashboards, user search) in the
workspace's frame (templates/agent/_layout.html): its sidebar of tools and notice switches, and its
live notices, on every workspace page (issue 14)."""
from flask import render_template
from flask_login import current_user

from ..brands import current_brand
from .queries import viewer_for


def render_workspace(template: str, **context) -> str:
    """`template` (which extends agent/_layout.html), with the viewer's notice switches (one statement)."""
    return render_template(template, prefs=viewer_for(current_user, current_brand).preferences, **context)
