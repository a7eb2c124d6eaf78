"""User search behind a small interface (DESIGN §7).

The rest of the application uses only these names, so another backend could replace Whoosh:
    search_users(brand, query, limit) -> list[Hit]   members of brand, best first
    apply_outbox()                                   bring the index in step with the database
    reindex(progress=None)                           rebuild from the database, swap in
    status()                                         documents vs database rows, pending changes
"""
from flask import Blueprint

bp = Blueprint("search", __name__, url_prefix="/<brand>/agent/users")


@bp.record_once
def _install(_state):
    from .services import install_hooks

    install_hooks()


from .services import Hit, apply_outbox, reindex, search_users, status  # noqa: E402,F401
from . import views  # noqa: E402,F401
