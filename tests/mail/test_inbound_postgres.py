"""Incoming mail on real PostgreSQL (a throwaway cluster, as tests/platform/test_postgres.py), which
refuses NUL in text where SQLite stores it (DESIGN §12): odd bytes, Latin-1 and a message sent twice."""
import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from portal import create_app
from portal.extensions import db
from portal.mail.models import InboundMail
from portal.models import Brand, Comment, Ticket
from tests.platform.test_postgres import flask_command, postgres_url  # noqa: F401  (the cluster fixture)

from .inbound_helpers import corpus, receive
from .test_inbound import ODD


@pytest.fixture(scope="module")
def inbound_database(postgres_url, tmp_path_factory):  # noqa: F811
    url = make_url(postgres_url)
    with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname="postgres",
                         autocommit=True) as connection:
        connection.execute("CREATE DATABASE guichet_inbound")
    inbound_url = url.set(database="guichet_inbound").render_as_string(hide_password=False)
    flask_command(inbound_url, tmp_path_factory.mktemp("pg-inbound"), "db", "upgrade")
    return inbound_url


@pytest.fixture
def pg_app(inbound_database, tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": inbound_database, "MAIL_DROP_DIR": None,
                      "SEARCH_INDEX_DIR": str(tmp_path / "search-index")})
    with app.app_context():
        db.session.add(Brand(slug="acme", name="Acme IT", settings={"mail_from_address": "support@acme.example"}))
        db.session.commit()
        yield app
        db.session.rollback()
        for table in ("mail_inbound", "mail_outbox", "ticket_events", "comments", "tickets", "audit_events",
                      "search_outbox", "memberships", "users", "brands"):
            db.session.execute(db.text(f"DELETE FROM {table}"))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_odd_bytes_latin_1_and_a_second_delivery_on_postgres(pg_app):
    for raw in (ODD["nul bytes"], ODD["bad charset and base64"], ODD["binary"],
                corpus("iso_8859_1.eml", sender="andre@laposte.example")):
        result = receive(pg_app, raw)
        assert result.exit_code in (0, 65, 67), (result.output, result.exception)
    again = receive(pg_app, corpus("iso_8859_1.eml", sender="andre@laposte.example"))
    assert again.exit_code == 0 and "duplicate" in again.stderr
    subjects = set(db.session.scalars(select(Ticket.subject)))
    assert {"ab", "Ordinateur qui ne démarre plus"} <= subjects
    assert all("\x00" not in body for body in db.session.scalars(select(Comment.body)))
    assert db.session.scalar(select(func.count(InboundMail.id))) == 4
