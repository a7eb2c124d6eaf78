"""The help centre's world: the shared one (tests/conftest.py), with agents managing their own
requests and no second brand (tests that need one make another world)."""
import pytest


@pytest.fixture
def world(make_world):
    return make_world("acme", agents_manage_requests=True)


def hc(w, path=""):
    return f"/{w.brand.slug}/hc/en/{path}"
