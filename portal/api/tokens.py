"""Creating and revoking API tokens: the secret is returned once and only its hash is kept;
every change is audited (DESIGN §11)."""
import secrets

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.services import record
from ..extensions import db
from ..models_base import utcnow
from .auth import hash_secret
from .models import ApiToken
from ..service_error import ServiceError

MAX_NAME = 80
MAX_ACTIVE_TOKENS = 20


def tokens_of(user) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())))


def create_token(user, name: str, brand=None) -> tuple[ApiToken, str]:
    """A new token (in the caller's transaction) and its secret, which is never stored nor shown again."""
    name = (name or "").strip()
    if not name:
        raise ServiceError(422, _("Give the token a name, so you know later what uses it."))
    if len(name) > MAX_NAME:
        raise ServiceError(422, _("The name is too long (at most %(max)d characters).", max=MAX_NAME))
    active = [t for t in tokens_of(user) if t.is_active]
    if len(active) >= MAX_ACTIVE_TOKENS:
        raise ServiceError(409, _("You have %(max)d active tokens; revoke one first.", max=MAX_ACTIVE_TOKENS))
    secret = secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_secret(secret))
    db.session.add(token)
    db.session.flush()
    record("api_token.created", actor=user, brand=brand, obj=token, name=name)
    return token, secret


def revoke_token(user, token_id: int, brand=None) -> ApiToken:
    token = db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))
    if token is None or not token.is_active:
        raise ServiceError(404, _("This token does not exist or is already revoked."))
    token.revoked_at = utcnow()
    record("api_token.revoked", actor=user, brand=brand, obj=token, name=token.name)
    return token
