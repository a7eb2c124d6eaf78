"""Real `flask --app app mail deliver` processes on one outbox (a SQLite file): two at once send each
message exactly once; one killed mid-batch loses nothing; `--loop` stops cleanly on SIGTERM."""
import os
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

from sqlalchemy import func, select

from portal.extensions import db
from portal.mail.models import MailOutbox
from portal.mail.outbox import queue_mail

from .conftest import run_delivery

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def worker_env(app, smtp, tmp_path, **settings) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GUICHET_")}
    env.update(GUICHET_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], GUICHET_SMTP_URL=smtp.url,
               GUICHET_SECRET_KEY=secrets.token_hex(32), GUICHET_SEARCH_INDEX_DIR=str(tmp_path / "search-index"),
               GUICHET_MAIL_SMTP_TIMEOUT_SECONDS="5")
    env.update({f"GUICHET_MAIL_{key.upper()}": str(value) for key, value in settings.items()})
    return env


def start_worker(env, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "mail", "deliver", *args], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def queue_many(app, brand, count: int) -> set[str]:
    # A POST: its transaction takes the write lock up front (a GET's would begin as a reader and
    # could not become a writer while a worker commits).
    with app.test_request_context("/", method="POST"):
        ids = {queue_mail(brand, f"person{n}@example.com", f"Message {n}", f"Body {n}", "test").message_id
               for n in range(count)}
        db.session.commit()
    return ids


def states() -> dict:
    db.session.commit()
    return dict(db.session.execute(select(MailOutbox.state, func.count()).group_by(MailOutbox.state)).all())


def test_two_workers_send_each_message_exactly_once(mail_app, smtp, make_brand, tmp_path):
    message_ids = queue_many(mail_app, make_brand("acme"), 200)
    smtp.recorder.delay = 0.01  # both workers are still sending when the other starts
    env = worker_env(mail_app, smtp, tmp_path, batch_size=10)
    workers = [start_worker(env), start_worker(env)]
    outputs = [worker.communicate(timeout=180) for worker in workers]
    for worker, (out, err) in zip(workers, outputs):
        assert worker.returncode == 0, err
        assert "Mail delivery: claimed" in out
    received = Counter(smtp.recorder.message_ids())
    assert set(received) == message_ids
    assert max(received.values()) == 1, [mid for mid, n in received.items() if n > 1]
    assert states() == {"sent": 200}
    assert db.session.scalar(select(func.max(MailOutbox.attempts))) == 1
    sent_by = [int(out.split("sent ")[1].split(",")[0]) for out, _err in outputs]
    assert sum(sent_by) == 200 and min(sent_by) > 0, sent_by  # both workers really shared the outbox


@pytest.mark.parametrize("connections", [1, 4])
def test_a_worker_killed_mid_batch_loses_nothing(mail_app, smtp, make_brand, tmp_path, connections):
    message_ids = queue_many(mail_app, make_brand("acme"), 30)
    smtp.recorder.delay = 0.25
    worker = start_worker(worker_env(mail_app, smtp, tmp_path, lease_seconds=4, smtp_timeout_seconds=2,
                                     smtp_connections=connections))
    deadline = time.monotonic() + 60
    while len(smtp.recorder.received) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.communicate(timeout=30)
    before = len(smtp.recorder.received)
    assert 3 <= before < 30
    assert states().get("sending"), "the killed worker held a lease"

    smtp.recorder.delay = 0
    time.sleep(4.5)  # the lease runs out
    run_delivery()
    received = Counter(smtp.recorder.message_ids())
    assert set(received) == message_ids  # nothing lost
    # At most the message on the wire when the worker died arrives twice (one per connection);
    # none other does.
    assert sum(received.values()) - len(received) <= connections
    assert states() == {"sent": 30}


def test_the_loop_delivers_until_sigterm(mail_app, smtp, make_brand, tmp_path):
    brand = make_brand("acme")
    worker = start_worker(worker_env(mail_app, smtp, tmp_path, loop_sleep_seconds=0.2), "--loop")
    try:
        first = queue_many(mail_app, brand, 3)
        deadline = time.monotonic() + 60
        while len(smtp.recorder.received) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        later = queue_many(mail_app, brand, 2)  # found by a later pass
        while len(smtp.recorder.received) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()
    assert worker.returncode == 0, err
    assert "Mail delivery stopped" in out and "SIGTERM" in err
    assert set(smtp.recorder.message_ids()) == first | later
    assert states() == {"sent": 5}
