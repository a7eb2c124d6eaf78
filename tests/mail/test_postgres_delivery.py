"""The claim on real PostgreSQL (a throwaway cluster, as tests/platform/test_postgres.py): rows
another transaction holds are skipped (FOR UPDATE SKIP LOCKED), never waited for, and two worker
processes send each message exactly once."""
import secrets
from collections import Counter

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from portal import create_app
from portal.extensions import db
from portal.mail.delivery import Options, claim
from portal.mail.models import MailOutbox
from portal.mail.outbox import queue_mail
from portal.models import Brand
from tests.platform.test_postgres import flask_command, postgres_url  # noqa: F401  (the cluster fixture)

from .test_workers import start_worker, worker_env


@pytest.fixture(scope="module")
def mail_database(postgres_url, tmp_path_factory):  # noqa: F811
    """A database of this module's own in the cluster, migrated by `flask db upgrade`."""
    url = make_url(postgres_url)
    with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname="postgres",
                         autocommit=True) as connection:
        connection.execute("CREATE DATABASE guichet_mail")
    mail_url = url.set(database="guichet_mail").render_as_string(hide_password=False)
    flask_command(mail_url, tmp_path_factory.mktemp("pg-mail"), "db", "upgrade")
    return mail_url


@pytest.fixture
def pg_mail_app(mail_database, smtp, tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": mail_database, "SMTP_URL": smtp.url,
                      "SEARCH_INDEX_DIR": str(tmp_path / "search-index"), "MAIL_DROP_DIR": None,
                      # A claim that waited for a lock would fail here instead of hanging the suite.
                      "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": "-c lock_timeout=5000"}}})
    with app.app_context():
        db.session.execute(MailOutbox.__table__.delete())
        db.session.commit()
        yield app
        db.session.execute(MailOutbox.__table__.delete())
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _queue(app, count: int) -> list:
    brand = db.session.scalar(select(Brand).where(Brand.slug == "acme"))
    if brand is None:
        brand = Brand(slug="acme", name="Acme", settings={})
        db.session.add(brand)
        db.session.flush()
    with app.test_request_context("/", method="POST"):
        mails = [queue_mail(brand, f"person{n}@example.com", f"Message {n}", "Body", "test") for n in range(count)]
        db.session.commit()
    return [(mail.id, mail.message_id) for mail in mails]


def test_the_claim_skips_rows_another_transaction_holds(pg_mail_app, mail_database):
    rows = _queue(pg_mail_app, 10)
    held = [mail_id for mail_id, _ in rows[:4]]
    url = make_url(mail_database)
    with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname=url.database) as other:
        other.execute("SELECT id FROM mail_outbox WHERE id = ANY(%s) FOR UPDATE", (held,))
        claimed, _brands, _inactive = claim("worker-a", Options.from_config(pg_mail_app.config))
        assert [row.id for row in claimed] == [mail_id for mail_id, _ in rows[4:]]
        assert claim("worker-b", Options.from_config(pg_mail_app.config))[0] == []  # leased now
    # Released, the held rows are due: the next claim takes them.
    assert [row.id for row in claim("worker-c", Options.from_config(pg_mail_app.config))[0]] == held


def test_two_workers_on_postgresql_send_each_message_exactly_once(pg_mail_app, smtp, tmp_path):
    message_ids = {message_id for _, message_id in _queue(pg_mail_app, 200)}
    smtp.recorder.delay = 0.01
    env = worker_env(pg_mail_app, smtp, tmp_path, batch_size=10)
    env["GUICHET_SECRET_KEY"] = secrets.token_hex(32)
    workers = [start_worker(env), start_worker(env)]
    outputs = [worker.communicate(timeout=180) for worker in workers]
    for worker, (_out, err) in zip(workers, outputs):
        assert worker.returncode == 0, err
    received = Counter(smtp.recorder.message_ids())
    assert set(received) == message_ids and max(received.values()) == 1
    db.session.commit()
    assert dict(db.session.execute(select(MailOutbox.state, func.count()).group_by(MailOutbox.state)).all()) == \
        {"sent": 200}
    sent_by = [int(out.split("sent ")[1].split(",")[0]) for out, _err in outputs]
    assert sum(sent_by) == 200 and min(sent_by) > 0, sent_by
