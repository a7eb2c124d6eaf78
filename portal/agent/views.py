"""Agent workspace pages: views (lists), the ticket page and its update, new ticket on behalf.

Every view: load (brand-scoped) -> check (portal.policy) -> call a service -> render.
"""
from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import policy
from ..access import current_actor
from ..attachments import services as attachments
from ..attachments import web as attachment_forms
from ..brands import current_brand
from ..errors import abort_with
from ..extensions import db
from ..models_base import utcnow
from ..numbers import MAX_ID, MAX_PAGE, parse_int, query_id
from ..tickets.models import PRIORITIES, TYPES, TicketForm
from ..tickets.queries import form_in_brand
from . import bp, inputs, queries
from .assistance import requests_of
from .page import assignee_choices, assistance_state, field_views
from .services import WORKSPACE_CHANNELS, create_on_behalf, update_ticket
from ..service_error import ServiceError
from ..notices import N_, notify


def workspace_viewer() -> queries.Viewer:
    """The signed-in staff member of this brand, with their groups; others are refused."""
    if not policy.can_use_workspace(current_user, current_brand):
        abort_with(403, _("The agent workspace is for the agents of this help centre."))
    return queries.viewer_for(current_user, current_brand)


def load_ticket(ticket_id: int, viewer: queries.Viewer):
    """A ticket of this brand the viewer may see; anything else is a 404 (no existence leak)."""
    ticket = queries.ticket_in_brand(current_brand, ticket_id)
    if ticket is None or not policy.can_view_in_workspace(current_user, current_brand, ticket, viewer.group_ids):
        abort(404)
    return ticket


def _page_args():
    default = current_app.config.get("PAGE_SIZE", 25)
    per_page = parse_int(request.args.get("per_page"), 1, queries.MAX_PER_PAGE) or min(default, queries.MAX_PER_PAGE)
    return parse_int(request.args.get("page"), 1, MAX_PAGE) or 1, per_page


@bp.get("/")
@login_required
def home():
    viewer = workspace_viewer()
    view = request.args.get("view", viewer.views[0])
    sort = request.args.get("sort", "updated")
    if view not in viewer.views or sort not in queries.SORTS:
        abort(404)
    page, per_page = _page_args()
    counts = queries.view_counts(viewer)
    tickets = queries.view_page(viewer, view, sort, page, per_page)
    # Past COUNT_CAP the count is unknown: the pager goes on while pages come back full.
    pages = max((min(counts[view], queries.COUNT_CAP) + per_page - 1) // per_page, 1)
    has_next = page < pages or (counts[view] > queries.COUNT_CAP and len(tickets) == per_page)
    return render_template("agent/home.html", viewer=viewer, view=view, sort=sort, counts=counts,
                           count_cap=queries.COUNT_CAP, tickets=tickets, page=page, pages=pages,
                           has_next=has_next, per_page=per_page,
                           titles=queries.VIEW_TITLES, sorts=queries.SORTS,
                           prefs=viewer.preferences)


def render_ticket(ticket, viewer, status=200, error=None, posted=None):
    """The ticket page; after a refused update it keeps what was typed and, on a version
    conflict, lists what changed since the form was loaded."""
    sees_internal = policy.sees_internal_notes(current_user, current_brand, ticket, viewer.group_ids)
    comments = queries.thread(ticket, sees_internal)
    files = attachments.of_comments(c.id for c in comments)
    events = queries.history(ticket)
    values = queries.field_values(ticket)
    form = queries.form_of(ticket, current_brand)
    changed_since = None
    if error is not None and error.details.get("conflict") and posted is not None:
        seen_event = parse_int(posted.get("seen_event_id"), 0, MAX_ID) or 0
        seen_comment = parse_int(posted.get("seen_comment_id"), 0, MAX_ID) or 0
        changed_since = {"events": [e for e in events if e.id > seen_event],
                         "comments": [c for c in comments if c.id > seen_comment]}
    requests = requests_of(ticket)
    # The requester is on this ticket, which the viewer sees.
    shows_contact = policy.person_view(current_user, current_brand, ticket.requester_id,
                                       lambda: True) == policy.PERSON_FULL
    people = queries.ticket_people(ticket, shows_contact)
    return render_template(
        "agent/ticket.html", ticket=ticket, people=people, viewer=viewer,
        comments=comments, files=files, attachments_hint=attachment_forms.hint(current_brand),
        events=events, shows_contact=shows_contact,
        sees_internal=sees_internal, fields=field_views(form, values, posted,
                                                        error.details.get("field_errors") if error else None),
        group_choices=queries.group_choices(current_brand), assignee_choices=assignee_choices(current_brand),
        other_requests=queries.other_requests(ticket, viewer), statuses=policy.status_choices(ticket.status),
        priorities=PRIORITIES,
        types=TYPES, can_change=policy.can_change_ticket(current_user, current_brand),
        error=error, posted=posted, changed_since=changed_since,
        seen_event_id=max((e.id for e in events), default=0),
        seen_comment_id=max((c.id for c in comments), default=0),
        assistance=assistance_state(ticket, requests, current_user, current_brand, people.group_has_supervisor),
        assistance_requests=requests, prefs=viewer.preferences, now=utcnow(),
    ), status


@bp.get("/tickets/<int:ticket_id>")
@login_required
def ticket(ticket_id):
    viewer = workspace_viewer()
    return render_ticket(load_ticket(ticket_id, viewer), viewer)


@bp.post("/tickets/<int:ticket_id>")
@login_required
def update(ticket_id):
    viewer = workspace_viewer()
    ticket = load_ticket(ticket_id, viewer)
    try:
        files = attachments.store(current_brand, current_actor(), attachment_forms.posted_files())
        update_ticket(ticket, current_actor(), current_brand, inputs.ticket_update(request.form, ticket.form, files),
                      queries.field_values(ticket))
    except ServiceError as error:
        db.session.rollback()  # the page below shows the ticket as stored, not the refused change
        ticket = load_ticket(ticket_id, viewer)
        return render_ticket(ticket, viewer, error.status, error, request.form)
    notify(N_("Ticket updated."), "success")
    return redirect(url_for("agent.ticket", ticket_id=ticket.id))


def _workspace_forms():
    return list(db.session.scalars(select(TicketForm).where(
        TicketForm.brand_id == current_brand.id, TicketForm.active.is_(True))
        .order_by(TicketForm.position, TicketForm.name)))


@bp.route("/tickets/new", methods=["GET", "POST"])
@login_required
def new_ticket():
    viewer = workspace_viewer()
    form_id = query_id(request.values.get("ticket_form_id"))
    form = form_in_brand(current_brand, form_id) if form_id else None
    if form_id and (form is None or not form.active):
        abort(404)
    error, status = None, 200
    if request.method == "POST":
        try:
            files = attachments.store(current_brand, current_actor(), attachment_forms.posted_files())
            created = create_on_behalf(current_brand, current_actor(), form, inputs.new_ticket(request.form, form, files))
        except ServiceError as refused:
            error, status = refused, refused.status
        else:
            notify(N_("Ticket #%(id)d created."), "success", id=created.id)
            return redirect(url_for("agent.ticket", ticket_id=created.id))
    posted = request.form if request.method == "POST" else None
    return render_template(
        "agent/new_ticket.html", viewer=viewer, form=form, forms=_workspace_forms(),
        fields=field_views(form, {}, posted, error.details.get("field_errors") if error else None),
        group_choices=queries.group_choices(current_brand), assignee_choices=assignee_choices(current_brand),
        channels=WORKSPACE_CHANNELS, priorities=PRIORITIES, types=TYPES, error=error, posted=posted,
        can_change=policy.can_change_ticket(current_user, current_brand), prefs=viewer.preferences,
        attachments_hint=attachment_forms.hint(current_brand),
    ), status

