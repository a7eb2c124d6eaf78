from flask import render_template
from flask_login import login_required

from . import bp


@bp.get("")
@login_required
def users():
    return render_template("agent/home.html")
