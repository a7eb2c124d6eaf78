"""Recording audit events; callers commit with the change they describe."""
import warnings

from flask import has_request_context

from ..extensions import db
from .labels import ACTION_LABELS
from .models import AuditEvent


def record(action: str, *, actor=None, brand=None, obj=None, on_behalf_of=None, **data) -> AuditEvent:
    if action not in ACTION_LABELS:
        # A developer's slip, not the user's: the admin log would show the bare code. Tests turn
        # warnings into errors, so an action built at run time (an f-string) is caught too.
        warnings.warn(f"audit action {action!r} has no label in portal/audit/labels.py", stacklevel=2)
    if actor is None and has_request_context():
        from flask_login import current_user

        if current_user and current_user.is_authenticated:
            actor = current_user
    # current_user (a LocalProxy) passed as anything would be logged as "LocalProxy": the object behind it.
    actor, brand, obj, on_behalf_of = (_unwrapped(value) for value in (actor, brand, obj, on_behalf_of))
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        on_behalf_of_id=getattr(on_behalf_of, "id", None),
        brand_id=getattr(brand, "id", None),
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        data=data,
    )
    db.session.add(event)
    return event


def _unwrapped(value):
    """The object behind a werkzeug LocalProxy (current_user, current_brand), or value itself."""
    unwrap = getattr(value, "_get_current_object", None)
    return unwrap() if callable(unwrap) else value
