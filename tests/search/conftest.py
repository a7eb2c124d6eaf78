"""Search fixtures: users created through the account services, as the app does."""
import pytest

from portal.auth.services import add_membership, create_user
from portal.extensions import db
from portal.search import services


@pytest.fixture
def add_person(app):
    """add_person(brand_or_brands, name=..., email=..., phone=..., address=..., role=...) -> User,
    committed, so the search index is updated by the after-commit hook."""
    def add(brands, name, email, role="end_user", **fields):
        user = create_user(email, name, **fields)
        for brand in brands if isinstance(brands, (list, tuple)) else [brands]:
            add_membership(user, brand, role)
        db.session.commit()
        return user
    return add


@pytest.fixture
def find(app):
    """find(brand, query) -> list of user ids, best first."""
    def run(brand, query, limit=20):
        # As in a GET: outside a request the test's reads would begin IMMEDIATE and hold the
        # SQLite write lock that a rebuild on its own connection needs.
        db.session.commit()
        with app.test_request_context():
            hits = services.search_users(brand, query, limit)
            db.session.commit()
        return [hit.user_id for hit in hits]
    return run
