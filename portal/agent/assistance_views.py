"""Supervisor assistance endpoints, the polling endpoint and the notification preferences.

Each POST works as a plain form (redirect back to the ticket) and from agent.js (JSON, asked for
with `Accept: application/json`); refusals carry the same status and translated message both ways.
"""
from flask import abort, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import policy
from ..access import reason_text
from ..brands import current_brand
from ..extensions import db
from ..models_base import utcnow
from ..redirects import safe_local_target
from . import bp, queries
from .assistance import (accept_assistance, active_request, end_assistance, post_message, request_assistance,
                         requests_of, save_preferences)
from .models import AssistanceRequest
from . import poll  # noqa: F401  (the polling endpoint)
from .views import load_ticket, render_ticket, workspace_viewer
from ..service_error import ServiceError
from ..notices import N_, notify


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _refuse(error: ServiceError, ticket_id: int):
    """A refusal: JSON for agent.js; else the ticket page again, with the reason and what was
    typed (the assistance reason, a chat message), never a dead-end error page."""
    if _wants_json():
        return jsonify(error=error.message), error.status
    db.session.rollback()  # the page below shows the ticket as stored
    viewer = workspace_viewer()
    return render_ticket(load_ticket(ticket_id, viewer), viewer, error.status, error, request.form)


def _done(ticket_id: int, message: str, **payload):
    """Done: JSON for agent.js, else back to the ticket with `message` (a message id, N_)."""
    if _wants_json():
        return jsonify(ok=True, **payload)
    notify(message, "success")
    return redirect(url_for("agent.ticket", ticket_id=ticket_id) + "#assistance")


def _load_request(request_id: int):
    """An assistance request of this brand on a ticket the viewer may see, else 404."""
    viewer = workspace_viewer()
    assistance = db.session.scalar(
        select(AssistanceRequest).where(AssistanceRequest.id == request_id,
                                        AssistanceRequest.brand_id == current_brand.id)
        .options(joinedload(AssistanceRequest.ticket)))
    if assistance is None:
        abort(404)
    load_ticket(assistance.ticket_id, viewer)
    return assistance


@bp.post("/tickets/<int:ticket_id>/assistance")
@login_required
def request_help(ticket_id):
    ticket = load_ticket(ticket_id, workspace_viewer())
    decision = policy.decide_assistance_request(
        current_user, current_brand, ticket, active=active_request(requests_of(ticket), utcnow()) is not None,
        group_has_supervisor=queries.group_has_supervisor(current_brand, ticket.group_id))
    if not decision.allowed:
        return _refuse(ServiceError(decision.status, reason_text(decision)), ticket.id)
    try:
        assistance = request_assistance(ticket, current_user, request.form.get("reason"), current_brand)
    except ServiceError as error:
        return _refuse(error, ticket.id)
    return _done(ticket.id, N_("Your request for assistance was sent to the group's supervisors."),
                 request_id=assistance.id)


@bp.post("/assistance/<int:request_id>/accept")
@login_required
def accept_help(request_id):
    assistance = _load_request(request_id)
    if not policy.can_answer_assistance(current_user, current_brand,
                                        queries.supervises(current_user, assistance.group_id)):
        return _refuse(ServiceError(403, _("Only a supervisor of the ticket's group can answer.")),
                       assistance.ticket_id)
    try:
        accept_assistance(assistance, current_user, current_brand)
    except ServiceError as error:
        return _refuse(error, assistance.ticket_id)
    return _done(assistance.ticket_id, N_("You are now assisting on this ticket."))


@bp.post("/assistance/<int:request_id>/messages")
@login_required
def help_message(request_id):
    assistance = _load_request(request_id)
    try:
        message = post_message(assistance, current_user, request.form.get("body"))
    except ServiceError as error:
        return _refuse(error, assistance.ticket_id)
    return _done(assistance.ticket_id, N_("Message sent."), message_id=message.id)


@bp.post("/assistance/<int:request_id>/<any(cancelled, done):outcome>")
@login_required
def end_help(request_id, outcome):
    assistance = _load_request(request_id)
    try:
        end_assistance(assistance, current_user, current_brand, outcome)
    except ServiceError as error:
        return _refuse(error, assistance.ticket_id)
    message = N_("The assistance request was cancelled.") if outcome == "cancelled" else \
        N_("The assistance request is marked done.")
    return _done(assistance.ticket_id, message)


@bp.post("/preferences")
@login_required
def preferences():
    workspace_viewer()
    # The e-mail switch changes only when the form carries it (a caller posting the two others leaves it).
    mail = request.form.get("mail_new_in_group") == "1" if "mail_switch" in request.form else None
    prefs = save_preferences(current_user, request.form.get("play_sound") == "1",
                             request.form.get("pop_up") == "1", mail)
    if _wants_json():
        return jsonify(play_sound=prefs.play_sound, pop_up=prefs.pop_up)
    notify(N_("Your notification settings were saved."), "success")
    return redirect(safe_local_target(request.form.get("next"), url_for("agent.home")))
