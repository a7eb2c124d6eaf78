"""The assist state of the current request, read once from the server-side session row.

The session row points at the interaction, so every tab and worker of the agent sees the same
state at once (DESIGN §1, §8). A hook run before every request enforces the idle timeout on the
server, refuses what the policy forbids while acting, records activity (polling excluded) and
answers `?asm=true`; portal.access builds the request's actor (whose help centre this is) from it.
"""
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import flash, g, has_request_context, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..auth.models import UserSession
from ..auth.sessions import current_session_row
from ..database import write_connection
from ..errors import abort_with
from ..extensions import db
from ..models_base import utcnow
from .models import CHANNEL_LABELS, END_REASONS, OUTCOMES, Interaction
from .services import expire_if_idle, idle_seconds_left

# The banner's poll: reading the state is not activity, so it never keeps an assist alive.
POLL_ENDPOINT = "assist.state"
UNTRACKED_ENDPOINTS = {None, "static", "bootstrap.static", "brands.theme"}


@dataclass
class AssistState:
    interaction: Interaction
    in_its_brand: bool

    @property
    def acting(self) -> bool:
        """Acting as the user: in the interaction's brand and not paused."""
        return self.in_its_brand and not self.interaction.is_paused

    @property
    def channel_label(self) -> str:
        label = CHANNEL_LABELS.get(self.interaction.channel)
        return str(label) if label else self.interaction.channel

    def elapsed_seconds(self) -> int:
        return self.interaction.elapsed_seconds(utcnow())

    def idle_seconds_left(self) -> int | None:
        return idle_seconds_left(self.interaction, utcnow())


def current_assist() -> AssistState | None:
    return g.get("assist_state") if has_request_context() else None


@contextmanager
def _writer():
    """A GET reads in a deferred transaction: its bookkeeping writes go through a short write
    connection of their own. Other methods already hold the write lock: use the session."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        with write_connection() as conn:
            yield conn
    else:
        yield db.session


def _asm_redirect():
    """`?asm=true` on any help-centre URL opens the assist panel (sign-in first if needed)."""
    if request.args.get("asm") != "true" or not g.get("url_locale") or g.get("brand") is None:
        return None
    back = request.args.copy()
    back.pop("asm")
    here = request.path + ("?" + urlencode(list(back.items(multi=True))) if back else "")
    panel = url_for("assist.panel", next=here)
    if not current_user.is_authenticated:
        # Sign in on this help centre's page, in its language, then on to the panel.
        return redirect(url_for("auth.signin", next=panel))
    return redirect(panel)


def _end_notice(message: str) -> None:
    """Say the assist is over; a help-centre write meant for the user must not land as the agent's."""
    if request.method == "POST" and g.get("url_locale"):
        # The assist's end must last though this answer is an error (which rolls back).
        db.session.commit()
        abort_with(409, _("%(message)s Nothing was saved.", message=message))
    flash(message, "warning")


def load_assist_state():
    g.assist_state = None
    if request.endpoint in UNTRACKED_ENDPOINTS:
        return None
    answer = _asm_redirect()
    if answer is not None:
        return answer
    if not current_user.is_authenticated:
        return None
    row = current_session_row()
    if row is None or row.assist_interaction_id is None:
        return None
    interaction = db.session.get(Interaction, row.assist_interaction_id,
                                 options=[joinedload(Interaction.user), joinedload(Interaction.brand),
                                          joinedload(Interaction.agent)])
    if interaction is None or interaction.agent_id != current_user.id or not interaction.is_active:
        # Ended in another tab, browser or worker: this session stops acting too.
        with _writer() as executor:
            executor.execute(update(UserSession).where(UserSession.id == row.id)
                             .values(assist_interaction_id=None).execution_options(synchronize_session=False))
        return _end_notice(_("The assist session has ended."))
    now = utcnow()
    with _writer() as executor:
        timed_out = expire_if_idle(executor, interaction, now)
        if not timed_out and not interaction.is_paused and request.endpoint != POLL_ENDPOINT:
            executor.execute(update(Interaction).where(Interaction.id == interaction.id)
                             .values(last_activity_at=now).execution_options(synchronize_session=False))
    if timed_out:
        db.session.expire(interaction)
        return _end_notice(_("The assist session for %(name)s timed out after no activity; you are "
                             "no longer acting as them. Record its outcome in the interaction log.",
                             name=interaction.user.name))
    if not interaction.is_paused and request.endpoint != POLL_ENDPOINT:
        set_committed_value(interaction, "last_activity_at", now)
    state = AssistState(interaction, in_its_brand=g.get("brand") is not None
                        and g.brand.id == interaction.brand_id)
    g.assist_state = state
    from ..access import refusal_while_acting  # access reads this module's state

    message = refusal_while_acting()
    if message and state.acting:
        abort_with(403, message)
    return None


def audit_assisted_write(response):
    """Every successful write made while acting as the user lands in the audit log with both
    names: the agent as actor, the user as on_behalf_of (DESIGN §8)."""
    state = current_assist()
    if (state is None or not state.acting or request.method != "POST" or response.status_code >= 400
            or request.blueprint == "assist"):
        return response
    from ..audit.services import record

    interaction = state.interaction
    record("assist.acted", actor=interaction.agent, brand=interaction.brand, obj=interaction,
           on_behalf_of=interaction.user, endpoint=request.endpoint, path=request.path,
           target=response.headers.get("Location"), channel=interaction.channel)
    return response  # committed with the write it describes, by the transaction owner


def inject_assist():
    state = current_assist()
    return {"assisting": state, "assist_channel_labels": CHANNEL_LABELS, "assist_outcomes": OUTCOMES,
            "assist_end_reasons": END_REASONS}


def register_state_hooks(bp):
    bp.before_app_request(load_assist_state)
    bp.after_app_request(audit_assisted_write)
    bp.app_context_processor(inject_assist)
