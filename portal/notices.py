"""Notices for the next page (Flask's flashed messages), translated when they are shown.

A notice is often made on one page and shown on another: an assist starts in the workspace and
its notice shows in the help centre, whose language is its URL's (DESIGN §9). So a notice keeps
its message id and values, not a translated text, and the page that shows it translates it in
its own language (portal.i18n.notice_text).
"""
from flask import flash


def N_(message: str) -> str:
    """Marks a message for the catalogue (Babel extracts N_); it is translated when shown."""
    return message


def notify(message: str, category: str = "info", **values) -> None:
    """Show `message` (a message id, marked with N_) on the next page, in that page's language."""
    flash({"msgid": message, "values": {k: v if isinstance(v, (int, float)) else str(v) for k, v in values.items()}},
          category)

