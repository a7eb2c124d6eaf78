"""Assisted-service workflows: start, pause, resume, end, time out, log by hand, edit entries.

Every function validates its input with translated messages (ServiceError) and leaves the commit to
the caller, so a refused request writes nothing. The CLI and tests call the same functions.
"""
from datetime import datetime, timedelta

from flask import current_app, has_request_context
from flask_babel import gettext as _
from sqlalchemy import insert, select, update

from ..audit.models import AuditEvent
from ..audit.services import record
from ..auth.models import UserSession
from ..auth.sessions import rotate_session
from ..brands.settings import settings_for
from ..extensions import db
from ..mail import notifications
from ..models_base import utcnow
from .. import policy
from ..policy import refusal_to_assist
from ..tickets.models import TicketForm
from .models import MAX_MANUAL_MINUTES, OUTCOMES, Interaction
from ..service_error import ServiceError



# --- the brand's lists ---------------------------------------------------------------------------
def channels_for(brand) -> list[str]:
    return list(settings_for(brand).assist_channels)


def services_for(brand) -> list[str]:
    """The brand's own list, else the names of its end-user forms (DESIGN §3)."""
    configured = settings_for(brand).assist_services
    if configured:
        return list(configured)
    return list(db.session.scalars(
        select(TicketForm.name).where(TicketForm.brand_id == brand.id, TicketForm.active.is_(True),
                                      TicketForm.end_user_visible.is_(True))
        .order_by(TicketForm.position, TicketForm.id)))


def _check_lists(brand, channel: str | None, service: str | None) -> None:
    if channel not in channels_for(brand):
        raise ServiceError(422, _("Choose a channel from the list."))
    if service not in services_for(brand):
        raise ServiceError(422, _("Choose a service from the list."))


def _check_outcome(outcome: str | None, required: bool = True) -> None:
    if outcome is None and not required:
        return
    if outcome not in OUTCOMES:
        raise ServiceError(422, _("Choose an outcome from the list."))


def idle_timeout(brand) -> timedelta:
    # Tests may shorten the idle timeout below the setting's one-minute minimum.
    seconds = current_app.config.get("ASSIST_IDLE_TIMEOUT_SECONDS")
    if seconds:
        return timedelta(seconds=seconds)
    return timedelta(minutes=settings_for(brand).assist_idle_timeout_minutes)


# --- starting ------------------------------------------------------------------------------------
def active_assist_of(agent) -> Interaction | None:
    """The agent's running assist, whatever the brand or browser: one at a time (DESIGN §8)."""
    return db.session.scalar(select(Interaction).where(
        Interaction.agent_id == agent.id, Interaction.manual.is_(False), Interaction.ended_at.is_(None)
    ).order_by(Interaction.id.desc()).limit(1))


def start_assist(agent, user, brand, channel: str, service: str, *, switch: bool = False,
                 now: datetime | None = None) -> Interaction:
    """Start acting as `user`; the session is rotated and points at the new interaction."""
    refusal = refusal_to_assist(agent, user, brand)
    if refusal:
        raise ServiceError(refusal[0], _(refusal[1]))
    _check_lists(brand, channel, service)
    now = now or utcnow()
    current = active_assist_of(agent)
    if current is not None and not switch:
        raise ServiceError(409, _("You are already assisting %(name)s. Confirm to end that session "
                                 "and start this one.", name=current.user.name), current=current)
    if current is not None:
        close(db.session, current, "switched", now)
    interaction = Interaction(brand_id=brand.id, agent_id=agent.id, user_id=user.id, channel=channel,
                              service=service, started_at=now, last_activity_at=now)
    db.session.add(interaction)
    db.session.flush()
    if has_request_context():
        row = rotate_session()
        if row is not None:
            row.assist_interaction_id = interaction.id
    record("assist.start", actor=agent, brand=brand, obj=interaction, on_behalf_of=user,
           channel=channel, service=service)
    return interaction


# --- ending --------------------------------------------------------------------------------------
def seconds_until(interaction: Interaction, end_point: datetime) -> tuple[int, int]:
    """(time spent, paused seconds) from the start to end_point, pauses excluded."""
    paused = interaction.paused_seconds
    if interaction.paused_at is not None and end_point > interaction.paused_at:
        paused += int((end_point - interaction.paused_at).total_seconds())
    spent = int((end_point - interaction.started_at).total_seconds()) - paused
    return max(0, spent), paused


def close(executor, interaction: Interaction, reason: str, now: datetime, *, ended_at=None) -> bool:
    """End an assist once: Core statements, so a GET can run them in its own write connection.

    The `ended_at IS NULL` guard makes two tabs or workers ending it at once harmless: only one
    of them writes the end and its audit event. Sessions pointing at it stop acting at once.
    """
    end_point = interaction.last_activity_at if reason == "timed_out" else now
    spent, paused = seconds_until(interaction, end_point)
    result = executor.execute(
        update(Interaction).where(Interaction.id == interaction.id, Interaction.ended_at.is_(None))
        .values(ended_at=ended_at or now, end_reason=reason, seconds_spent=spent,
                paused_seconds=paused, paused_at=None)
        .execution_options(synchronize_session=False))
    if not result.rowcount:
        return False
    executor.execute(update(UserSession).where(UserSession.assist_interaction_id == interaction.id)
                     .values(assist_interaction_id=None).execution_options(synchronize_session=False))
    executor.execute(insert(AuditEvent).values(
        action="assist.end", actor_id=interaction.agent_id, on_behalf_of_id=interaction.user_id,
        brand_id=interaction.brand_id, object_type="Interaction", object_id=interaction.id,
        data={"end_reason": reason, "seconds_spent": spent}, created_at=now))
    notifications.assist_summary(executor, interaction, ended_at or now)
    return True


def end_assist(interaction: Interaction, outcome: str, note: str | None, now: datetime | None = None):
    """The agent ends the assist with an outcome and a note."""
    _check_outcome(outcome)
    note = _clean_note(note)
    if not interaction.is_active:
        raise ServiceError(409, _("This assist session has already ended."))
    now = now or utcnow()
    close(db.session, interaction, "ended", now)
    db.session.refresh(interaction)
    interaction.outcome = outcome
    interaction.note = note
    if has_request_context():
        row = rotate_session()
        if row is not None:
            row.assist_interaction_id = None
    return interaction


def expire_if_idle(executor, interaction: Interaction, now: datetime) -> bool:
    """Server-side idle timeout: time spent stops at the last activity. Never while paused."""
    if interaction.is_paused or not interaction.is_active:
        return False
    limit = idle_timeout(interaction.brand)
    if now - interaction.last_activity_at <= limit:
        return False
    return close(executor, interaction, "timed_out", now, ended_at=interaction.last_activity_at + limit)


def idle_seconds_left(interaction: Interaction, now: datetime) -> int | None:
    if interaction.is_paused:
        return None
    left = idle_timeout(interaction.brand) - (now - interaction.last_activity_at)
    return max(0, int(left.total_seconds()))


# --- pause, resume, outcome ----------------------------------------------------------------------
def pause(interaction: Interaction, now: datetime | None = None) -> None:
    if interaction.is_paused:
        raise ServiceError(409, _("This assist session is already paused."))
    interaction.paused_at = now or utcnow()
    record("assist.pause", actor=interaction.agent, brand=interaction.brand, obj=interaction,
           on_behalf_of=interaction.user)


def resume(interaction: Interaction, now: datetime | None = None) -> None:
    if not interaction.is_paused:
        raise ServiceError(409, _("This assist session is not paused."))
    now = now or utcnow()
    interaction.paused_seconds += max(0, int((now - interaction.paused_at).total_seconds()))
    interaction.paused_at = None
    interaction.last_activity_at = now  # the idle clock restarts with acting-as
    record("assist.resume", actor=interaction.agent, brand=interaction.brand, obj=interaction,
           on_behalf_of=interaction.user)


def _clean_note(note: str | None) -> str | None:
    note = (note or "").strip()
    if len(note) > 2000:
        raise ServiceError(422, _("The note is too long (2000 characters at most)."))
    return note or None


# --- the log: entries by hand and edits ------------------------------------------------------------
def _parse_minutes(minutes) -> int:
    try:
        value = int(str(minutes).strip())
    except (TypeError, ValueError):
        raise ServiceError(422, _("Enter the time spent as a whole number of minutes.")) from None
    if not 1 <= value <= MAX_MANUAL_MINUTES:
        raise ServiceError(422, _("The time spent must be between 1 and %(max)d minutes.",
                                 max=MAX_MANUAL_MINUTES))
    return value


def log_manual(agent, brand, user, channel: str, service: str, minutes, outcome: str,
               note: str | None = None, now: datetime | None = None) -> Interaction:
    """An interaction without assisting (a phone call): the agent states the minutes."""
    if user is None:
        raise ServiceError(422, _("Enter the e-mail address of a member of this help centre."))
    refusal = refusal_to_assist(agent, user, brand)
    if refusal:
        raise ServiceError(422, refusal[1])
    _check_lists(brand, channel, service)
    value = _parse_minutes(minutes)
    _check_outcome(outcome)
    now = now or utcnow()
    entry = Interaction(brand_id=brand.id, agent_id=agent.id, user_id=user.id, channel=channel,
                        service=service, manual=True, started_at=now - timedelta(minutes=value),
                        last_activity_at=now, ended_at=now, seconds_spent=value * 60,
                        outcome=outcome, note=_clean_note(note))
    db.session.add(entry)
    db.session.flush()
    record("assist.log", actor=agent, brand=brand, obj=entry, on_behalf_of=user, channel=channel,
           service=service, minutes=value, outcome=outcome)
    return entry




def edit_entry(entry: Interaction, actor, *, channel: str, service: str, outcome: str,
               note: str | None, minutes=None, now: datetime | None = None) -> dict:
    """The agent corrects one of their entries of the last 24 hours; the change is audited."""
    decision = policy.decide_interaction_edit(actor, entry, now or utcnow())
    if not decision:
        raise ServiceError(decision.status, _(decision.reason) if decision.reason else _("Page not found"))
    _check_lists(entry.brand, channel, service)
    _check_outcome(outcome)
    wanted = {"channel": channel, "service": service, "outcome": outcome, "note": _clean_note(note)}
    if entry.manual:
        wanted["seconds_spent"] = _parse_minutes(minutes) * 60
    changes = {key: [getattr(entry, key), value] for key, value in wanted.items()
               if getattr(entry, key) != value}
    for key, (_old, value) in changes.items():
        setattr(entry, key, value)
    if changes:
        record("assist.edit", actor=actor, brand=entry.brand, obj=entry, on_behalf_of=entry.user,
               changes=changes)
    return changes

