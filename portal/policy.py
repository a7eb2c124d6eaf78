"""The one place that decides what a person may do, in a brand, on a request (DESIGN §4-§8).

Roles are always read in the brand at hand: agent@ is an ordinary end user in a brand where they
are an end user. Views, services, templates and the API ask here; they never re-implement a rule.

The policy is pure: functions of (person, brand and its settings, object, facts handed in) with
no Flask, no request and no queries of its own (import-linter checks it). Reasons are message
ids; `portal.access` resolves the request's actor, asks here, and translates and enforces.

Sections: roles; the help centre (`decide(person, brand, action, ticket=None, form=None,
assisted_by=None)` answers a `Decision`); the agent workspace; assisted service; brand
administration.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from .brands.models import STAFF_ROLES
from .brands.settings import settings_for


def _(message: str) -> str:
    """Marks a reason for the catalogue. The policy keeps the message id; the request layer
    (portal.access) translates it, so the policy needs no Flask and no request."""
    return message

# --- Roles (DESIGN §2) ----------------------------------------------------------------------------
# STAFF_ROLES (light agents, agents, admins) use the workspace and may be in groups.
# Full agents change tickets, may be assigned and may hold the assisted-service capabilities.
ASSIGNABLE_ROLES = ("agent", "admin")
ADMIN_ROLE = "admin"
LIGHT_AGENT_ROLE = "light_agent"


def role_of(person, brand) -> str | None:
    return person.role_in(brand) if person is not None else None


def is_staff(person, brand) -> bool:
    return role_of(person, brand) in STAFF_ROLES


def is_full_agent(person, brand) -> bool:
    return role_of(person, brand) in ASSIGNABLE_ROLES


def writes_internal_only(person, brand) -> bool:
    """Light agents: read, and write internal notes only (DESIGN §6)."""
    return role_of(person, brand) == LIGHT_AGENT_ROLE


def is_member(person, brand) -> bool:
    """Has a role in this brand. The API answers nothing of a brand to anyone else (DESIGN §13):
    joining an open brand happens only at the help centre's sign-in or sign-up (a POST)."""
    return role_of(person, brand) is not None


def is_brand_admin(user, brand) -> bool:
    """May open the brand's administration (and see it in the header)."""
    return bool(user is not None and user.is_authenticated and brand is not None
                and user.role_in(brand) == ADMIN_ROLE)


# --- Help centre (DESIGN §4, §5) ------------------------------------------------------------------
# Actions judged by decide().
VIEW_REQUEST = "view_request"
COMMENT = "comment"
MARK_SOLVED = "mark_solved"
RATE = "rate"
CREATE_FOLLOWUP = "create_followup"
CHANGE_STATUS = "change_status"  # services only (decide_ticket_state): not a help-centre action
SUBMIT_FORM = "submit_form"
USE_REQUESTS = "use_help_centre_requests"
TICKET_ACTIONS = (VIEW_REQUEST, COMMENT, MARK_SOLVED, RATE, CREATE_FOLLOWUP)
ACTIONS = TICKET_ACTIONS + (SUBMIT_FORM, USE_REQUESTS)

# Field access in the help centre (DESIGN §4 "Forms and fields").
VISIBLE_IN_PORTAL = ("read_only", "editable")
EDITABLE_IN_PORTAL = ("editable",)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    status: int = 200
    reason: str | None = None
    # Staff in a brand that keeps them out of the help centre's requests go to the workspace.
    to_workspace: bool = False

    def __bool__(self):
        return self.allowed


ALLOW = Decision(True)


def _deny(status: int, reason: str | None = None) -> Decision:
    return Decision(False, status, reason)


def comment_is_public(person, brand, wanted_public: bool = True) -> bool:
    """Light agents only ever write internal notes (DESIGN §5.1, §6)."""
    return wanted_public and not writes_internal_only(person, brand)


def comment_reopens(person, brand) -> bool:
    """Only an end user's public comment reopens a request; staff comments never do (§5.5)."""
    return not is_staff(person, brand)


def field_visible_in_portal(field) -> bool:
    return field.portal_access in VISIBLE_IN_PORTAL


def field_editable_in_portal(field) -> bool:
    return field.portal_access in EDITABLE_IN_PORTAL


def _is_requester(person, ticket) -> bool:
    return ticket.requester_id == person.id


def _is_party(person, ticket) -> bool:
    """The requester or a person copied on the request."""
    return _is_requester(person, ticket) or any(c.user_id == person.id for c in ticket.collaborators)


def _enter_requests(person, brand) -> Decision:
    """May this person use the help centre's requests at all (forms, My activities, request pages)?"""
    if person is None:
        return _deny(401, _("Please sign in to continue."))
    role = role_of(person, brand)
    if role is None:
        return _deny(403, _("You are not a member of this help centre."))
    if role in STAFF_ROLES and not settings_for(brand).agents_manage_requests:
        return Decision(False, 302, _("Agents manage requests in the agent workspace."), to_workspace=True)
    return ALLOW


def decide(person, brand, action: str, ticket=None, form=None, assisted_by=None) -> Decision:
    """May `person` do `action` in brand's help centre? `assisted_by`: the agent acting for them
    (assisted service), who may do everything the person may except rate (DESIGN §8)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if ticket is not None and ticket.brand_id != brand.id:
        return _deny(404)
    if form is not None and form.brand_id != brand.id:
        return _deny(404)
    entry = _enter_requests(person, brand)
    if action == USE_REQUESTS:
        return entry
    if action == SUBMIT_FORM:
        return _decide_form(entry, form)
    if not entry.allowed:
        # A non-member learns nothing about a request's existence.
        return _deny(404) if entry.status == 403 else entry
    return _decide_ticket(person, brand, action, ticket, assisted_by)


def _decide_form(entry: Decision, form) -> Decision:
    if form is None or not form.active or not form.end_user_visible:
        # Agent-only forms do not exist in the help centre, for agents too (§5.3).
        return _deny(404) if entry.allowed or entry.status == 403 else entry
    return entry


def _decide_ticket(person, brand, action: str, ticket, assisted_by=None) -> Decision:
    if not _is_party(person, ticket):
        return _deny(404)
    if not ticket.is_public:
        # Internal-only requests (a light agent's) live in the workspace, not the request portal.
        if is_staff(person, brand):
            return Decision(False, 302, None, to_workspace=True)
        return _deny(404)
    if action == VIEW_REQUEST:
        return ALLOW
    if action == COMMENT:
        return decide_ticket_state(COMMENT, ticket)
    if action == CREATE_FOLLOWUP:
        if not _is_requester(person, ticket):
            return _deny(403, _("Only the requester can create a follow-up request."))
        return decide_ticket_state(CREATE_FOLLOWUP, ticket)
    if action == MARK_SOLVED:
        return _decide_mark_solved(person, brand, ticket)
    return _decide_rate(person, brand, ticket, assisted_by)


def _decide_mark_solved(person, brand, ticket) -> Decision:
    if is_staff(person, brand):
        return _deny(403, _("Agents cannot mark a request as solved in the help centre; "
                            "use the agent workspace."))
    if not _is_requester(person, ticket):
        return _deny(403, _("Only the requester can mark this request as solved."))
    if not settings_for(brand).end_users_can_solve:
        return _deny(403, _("Requests cannot be marked as solved from this help centre."))
    state = decide_ticket_state(MARK_SOLVED, ticket)
    if not state:
        return state
    if ticket.assignee_id is None:
        return _deny(409, _("This request can be marked as solved once someone is working on it."))
    return ALLOW


def _decide_rate(person, brand, ticket, assisted_by=None) -> Decision:
    if assisted_by is not None:
        # Only the user themself rates: never an agent acting for them (DESIGN §8).
        return _deny(403, BLOCKED_WHILE_ACTING["rating"])
    if is_staff(person, brand):
        return _deny(403, _("Agents cannot rate requests."))
    if not _is_requester(person, ticket):
        return _deny(403, _("Only the requester can rate this request."))
    if not settings_for(brand).satisfaction_ratings:
        return _deny(403, _("Satisfaction ratings are turned off in this help centre."))
    return decide_ticket_state(RATE, ticket)


def decide_ticket_state(action: str, ticket) -> Decision:
    """Whether the request's status allows the action, whoever acts (DESIGN §4): the decisions
    above and the services (workspace, API, commands) ask here, so each rule and its message
    exist once. CHANGE_STATUS: any status change (closed is final)."""
    status = ticket.status
    if action == COMMENT and status == "closed":
        return _deny(409, _("This request is closed. You can create a follow-up request instead."))
    if action == CREATE_FOLLOWUP and status != "closed":
        return _deny(409, _("A follow-up can only be created for a closed request."))
    if action == MARK_SOLVED and status in ("solved", "closed"):
        return _deny(409, _("This request is already solved."))
    if action == RATE and status == "closed":
        return _deny(409, _("This request is closed; its rating can no longer change."))
    if action == RATE and status != "solved":
        return _deny(409, _("You can rate this request once it is solved."))
    if action == CHANGE_STATUS and status == "closed":
        return _deny(409, _("This request is closed and cannot change any more."))
    return ALLOW


def decide_mail_reply(person, brand, ticket, group_ids) -> tuple[str, Decision]:
    """What a reply by e-mail from `person` on `ticket` may become (DESIGN §14): (COMMENT, …) on an
    open request, (CREATE_FOLLOWUP, …) on a closed one. Staff answer as in the workspace (a ticket
    they see there; a light agent's reply becomes an internal note through comment_is_public);
    anyone else as in the help centre, as the requester or a CC. Denied: the message is no reply
    to this request (it becomes a new request of its sender). group_ids: the person's groups."""
    if person is None or ticket.brand_id != brand.id:
        return COMMENT, _deny(404)
    if is_staff(person, brand):
        if not can_view_in_workspace(person, brand, ticket, group_ids):
            return COMMENT, _deny(404)
        return COMMENT, decide_ticket_state(COMMENT, ticket)
    action = CREATE_FOLLOWUP if ticket.status == "closed" else COMMENT
    return action, decide(person, brand, action, ticket)


def can(person, brand, action: str, ticket=None, form=None, assisted_by=None) -> bool:
    return decide(person, brand, action, ticket=ticket, form=form, assisted_by=assisted_by).allowed


def sees_internal_notes(person, brand, ticket, group_ids) -> bool:
    """Internal notes: never in the help centre; in the workspace/API/notifications for staff,
    except an agent-requester under hide_internal_notes_from_agent_requesters who is not a member
    of the ticket's group (DESIGN §5.2). group_ids: the person's groups in this brand."""
    if not is_staff(person, brand) or ticket.brand_id != brand.id:
        return False
    if _is_requester(person, ticket) and settings_for(brand).hide_internal_notes_from_agent_requesters:
        return ticket.group_id is not None and ticket.group_id in group_ids
    return True


def can_read_comment(person, brand, ticket, comment_is_public: bool, group_ids, assisted_by=None) -> bool:
    """Whether `person` reads one comment of `ticket`, by the rules that build its threads: staff
    who see the ticket in the workspace read its public comments, and its internal notes when
    sees_internal_notes lets them; anyone else reads the public comments of a request they may
    view in the help centre (VIEW_REQUEST). group_ids: the person's groups in this brand."""
    if person is None or ticket.brand_id != brand.id:
        return False
    if can_view_in_workspace(person, brand, ticket, group_ids):
        return comment_is_public or sees_internal_notes(person, brand, ticket, group_ids)
    return comment_is_public and decide(person, brand, VIEW_REQUEST, ticket=ticket, assisted_by=assisted_by).allowed


def decide_attachment(person, brand, attachment, ticket=None, comment_is_public: bool = False, group_ids=(),
                      assisted_by=None) -> Decision:
    """May `person` read an attached file (DESIGN §15)? One on a comment: exactly those who read
    the comment (can_read_comment). One not on a comment yet (an upload waiting for its comment,
    a draft's): its uploader alone. Every refusal is a 404: nothing tells that it exists."""
    if person is None or attachment.brand_id != brand.id:
        return _deny(404)
    if attachment.comment_id is None:
        return ALLOW if attachment.uploader_id == person.id else _deny(404)
    if ticket is None or not can_read_comment(person, brand, ticket, comment_is_public, group_ids, assisted_by):
        return _deny(404)
    return ALLOW


def warn_sensitive_form(person, brand, form) -> bool:
    """The multi-department warning on a form page (DESIGN §5.2)."""
    if not is_staff(person, brand) or settings_for(brand).hide_internal_notes_from_agent_requesters:
        return False
    return form.default_group is not None and form.default_group.sensitive


# --- Agent workspace (DESIGN §6, §7) --------------------------------------------------------------
# The polling endpoint (agent/poll.py) checks can_use_workspace in SQL, with STAFF_ROLES.

def can_use_workspace(person, brand) -> bool:
    return is_staff(person, brand)


def sees_all_workspace_tickets(person, brand) -> bool:
    """Agents see every ticket of the brand; light agents their groups' unless the brand allows all."""
    role = role_of(person, brand)
    if role == LIGHT_AGENT_ROLE:
        return bool(settings_for(brand).light_agents_see_all_tickets)
    return role in ASSIGNABLE_ROLES


def can_view_in_workspace(person, brand, ticket, group_ids) -> bool:
    """group_ids: the person's groups in this brand (loaded once by the caller)."""
    if ticket.brand_id != brand.id or not can_use_workspace(person, brand):
        return False
    return (sees_all_workspace_tickets(person, brand) or ticket.group_id in group_ids
            or ticket.requester_id == person.id)


def can_change_ticket(person, brand) -> bool:
    """Status, group, assignee, priority, type, fields: full agents only (light agents change
    nothing after creation)."""
    return is_full_agent(person, brand)


def may_be_assigned(role: str | None, in_ticket_group: bool, group_id) -> bool:
    """Only full agents are assignable: a member of the ticket's group, or any when it has none."""
    return role in ASSIGNABLE_ROLES and (group_id is None or in_ticket_group)


def decide_assistance_request(person, brand, ticket, *, active: bool, group_has_supervisor: bool) -> Decision:
    """May person ask the ticket group's supervisors for help (DESIGN §6)? The page's button and
    the server ask here, in this one order. Whether a supervisor is online right now is the
    service's to find out when it sends (it changes by the minute).
    active: an assistance request is open on the ticket; group_has_supervisor: its group has one."""
    if not settings_for(brand).supervisor_assistance:
        return _deny(404, _("Supervisor assistance is turned off in this help centre."))
    if not is_full_agent(person, brand):
        return _deny(403, _("Only agents can request assistance."))
    if ticket.group_id is None:
        return _deny(409, _("Assistance can be requested only on a ticket routed to a group."))
    if ticket.status == "closed":
        return _deny(409, _("This request is closed."))
    if active:
        return _deny(409, _("An assistance request is already active on this ticket."))
    if not group_has_supervisor:
        return _deny(409, _("This ticket's group has no supervisor to ask."))
    return ALLOW


# What of a person a viewer may read (API users, search, the workspace's requester card).
PERSON_FULL = "full"            # name, e-mail, phone, postal address, username
PERSON_CONTACTLESS = "contactless"  # name and e-mail only


def person_view(viewer, brand, user_id: int, on_ticket_they_see) -> str | None:
    """Oneself and full agents: everything. Light agents: name and e-mail of the people on the
    tickets they can see, never phone or address (DESIGN §13). Anyone else: nothing (None).
    on_ticket_they_see(): is user_id on a ticket the viewer sees (asked only for light agents)."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return None
    if user_id == viewer.id or is_full_agent(viewer, brand):
        return PERSON_FULL
    if role_of(viewer, brand) == LIGHT_AGENT_ROLE and on_ticket_they_see():
        return PERSON_CONTACTLESS
    return None


def can_search_users(user, brand) -> bool:
    """Agents and admins of this brand; light agents and end users may not (DESIGN §6, §7)."""
    if brand is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return is_full_agent(user, brand)


def can_answer_assistance(person, brand, supervises_group: bool) -> bool:
    """A full agent who supervises the ticket's group (DESIGN §6, supervisor assistance)."""
    return is_full_agent(person, brand) and supervises_group


# --- Assisted service (DESIGN §8) -----------------------------------------------------------------
# Every gate answers 404 when closed: a brand without the feature, or a person without the
# capability, learns nothing about the pages behind it.

# Roles that may hold can_assist: light agents cannot search or edit users (DESIGN §6).
ASSIST_ROLES = ASSIGNABLE_ROLES

USE_ASSIST = "use_assist"
REGISTER_USERS = "register_users"
VIEW_REPORTS = "view_reports"
ASSIST_ACTIONS = (USE_ASSIST, REGISTER_USERS, VIEW_REPORTS)


def assist_allowed(person, brand, action: str) -> bool:
    if action not in ASSIST_ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if person is None or not getattr(person, "is_authenticated", False) or brand is None:
        return False
    if not settings_for(brand).assisted_service:
        return False
    membership = person.membership_in(brand)
    if membership is None:
        return False
    may_assist = membership.role in ASSIST_ROLES and membership.can_assist
    if action == USE_ASSIST:
        return may_assist
    if action == REGISTER_USERS:
        return may_assist and membership.can_register_users
    # Dashboards, Customer 360 and the interaction log: assisting agents and the brand's admins.
    return may_assist or membership.role == ADMIN_ROLE


def sees_all_interactions(person, brand) -> bool:
    """Admins read the whole brand's interaction log; agents their own timesheet."""
    return role_of(person, brand) == ADMIN_ROLE


def refusal_to_assist(agent, user, brand) -> tuple[int, str] | None:
    """Why `agent` may not assist `user` in `brand` (status, message), or None when they may."""
    membership = user.membership_in(brand) if user is not None else None
    if membership is None:
        return 404, _("This person is not a member of this help centre.")
    if user.id == agent.id:
        return 403, _("You cannot assist yourself.")
    if membership.role in STAFF_ROLES:
        return 403, _("Agents, light agents and administrators of this help centre cannot be assisted.")
    if not user.active:
        return 403, _("This account is deactivated and cannot be assisted.")
    return None


# What an agent may never do as the user (DESIGN §8), declared on each view with
# access.blocked_while_acting(key): the refusal (a message id) by key.
BLOCKED_WHILE_ACTING = {
    "password": _("Password changes are blocked while assisting a user."),
    "email": _("E-mail changes are blocked while assisting a user."),
    "rating": _("Satisfaction ratings are blocked while assisting a user: only the user can rate their request."),
    "api_tokens": _("API tokens are blocked while assisting a user."),
}


# --- Brand administration (DESIGN §2, §3) ---------------------------------------------------------
# The admin blueprint lets in is_brand_admin only (404 for anyone else).
GROUP_ROLES = STAFF_ROLES


def may_join_groups(role: str | None) -> bool:
    """Groups are for staff: an end user is never in one (a demoted agent leaves them)."""
    return role in GROUP_ROLES


def may_hold_assist_capabilities(role: str | None) -> bool:
    """can_assist / can_register_users only on ASSIST_ROLES: on a light agent they would do nothing."""
    return role in ASSIST_ROLES


# --- Ticket status in the workspace (DESIGN §4) --------------------------------------------------
TICKET_STATUSES = ("new", "open", "pending", "hold", "solved", "closed")


def decide_status_change(current: str, wanted: str) -> Decision:
    """Whether an agent may set a ticket from `current` to `wanted` by hand."""
    if wanted not in TICKET_STATUSES:
        return _deny(422, _("Choose a valid status."))
    if wanted == current:
        return ALLOW
    if wanted == "closed":
        return _deny(422, _("Solved requests are closed automatically; nobody sets closed by hand."))
    if wanted == "new":
        return _deny(422, _("A ticket cannot be set back to new."))
    return ALLOW


def status_on_agent_update(current: str) -> str:
    """An agent's update of a new ticket (a reply, an assignment...) opens it unless they chose
    another status, as in Zendesk: the requester no longer reads "New" once someone works on it."""
    return "open" if current == "new" else current


def status_choices(current: str) -> tuple[str, ...]:
    """The statuses the workspace offers for a ticket now: those decide_status_change allows."""
    return tuple(status for status in TICKET_STATUSES if decide_status_change(current, status))


# --- The interaction log (DESIGN §8) -------------------------------------------------------------
INTERACTION_EDIT_WINDOW = timedelta(hours=24)


def decide_interaction_edit(person, entry, now: datetime) -> Decision:
    """An agent corrects their own entry of the last 24 hours, once its session has ended."""
    if person is None or entry.agent_id != getattr(person, "id", None):
        return _deny(404)
    if entry.ended_at is None:
        return _deny(409, _("End the assist session before editing its entry."))
    if now - entry.ended_at > INTERACTION_EDIT_WINDOW:
        return _deny(403, _("Only entries of the last 24 hours can be edited."))
    return ALLOW


def decide_admin_leaving(role: str, new_role: str | None, admin_count: int) -> Decision:
    """May a member with `role` be removed (new_role None) or given `new_role`? A brand always
    keeps an admin; admin_count: how many it has now. The page's Remove button and the service
    ask here."""
    if role == ADMIN_ROLE and new_role != ADMIN_ROLE and admin_count <= 1:
        return _deny(409, _("This help centre needs at least one admin: make someone else an admin first."))
    return ALLOW
