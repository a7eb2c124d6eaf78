"""What the admin views share: brand-scoped loading and one way to run a write."""
from flask import abort
from sqlalchemy import func, select

from ..brands import current_brand
from ..errors import abort_with
from ..extensions import db


class AdminError(ValueError):
    """A translated reason an admin change was refused; nothing of it is written."""

    def __init__(self, message: str, status: int = 422, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field


def scoped_or_404(model, object_id, *options):
    """The object with this id in the current brand; another brand's id is a 404, like a missing one."""
    obj = db.session.scalar(
        select(model).where(model.id == object_id, model.brand_id == current_brand.id).options(*options)
    )
    if obj is None:
        abort(404)
    return obj


def commit_or_abort(write, *args, **kwargs):
    """Run one service call and commit it; on AdminError roll back and answer its status and message."""
    try:
        result = write(*args, **kwargs)
    except AdminError as error:
        db.session.rollback()
        abort_with(error.status, error.message)
    db.session.commit()
    return result


def submit(form, write):
    """Validate a posted form, run write() and commit; a refusal is shown on the form, nothing written.

    Returns (status, result): status is None on success, else the HTTP status to re-render with.
    """
    if not form.validate():
        return 422, None
    try:
        result = write()
    except AdminError as error:
        db.session.rollback()
        field = getattr(form, error.field, None) if error.field else None
        if field is not None:
            field.errors = [*field.errors, error.message]
        else:
            form.form_errors.append(error.message)
        return error.status, None
    db.session.commit()
    return None, result


def apply_changes(obj, values: dict) -> dict:
    """Set attributes and return {name: [old, new]} for those that really changed (for the audit)."""
    changes = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changes[name] = [old, new]
            setattr(obj, name, new)
    return changes


def name_taken(model, column, brand, name: str, except_id=None) -> bool:
    query = select(model.id).where(model.brand_id == brand.id, func.lower(column) == name.lower())
    if except_id is not None:
        query = query.where(model.id != except_id)
    return db.session.scalar(query) is not None
