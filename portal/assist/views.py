"""Assist pages: the panel, starting, pausing, resuming and ending, registering on behalf.

Each view loads (brand-scoped), asks the policy, calls a service, renders. The interaction log,
Customer 360 and dashboards are in log_views.py.
"""
from flask import jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.services import ServiceError
from ..brands import current_brand
from ..errors import abort_with
from ..i18n import speaks_help_centre_language
from ..numbers import query_id
from ..access import require_assist
from ..policy import REGISTER_USERS, USE_ASSIST, assist_allowed, refusal_to_assist
from ..redirects import safe_local_target
from . import bp
from ..notices import N_, notify
from .queries import find_users, member_or_404, recent_assisted, recent_requests
from .registration import register_on_behalf
from .services import active_assist_of, channels_for, end_assist, pause, resume, \
    services_for, start_assist
from .state import current_assist


def _safe_next() -> str | None:
    """Only a path of this brand: where to go back to (the help-centre page `?asm=true` was on)."""
    target = safe_local_target(request.values.get("next"), "")
    prefix = "/" + current_brand.slug + "/"
    return target if target.startswith(prefix) and "//" not in target else None


def _lists():
    return {"channels": channels_for(current_brand), "services": services_for(current_brand)}


@bp.get("/assist")
@speaks_help_centre_language
@login_required
def panel():
    require_assist(current_brand, USE_ASSIST)
    text = request.args.get("q", "").strip()
    results = find_users(current_brand, text) if text else []
    return render_template("assist/panel.html", q=text, results=results, next=_safe_next(),
                           recent=recent_assisted(current_brand, current_user),
                           may_register=assist_allowed(current_user, current_brand, REGISTER_USERS),
                           refusal=lambda user: refusal_to_assist(current_user, user, current_brand))


def _start_page(user, status=200, error=None, channel=None, service=None):
    refusal = refusal_to_assist(current_user, user, current_brand)
    return render_template(
        "assist/start.html", user=user, refusal=refusal, error=error, next=_safe_next(),
        requests=recent_requests(current_brand, user), current=active_assist_of(current_user),
        chosen_channel=channel, chosen_service=service, **_lists()), status


@bp.get("/assist/start")
@speaks_help_centre_language
@login_required
def start_form():
    require_assist(current_brand, USE_ASSIST)
    return _start_page(member_or_404(current_brand, query_id(request.args.get("user_id")) or 0))


@bp.post("/assist/start")
@speaks_help_centre_language
@login_required
def start():
    require_assist(current_brand, USE_ASSIST)
    user = member_or_404(current_brand, query_id(request.form.get("user_id")) or 0)
    return _start_assisting(user)


def _start_assisting(user):
    channel, service = request.form.get("channel"), request.form.get("service")
    try:
        start_assist(current_user, user, current_brand, channel, service,
                     switch=request.form.get("switch") == "1")
    except ServiceError as error:
        return _start_page(user, error.status, error.message, channel, service)
    notify(N_("Acting as %(name)s has started. What you do in the help centre affects their account "
              "until you end the session."), "warning", name=user.name)
    return redirect(_safe_next() or url_for("helpcenter.home"))


def _current_or_refuse():
    """The assist this session is in, named by the form's interaction_id (a stale tab is told)."""
    state = current_assist()
    wanted = query_id(request.form.get("interaction_id")) or 0
    if state is None or state.interaction.id != wanted:
        from .queries import own_interaction_or_404

        own_interaction_or_404(current_brand, current_user, wanted)  # someone else's: 404
        abort_with(409, _("This assist session has already ended."))
    if state.interaction.brand_id != current_brand.id:
        abort_with(404, _("This assist session belongs to another help centre."))
    return state.interaction


def _back():
    return redirect(_safe_next() or url_for("helpcenter.home"))


@bp.post("/assist/pause")
@login_required
def pause_assist():
    interaction = _current_or_refuse()
    pause(interaction)
    notify(N_("Assist session paused: you are acting as yourself until you resume."), "info")
    return _back()


@bp.post("/assist/resume")
@login_required
def resume_assist():
    interaction = _current_or_refuse()
    resume(interaction)
    notify(N_("Assist session resumed: you are acting as %(name)s again."), "warning", name=interaction.user.name)
    return _back()


@bp.route("/assist/end", methods=["GET", "POST"])
@login_required
def end():
    if request.method == "GET":
        state = current_assist()
        if state is None or state.interaction.brand_id != current_brand.id:
            require_assist(current_brand, USE_ASSIST)  # nothing to end: the page exists only for assistants
            notify(N_("You are not assisting anyone."), "info")
            return redirect(url_for("assist.interactions"))
        return render_template("assist/end.html", interaction=state.interaction)
    interaction = _current_or_refuse()
    try:
        end_assist(interaction, request.form.get("outcome"), request.form.get("note"))
    except ServiceError as error:
        return render_template("assist/end.html", interaction=interaction, error=error.message,
                               note=request.form.get("note", "")), error.status
    notify(N_("The assist session for %(name)s has ended; you are acting as yourself again."), "success",
           name=interaction.user.name)
    return redirect(url_for("assist.interactions"))


@bp.get("/assist/state")
@login_required
def state():
    """The banner's poll; not counted as activity (see state.POLL_ENDPOINT)."""
    current = current_assist()
    if current is None:
        return jsonify(active=False)
    return jsonify(active=True, interaction_id=current.interaction.id, paused=current.interaction.is_paused,
                   elapsed_seconds=current.elapsed_seconds(), idle_seconds_left=current.idle_seconds_left())


# --- registering on behalf -------------------------------------------------------------------------
def _register_page(status=200, error=None, member=None):
    return render_template("assist/register.html", error=error, member=member, values=request.form,
                           member_refusal=member and refusal_to_assist(current_user, member, current_brand)), status


@bp.route("/assist/register", methods=["GET", "POST"])
@login_required
def register():
    require_assist(current_brand, REGISTER_USERS)
    if request.method == "GET":
        return _register_page()
    form = request.form
    try:
        user, member = register_on_behalf(current_user, current_brand, name=form.get("name", ""),
                                          email=form.get("email", ""), phone=form.get("phone"),
                                          address=form.get("address"))
    except ServiceError as error:
        return _register_page(error.status, str(error))
    if member:  # nothing to write (the error answer rolls back): offer to assist them instead
        return _register_page(409, _("%(name)s is already a member of this help centre.", name=user.name), user)
    # The same answer whether or not the e-mail already had an account somewhere (DESIGN §2).
    notify(N_("An invitation was sent to %(email)s. Once they accept it, you can assist them; meanwhile "
              "you can open a request for them in the agent workspace."), "success", email=user.email)
    return redirect(url_for("assist.register"))
