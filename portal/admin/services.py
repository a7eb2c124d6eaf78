"""Brand settings, for admins. Every change is audited (who, old, new).

Callers commit on success and roll back on ServiceError, so a refused change writes nothing.
"""
from flask_babel import gettext as _

from ..brands.colours import is_colour
from ..brands.services import change_settings
from ..brands.settings import SETTINGS, Setting, SettingError, coerce, settings_for
from ..audit.services import record
from .common import ServiceError

_BOOL_WORDS = {"1": True, "true": True, "on": True, "yes": True,
               "0": False, "false": False, "off": False, "no": False, "": False}


def _parse_setting(setting: Setting, values: list[str]):
    """One posted setting (all values sent under its name) to its typed value, or ServiceError."""
    key = setting.key
    last = values[-1].strip() if values else ""
    if setting.kind is bool:
        if last.lower() not in _BOOL_WORDS:
            raise ServiceError(422, _("“%(key)s” must be on or off.", key=key), field=key)
        return _BOOL_WORDS[last.lower()]
    if setting.kind is int:
        try:
            number = int(last)
        except ValueError:
            number = None
        if number is None or not setting.minimum <= number <= setting.maximum:
            raise ServiceError(422, _("“%(key)s” must be a whole number from %(minimum)d to %(maximum)d.",
                               key=key, minimum=setting.minimum, maximum=setting.maximum), field=key)
        return number
    if setting.kind is list:
        if setting.choices is None:  # free list, typed as one comma-separated text
            return [item.strip() for value in values for item in value.replace("\n", ",").split(",")
                    if item.strip()]
        items = [value.strip() for value in values if value.strip()]
        if not items or any(item not in setting.choices for item in items):
            raise ServiceError(422, _("“%(key)s”: choose at least one of %(choices)s.",
                               key=key, choices=", ".join(setting.choices)), field=key)
        return list(dict.fromkeys(items))
    if setting.choices is not None and last not in setting.choices:
        raise ServiceError(422, _("“%(key)s”: choose one of %(choices)s.", key=key, choices=", ".join(setting.choices)), field=key)
    try:
        return coerce(key, last)
    except SettingError:
        raise ServiceError(422, _("“%(key)s”: this value is not valid.", key=key), field=key) from None


def update_settings(brand, posted: dict[str, list[str]]) -> dict[str, tuple]:
    """Change the posted settings (name -> every value posted under it); all or nothing.

    Returns {key: (old, new)} for what really changed; change_settings audits each one.
    """
    unknown = sorted(key for key in posted if key not in SETTINGS)
    if unknown:
        raise ServiceError(422, _("Unknown setting: %(keys)s.", keys=", ".join(unknown)))
    changes = {key: _parse_setting(SETTINGS[key], values) for key, values in posted.items()}
    current = settings_for(brand)
    locales = changes.get("locales", current.locales)
    if changes.get("default_locale", current.default_locale) not in locales:
        raise ServiceError(422, _("The default language must be one of the help-centre languages."), field="default_locale")
    try:
        return change_settings(brand, changes)
    except SettingError:  # parsing above is stricter; this is a safety net, never a 500
        raise ServiceError(422, _("Some settings are not valid.")) from None


def update_colour(brand, value: str) -> dict[str, tuple]:
    """The header's colour (#rrggbb); audited as a setting. The text on it follows by itself
    (portal.brands.colours), so any colour is accepted: the page tells when it turns the text dark."""
    value = (value or "").strip().lower()
    if not is_colour(value):
        raise ServiceError(422, _("Choose a colour like #0d6efd."), field="colour")
    old = brand.colour
    if value == (old or "").lower():
        return {}
    brand.colour = value
    record("brand.setting_changed", brand=brand, obj=brand, key="colour", old=old, new=value)
    return {"colour": (old, value)}
