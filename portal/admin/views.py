"""Admin home, brand settings and the audit log."""
from flask import redirect, render_template, request, url_for

from ..audit.labels import action_label
from ..brands import current_brand
from ..brands.settings import SETTINGS, settings_for
from ..extensions import db
from ..numbers import MAX_PAGE, parse_int
from . import bp
from ..notices import N_, notify
from .common import ServiceError
from .forms import SETTING_CHOICE_LABELS
from .services import audit_page, update_settings


@bp.get("/")
def home():
    return render_template("admin/home.html")


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    error = None
    status = 200
    if request.method == "POST":
        posted = {key: request.form.getlist(key) for key in request.form if key != "csrf_token"}
        try:
            changed = update_settings(current_brand, posted)
        except ServiceError as refusal:
            db.session.rollback()  # the page below shows the stored settings, not the refused ones
            error, status = refusal, refusal.status
        else:
            notify(N_("Settings saved.") if changed else N_("Nothing changed."), "success")
            return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", settings=SETTINGS.values(),
                           values=settings_for(current_brand), choice_labels=SETTING_CHOICE_LABELS,
                           error=error), status


@bp.get("/audit")
def audit():
    page = parse_int(request.args.get("page"), 1, MAX_PAGE) or 1
    rows, has_more = audit_page(current_brand, page)
    return render_template("admin/audit.html", rows=rows, page=page, has_more=has_more,
                           action_label=action_label)
