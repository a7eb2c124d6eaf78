"""Accepting or declining a brand's invitation: from the mailed link, or signed in (DESIGN §2).

A GET only shows the invitation; the POST decides. The link's secret proves the mailbox, so it
needs no session; a password-less account chooses its first password while accepting.
"""
from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..brands import current_brand
from ..errors import abort_with
from . import bp
from .invitations import accept, decline, invitation_for_token, pending_invitation
from ..service_error import ServiceError
from ..notices import N_, notify


def _invitation_page(invitation, token=None, error=None, status=200):
    return render_template("auth/invitation.html", invitation=invitation, token=token, error=error,
                           needs_password=invitation.user.password_hash is None), status


def _decide(invitation, token=None):
    if request.method == "GET":
        return _invitation_page(invitation, token)
    if request.form.get("decision") == "decline":
        decline(invitation)
        notify(N_("You declined the invitation. %(brand)s keeps only your e-mail address on requests "
                  "opened for you."), "info", brand=current_brand.name)
        return redirect(url_for("helpcenter.home"))
    signed_in_as_invitee = current_user.is_authenticated and current_user.id == invitation.user_id
    try:
        accept(invitation, request.form.get("password"))
    except ServiceError as error:
        return _invitation_page(invitation, token, str(error), error.status)
    notify(N_("Welcome to the %(brand)s help centre."), "success", brand=current_brand.name)
    if signed_in_as_invitee:
        return redirect(url_for("helpcenter.home"))
    return redirect(url_for("auth.signin"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token):
    found = invitation_for_token(current_brand, token)
    if found is None:
        abort_with(404, _("This invitation is no longer valid. Ask the help centre's team for a new one."))
    return _decide(found, token)


@bp.route("/invitation", methods=["GET", "POST"])
@login_required
def my_invitation():
    """The signed-in person's invitation to this help centre (where signing in sends them)."""
    found = pending_invitation(current_brand, current_user)
    if found is None:
        abort_with(404, _("You have no invitation to this help centre."))
    return _decide(found)
