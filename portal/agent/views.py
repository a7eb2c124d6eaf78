from flask import render_template
from flask_login import login_required

from . import bp


@bp.get("/")
@login_required
def home():
    return render_template("agent/home.html")


# Placeholders until the agent-workspace issue lands; the endpoint names and URLs are final.
@bp.get("/tickets/<int:ticket_id>")
@login_required
def ticket(ticket_id):
    return render_template("agent/home.html")


@bp.get("/tickets/new")
@login_required
def new_ticket():
    return render_template("agent/home.html")
