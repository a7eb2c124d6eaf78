"""A notification's words laid out as its text and HTML bodies, when it is sent (issue 15).

A notification is queued as its content: every string already translated in the recipient's
language (subject, greeting, lines, quote, links, footer, signature), stored on the outbox row.
The web request only writes that row; the delivery worker, the development drop and
`flask mail show` lay it out with templates/mail/notification.{txt,html}. Rendering is most of
what a notification cost the request that caused it, and the words, not the layout, are what must
be fixed at that moment.

Mail templates are plain: they read only their content (no request, no `_`, no `url_for`), so
they run in an environment of their own, without Flask's context processors and globals (cheaper
per message, and usable in a worker's thread).
"""
from functools import lru_cache

from flask import current_app
from jinja2 import Environment, select_autoescape

TEXT_TEMPLATE, HTML_TEMPLATE = "mail/notification.txt", "mail/notification.html"


@lru_cache(maxsize=4)
def _environment(loader) -> Environment:
    return Environment(loader=loader, autoescape=select_autoescape(["html"]), auto_reload=False)


def parts(mail) -> tuple[str, str | None]:
    """The text body and the HTML alternative of an outbox row (ORM object or Core row): as
    stored, or laid out from its content."""
    content = mail.content
    if content is None:
        return mail.body, mail.html
    environment = _environment(current_app.jinja_loader)
    # JSON gives lists back where the notification built tuples: a link is (label, url).
    context = dict(content, links=[tuple(link) for link in content.get("links") or ()])
    return (environment.get_template(TEXT_TEMPLATE).render(context),
            environment.get_template(HTML_TEMPLATE).render(context))
