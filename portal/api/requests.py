"""Requests: the end-user view of tickets (Zendesk's /api/v2/requests), under DESIGN §5.

Agents are end users here: refused with 403 when the brand's agents_manage_requests is off, and
held to §5's limits by the same policy and services the help centre uses.
"""
from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from .. import policy
from ..attachments import services as attachments
from ..brands import current_brand
from ..tickets import fields as ticket_fields
from ..tickets import queries, services
from ..tickets.models import STATUSES, UNSOLVED_STATUSES
from . import bp
from .access import as_id, custom_field_values, load_request, require, requests_person
from .common import comment_of, json_body, page_args, paged, route, string_arg
from .errors import field_details, refuse
from .serializers import comments_json, load_extras, rating_json, request_json
from ..actor import Actor
from ..service_error import ServiceError

SOLVED_STATUSES = ("solved", "closed")
API_CHANNEL = "api"


def _actor(person) -> Actor:
    """The API's caller acts as themselves, on the API channel."""
    return Actor.itself(person, API_CHANNEL)


def _service(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except ServiceError as error:
        refuse(error.status, error.message)


def requests_page(person, tab="requested", status=None, subject_contains=None):
    page, per_page = page_args()
    found = queries.my_requests(current_brand, person, tab=tab, status=status, page=page, per_page=per_page,
                                subject_contains=subject_contains)
    extras = load_extras(found.items)
    items = [request_json(t, extras, person, current_brand) for t in found.items]
    return paged("requests", items, found.total, page, per_page)


def _status_filter():
    raw = string_arg("status")
    if not raw:
        return None
    wanted = tuple(s.strip() for s in raw.split(",") if s.strip())
    unknown = [s for s in wanted if s not in STATUSES]
    if unknown:
        refuse(400, _("Unknown status %(status)s.", status=unknown[0][:40]))
    return wanted


@route(bp, "/requests", methods=["GET"])
def list_requests():
    return requests_page(requests_person(), status=_status_filter())


@route(bp, "/requests/open", methods=["GET"])
def open_requests():
    return requests_page(requests_person(), status=UNSOLVED_STATUSES)


@route(bp, "/requests/solved", methods=["GET"])
def solved_requests():
    return requests_page(requests_person(), status=SOLVED_STATUSES)


@route(bp, "/requests/ccd", methods=["GET"])
def ccd_requests():
    return requests_page(requests_person(), tab="ccd", status=_status_filter())


@route(bp, "/requests/search", methods=["GET"])
def search_requests():
    query = string_arg("query")
    if not query:
        refuse(400, _("Say what to search for in the query parameter."))
    return requests_page(requests_person(), subject_contains=query, status=_status_filter())


def _one(ticket, status=200):
    return jsonify(request=request_json(ticket, load_extras([ticket]), current_user, current_brand)), status


@route(bp, "/requests/<int:request_id>", methods=["GET"])
def show_request(request_id):
    return _one(load_request(request_id))


@route(bp, "/requests/<int:request_id>/comments", methods=["GET"])
def request_comments(request_id):
    ticket = load_request(request_id)
    page, per_page = page_args()
    thread = queries.public_thread(ticket)
    shown = thread[(page - 1) * per_page: page * per_page]
    return paged("comments", comments_json(shown), len(thread), page, per_page)


def _request_form(payload):
    """The named form (checked like the help centre's), else the brand's first end-user form."""
    form_id = as_id(payload.get("ticket_form_id"), _("ticket_form_id must be a number."))
    if form_id is None:
        forms = queries.portal_forms(current_brand)
        return queries.form_in_brand(current_brand, forms[0].id) if forms else None
    form = queries.form_in_brand(current_brand, form_id)
    if form is None:
        refuse(404, _("This form does not exist."))
    require(policy.SUBMIT_FORM, form=form)
    return form


def _check_submission(form, subject, body, custom_fields) -> tuple[dict, dict]:
    """Every problem at once, Zendesk-style: (field values, details by subject/description/field)."""
    details = {}
    for key, check, value in (("subject", services.check_subject, subject), ("description", services.check_body, body)):
        try:
            check(value)
        except ServiceError as error:
            details[key] = [{"description": error.message}]
    values = {}
    if form is not None:
        check = ticket_fields.check_fields(form, custom_field_values(custom_fields), ticket_fields.END_USER,
                                          enforce_required=True)
        values = check.filled
        details.update(field_details(check.errors))
    return values, details


@route(bp, "/requests", methods=["POST"])
def create_request():
    person = requests_person()
    payload = json_body("request")
    comment = comment_of(payload)
    subject = payload.get("subject")
    if subject is not None and not isinstance(subject, str):
        refuse(422, _("Please enter a subject."))
    form = _request_form(payload)
    values, details = _check_submission(form, subject, comment.get("body"), payload.get("custom_fields"))
    if details:
        refuse(422, next(iter(details.values()))[0]["description"], details)
    files = _service(attachments.claim, current_brand, _actor(person), comment.get("uploads"))
    ticket = _service(services.create_request, current_brand, form, person, _actor(person), subject,
                      comment.get("body"), values, files=files)
    return _one(ticket, 201)


@route(bp, "/requests/<int:request_id>", methods=["PUT"])
def update_request(request_id):
    """A comment, and/or `solved: true`; every permission is checked before anything is written."""
    ticket = load_request(request_id)
    payload = json_body("request")
    comment = comment_of(payload)
    body = comment.get("body")
    solved = payload.get("solved", False)
    if not isinstance(solved, bool):
        refuse(422, _("solved must be true or false."))
    if solved:
        require(policy.MARK_SOLVED, ticket=ticket)
    if body is not None or comment.get("uploads") is not None:
        require(policy.COMMENT, ticket=ticket)
        _service(services.check_body, body)
        files = _service(attachments.claim, current_brand, _actor(current_user), comment.get("uploads"))
        _service(services.add_comment, ticket, _actor(current_user), body, public=True, files=files)
    if solved:
        _service(services.mark_solved, ticket, _actor(current_user))
    return _one(ticket)


@route(bp, "/tickets/<int:ticket_id>/satisfaction_rating", methods=["POST"])
def rate_ticket(ticket_id):
    """The requester rates their solved request (end users only, DESIGN §4, §5.6)."""
    ticket = load_request(ticket_id, policy.RATE)
    payload = json_body("satisfaction_rating")
    comment = payload.get("comment")
    if comment is not None and not isinstance(comment, str):
        refuse(422, _("The comment must be text."))
    _service(services.rate, ticket, _actor(current_user), payload.get("score"), comment)
    return jsonify(satisfaction_rating=rating_json(ticket))
