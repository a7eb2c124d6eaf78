"""The request's one transaction owner (portal.transaction): a success to a writing method
commits, anything else rolls back, and a write that loses a race answers 409."""
import pytest
from flask import Blueprint
from sqlalchemy import select

from portal.brands.models import Brand
from portal.extensions import db
from portal.service_error import ServiceError


@pytest.fixture
def tx_client(app):
    bp = Blueprint("tx_test", __name__)

    def add(slug):
        db.session.add(Brand(slug=slug, name=slug, settings={}))
        db.session.flush()

    @bp.route("/tx-test/<outcome>", methods=["GET", "POST"])
    def write(outcome):
        add(f"tx-{outcome}")
        if outcome == "refused":
            raise ServiceError(409, "Refused on purpose.")
        if outcome == "error-page":
            return "shown with an error status", 422
        if outcome == "crash":
            raise RuntimeError("boom")
        return "ok"

    @bp.post("/tx-test-clash")
    def clash():
        # Flushed rows pass; the clash shows only at commit, as a concurrent insert would.
        db.session.add(Brand(slug="taken", name="again", settings={}))
        return "ok"

    app.register_blueprint(bp)
    return app.test_client()


def _stored(slug) -> bool:
    db.session.rollback()
    return db.session.scalar(select(Brand.id).where(Brand.slug == slug)) is not None


def test_a_successful_post_commits_its_writes(tx_client):
    assert tx_client.post("/tx-test/ok").status_code == 200
    assert _stored("tx-ok")


@pytest.mark.parametrize("outcome, status", [("refused", 409), ("error-page", 422), ("crash", 500)])
def test_an_error_answer_writes_nothing(tx_client, outcome, status):
    response = tx_client.post(f"/tx-test/{outcome}")
    assert response.status_code == status
    assert not _stored(f"tx-{outcome}")


def test_a_refusal_is_shown_with_its_status_and_message(tx_client):
    response = tx_client.post("/tx-test/refused")
    assert response.status_code == 409 and "Refused on purpose." in response.get_data(as_text=True)


def test_a_get_never_writes_through_the_session(tx_client):
    assert tx_client.get("/tx-test/ok").status_code == 200
    assert not _stored("tx-ok")


def test_a_write_that_loses_at_commit_answers_409_and_keeps_nothing(tx_client):
    db.session.add(Brand(slug="taken", name="first", settings={}))
    db.session.commit()
    response = tx_client.post("/tx-test-clash")
    assert response.status_code == 409
    assert db.session.scalars(select(Brand.name).where(Brand.slug == "taken")).all() == ["first"]
