"""Creating brands and changing their settings; every settings change is audited."""
import re
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.services import record
from ..extensions import db
from .models import RESERVED_SLUGS, Brand
from .settings import SETTINGS, SettingError, coerce, settings_for
from ..service_error import ServiceError

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")


def create_brand(slug: str, name: str, *, host_mapping: str | None = None, colour: str = "#0d6efd",
                 settings: dict[str, Any] | None = None, actor=None) -> Brand:
    slug = (slug or "").strip().lower()
    if not SLUG_RE.match(slug) or slug in RESERVED_SLUGS:
        raise ServiceError(422, _("The short name must be 2 to 40 lower-case letters, digits or dashes, and not reserved."))
    if db.session.scalar(select(Brand.id).where(Brand.slug == slug)):
        raise ServiceError(409, _("A brand already uses this short name."))
    host_mapping = (host_mapping or "").strip().lower() or None
    if host_mapping and db.session.scalar(select(Brand.id).where(Brand.host_mapping == host_mapping)):
        raise ServiceError(409, _("Another brand already uses this host name."))
    try:
        values = {key: coerce(key, value) for key, value in (settings or {}).items()}
    except SettingError as error:
        raise ServiceError(422, str(error)) from None
    brand = Brand(slug=slug, name=(name or slug).strip(), host_mapping=host_mapping, colour=colour,
                  settings=values)
    db.session.add(brand)
    db.session.flush()
    record("brand.create", actor=actor, brand=brand, obj=brand, slug=slug)
    return brand


def change_settings(brand: Brand, changes: dict[str, Any], *, actor=None) -> dict[str, tuple]:
    """Apply changes (key -> raw value); unknown keys and bad values raise SettingError.

    Returns {key: (old, new)} for what really changed; each is one audit event.
    """
    current = settings_for(brand)
    coerced = {key: coerce(key, value) for key, value in changes.items()}
    unknown = set(changes) - set(SETTINGS)
    if unknown:
        raise SettingError(f"unknown settings: {', '.join(sorted(unknown))}")
    stored = dict(brand.settings or {})
    changed = {}
    for key, new in coerced.items():
        old = current[key]
        if old != new:
            stored[key] = new
            changed[key] = (old, new)
            record("brand.setting_changed", actor=actor, brand=brand, obj=brand, key=key, old=old, new=new)
    if changed:
        brand.settings = stored  # a new dict, so the JSON column is seen as changed
    return changed
