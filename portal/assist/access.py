"""Who may use assisted service, and whom they may assist (DESIGN §8). Views ask here.

Every gate answers 404 when closed: a brand without the feature, or a person without the
capability, learns nothing about the pages behind it.
"""
from flask import abort
from flask_babel import gettext as _
from flask_login import current_user

from ..brands.models import STAFF_ROLES
from ..brands.settings import settings_for

# Roles that may hold can_assist: light agents cannot search or edit users (DESIGN §6).
ASSIST_ROLES = ("agent", "admin")

USE_ASSIST = "use_assist"
REGISTER_USERS = "register_users"
VIEW_REPORTS = "view_reports"
ACTIONS = (USE_ASSIST, REGISTER_USERS, VIEW_REPORTS)


def allowed(person, brand, action: str) -> bool:
    if action not in ACTIONS:
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
    return may_assist or membership.role == "admin"


def require(brand, action: str) -> None:
    if not current_user.is_authenticated:
        from flask import current_app

        abort(current_app.login_manager.unauthorized())
    if not allowed(current_user, brand, action):
        abort(404)


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
