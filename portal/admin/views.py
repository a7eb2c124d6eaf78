"""Admin home, brand settings and the audit log."""
from flask import redirect, render_template, request, url_for
from flask_babel import format_decimal

from ..audit.labels import action_label
from ..brands import current_brand
from ..brands.colours import DEFAULT_COLOUR, is_colour, light_text_shortfall
from ..brands.settings import SETTINGS, settings_for
from ..extensions import db
from ..numbers import MAX_PAGE, parse_int
from . import bp
from ..notices import N_, notify
from .common import ServiceError
from .forms import SETTING_CHOICE_LABELS
from .services import audit_page, update_colour, update_settings


@bp.get("/")
def home():
    return render_template("admin/home.html")


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    error = None
    status = 200
    if request.method == "POST":
        posted = {key: request.form.getlist(key) for key in request.form if key != "csrf_token"}
        colour = posted.pop("colour", None)
        try:
            changed = update_settings(current_brand, posted)
            if colour is not None:
                changed |= update_colour(current_brand, colour[-1])
        except ServiceError as refusal:
            db.session.rollback()  # the page below shows the stored settings, not the refused ones
            error, status = refusal, refusal.status
        else:
            notify(N_("Settings saved.") if changed else N_("Nothing changed."), "success")
            return redirect(url_for("admin.settings"))
    colour = current_brand.colour if is_colour(current_brand.colour) else DEFAULT_COLOUR
    shortfall = light_text_shortfall(colour)
    return render_template("admin/settings.html", settings=SETTINGS.values(),
                           values=settings_for(current_brand), choice_labels=SETTING_CHOICE_LABELS,
                           error=error, colour=colour,
                           # cut, not rounded: 4.496 must not read "4.50 is too little"
                           colour_shortfall=format_decimal(int(shortfall * 100) / 100, "0.00") if shortfall else None), status


@bp.get("/audit")
def audit():
    page = parse_int(request.args.get("page"), 1, MAX_PAGE) or 1
    rows, has_more = audit_page(current_brand, page)
    return render_template("admin/audit.html", rows=rows, page=page, has_more=has_more,
                           action_label=action_label)
