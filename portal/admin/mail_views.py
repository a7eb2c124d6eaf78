"""E-mail for the brand's admins (DESIGN §14): each sent message's recipient, subject, kind, state,
tries and the server's last reply, never its body; received mail that was rejected or ignored,
with its reason and its original."""
from flask import abort, render_template, request

from ..brands import current_brand
from ..mail.inbox import original_response, outcome_label, reason_label, refused_original, refused_page
from ..mail.status import delivery_page, kind_label, state_label
from ..numbers import MAX_PAGE, parse_int
from . import bp


@bp.get("/mail")
def mail():
    page = parse_int(request.args.get("page"), 1, MAX_PAGE) or 1
    rows, has_more = delivery_page(current_brand, page)
    return render_template("admin/mail.html", rows=rows, page=page, has_more=has_more,
                           state_label=state_label, kind_label=kind_label)


@bp.get("/mail/rejected")
def rejected_mail():
    """Received mail that became nothing, with the reason (DESIGN §14): rejected or ignored."""
    page = parse_int(request.args.get("page"), 1, MAX_PAGE) or 1
    rows, has_more = refused_page(current_brand, page)
    return render_template("admin/mail_rejected.html", rows=rows, page=page, has_more=has_more,
                           reason_label=reason_label, outcome_label=outcome_label)


@bp.get("/mail/rejected/<int:inbound_id>")
def rejected_original(inbound_id):
    raw = refused_original(current_brand, inbound_id)
    if raw is None:
        abort(404)
    return original_response(raw, f"rejected-{inbound_id}")
