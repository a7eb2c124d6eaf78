from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..brands import current_brand
from ..extensions import db
from . import bp
from .forms import SigninForm
from .models import User
from .passwords import burn_time, verify_password
from .sessions import end_session, start_session


def _safe_next(default: str) -> str:
    target = request.values.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else default


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    form = SigninForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is None:
            burn_time(form.password.data)
        if user is not None and user.active and verify_password(user, form.password.data):
            start_session(user)
            db.session.commit()
            return redirect(_safe_next(url_for("helpcenter.home")))
        flash(_("Wrong e-mail or password."), "error")
        return render_template("auth/signin.html", form=form), 401
    status = 422 if request.method == "POST" else 200
    return render_template("auth/signin.html", form=form), status


@bp.post("/signout")
def signout():
    end_session()
    db.session.commit()
    flash(_("You are signed out."), "info")
    return redirect(url_for("helpcenter.home"))


@bp.get("/signup")
def signup():
    return render_template("auth/signin.html", form=SigninForm())


@bp.get("/profile")
@login_required
def profile():
    return render_template("auth/profile.html", user=current_user, brand=current_brand)
