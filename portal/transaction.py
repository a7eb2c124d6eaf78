"""The one owner of a web request's transaction (STYLE §14), as Indico's request handler is.

Views and services write through `db.session` and never commit: when the view has answered, the
request's writes are committed if the answer is a success (2xx/3xx) to a method that may write,
and rolled back otherwise (an error answer, a refused `ServiceError`, an unexpected exception,
any GET). So a reply and its notifications, audit and search rows commit together or not at all.

A step that must last even though the request answers an error commits on its own, where it
happens, and says why (a failed sign-in is counted; the throttle must hold).

Work that follows a commit but is no part of it (bringing the search index in step) registers
with `after_commit_work` and runs once the request's commit is done, never inside it.
"""
import logging

from flask import make_response, request
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .errors import render_error
from .extensions import db
from .service_error import ServiceError

READ_ONLY_METHODS = ("GET", "HEAD", "OPTIONS")
_AFTER_COMMIT = []
log = logging.getLogger(__name__)


def after_commit_work(function) -> None:
    """Run `function()` after each request whose writes were committed (once per function)."""
    if function not in _AFTER_COMMIT:
        _AFTER_COMMIT.append(function)


def _run_after_commit_work() -> None:
    for function in _AFTER_COMMIT:
        try:
            function()
        except Exception:  # the commit stands; the work's own log says what waits
            log.exception("work after the commit failed: %s", getattr(function, "__name__", function))


def _conflict_message() -> str:
    return _("Someone else changed this at the same moment. Nothing was saved; please try again.")


def commit_or_roll_back(response):
    response = _commit_or_roll_back(response)
    # Also after a rollback: a step that committed on its own (a counted failure) may have work.
    _run_after_commit_work()
    return response


def _commit_or_roll_back(response):
    if request.method in READ_ONLY_METHODS or response.status_code >= 400:
        db.session.rollback()
        return response
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError):  # a concurrent write won the race: nothing of ours stands
        db.session.rollback()
        return make_response(render_error(409, _conflict_message()))
    return response


def refuse(error: ServiceError):
    """A service refusal no view turned into a page of its own: its status and message."""
    db.session.rollback()
    return render_error(error.status, error.message)


def install(app) -> None:
    # Registered before every other after-request hook, so it runs last (Flask runs them in
    # reverse): the assisted-write audit row and any other late write commit with the request.
    app.after_request(commit_or_roll_back)
    app.register_error_handler(ServiceError, refuse)
