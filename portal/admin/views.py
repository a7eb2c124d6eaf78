"""Admin home, brand settings and the audit log."""
from flask import redirect, render_template, request, url_for
from flask_babel import format_decimal

from ..brands import current_brand
from ..brands.colours import DEFAULT_COLOUR, is_colour, light_text_shortfall
from ..brands.settings import SETTINGS, settings_for
from ..extensions import db
from ..numbers import MAX_PAGE, parse_int
from . import bp
from ..notices import N_, notify
from .common import ServiceError
from .forms import SETTING_CHOICE_LABELS
from .audit_log import action_choices, audit_page, read_filter
from .services import update_colour, update_settings


@bp.get("/")
def home():
    return render_template("admin/home.html")


def _as_typed(stored: dict, posted: dict[str, list[str]]) -> dict:
    """The settings page's values after a refusal: what the admin typed, over the stored ones, as
    the template shows each kind (nothing typed is lost; nothing of it was saved)."""
    shown = dict(stored)
    for key, values in posted.items():
        setting = SETTINGS.get(key)
        if setting is None:
            continue
        if setting.kind is bool:
            shown[key] = "1" in values
        elif setting.kind is list:
            shown[key] = [v for v in values if v] if setting.choices else values[-1:]
        else:
            shown[key] = values[-1] if values else ""
    return shown


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    error = None
    status = 200
    values = settings_for(current_brand).as_dict()
    typed_colour = None
    if request.method == "POST":
        posted = {key: request.form.getlist(key) for key in request.form if key != "csrf_token"}
        colour = posted.pop("colour", None)
        try:
            changed = update_settings(current_brand, posted)
            if colour is not None:
                changed |= update_colour(current_brand, colour[-1])
        except ServiceError as refusal:
            db.session.rollback()  # nothing is saved; the page below shows what was typed
            error, status = refusal, refusal.status
            values = _as_typed(values, posted)
            typed_colour = colour[-1] if colour else None
        else:
            notify(N_("Settings saved.") if changed else N_("Nothing changed."), "success")
            return redirect(url_for("admin.settings"))
    colour = current_brand.colour if is_colour(current_brand.colour) else DEFAULT_COLOUR
    shortfall = light_text_shortfall(colour)
    return render_template("admin/settings.html", settings=SETTINGS.values(),
                           values=values, choice_labels=SETTING_CHOICE_LABELS,
                           error=error, colour=colour, typed_colour=typed_colour,
                           # cut, not rounded: 4.496 must not read "4.50 is too little"
                           colour_shortfall=format_decimal(int(shortfall * 100) / 100, "0.00") if shortfall else None), status


@bp.get("/audit")
def audit():
    wanted, errors = read_filter(request.args, parse_int(request.args.get("page"), 1, MAX_PAGE) or 1)
    rows, has_more = audit_page(current_brand, wanted)
    return render_template("admin/audit.html", rows=rows, wanted=wanted, has_more=has_more, errors=errors,
                           actions=action_choices()), 400 if errors else 200
