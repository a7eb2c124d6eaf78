"""The request's side of the policy: who is acting, and stopping a request the policy refuses.

`portal.policy` decides from what it is handed and knows nothing of Flask. This module hands it
the request's facts (the `Actor`, resolved once per request) and turns its `Decision`s into
answers: a translated refusal, a sign-in redirect, a 404, or off to the workspace.
"""
from flask import abort, current_app, g, has_request_context, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from . import policy
from .actor import ANONYMOUS, Actor
from .errors import abort_with
from .numbers import parse_id


def current_actor() -> Actor:
    """The request's actor, built once (after the assist state is loaded) and kept in `g`."""
    if not has_request_context():
        return ANONYMOUS
    actor = g.get("actor")
    if actor is None:
        actor = g.actor = _resolve_actor()
    return actor


def _assist_state():
    """The request's assist state, put in `g` by the assist package's before-request hook (it
    runs before any view; this module does not import the feature)."""
    return g.get("assist_state")


def _resolve_actor() -> Actor:
    user = current_user if current_user.is_authenticated else None
    state = _assist_state()
    # An agent acts as the user in the help centre only (its pages carry a locale in the URL):
    # in the workspace and the API they act as themselves, whatever assist is running.
    if state is not None and state.acting and g.get("url_locale"):
        interaction = state.interaction
        return Actor(user, interaction.user, interaction.agent, interaction.channel, interaction)
    return Actor(user, user)


def reason_text(decision: policy.Decision) -> str | None:
    """The policy's reason in the page's language (the policy keeps only the message id)."""
    return gettext(decision.reason) if decision.reason else None


def refusal_text(refusal: tuple[int, str] | None) -> str | None:
    return gettext(refusal[1]) if refusal else None


def decide(action: str, ticket=None, form=None) -> policy.Decision:
    """The policy's decision for this request's help-centre person."""
    actor = current_actor()
    return policy.decide(actor.person, g.brand, action, ticket=ticket, form=form,
                         assisted_by=actor.assisted_by)


def can(action: str, ticket=None, form=None) -> bool:
    return decide(action, ticket=ticket, form=form).allowed


def require(action: str, ticket=None, form=None, new_request: bool = False) -> None:
    """Stop the request unless allowed: 404/403/409 with the reason, or off to the workspace (a
    new request, with or without its form, goes to the workspace's new ticket page, §5)."""
    decision = decide(action, ticket=ticket, form=form)
    if decision.allowed:
        return
    if decision.status == 401:
        abort(current_app.login_manager.unauthorized())
    if decision.to_workspace:
        if ticket is not None:
            abort(redirect(url_for("agent.ticket", ticket_id=ticket.id)))
        form_id = form.id if form is not None else parse_id(request.args.get("ticket_form_id"))
        abort(redirect(url_for("agent.new_ticket", ticket_form_id=form_id) if form_id or new_request
                       else url_for("agent.home")))
    if decision.reason:
        abort_with(decision.status, reason_text(decision))
    abort(decision.status)


def require_assist(brand, action: str) -> None:
    """Stop the request unless the signed-in person may (sign in first; else 404)."""
    if not current_user.is_authenticated:
        abort(current_app.login_manager.unauthorized())
    if not policy.assist_allowed(current_user, brand, action):
        abort(404)


def may_manage_api_tokens() -> bool:
    """No credentials minted or revoked while an assist is on, even a paused one (DESIGN §8)."""
    return _assist_state() is None


def blocked_while_acting(refusal: str):
    """Declare on a view what an agent may never do as the user (DESIGN §8): while acting, the
    request is refused with `refusal` (one of policy's BLOCKED_WHILE_ACTING reasons) before the
    view runs. The declaration travels with the view, so renaming it keeps the rule."""
    if refusal not in policy.BLOCKED_WHILE_ACTING:
        raise ValueError(f"unknown refusal {refusal!r}")

    def mark(view):
        view.blocked_while_acting = refusal
        return view
    return mark


def refusal_while_acting() -> str | None:
    """The translated refusal declared on this request's view, if any."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    refusal = getattr(view, "blocked_while_acting", None)
    return gettext(policy.BLOCKED_WHILE_ACTING[refusal]) if refusal else None
