"""What notifications add to a public reply (issue 15): the workspace POST of an agent's public
reply on the demo data, timed in-process with notifications as they are and with them switched
off (alternating rounds, so the machine's load hits both alike). Prints p50/p95 of each and the
difference (target: p95 at most +2 ms; the request only writes outbox rows).

    python -m bench reply-cost [--replies 300]

Never part of `make test`.
"""
import argparse
import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

TARGET_EXTRA_MS = 2.0


@contextmanager
def _notifications_off():
    from portal.mail import notifications

    saved = notifications.comment_added
    notifications.comment_added = lambda *args, **kwargs: None
    try:
        yield
    finally:
        notifications.comment_added = saved


def _percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench reply-cost", description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=300, help="replies per variant (default 300)")
    args = parser.parse_args(argv)

    from sqlalchemy import select

    from portal import create_app
    from portal.auth.models import User
    from portal.brands.models import Brand
    from portal.extensions import db
    from portal.tickets.models import Ticket

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'reply.sqlite3'}",
                          "SEARCH_INDEX_DIR": str(Path(tmp) / "index"), "MAIL_DROP_DIR": None,
                          "SECRET_KEY_FILE": str(Path(tmp) / "secret_key"), "WTF_CSRF_ENABLED": False,
                          "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024})
        with app.app_context():
            db.create_all()
        assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
        with app.app_context():
            acme = db.session.scalar(select(Brand.id).where(Brand.slug == "acme"))
            user = db.session.scalar(select(User.id).where(User.email == "user@example.com"))
            ticket = db.session.scalar(select(Ticket.id).where(
                Ticket.brand_id == acme, Ticket.requester_id == user, Ticket.is_public.is_(True),
                Ticket.status.in_(("new", "open", "pending"))).order_by(Ticket.id).limit(1))
        client = app.test_client()
        client.post("/acme/hc/en/signin", data={"email": "agent@example.com", "password": "demo-password"})
        timings = {"with": [], "without": []}
        for round_number in range(args.replies * 2):
            variant = "with" if round_number % 2 == 0 else "without"
            page = client.get(f"/acme/agent/tickets/{ticket}")
            version = page.get_data(as_text=True).split('name="version" value="', 1)[1].split('"', 1)[0]
            data = {"version": version, "public": "1", "body": f"Reply {round_number}: on it."}
            if variant == "with":
                started = time.perf_counter()
                response = client.post(f"/acme/agent/tickets/{ticket}", data=data)
            else:
                with _notifications_off():
                    started = time.perf_counter()
                    response = client.post(f"/acme/agent/tickets/{ticket}", data=data)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 302, response.status_code
            timings[variant].append(elapsed)
        with app.app_context():
            db.engine.dispose()
    rows = {name: (statistics.median(values), _percentile(values, 0.95)) for name, values in timings.items()}
    print(f"public reply POST, {args.replies} each, in-process (demo data, SQLite):")
    for name, (p50, p95) in rows.items():
        print(f"  {name:>7} notifications: p50 {p50:6.2f} ms  p95 {p95:6.2f} ms")
    extra = rows["with"][1] - rows["without"][1]
    verdict = "ok" if extra <= TARGET_EXTRA_MS else "MISSED"
    print(f"  p95 difference: {extra:+.2f} ms (target <= +{TARGET_EXTRA_MS:.0f} ms): {verdict}")
    return 0
