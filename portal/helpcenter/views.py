from flask import render_template
from flask_login import login_required

from . import bp


@bp.get("/")
def home():
    return render_template("helpcenter/home.html")


@bp.get("/requests")
@login_required
def my_activities():
    return render_template("helpcenter/home.html")
