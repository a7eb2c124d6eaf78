"""Users, brands, ticket forms and ticket fields, each as the caller's role in this brand may see."""
from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import policy
from ..agent import queries
from ..agent.queries import viewer_for, workspace_scope
from ..auth.models import User
from ..brands import current_brand
from ..brands.models import Membership
from ..extensions import db
from ..search import results as search_results
from ..search import search_users
from ..tickets.models import FormField, Ticket, TicketField, TicketForm
from . import bp
from .access import requests_person
from .common import page_args, paged, route, string_arg
from .errors import refuse
from .requests import requests_page
from .serializers import brand_json, field_json, form_json, load_extras, request_json, user_json

SEARCH_LIMIT = 1000


def _member(user_id: int):
    """(user, role) of a member of this brand, or a 404."""
    row = db.session.execute(select(User, Membership.role).join(Membership, Membership.user_id == User.id)
                             .where(User.id == user_id, Membership.brand_id == current_brand.id)).first()
    if row is None:
        refuse(404)
    return row[0], row[1]


def _visible_member(user_id: int):
    """(user, role, view) of a member the caller may read (policy.person_view): another brand's
    person is a 404 (DESIGN §2), a member the caller may not read a 403."""
    user, role = _member(user_id)
    view = policy.person_view(current_user, current_brand, user_id,
                              lambda: queries.on_ticket_seen_by(current_user, current_brand, user_id))
    if view is None:
        refuse(403, _("You may not see this person."))
    return user, role, view


@route(bp, "/users/me", methods=["GET"])
def me():
    return jsonify(user=user_json(current_user, policy.role_of(current_user, current_brand)))


@route(bp, "/users/<int:user_id>", methods=["GET"])
def show_user(user_id):
    user, role, view = _visible_member(user_id)
    return jsonify(user=user_json(user, role, full=view == policy.PERSON_FULL))


@route(bp, "/users/search", methods=["GET"])
def search():
    if not policy.can_search_users(current_user, current_brand):
        refuse(403, _("Only agents and administrators of this brand can search users."))
    query = string_arg("query")
    if not query:
        refuse(400, _("Say what to search for in the query parameter."))
    page, per_page = page_args()
    found = search_results.describe(current_brand, search_users(current_brand, query, limit=SEARCH_LIMIT))
    shown = found[(page - 1) * per_page: page * per_page]
    return paged("users", [user_json(r.user, r.role) for r in shown], len(found), page, per_page)


@route(bp, "/users/<int:user_id>/requests", methods=["GET"])
def user_requests(user_id):
    """Your own requests (the Requests API's rules), or, for staff, a member's within their scope."""
    user, _role, _view = _visible_member(user_id)
    if user.id == current_user.id:
        return requests_page(requests_person())
    viewer = viewer_for(current_user, current_brand)
    page, per_page = page_args()
    query = (select(Ticket).where(*workspace_scope(viewer), Ticket.requester_id == user.id)
             .order_by(Ticket.updated_at.desc(), Ticket.id.desc()))
    found = db.paginate(query, page=page, per_page=per_page, error_out=False)
    extras = load_extras(found.items)
    return paged("requests", [request_json(t, extras, current_user, current_brand) for t in found.items],
                 found.total, page, per_page)


@route(bp, "/brands", methods=["GET"])
def list_brands():
    return paged("brands", [brand_json(current_brand)], 1, 1, 1)


@route(bp, "/brands/<int:brand_id>", methods=["GET"])
def show_brand(brand_id):
    if brand_id != current_brand.id:
        refuse(404)
    return jsonify(brand=brand_json(current_brand))


def _agent_view() -> bool:
    """Staff see every active form and field; end users only what the help centre shows (§5.3)."""
    return policy.can_use_workspace(current_user, current_brand)


def _fields_shown(fields) -> list:
    if _agent_view():
        return [f for f in fields if f.active]
    return [f for f in fields if f.active and policy.field_visible_in_portal(f)]


def _forms():
    query = (select(TicketForm).where(TicketForm.brand_id == current_brand.id, TicketForm.active.is_(True))
             .options(selectinload(TicketForm.form_fields).joinedload(FormField.field),
                      selectinload(TicketForm.conditions))
             .order_by(TicketForm.position, TicketForm.name, TicketForm.id))
    if not _agent_view():
        query = query.where(TicketForm.end_user_visible.is_(True))
    return list(db.session.scalars(query))


@route(bp, "/ticket_forms", methods=["GET"])
def list_ticket_forms():
    forms = _forms()
    agent_view = _agent_view()
    return paged("ticket_forms", [form_json(f, _fields_shown(f.fields), agent_view) for f in forms],
                 len(forms), 1, len(forms) or 1)


@route(bp, "/ticket_forms/<int:form_id>", methods=["GET"])
def show_ticket_form(form_id):
    form = next((f for f in _forms() if f.id == form_id), None)
    if form is None:
        refuse(404)
    return jsonify(ticket_form=form_json(form, _fields_shown(form.fields), _agent_view()))


def _fields():
    return _fields_shown(db.session.scalars(
        select(TicketField).where(TicketField.brand_id == current_brand.id).order_by(TicketField.id)))


@route(bp, "/ticket_fields", methods=["GET"])
def list_ticket_fields():
    fields = _fields()
    return paged("ticket_fields", [field_json(f) for f in fields], len(fields), 1, len(fields) or 1)


@route(bp, "/ticket_fields/<int:field_id>", methods=["GET"])
def show_ticket_field(field_id):
    found = next((f for f in _fields() if f.id == field_id), None)
    if found is None:
        refuse(404)
    return jsonify(ticket_field=field_json(found))
