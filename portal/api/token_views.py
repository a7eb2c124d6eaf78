"""The API-token section of the profile: create (the secret shown once) and revoke.
Refused while assisting a user: an agent acting for someone never mints credentials (DESIGN §8)."""
from flask import make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ..access import blocked_while_acting, may_manage_api_tokens
from ..brands import current_brand
from ..errors import abort_with
from . import tokens_bp
from .tokens import MAX_NAME, create_token, revoke_token, tokens_of
from ..service_error import ServiceError
from ..notices import N_, notify


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[DataRequired(_l("Give the token a name, so you know later "
                                                                     "what uses it.")), Length(max=MAX_NAME)])
    submit = SubmitField(_l("Create a token"))


@tokens_bp.app_template_global()
def api_tokens_of(user):
    return tokens_of(user)


@tokens_bp.app_template_global()
def api_token_form():
    return TokenForm(formdata=None)


def _refuse_while_assisting():
    if not may_manage_api_tokens():
        abort_with(403, _("API tokens are blocked while assisting a user."))


@tokens_bp.post("")
@login_required
@blocked_while_acting("api_tokens")
def create():
    _refuse_while_assisting()
    form = TokenForm()
    if not form.validate_on_submit():
        message = next(iter(form.errors.values()), [_("The form is incomplete. Please reload the page.")])[0]
        abort_with(422, message)
    try:
        token, secret = create_token(current_user, form.name.data, brand=current_brand)
    except ServiceError as error:
        abort_with(error.status, str(error))
    response = make_response(render_template("api/token_created.html", token=token, secret=secret), 201)
    response.headers["Cache-Control"] = "no-store"  # the secret must not linger in a cache
    return response


@tokens_bp.post("/<int:token_id>/revoke")
@login_required
@blocked_while_acting("api_tokens")
def revoke(token_id):
    _refuse_while_assisting()
    try:
        token = revoke_token(current_user, token_id, brand=current_brand)
    except ServiceError as error:
        abort_with(error.status, str(error))
    notify(N_("The token %(name)s is revoked."), "success", name=token.name)
    return redirect(url_for("auth.profile", _anchor="api-tokens"))
