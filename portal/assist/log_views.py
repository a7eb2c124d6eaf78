"""The interaction log (timesheet), Customer 360 and the dashboards."""
from flask import redirect, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..brands import current_brand
from ..csv_export import csv_response
from ..numbers import parse_int
from .. import policy
from ..access import require_assist
from ..agent.frame import render_workspace
from ..models_base import utcnow
from ..policy import USE_ASSIST, VIEW_REPORTS, assist_allowed, refusal_to_assist, sees_all_interactions
from . import bp
from .models import CHANNEL_LABELS, OUTCOMES
from .queries import (DASHBOARD_PERIODS, dashboard_figures, find_member_by_email, interaction_log,
                      interactions_with, member_or_404, own_interaction_or_404, requests_by_status)
from .services import active_assist_of, channels_for, edit_entry, log_manual, \
    services_for
from ..service_error import ServiceError
from ..notices import N_, notify


def _lists():
    return {"channels": channels_for(current_brand), "services": services_for(current_brand)}


@bp.get("/interactions")
@login_required
def interactions():
    require_assist(current_brand, VIEW_REPORTS)
    # Admins see the whole brand's log; agents see their own timesheet.
    whole_brand = sees_all_interactions(current_user, current_brand)
    entries = interaction_log(current_brand, None if whole_brand else current_user)
    now = utcnow()
    return render_workspace("assist/interactions.html", entries=entries,
                            may_edit=lambda entry: policy.decide_interaction_edit(current_user, entry, now).allowed,
                            may_log=assist_allowed(current_user, current_brand, USE_ASSIST))


def _entry_page(template_values, status=200, error=None):
    return render_workspace("assist/entry.html", error=error, values=request.form or template_values,
                            **template_values, **_lists()), status


@bp.route("/interactions/new", methods=["GET", "POST"])
@login_required
def log_interaction():
    """Log an interaction without assisting (a phone call): channel, service, user, minutes, outcome."""
    require_assist(current_brand, USE_ASSIST)
    if request.method == "GET":
        return _entry_page({"entry": None, "email": request.args.get("email", "")})
    form = request.form
    try:
        log_manual(current_user, current_brand, find_member_by_email(current_brand, form.get("email")),
                   form.get("channel"), form.get("service"), form.get("minutes"), form.get("outcome"),
                   form.get("note"))
    except ServiceError as error:
        return _entry_page({"entry": None}, error.status, error.message)
    notify(N_("The interaction is logged."), "success")
    return redirect(url_for("assist.interactions"))


@bp.route("/interactions/<int:interaction_id>/edit", methods=["GET", "POST"])
@login_required
def edit_interaction(interaction_id):
    """Correct one's own entry of the last 24 hours, or record the outcome of a timed-out one."""
    require_assist(current_brand, VIEW_REPORTS)
    entry = own_interaction_or_404(current_brand, current_user, interaction_id)
    defaults = {"entry": entry, "channel": entry.channel, "service": entry.service,
                "outcome": entry.outcome, "note": entry.note or "", "minutes": entry.seconds_spent // 60}
    if request.method == "GET":
        return _entry_page(defaults)
    form = request.form
    try:
        edit_entry(entry, current_user, channel=form.get("channel"), service=form.get("service"),
                   outcome=form.get("outcome"), note=form.get("note"), minutes=form.get("minutes"))
    except ServiceError as error:
        return _entry_page(defaults, error.status, error.message)
    notify(N_("The entry is saved."), "success")
    return redirect(url_for("assist.interactions"))


@bp.get("/users/<int:user_id>")
@login_required
def customer_360(user_id):
    require_assist(current_brand, VIEW_REPORTS)
    user = member_or_404(current_brand, user_id)
    requests = requests_by_status(current_brand, user)
    rated = [t for tickets in requests.values() for t in tickets if t.rating]
    return render_workspace("assist/customer360.html", user=user, requests=requests, rated=rated,
                            interactions=interactions_with(current_brand, user),
                            may_assist=assist_allowed(current_user, current_brand, USE_ASSIST),
                            refusal=refusal_to_assist(current_user, user, current_brand),
                            current=active_assist_of(current_user), **_lists())


# --- dashboards --------------------------------------------------------------------------------
def _period() -> int:
    days = parse_int(request.args.get("days"), 1, max(DASHBOARD_PERIODS))
    return days if days in DASHBOARD_PERIODS else 30


def _labelled(figures):
    """Translate channel and outcome codes for display; names and services stay as they are."""
    none = _("Not recorded yet")
    return {
        "agent": figures["agent"],
        "service": figures["service"],
        "channel": [(str(CHANNEL_LABELS.get(code, code)), value) for code, value in figures["channel"]],
        "outcome": [(str(OUTCOMES[code]) if code in OUTCOMES else none, value)
                    for code, value in figures["outcome"]],
    }


def _titles():
    return {"agent": _("Time spent by agent (minutes)"), "service": _("Time spent by service (minutes)"),
            "channel": _("Time spent by channel (minutes)"), "outcome": _("Interactions by outcome")}


@bp.get("/dashboards")
@login_required
def dashboards():
    require_assist(current_brand, VIEW_REPORTS)
    days = _period()
    return render_workspace("assist/dashboards.html", days=days, periods=DASHBOARD_PERIODS,
                            figures=_labelled(dashboard_figures(current_brand, days)), titles=_titles(),
                            minutes=lambda value: format_decimal(value, "#,##0.0"),
                            count_format=lambda value: format_decimal(int(value)))


@bp.get("/dashboards.csv")
@login_required
def dashboards_csv():
    require_assist(current_brand, VIEW_REPORTS)
    days = _period()
    titles = _titles()
    rows = [[titles[key], label, round(float(value), 1) if key != "outcome" else int(value)]
            for key, figures in _labelled(dashboard_figures(current_brand, days)).items() for label, value in figures]
    return csv_response([_("Chart"), _("Label"), _("Value")], rows,
                        f"assisted-service-{current_brand.slug}-{days}d.csv")
