"""E-mail delivery status for the brand's admins (DESIGN §14): each message's recipient, subject,
kind, state, tries and the server's last reply, never its body."""
from flask import render_template, request

from ..brands import current_brand
from ..mail.status import delivery_page, kind_label, state_label
from ..numbers import MAX_PAGE, parse_int
from . import bp


@bp.get("/mail")
def mail():
    page = parse_int(request.args.get("page"), 1, MAX_PAGE) or 1
    rows, has_more = delivery_page(current_brand, page)
    return render_template("admin/mail.html", rows=rows, page=page, has_more=has_more,
                           state_label=state_label, kind_label=kind_label)
