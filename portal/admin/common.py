"""What the admin views share: brand-scoped loading and showing a refusal on its form."""
from flask import abort
from sqlalchemy import func, select

from ..brands import current_brand
from ..extensions import db
from ..service_error import ServiceError


def scoped_or_404(model, object_id, *options):
    """The object with this id in the current brand; another brand's id is a 404, like a missing one."""
    obj = db.session.scalar(
        select(model).where(model.id == object_id, model.brand_id == current_brand.id).options(*options)
    )
    if obj is None:
        abort(404)
    return obj


def submit(form, write):
    """Validate a posted form and run write(); a refusal is shown on the form (the transaction
    owner then rolls back: nothing is written).

    Returns (status, result): status is None on success, else the HTTP status to re-render with.
    """
    if not form.validate():
        return 422, None
    try:
        result = write()
    except ServiceError as error:
        field = getattr(form, error.field, None) if error.field else None
        if field is not None:
            field.errors = [*field.errors, error.message]
        else:
            form.form_errors.append(error.message)
        return error.status, None
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
