"""Words for the codes people see on tickets: statuses, priorities, types, channels and history
lines. Templates call these as functions (registered in portal.templating): a Python lookup
translates one string, where a Jinja macro per label cost several times more on long threads.
"""
from flask_babel import get_translations
from markupsafe import Markup, escape

from .i18n import template_translations


def N_(message: str) -> str:  # marks a message for extraction; translated when shown
    return message


# The workspace's wording; the help centre words "pending" for requesters (REQUEST_STATUS_TEXT).
STATUS_TEXT = {
    "new": N_("New"), "open": N_("Open"), "pending": N_("Pending"), "hold": N_("On hold"),
    "solved": N_("Solved"), "closed": N_("Closed"),
}
REQUEST_STATUS_TEXT = {**STATUS_TEXT, "pending": N_("Awaiting your reply")}
STATUS_BADGE = {"new": "warning", "open": "danger", "pending": "info", "hold": "dark", "solved": "success",
                "closed": "secondary"}
PRIORITY_TEXT = {"low": N_("Low"), "normal": N_("Normal"), "high": N_("High"), "urgent": N_("Urgent")}
TYPE_TEXT = {"question": N_("Question"), "incident": N_("Incident"), "problem": N_("Problem"), "task": N_("Task")}
TICKET_CHANNEL_TEXT = {
    "web": N_("Web"), "api": N_("API"), "phone": N_("Phone"), "email": N_("E-mail"), "chat": N_("Chat"),
    "in_person": N_("In person"), "letter": N_("Letter"), "social": N_("Social media"), "other": N_("Other"),
}
EVENT_FIELD_TEXT = {
    "status": N_("Status"), "priority": N_("Priority"), "type": N_("Type"), "group": N_("Group"),
    "assignee": N_("Assignee"), "created": N_("Created"), "followup": N_("Follow-up request"),
    "rating": N_("Satisfaction rating"),
}
RATING_TEXT = {"good": N_("Good"), "bad": N_("Bad")}


def _text(labels: dict, code, translations=None) -> str:
    """The translated label of a code; an unknown code shows as stored."""
    message = labels.get(code)
    if message is None:
        return "" if code is None else str(code)
    return (translations or get_translations()).ugettext(message)


def status_text(status, translations=None) -> str:
    return _text(STATUS_TEXT, status, translations)


def request_status_text(status, translations=None) -> str:
    """A status as requesters read it in the help centre."""
    return _text(REQUEST_STATUS_TEXT, status, translations)


def _badge(labels: dict, status, translations) -> Markup:
    # The class comes from STATUS_BADGE (ours); only the label is escaped.
    return Markup(f'<span class="badge text-bg-{STATUS_BADGE.get(status, "secondary")}">'
                  f'{escape(_text(labels, status, translations))}</span>')


def status_label(status, translations=None) -> Markup:
    return _badge(STATUS_TEXT, status, translations)


def request_status_label(status, translations=None) -> Markup:
    """A status as requesters read it in the help centre."""
    return _badge(REQUEST_STATUS_TEXT, status, translations)


def priority_label(priority, translations=None) -> str:
    return _text(PRIORITY_TEXT, priority, translations)


def type_label(kind, translations=None) -> str:
    return _text(TYPE_TEXT, kind, translations)


def channel_label(channel, translations=None) -> str:
    return _text(TICKET_CHANNEL_TEXT, channel, translations)


def event_field(field: str, translations=None) -> str:
    """A history line's field: a property's name, or the title of a form field ("field:<title>")."""
    if field.startswith("field:"):
        return field[len("field:"):]
    return _text(EVENT_FIELD_TEXT, field, translations)


def event_value(field: str, value, translations=None) -> str:
    if value is None:
        return "—"
    if field == "status":
        return status_text(value, translations)
    if field == "priority":
        return priority_label(value, translations)
    if field == "type":
        return type_label(value, translations)
    if field == "rating":
        return _text(RATING_TEXT, value, translations)
    if field in ("created", "followup"):
        return f"#{value}"
    return str(value)


# A history line as a sentence (issue 14: never "Created | — | #18").
EVENT_SENTENCES = {
    "created": N_("Created the ticket"),
    "followup": N_("Follow-up request %(new)s created from this one"),
    "rating": N_("Rated the answer “%(new)s”"),
    "set": N_("Set %(what)s to “%(new)s”"),
    "cleared": N_("Cleared %(what)s (was “%(old)s”)"),
    "changed": N_("Changed %(what)s from “%(old)s” to “%(new)s”"),
}


def event_text(field: str, old, new, translations=None) -> str:
    """What a history line says happened, in words."""
    translations = translations or get_translations()
    if field in ("created", "followup", "rating"):
        key = field
    else:
        key = "set" if old is None else "cleared" if new is None else "changed"
    return translations.ugettext(EVENT_SENTENCES[key]) % {
        "what": event_field(field, translations), "old": event_value(field, old, translations),
        "new": event_value(field, new, translations)}


def _for_templates(function):
    """The label function as templates call it: with the render's translations (portal.i18n), so
    pages, imported macros and cached fragments share one set of functions."""
    def in_template(*args):
        return function(*args, translations=template_translations())
    in_template.__name__ = function.__name__
    return in_template


LABEL_FUNCTIONS = (status_text, status_label, request_status_text, request_status_label, priority_label,
                   type_label, channel_label, event_field, event_value, event_text)
TEMPLATE_FUNCTIONS = {function.__name__: _for_templates(function) for function in LABEL_FUNCTIONS}
