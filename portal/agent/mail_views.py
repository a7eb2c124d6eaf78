"""The original of a comment that came in by e-mail (DESIGN §14: the original is kept), for the
agents who see the comment in the workspace."""
from flask import abort
from flask_login import current_user, login_required

from .. import policy
from ..brands import current_brand
from ..extensions import db
from ..mail.inbox import comment_original, original_response
from ..tickets.models import Comment
from . import bp
from .views import load_ticket, workspace_viewer


@bp.get("/comments/<int:comment_id>/original")
@login_required
def mail_original(comment_id):
    viewer = workspace_viewer()
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    ticket = load_ticket(comment.ticket_id, viewer)
    if not comment.is_public and not policy.sees_internal_notes(current_user, current_brand, ticket, viewer.group_ids):
        abort(404)
    raw = comment_original(comment.id)
    if raw is None:
        abort(404)
    return original_response(raw, f"comment-{comment.id}")
