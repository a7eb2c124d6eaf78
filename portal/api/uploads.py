"""Uploads, as Zendesk's: `POST /uploads?filename=…` with the file as the raw body answers a
token; `comment.uploads: [token, …]` on a request or ticket attaches the files; `DELETE
/uploads/{token}` drops one not attached yet. A token is its uploader's alone, used once, for
3 days (portal.attachments.services)."""
from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from .. import policy
from ..actor import Actor
from ..attachments import services as attachments
from ..brands import current_brand
from . import bp
from .common import route, string_arg
from .errors import refuse
from .requests import API_CHANNEL
from .serializers import attachment_json, iso
from ..service_error import ServiceError


def _uploader() -> Actor:
    if not policy.is_member(current_user, current_brand):
        refuse(403, _("You are not a member of this help centre."))
    return Actor.itself(current_user, API_CHANNEL)


@route(bp, "/uploads", methods=["POST"])
def create_upload():
    actor = _uploader()
    name = string_arg("filename", maximum=10_000)
    if not name:
        refuse(422, _("Name the file in the filename parameter."))
    incoming = attachments.IncomingFile(name, request.stream, request.content_length)
    try:
        row, token = attachments.upload(current_brand, actor, incoming)
    except ServiceError as error:
        refuse(error.status, error.message)
    shown = attachment_json(row)
    return jsonify(upload={"token": token, "expires_at": iso(row.created_at + attachments.UPLOAD_LIFETIME),
                           "attachment": shown, "attachments": [shown]}), 201


@route(bp, "/uploads/<token>", methods=["DELETE"])
def delete_upload(token):
    actor = _uploader()
    try:
        attachments.delete_upload(current_brand, actor, token)
    except ServiceError as error:
        refuse(error.status, error.message)
    return "", 204
