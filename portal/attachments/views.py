"""Serving an attached file: load (brand-scoped) -> the policy (exactly who reads its comment) ->
stream it from storage, as a download unless it is a raster image, with headers that keep a
browser from ever running it as a page of our origin (DESIGN §15)."""
from flask import abort, send_file
from flask_login import login_required

from .. import policy
from ..access import current_actor
from ..agent.queries import group_ids_of
from ..brands import current_brand
from ..extensions import db
from ..tickets.models import Comment
from ..tickets.queries import request_in_brand
from . import bp, services
from .storage import storage

# The download is no page: nothing in it may run, load or be framed, whatever the bytes are.
DOWNLOAD_CSP = "default-src 'none'; sandbox"


def readable(attachment_id: int):
    """The attachment if the actor's person may read it; a 404 otherwise (another brand's, an
    internal note's for an end user, someone else's upload)."""
    row = services.in_brand(current_brand, attachment_id)
    if row is None:
        abort(404)
    actor = current_actor()
    person = actor.person
    ticket, public = None, False
    if row.comment_id is not None:
        comment = db.session.get(Comment, row.comment_id)
        ticket, public = request_in_brand(current_brand, comment.ticket_id), comment.is_public
    group_ids = group_ids_of(person, current_brand) if policy.is_staff(person, current_brand) else frozenset()
    if not policy.decide_attachment(person, current_brand, row, ticket, public, group_ids, actor.assisted_by):
        abort(404)
    return row


def _send(key: str, content_type: str, name: str, inline: bool):
    path = storage().path(key)
    try:
        response = send_file(path, mimetype=content_type, as_attachment=not inline, download_name=name,
                             conditional=True, max_age=0)
    except FileNotFoundError:
        abort(404)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "private, max-age=0"
    return response


@bp.get("/<int:attachment_id>")
@login_required
def download(attachment_id):
    row = readable(attachment_id)
    return _send(row.content_key, row.content_type, row.file_name, row.inline)


@bp.get("/<int:attachment_id>/thumbnail")
@login_required
def thumbnail(attachment_id):
    row = readable(attachment_id)
    if row.thumbnail_key is None:
        abort(404)
    return _send(row.thumbnail_key, "image/png", "thumbnail.png", inline=True)
