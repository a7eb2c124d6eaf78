"""Friendly, translated error pages; JSON for API paths."""
from flask import current_app, g, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.routing import BuildError

from .extensions import db


def _titles():
    return {
        400: _("Bad request"),
        403: _("You may not do this"),
        404: _("Page not found"),
        405: _("Method not allowed"),
        409: _("Conflict"),
        413: _("Too large"),
        422: _("Some information is not valid"),
        429: _("Too many attempts"),
        500: _("Something went wrong"),
    }


def render_error(status: int, message: str | None = None):
    title = _titles().get(status, _("Error"))
    if "/api/" in request.path:
        return jsonify(error=title, description=message or title), status
    back_url, back_label = _way_back(status)
    return render_template("errors/error.html", status=status, title=title, message=message,
                           back_url=back_url, back_label=back_label), status


def _way_back(status: int) -> tuple[str, str]:
    """Where the error page leads: into the brand the person was in (its workspace or
    administration when they came from there and may use it), else the directory."""
    brand = g.get("brand")
    if brand is None:
        return url_for("brands.directory"), _("Back to the help centres")
    try:
        if request.blueprint in ("agent", "assist", "search") and status != 403:
            return url_for("agent.home"), _("Back to the agent workspace")
        if request.blueprint == "admin" and status != 403:
            return url_for("admin.home"), _("Back to administration")
        return url_for("helpcenter.home"), _("Back to %(brand)s", brand=brand.name)
    except BuildError:  # no language for the help centre yet (a very early error)
        return url_for("brands.directory"), _("Back to the help centres")


def register_error_handlers(app):
    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_error(400, _("The form expired or was sent from elsewhere. Please try again."))

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_error):
        # Past MAX_CONTENT_LENGTH nothing of the form was read; a file over the brand's own limit
        # is refused by its form instead, with what was typed kept (portal.attachments).
        limit = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
        return render_error(413, _("What you sent is too large (more than %(max)d MB at once). Go back to the "
                                   "form: what you typed is still there; attach fewer or smaller files.", max=limit))

    @app.errorhandler(HTTPException)
    def http_error(error):
        description = getattr(error, "guichet_message", None)
        return render_error(error.code or 500, description)

    @app.errorhandler(Exception)
    def unexpected(error):
        app.logger.exception("unhandled error")
        db.session.rollback()
        return render_error(500)


def abort_with(status: int, message: str):
    """Stop the request with a status and a translated message shown on the error page."""
    from werkzeug.exceptions import default_exceptions

    error = default_exceptions[status]()
    error.guichet_message = message
    raise error
