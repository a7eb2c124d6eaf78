"""User search pages: the full page (works without JavaScript) and its as-you-type JSON twin."""
from flask import jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import policy
from ..agent.frame import render_workspace
from ..brands import current_brand
from ..errors import abort_with
from . import bp, results, services


def _find():
    """Load -> check -> search; returns (query, results)."""
    if not policy.can_search_users(current_user, current_brand):
        abort_with(403, _("Only agents and administrators of this brand can search users."))
    query = request.args.get("q", "")
    hits = services.search_users(current_brand, query)
    return query, results.describe(current_brand, hits)


def customer_url(user_id: int) -> str:
    """Customer 360 lives at /<brand>/agent/users/<id> (DESIGN §11)."""
    return f"{url_for('search.users')}/{user_id}"


@bp.get("")
@login_required
def users():
    query, found = _find()
    return render_workspace("search/users.html", query=query, results=found, customer_url=customer_url)


@bp.get("/suggest")
@login_required
def suggest():
    query, found = _find()
    html = render_template("search/_results.html", query=query, results=found, customer_url=customer_url)
    return jsonify(query=query, count=len(found), html=html,
                   results=[{"id": r.user.id, "name": r.user.name, "email": r.user.email,
                             "phone": r.user.phone, "role": r.role, "url": customer_url(r.user.id)}
                            for r in found])
