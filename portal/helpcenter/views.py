"""Help-centre pages: load (brand-scoped) -> ask the policy -> call a service -> render."""
from flask import abort, redirect, render_template, request, url_for
from flask_login import login_required

from .. import access, policy
from ..access import blocked_while_acting, current_actor
from ..attachments import services as attachments
from ..attachments import web as attachment_forms
from ..brands import current_brand
from ..input_filter import single_line
from ..numbers import MAX_PAGE, parse_int, query_id
from ..service_error import ServiceError
from ..tickets import fields as ticket_fields
from ..tickets import queries, services
from ..tickets.models import STATUSES
from . import bp
from ..notices import N_, notify
from .forms import ActionForm, CommentForm, RatingForm, RequestForm


@bp.get("/")
def home():
    return render_template("helpcenter/home.html", forms=queries.portal_forms(current_brand))


# New request (and resuming a draft, and a follow-up of a closed request)

def _load_request_form(person):
    """The form named in the query (or the draft's / the follow-up source's), checked."""
    draft = queries.draft_of(current_brand, person, query_id(request.args.get("draft_id")))
    if "draft_id" in request.args and draft is None:
        abort(404)
    source = None
    if "followup_of" in request.args:
        source = queries.request_in_brand(current_brand, query_id(request.args.get("followup_of")) or 0)
        if source is None:
            abort(404)
        access.require(policy.CREATE_FOLLOWUP, ticket=source)
    form_id = query_id(request.args.get("ticket_form_id"))
    if form_id is None:
        form_id = draft.form_id if draft else (source.form_id if source else None)
    if form_id is None:
        # The help centre's home is the form picker; staff kept out of it pick in the workspace.
        access.require(policy.USE_REQUESTS, new_request=True)
        abort(redirect(url_for("helpcenter.home")))
    form = queries.form_in_brand(current_brand, form_id)
    if form is None:
        # Unknown here: staff without help-centre access still go to the workspace with it.
        access.require(policy.USE_REQUESTS)
        abort(404)
    access.require(policy.SUBMIT_FORM, form=form)
    return form, draft, source


@bp.route("/requests/new", methods=["GET", "POST"])
@login_required
def new_request():
    person = current_actor().person
    form, draft, source = _load_request_form(person)
    page = RequestForm()
    page.attachments.description = attachment_forms.hint(current_brand)
    held = attachments.of_draft(draft)
    status = 200
    if request.method == "GET":
        values = {}
        if draft is not None:
            page.subject.data = draft.subject
            page.description.data = draft.data.get("description", "")
            values = ticket_fields.draft_values(draft.data)
        elif source is not None:
            page.subject.data = source.subject  # a follow-up continues the closed request's topic
        views = ticket_fields.field_views(form, ticket_fields.END_USER, values)
    elif "save_draft" in request.form:
        check = ticket_fields.check_fields(form, _sent_fields(form), ticket_fields.END_USER)
        data = {"description": page.description.data or "", "fields": {str(k): v for k, v in check.filled.items()}}
        try:
            files = attachments.store(current_brand, current_actor(), attachment_forms.posted_files(), len(held))
        except ServiceError as refused:
            attachment_forms.refuse_on(page.attachments, refused)
            views = ticket_fields.field_views(form, ticket_fields.END_USER, check.merged, _sent_fields(form))
            status = refused.status
        else:
            services.save_draft(current_brand, current_actor(), form, page.subject.data, data, draft=draft, files=files)
            notify(N_("Your draft is saved. You can finish it from My activities."), "success")
            return redirect(url_for("helpcenter.my_activities", tab="drafts"))
    else:
        sent = _sent_fields(form)
        check = ticket_fields.check_fields(form, sent, ticket_fields.END_USER, enforce_required=True)
        page_valid = page.validate()
        status = 422
        if page_valid and not check.errors:
            try:
                files = attachments.store(current_brand, current_actor(), attachment_forms.posted_files(), len(held))
            except ServiceError as refused:  # the form comes back as typed, the file's problem on its input
                attachment_forms.refuse_on(page.attachments, refused)
                status = refused.status
            else:
                return _submit(person, form, page, check.filled, draft, source, files)
        views = ticket_fields.field_views(form, ticket_fields.END_USER, check.merged, sent, check.errors)
    return render_template("helpcenter/new_request.html", form=form, page=page, views=views, draft=draft,
                           source=source, warn_sensitive=policy.warn_sensitive_form(person, current_brand, form),
                           light_agent=policy.writes_internal_only(person, current_brand), held=held), status


def _sent_fields(form) -> dict:
    return ticket_fields.posted_fields(form, request.form, ticket_fields.END_USER)


def _submit(person, form, page, values, draft, source, files):
    actor = current_actor()
    common = dict(subject=page.subject.data, description=page.description.data, field_values=values, files=files)
    if draft is not None:
        ticket = services.submit_draft(draft, form, actor, **common)
    elif source is not None:
        ticket = services.create_followup(source, form, actor, **common)
    else:
        ticket = services.create_request(current_brand, form, person, actor, **common)
    if not ticket.is_public:
        # A light agent's request is an internal note: it lives in the workspace (§5.1).
        notify(N_("Your request was created as an internal note; find it in the agent workspace."), "info")
        return redirect(url_for("agent.ticket", ticket_id=ticket.id))
    notify(N_("Your request was submitted."), "success")
    return redirect(url_for("helpcenter.request_page", ticket_id=ticket.id))


@bp.post("/drafts/<int:draft_id>/delete")
@login_required
def delete_draft(draft_id):
    draft = queries.draft_of(current_brand, current_actor().person, draft_id)
    if draft is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.delete_draft(draft)
    notify(N_("The draft was deleted."), "success")
    return redirect(url_for("helpcenter.my_activities", tab="drafts"))


# My activities

@bp.get("/requests")
@login_required
def my_activities():
    person = current_actor().person
    decision = access.decide(policy.USE_REQUESTS)
    if not decision.allowed and not decision.to_workspace:
        # A non-member has no activities here (staff kept out of requests still see their list).
        access.require(policy.USE_REQUESTS)
    tab = request.args.get("tab", "requested")
    if tab not in queries.ACTIVITY_TABS:
        tab = "requested"
    status = request.args.get("status") or None
    if status not in STATUSES:
        status = None
    search = single_line(request.args.get("q"))[:200]
    sort = request.args.get("sort") if request.args.get("sort") in queries.ACTIVITY_SORTS else "updated"
    page = queries.my_requests(current_brand, person, tab=tab, status=status, subject_contains=search or None,
                               sort=sort, page=parse_int(request.args.get("page"), 1, MAX_PAGE) or 1,
                               per_page=parse_int(request.args.get("per_page"), 1, 100) or queries.PER_PAGE)
    return render_template("helpcenter/my_activities.html", page=page, tab=tab, status=status, q=search,
                           sort=sort, sorts=queries.ACTIVITY_SORTS, statuses=STATUSES, delete_form=ActionForm())


# Request page

def _load_ticket(ticket_id, action):
    ticket = queries.request_in_brand(current_brand, ticket_id)
    if ticket is None:
        abort(404)
    person = current_actor().person
    access.require(policy.VIEW_REQUEST, ticket=ticket)
    if action != policy.VIEW_REQUEST:
        access.require(action, ticket=ticket)
    return ticket, person


def _render_request(ticket, person, comment_form=None, rating_form=None, status=200, error=None):
    def allowed(action):
        return access.can(action, ticket=ticket)

    # Forms are built only for what this person may do here (each one costs a CSRF token).
    can_comment, can_rate = allowed(policy.COMMENT), allowed(policy.RATE)
    if can_comment and comment_form is None:
        comment_form = CommentForm(formdata=None)
    if comment_form is not None:
        comment_form.attachments.description = attachment_forms.hint(current_brand)
    thread = queries.public_thread(ticket)
    if can_rate and rating_form is None:
        rating_form = RatingForm(formdata=None, score=ticket.rating, comment=ticket.rating_comment)
    return render_template(
        "helpcenter/request.html", ticket=ticket, thread=thread,
        files=attachments.of_comments(c.id for c in thread),
        field_values=ticket_fields.request_field_values(queries.field_values_of(ticket)),
        comment_form=comment_form, rating_form=rating_form, error=error,
        can_comment=can_comment, can_solve=allowed(policy.MARK_SOLVED),
        can_rate=can_rate, can_followup=allowed(policy.CREATE_FOLLOWUP),
    ), status


@bp.get("/requests/<int:ticket_id>")
@login_required
def request_page(ticket_id):
    ticket, person = _load_ticket(ticket_id, policy.VIEW_REQUEST)
    return _render_request(ticket, person)


@bp.post("/requests/<int:ticket_id>/comments")
@login_required
def add_comment(ticket_id):
    ticket, person = _load_ticket(ticket_id, policy.VIEW_REQUEST)
    decision = access.decide(policy.COMMENT, ticket=ticket)
    if decision.status == 409:
        # The page itself offers the follow-up link for a closed request.
        return _render_request(ticket, person, status=409, error=access.reason_text(decision))
    access.require(policy.COMMENT, ticket=ticket)
    form = CommentForm()
    if not form.validate_on_submit():
        return _render_request(ticket, person, comment_form=form, status=422)
    try:
        files = attachments.store(current_brand, current_actor(), attachment_forms.posted_files())
    except ServiceError as refused:
        attachment_forms.refuse_on(form.attachments, refused)
        return _render_request(ticket, person, comment_form=form, status=refused.status)
    services.add_comment(ticket, current_actor(), form.body.data, public=True, files=files)
    notify(N_("Your comment was added."), "success")
    return redirect(url_for("helpcenter.request_page", ticket_id=ticket.id))


@bp.post("/requests/<int:ticket_id>/solve")
@login_required
def mark_solved(ticket_id):
    ticket, person = _load_ticket(ticket_id, policy.MARK_SOLVED)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.mark_solved(ticket, current_actor())
    notify(N_("Your request is marked as solved."), "success")
    return redirect(url_for("helpcenter.request_page", ticket_id=ticket.id))


@bp.post("/requests/<int:ticket_id>/rating")
@login_required
@blocked_while_acting("rating")
def rate(ticket_id):
    ticket, person = _load_ticket(ticket_id, policy.RATE)
    form = RatingForm()
    if not form.validate_on_submit():
        return _render_request(ticket, person, rating_form=form, status=422)
    services.rate(ticket, current_actor(), form.score.data, form.comment.data)
    notify(N_("Thank you for your rating."), "success")
    return redirect(url_for("helpcenter.request_page", ticket_id=ticket.id))
