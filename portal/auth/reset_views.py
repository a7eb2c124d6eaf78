"""Password reset pages: asking for a link, and setting a new password from it."""
from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..brands import current_brand
from ..errors import abort_with
from ..service_error import ServiceError
from . import bp
from ..notices import N_, notify
from .forms import ForgotForm, ResetForm
from .models import PasswordResetToken
from .reset import apply_password_reset, request_password_link, valid_token
from .sessions import current_session_row, end_session
from .throttle import client_address, record_reset_request, too_many_reset_requests


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotForm()
    if not form.validate_on_submit():
        return render_template("auth/forgot.html", form=form), 422 if request.method == "POST" else 200
    address = client_address()
    if too_many_reset_requests(address):
        # Worded for the address, not the account: the same answer whether or not it exists.
        notify(N_("Too many password reset requests from this network. Please try again later."), "danger")
        return render_template("auth/forgot.html", form=form), 429
    record_reset_request(form.email.data, address)
    request_password_link(current_brand, form.email.data)
    return render_template("auth/forgot.html", form=None, sent=True)


def _token_or_404() -> PasswordResetToken:
    token = valid_token(request.view_args["token"])
    if token is None:
        abort_with(404, _("This link is no longer valid. Ask for a new one with “Forgot your password?”."))
    return token


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    link = _token_or_404()
    form = ResetForm()
    if not form.validate_on_submit():
        return render_template("auth/reset.html", form=form), 422 if request.method == "POST" else 200
    try:
        apply_password_reset(link, form.password.data, brand=current_brand)
    except ServiceError as error:
        form.password.errors = [*form.password.errors, str(error)]
        return render_template("auth/reset.html", form=form), error.status
    this_session = current_session_row()
    if this_session is not None and this_session.user_id == link.user_id:
        end_session()  # its row is gone already; this clears the cookie
    notify(N_("Your password is changed. Sign in with it."), "success")
    return redirect(url_for("auth.signin"))
