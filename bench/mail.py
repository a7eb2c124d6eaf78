"""Mail delivery speed (issue 15): N queued messages (10 000 by default) delivered by 2 worker
processes (`flask --app app mail deliver`, as cron or systemd runs them) over SMTP to an aiosmtpd
server on loopback, from a SQLite outbox. Prints messages per second (target >= 500/s) and checks
that every message arrived exactly once.

    python -m bench mail [--messages 10000] [--workers 2] [--batch 50]
    python -m bench mail --inbound [--messages 1000]

`--inbound` measures incoming mail instead (issue 16, `run_inbound` below): N messages, half
replies to existing requests and half new requests from unknown senders, through `receive`
in-process (ms per message, p50/p95, and the total) and through `fetch` from a real dovecot on
loopback (messages per second).

The rate is counted from the first message the server accepts to the last (the workers' start-up,
about a second of imports, is printed apart). Never part of `make test`.
"""
import argparse
import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime, timezone

from .common import OUT_DIR, ROOT
from .seed import SECRET_KEY

TARGET_PER_SECOND = 500


class CountingHandler:
    """Accepts everything; keeps each message's Message-ID and the time it arrived."""

    def __init__(self):
        self.arrivals: list[tuple[float, str]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        head = content.split(b"\r\n\r\n", 1)[0]
        message_id = next((line.split(b":", 1)[1].strip().decode() for line in head.split(b"\r\n")
                           if line.lower().startswith(b"message-id:")), "")
        with self.lock:
            self.arrivals.append((time.perf_counter(), message_id))
        return "250 OK"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed_outbox(db_path: str, count: int) -> set[str]:
    """An outbox of `count` queued messages in one brand, inserted in bulk."""
    from sqlalchemy import insert

    from portal import create_app
    from portal.extensions import db
    from portal.mail.models import MailOutbox
    from portal.models import Brand
    from portal.models_base import utcnow

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "SECRET_KEY": SECRET_KEY,
                      "MAIL_DROP_DIR": None})
    with app.app_context():
        db.create_all()
        brand = Brand(slug="bench", name="Bench Support", settings={"mail_from_address": "support@bench.example"})
        db.session.add(brand)
        db.session.flush()
        now = utcnow()
        rows = [{"brand_id": brand.id, "to_email": f"person{n}@example.com",
                 "subject": f"[#{n}] Your request has an answer", "kind": "ticket_reply", "language": "en",
                 # As a public reply's notification is queued: its words, laid out when it is sent.
                 "content": {"subject": f"[#{n}] New reply: Printer", "brand_name": "Bench Support",
                             "colour": "#0d6efd", "greeting": f"Hello Person {n},",
                             "lines": [f"Alan Agent replied to your request #{n}, “Printer”:"],
                             "quote": "Lorem ipsum dolor sit amet. " * 20, "quote_author": "Alan Agent",
                             "links": [["Open your request", f"https://help.bench.example/bench/hc/en/requests/{n}"]],
                             "footer": f"You receive this message about request #{n} at Bench Support.",
                             "signature": "The Bench Support team", "language": "en"},
                 "message_id": f"<{secrets.token_hex(16)}@bench.example>", "state": "queued", "attempts": 0,
                 "next_attempt_at": now, "created_at": now} for n in range(count)]
        db.session.execute(insert(MailOutbox), rows)
        db.session.commit()
        db.engine.dispose()
    return {row["message_id"] for row in rows}


def _cpu(usage) -> float:
    return usage.ru_utime + usage.ru_stime


def run(messages: int, workers: int, batch: int) -> dict:
    from aiosmtpd.controller import Controller

    work = tempfile.mkdtemp(prefix="guichet-bench-mail-")
    try:
        db_path = os.path.join(work, "outbox.sqlite3")
        started = time.perf_counter()
        expected = seed_outbox(db_path, messages)
        print(f"seeded {messages:,} queued messages in {time.perf_counter() - started:.1f} s", flush=True)
        handler = CountingHandler()
        port = _free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            env = {key: value for key, value in os.environ.items() if not key.startswith("GUICHET_")}
            env.update(GUICHET_DATABASE_URL=f"sqlite:///{db_path}", GUICHET_SMTP_URL=f"smtp://127.0.0.1:{port}",
                       GUICHET_SECRET_KEY=secrets.token_hex(32), GUICHET_MAIL_BATCH_SIZE=str(batch),
                       GUICHET_SEARCH_INDEX_DIR=os.path.join(work, "search-index"))
            self_before = resource.getrusage(resource.RUSAGE_SELF)
            launched = time.perf_counter()
            procs = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "mail", "deliver"], cwd=ROOT,
                                      env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                     for _ in range(workers)]
            outputs = [proc.communicate(timeout=1800) for proc in procs]
            finished = time.perf_counter()
            self_after = resource.getrusage(resource.RUSAGE_SELF)
        finally:
            controller.stop()
        for proc, (_out, err) in zip(procs, outputs):
            if proc.returncode != 0:
                raise SystemExit(f"a worker failed:\n{err}")
        arrivals = sorted(handler.arrivals)
        received = Counter(message_id for _, message_id in arrivals)
        first, last = arrivals[0][0], arrivals[-1][0]
        rate = (len(arrivals) - 1) / (last - first) if len(arrivals) > 1 and last > first else float("nan")
        return {
            "messages": messages, "workers": workers, "batch": batch,
            "received": len(arrivals), "distinct": len(received), "missing": len(expected - set(received)),
            "duplicates": sum(received.values()) - len(received),
            "startup_seconds": round(first - launched, 2), "sending_seconds": round(last - first, 2),
            "wall_seconds": round(finished - launched, 2), "per_second": round(rate, 1),
            "per_second_wall": round(messages / (finished - launched), 1),
            # CPU per message: the workers (start-up included) and the SMTP server (this process).
            "worker_cpu_ms": round(_cpu(resource.getrusage(resource.RUSAGE_CHILDREN)) * 1000 / messages, 2),
            "server_cpu_ms": round((_cpu(self_after) - _cpu(self_before)) * 1000 / messages, 2),
            "load_average": os.getloadavg()[0],
            "workers_output": [out.strip() for out, _err in outputs],
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench mail", description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=50, help="messages claimed at once (GUICHET_MAIL_BATCH_SIZE)")
    parser.add_argument("--inbound", action="store_true", help="measure incoming mail (receive and fetch) instead")
    args = parser.parse_args(argv)
    if args.inbound:
        return main_inbound(1000 if args.messages == 10_000 else args.messages)
    result = run(args.messages, args.workers, args.batch)
    for line in result["workers_output"]:
        print(f"  worker: {line}")
    verdict = "ok" if result["per_second"] >= TARGET_PER_SECOND else "BELOW TARGET"
    print(f"\nmail delivery: {result['received']:,} of {result['messages']:,} messages received by the SMTP server, "
          f"{result['missing']} missing, {result['duplicates']} duplicates")
    print(f"  {result['workers']} workers, batches of {result['batch']}: {result['per_second']:,.0f} messages/s "
          f"while sending ({result['sending_seconds']} s; target >= {TARGET_PER_SECOND}/s: {verdict}); "
          f"{result['per_second_wall']:,.0f}/s over the whole run ({result['wall_seconds']} s, "
          f"{result['startup_seconds']} s of it starting the workers)")
    print(f"  CPU per message: {result['worker_cpu_ms']} ms in the workers, {result['server_cpu_ms']} ms in the "
          f"aiosmtpd server (one Python thread, the ceiling here); load average {result['load_average']:.1f} "
          f"on {os.cpu_count()} cores")
    os.makedirs(OUT_DIR, exist_ok=True)
    path = os.path.join(OUT_DIR, "results-mail.json")
    with open(path, "w") as handle:
        json.dump({**result, "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}, handle, indent=1)
    print(f"(saved {path})")
    return 0 if not result["missing"] and not result["duplicates"] else 1


# --- incoming mail (issue 16) ---------------------------------------------------------------------
def _inbound_app(work: str, name: str):
    """An app on a fresh SQLite file with one brand, a form, and N/2 requests to reply to."""
    from portal import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{os.path.join(work, name)}.sqlite3",
                       "SECRET_KEY": SECRET_KEY, "MAIL_DROP_DIR": None, "SMTP_URL": "smtp://127.0.0.1:9",
                       "SEARCH_INDEX_DIR": os.path.join(work, f"{name}-index"),
                       "MAIL_INBOUND_PER_SENDER_PER_HOUR": 10**6})


def _seed_inbound(count: int) -> list[bytes]:
    """The brand, its requesters and their open requests; returns the `count` messages: replies
    (with the quoted notification, as mail clients send them) and new requests, alternating."""
    from email.message import EmailMessage

    from portal.extensions import db
    from portal.models import Brand, Comment, Membership, Ticket, TicketForm, User

    db.create_all()
    brand = Brand(slug="bench", name="Bench Support", settings={"mail_from_address": "support@bench.example"})
    db.session.add(brand)
    db.session.flush()
    form = TicketForm(brand_id=brand.id, name="General request")
    db.session.add(form)
    people = [User(email=f"person{n}@example.com", username=f"person{n}", name=f"Person {n}") for n in range(count // 2)]
    db.session.add_all(people)
    db.session.flush()
    db.session.add_all(Membership(user_id=p.id, brand_id=brand.id, role="end_user") for p in people)
    tickets = [Ticket(brand_id=brand.id, form_id=form.id, subject=f"Request {n}", status="pending",
                      requester_id=p.id, submitter_id=p.id) for n, p in enumerate(people)]
    db.session.add_all(tickets)
    db.session.flush()
    db.session.add_all(Comment(ticket_id=t.id, author_id=t.requester_id, body="It is broken.") for t in tickets)
    db.session.commit()
    messages = []
    for n in range(count):
        mail = EmailMessage()
        if n % 2 == 0:
            ticket = tickets[n // 2]
            mail["From"], mail["To"] = f"Person <person{n // 2}@example.com>", f"support+{ticket.reply_token}@bench.example"
            mail["Subject"] = f"Re: [#{ticket.id}] New reply: Request {n // 2}"
            mail.set_content("Thanks, that helped.\n\nOn Tue, 1 Dec 2026 at 10:00, Bench Support wrote:\n"
                             + "> Please restart it and tell us.\n" * 20)
        else:
            mail["From"], mail["To"] = f"Newcomer {n} <new{n}@example.org>", "support@bench.example"
            mail["Subject"] = f"Laptop {n} does not start"
            mail.set_content("Hello,\n\nMy laptop does not start since this morning.\n\nRegards,\nNewcomer\n")
        mail["Message-ID"] = f"<bench-{n}-{secrets.token_hex(4)}@example.org>"
        messages.append(bytes(mail))
    return messages


def run_inbound(count: int) -> dict:
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.mail.imap import fetch_all
    from portal.mail.models import InboundMail
    from portal.mail.receive import receive
    from portal.models import Brand
    from tests.mail.imap_server import PASSWORD, Dovecot

    work = tempfile.mkdtemp(prefix="guichet-bench-inbound-")
    try:
        app = _inbound_app(work, "receive")
        with app.app_context():
            messages = _seed_inbound(count)
            timings = []
            started = time.perf_counter()
            for raw in messages:
                begun = time.perf_counter()
                receive(raw)
                timings.append((time.perf_counter() - begun) * 1000)
            total = time.perf_counter() - started
            kinds = dict(db.session.execute(select(InboundMail.reason, func.count()).group_by(InboundMail.reason)).all())
        timings.sort()
        app = _inbound_app(work, "fetch")
        with Dovecot(["support@bench.example"]) as server, app.app_context():
            messages = _seed_inbound(count)
            server.deliver("support@bench.example", *messages)
            brand = db.session.scalar(select(Brand))
            brand.settings = {**brand.settings, "mail_imap_url": server.url("support@bench.example")}
            db.session.commit()
            os.environ["GUICHET_IMAP_PASSWORD_BENCH"] = PASSWORD
            app.config["IMAP_CA_FILE"] = server.ca_file
            begun = time.perf_counter()
            results = fetch_all()
            fetch_seconds = time.perf_counter() - begun
            folders = server.folder_counts("support@bench.example")
        return {"messages": count, "receive_kinds": kinds, "receive_total_seconds": round(total, 2),
                "receive_p50_ms": round(timings[len(timings) // 2], 2),
                "receive_p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
                "receive_mean_ms": round(sum(timings) / len(timings), 2),
                "fetch_result": str(results.get("bench")), "fetch_seconds": round(fetch_seconds, 2),
                "fetch_per_second": round(count / fetch_seconds, 1), "fetch_folders": folders,
                "load_average": os.getloadavg()[0]}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main_inbound(count: int) -> int:
    result = run_inbound(count)
    print(f"incoming mail: {result['messages']:,} messages (half replies, half new requests from unknown senders)")
    print(f"  receive (in-process, one transaction each): p50 {result['receive_p50_ms']} ms, "
          f"p95 {result['receive_p95_ms']} ms, mean {result['receive_mean_ms']} ms, "
          f"total {result['receive_total_seconds']} s; outcomes {result['receive_kinds']}")
    print(f"  fetch from dovecot (IMAPS, loopback): {result['fetch_per_second']} messages/s "
          f"({result['fetch_seconds']} s: {result['fetch_result']}; folders {result['fetch_folders']})")
    print(f"  load average {result['load_average']:.1f} on {os.cpu_count()} cores")
    os.makedirs(OUT_DIR, exist_ok=True)
    path = os.path.join(OUT_DIR, "results-mail-inbound.json")
    with open(path, "w") as handle:
        json.dump({**result, "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}, handle, indent=1)
    print(f"(saved {path})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
