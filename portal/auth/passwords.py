"""argon2id password hashing (DESIGN §12): old or weaker hashes are upgraded at sign-in."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(time_cost=config["ARGON2_TIME_COST"], memory_cost=config["ARGON2_MEMORY_COST"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(user, password: str) -> bool:
    """True when the password matches; rehashes in place when the parameters changed."""
    if not user.password_hash:
        return False
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


_DUMMY_HASH: dict[tuple, str] = {}


def burn_time(password: str) -> None:
    """Spend a verification's time when no account matched, so timing does not reveal it."""
    hasher = _hasher()
    key = (hasher.time_cost, hasher.memory_cost)
    if key not in _DUMMY_HASH:
        _DUMMY_HASH[key] = hasher.hash("not-a-real-password")
    try:
        hasher.verify(_DUMMY_HASH[key], password)
    except VerificationError:
        pass
