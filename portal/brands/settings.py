"""Per-brand settings: named keys, typed, defaults in code, unknown keys refused (DESIGN §3)."""
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

CHANNELS = ("phone", "email", "chat", "in_person", "letter", "social", "other")
LOCALES = ("en", "fr")
ATTACHMENT_KINDS = ("image", "pdf", "office", "text", "archive")  # portal/attachments/files.py reads them


@dataclass(frozen=True)
class Setting:
    key: str
    kind: type
    default: Any
    description: Any
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple | None = None
    label: Any = None  # the short translated name admins see; the description says more


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in [
        Setting("agents_manage_requests", bool, False,
                _l("Agents and light agents may submit and comment on requests in the help centre."),
                label=_l("Agents submit requests in the help centre")),
        Setting("hide_internal_notes_from_agent_requesters", bool, False,
                _l("Hide internal notes from an agent who requested a ticket, unless they belong to its group."),
                label=_l("Hide internal notes from agent requesters")),
        Setting("end_users_can_solve", bool, True,
                _l("Requesters may mark their request solved once it has an assignee."),
                label=_l("Requesters can solve their requests")),
        Setting("satisfaction_ratings", bool, True, _l("Requesters may rate solved requests."),
                label=_l("Satisfaction ratings")),
        Setting("self_registration", bool, True,
                _l("Anyone may sign up in the help centre; when off, only agents who may register users create end users."),
                label=_l("Self-registration")),
        Setting("assisted_service", bool, False,
                _l("Agents who may assist can act on a user's behalf (assisted service)."),
                label=_l("Assisted service")),
        Setting("assist_idle_timeout_minutes", int, 10,
                _l("An assist session with no activity for this many minutes ends by itself."), 1, 240,
                label=_l("Assist idle timeout (minutes)")),
        Setting("assist_channels", list, list(CHANNELS),
                _l("Channels offered when an interaction starts."), choices=CHANNELS,
                label=_l("Assist channels")),
        Setting("assist_services", list, [],
                _l("Services offered when an interaction starts (empty: the brand's end-user forms)."),
                label=_l("Assist services")),
        Setting("assist_summary_mail", bool, True,
                _l("When an assist session ends, the assisted person is mailed a summary of what was done on their behalf."),
                label=_l("Mail a summary of assisted service")),
        Setting("supervisor_assistance", bool, True,
                _l("Agents may ask a group supervisor for assistance on a ticket."),
                label=_l("Supervisor assistance")),
        Setting("light_agents_see_all_tickets", bool, False,
                _l("Light agents see all tickets, not only their groups' tickets."),
                label=_l("Light agents see all tickets")),
        Setting("default_phone_region", str, "FR",
                _l("Region used to read national phone numbers (two letters, e.g. FR)."),
                label=_l("Default phone region")),
        Setting("auto_close_solved_after_days", int, 4,
                _l("Solved requests are closed after this many days."), 1, 365,
                label=_l("Close solved requests after (days)")),
        Setting("locales", list, list(LOCALES), _l("Help-centre languages."), choices=LOCALES,
                label=_l("Languages")),
        Setting("default_locale", str, "en", _l("Default help-centre language."), choices=LOCALES,
                label=_l("Default language")),
        Setting("attachment_max_mb", int, 20,
                _l("Largest file people may attach, in megabytes (each file)."), 1, 100,
                label=_l("Largest attachment (MB)")),
        Setting("attachments_per_comment", int, 10,
                _l("Most files attached to one request or comment."), 1, 50,
                label=_l("Attachments per comment")),
        Setting("attachment_kinds", list, list(ATTACHMENT_KINDS),
                _l("Kinds of file people may attach; the kind is read from the file's content, never from its name."),
                choices=ATTACHMENT_KINDS, label=_l("Allowed attachments")),
        Setting("mail_from_name", str, "",
                _l("Name shown as the sender of this brand's e-mail (empty: the brand's name with its own "
                   "address, else the server's default sender)."),
                label=_l("E-mail sender name")),
        Setting("mail_from_address", str, "",
                _l("Address this brand's e-mail is sent from (empty: the server's default sender)."),
                label=_l("E-mail sender address")),
        Setting("mail_support_addresses", list, [],
                _l("Addresses people write to for this brand (e.g. support@example.com): mail received for them "
                   "becomes requests and replies. The sender address counts too."),
                label=_l("Support e-mail addresses")),
        Setting("mail_imap_url", str, "",
                _l("Mailbox that `flask mail fetch` reads: imaps://user@host[:port] or imap://user@host[:port] "
                   "(STARTTLS). Its password comes from the server's environment, never from here."),
                label=_l("Incoming mailbox (IMAP)")),
    ]
}


class SettingError(ValueError):
    pass


def coerce(key: str, value: Any) -> Any:
    """Return value converted to the setting's type, or raise SettingError."""
    setting = SETTINGS.get(key)
    if setting is None:
        raise SettingError(f"unknown setting {key!r}")
    if setting.kind is bool:
        if isinstance(value, str):
            value = value.strip().lower() in ("1", "true", "on", "yes", "y")
        return bool(value)
    if setting.kind is int:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise SettingError(f"{key} must be a whole number") from None
        if setting.minimum is not None and number < setting.minimum:
            raise SettingError(f"{key} must be at least {setting.minimum}")
        if setting.maximum is not None and number > setting.maximum:
            raise SettingError(f"{key} must be at most {setting.maximum}")
        return number
    if setting.kind is list:
        if isinstance(value, str):
            value = [v.strip() for v in value.replace("\n", ",").split(",")]
        items = [str(v).strip() for v in value if str(v).strip()]
        if key == "mail_support_addresses":
            return list(dict.fromkeys(_mail_sender("mail_from_address", item).lower() for item in items))
        if setting.choices is not None:
            unknown = [v for v in items if v not in setting.choices]
            if unknown:
                raise SettingError(f"{key}: unknown values {', '.join(unknown)}")
        return items
    text = str(value).strip()
    if setting.choices is not None and text not in setting.choices:
        raise SettingError(f"{key}: {text!r} is not allowed")
    if key in ("mail_from_name", "mail_from_address"):
        return _mail_sender(key, text)
    if key == "mail_imap_url":
        return _imap_url(text)
    if key == "default_phone_region":
        import phonenumbers

        text = text.upper()
        if text not in phonenumbers.SUPPORTED_REGIONS:
            raise SettingError(f"{key}: unknown region {text!r}")
    return text


def _mail_sender(key: str, text: str) -> str:
    """A sender name or address: one line (never a second header), short; an address must be one."""
    text = " ".join(text.split())
    if len(text) > 100:
        raise SettingError(f"{key} must be at most 100 characters")
    if key == "mail_from_address" and text:
        from email_validator import EmailNotValidError, validate_email

        try:
            text = validate_email(text, check_deliverability=False, test_environment=True,
                                  allow_smtputf8=False).normalized
        except EmailNotValidError:
            raise SettingError(f"{key}: {text!r} is not an e-mail address") from None
    return text


def _imap_url(text: str) -> str:
    """imaps:// or imap:// (STARTTLS) with a user and a host, and no password: it would show on this
    page and in the audit log (it comes from GUICHET_IMAP_PASSWORD_<SLUG>, portal/mail/imap.py)."""
    from urllib.parse import urlsplit

    if not text:
        return ""
    try:
        url = urlsplit(text)
        _port = url.port  # raises ValueError on a bad port
    except ValueError:
        raise SettingError("mail_imap_url: not a URL") from None
    if url.scheme not in ("imap", "imaps") or not url.hostname or not url.username or len(text) > 300:
        raise SettingError("mail_imap_url: imaps://user@host or imap://user@host")
    if url.password is not None:
        raise SettingError("mail_imap_url: the password belongs in the environment, not here")
    return text


class BrandSettings:
    """Read-only view of one brand's settings with defaults filled in."""

    def __init__(self, brand):
        self._stored = dict(brand.settings or {})

    def __getattr__(self, key: str) -> Any:
        try:
            setting = SETTINGS[key]
        except KeyError:
            raise AttributeError(key) from None
        if key in self._stored:
            return self._stored[key]
        default = setting.default
        return list(default) if isinstance(default, list) else default

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)

    def as_dict(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in SETTINGS}


def settings_for(brand) -> BrandSettings:
    return BrandSettings(brand)
