"""Shared benchmark machinery: sessions, SQL capture, gunicorn servers, a bounded load generator.

A run: seed (cached) -> sign the measured users in -> run each page once in-process, capturing the
SQL it sends -> serve the real app and the baseline app (gunicorn, 2 workers each, loopback) ->
measure each page on both -> print a table. The baseline replays exactly the captured SELECTs
through the raw sqlite3 driver and renders their rows with a bare Jinja template, so the ratio
measures what our stack (ORM, Flask extensions, policy, templates) costs over the same SQL.
"""
import http.client
import itertools
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

from . import seed as seeding

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "bench", "out")
WORKERS = 2
CONCURRENCY = 4  # clients in the throughput phase: keeps both sync workers busy
ROUNDS = 2  # throughput rounds per side, alternating ours and the baseline's
WARM_UP_REQUESTS = 40  # per side and page, before anything is measured


@dataclass
class Page:
    name: str
    path: str  # on the real app
    user_id: int
    expect: tuple[str, ...] = ()  # text the finished page shows; missing means "not built yet"
    p95_target_ms: float | None = None  # a latency target of its own (the polling endpoint)
    statements: list = field(default_factory=list)  # captured (sql, params), SELECTs only
    status: int = 0
    note: str = ""


@dataclass(frozen=True)
class Load:
    latency_requests: int = 300
    latency_seconds: float = 10
    throughput_requests: int = 2000
    throughput_seconds: float = 15


FULL_LOAD = Load()
QUICK_LOAD = Load(latency_requests=60, latency_seconds=3, throughput_requests=200, throughput_seconds=4)


def percentile(values, fraction: float) -> float:
    """Nearest-rank percentile of a non-empty sequence (fraction in 0..1)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    rank = max(1, -(-len(ordered) * fraction // 1))  # ceil(n * fraction), at least 1
    return ordered[int(rank) - 1]


class Session:
    """Users signed in the way the app does it: a user_sessions row plus the signed cookie."""

    def __init__(self, app):
        self.app = app
        self.cookies: dict[int, str] = {}

    def cookie_for(self, user_id: int) -> str:
        if user_id not in self.cookies:
            from portal.auth.models import UserSession
            from portal.auth.sessions import SESSION_KEY, _new_key
            from portal.extensions import db

            with self.app.app_context():
                row = UserSession(key=_new_key(), user_id=user_id, user_agent="guichet-bench")
                db.session.add(row)
                db.session.commit()
                # The cookie as a browser holds it after its first page, with the CSRF secret
                # Flask-WTF stores then: without it every measured page would mint one and set
                # a new cookie, which no real visitor's second page does.
                value = self.app.session_interface.get_signing_serializer(self.app).dumps(
                    {SESSION_KEY: row.key, "csrf_token": secrets.token_hex(20)})
            self.cookies[user_id] = f"{self.app.config['SESSION_COOKIE_NAME']}={value}"
        return self.cookies[user_id]


def capture(app, page: Page, cookie: str | None, headers: dict | None = None) -> Page:
    """GET the page in-process with the given cookie and keep the SELECTs it sends, in order."""
    from sqlalchemy import event

    from portal.extensions import db

    sent = []

    def listen(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().split(None, 1)[0].upper() in ("SELECT", "WITH"):
            sent.append((statement, list(parameters or ())))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listen)
    try:
        client = app.test_client()
        if cookie:
            name, _, value = cookie.partition("=")
            client.set_cookie(name, value)
        response = client.get(page.path, headers=headers or {})
        body = response.get_data(as_text=True)
        response.close()
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    page.status, page.statements = response.status_code, sent
    if response.status_code != 200:
        page.note = f"answers {response.status_code}"
    elif page.expect and not any(text in body for text in page.expect):
        page.note = "page does not show the seeded rows yet (not built?)"
    return page


def slowest_statement(db_path: str, statements: list) -> tuple[float, str]:
    """The captured SELECT that takes longest through raw sqlite3: where a slow page spends its time."""
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        timed = []
        for sql, params in statements:
            started = time.perf_counter()
            conn.execute(sql, params).fetchall()
            timed.append((time.perf_counter() - started, sql))
    finally:
        conn.close()
    return max(timed, default=(0.0, ""))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with WORKERS sync workers on a free loopback port; stopped by its own pid."""

    def __init__(self, name: str, target: str, env: dict):
        self.name, self.target, self.env = name, target, env
        self.port = free_port()
        self.process = None

    def __enter__(self):
        log = open(os.path.join(OUT_DIR, f"{self.name}.log"), "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{self.port}",
             "--log-level", "warning", "--timeout", "120", self.target],
            cwd=ROOT, env={**os.environ, **self.env}, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see bench/out/{self.name}.log")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start in 60 s")

    def __exit__(self, *_exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Result:
    count: int
    errors: dict
    seconds: float
    latencies: list

    @property
    def rps(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    @classmethod
    def combine(cls, results: list["Result"]) -> "Result":
        errors = {}
        for result in results:
            for status, count in result.errors.items():
                errors[status] = errors.get(status, 0) + count
        return cls(sum(r.count for r in results), errors, sum(r.seconds for r in results),
                   [latency for r in results for latency in r.latencies])

    def p(self, fraction: float) -> float:
        return percentile(self.latencies, fraction) * 1000 if self.latencies else float("nan")


def hammer(port: int, path: str, cookie: str | None, requests: int, seconds: float, concurrency: int,
           headers: dict | None = None) -> Result:
    """At most `requests` GETs, stopped after `seconds`, from `concurrency` threads; loopback only."""
    headers = {**({"Cookie": cookie} if cookie else {}), **(headers or {})}
    tickets = itertools.count()
    latencies, errors = [], {}
    deadline = time.monotonic() + seconds

    def client():
        while next(tickets) < requests and time.monotonic() < deadline:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except OSError as error:
                status = type(error).__name__
            finally:
                conn.close()
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors[status] = errors.get(status, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(len(latencies), errors, time.perf_counter() - started, latencies)


@dataclass
class Row:
    page: Page
    latency: Result
    app: Result
    baseline: Result
    baseline_latency: Result | None = None  # pages with a latency target: the floor on this machine

    @property
    def ratio(self) -> float:
        return self.app.rps / self.baseline.rps if self.baseline.rps else float("nan")


class Bench:
    """One seeded database, the pages to measure, and both servers around the measurements."""

    def __init__(self, quick: bool = False, log=print):
        self.quick, self.log = quick, log
        self.load = QUICK_LOAD if quick else FULL_LOAD
        self.db_path, self.meta = seeding.cached_seed(OUT_DIR, seeding.QUICK if quick else seeding.FULL, log=log)
        self.app = seeding.make_app(self.db_path)
        self.sessions = Session(self.app)

    def prepare(self, pages: list[Page]) -> list[Page]:
        for page in pages:
            capture(self.app, page, self.sessions.cookie_for(page.user_id))
            state = page.note or "ok"
            seconds, slowest = slowest_statement(self.db_path, page.statements)
            self.log(f"capture: {page.name}: {page.path} -> {page.status}, {len(page.statements)} SELECTs ({state}); "
                     f"slowest {seconds * 1000:.1f} ms: {' '.join(slowest.split())[:160]}")
        return pages

    def servers(self, pages: list[Page]):
        spec = os.path.join(OUT_DIR, "baseline-sql.json")
        with open(spec, "w") as handle:
            json.dump({page.name: page.statements for page in pages}, handle, default=str)
        env = {"GUICHET_DATABASE_URL": f"sqlite:///{self.db_path}", "GUICHET_SECRET_KEY": seeding.SECRET_KEY,
               "BENCH_DB": self.db_path, "BENCH_SQL_FILE": spec}
        return Server("guichet", "app:app", env), Server("baseline", "bench.baseline_app:app", env)

    def measure(self, pages: list[Page]) -> list[Row]:
        rows = []
        app_server, baseline_server = self.servers(pages)
        with app_server as app, baseline_server as baseline:
            for page in pages:
                rows.append(self._measure_page(page, app.port, baseline.port))
                self.log(f"measured: {page.name}")
        return rows

    def _measure_page(self, page: Page, app_port: int, baseline_port: int) -> Row:
        cookie = self.sessions.cookie_for(page.user_id)
        ours = (app_port, page.path, cookie)
        theirs = (baseline_port, f"/q/{page.name}", None)
        load = self.load
        # Warm both workers of each side (imports, compiled templates and statements, caches):
        # a handful of requests left a worker's first pages inside the measured p95.
        hammer(*ours, WARM_UP_REQUESTS, 10, 2)
        hammer(*theirs, WARM_UP_REQUESTS, 10, 2)
        latency = hammer(*ours, load.latency_requests, load.latency_seconds, 1)
        # For a latency target, the baseline's own latency shows what HTTP and the machine cost.
        floor = hammer(*theirs, load.latency_requests, load.latency_seconds, 1) if page.p95_target_ms else None
        # Throughput in alternating rounds, so a busy neighbour on the machine hits both sides alike.
        share = (load.throughput_requests // ROUNDS, load.throughput_seconds / ROUNDS, CONCURRENCY)
        app_rounds, baseline_rounds = [], []
        for _ in range(ROUNDS):
            app_rounds.append(hammer(*ours, *share))
            baseline_rounds.append(hammer(*theirs, *share))
        return Row(page, latency, Result.combine(app_rounds), Result.combine(baseline_rounds), floor)


def table(title: str, rows: list[Row], ratio_target: float = 0.5) -> str:
    head = ("page", "SQL", "p50 ms", "p95 ms", "req/s", "p95@4 ms", "base req/s", "ratio", "errors / notes")
    lines = [[r.page.name, str(len(r.page.statements)), f"{r.latency.p(0.5):.1f}", f"{r.latency.p(0.95):.1f}",
              f"{r.app.rps:.0f}", f"{r.app.p(0.95):.1f}", f"{r.baseline.rps:.0f}",
              f"{r.ratio:.2f}" + (" ok" if r.ratio >= ratio_target else " LOW"),
              "; ".join(filter(None, [_errors(r), r.page.note, _latency_target(r)]))] for r in rows]
    widths = [max(len(str(c)) for c in column) for column in zip(head, *lines)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [title, fmt.format(*head), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*line) for line in lines]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    out.append(f"machine: {os.cpu_count()} CPUs, load average {load} (other processes skew every figure).")
    out.append(f"p50/p95: one client; req/s and p95@4: {CONCURRENCY} clients; gunicorn {WORKERS} sync workers each; "
               f"ratio = our req/s / baseline req/s (target >= {ratio_target}).")
    return "\n".join(out)


def _latency_target(row: Row) -> str:
    target = row.page.p95_target_ms
    if target is None:
        return ""
    verdict = "ok" if row.latency.p(0.95) < target else "MISSED"
    floor = f" (baseline p50 {row.baseline_latency.p(0.5):.1f}, p95 {row.baseline_latency.p(0.95):.1f} ms)" \
        if row.baseline_latency else ""
    return f"p95 target < {target:g} ms: {verdict}{floor}"


def _errors(row: Row) -> str:
    merged = {}
    for result in (row.latency, row.app, row.baseline):
        for status, count in result.errors.items():
            merged[status] = merged.get(status, 0) + count
    return ", ".join(f"{count}x {status}" for status, count in merged.items())


def save(name: str, rows: list[Row], meta: dict) -> str:
    path = os.path.join(OUT_DIR, f"results-{name}.json")
    with open(path, "w") as handle:
        json.dump({"seed_seconds": meta["seed_seconds"], "scale": meta["scale"], "pages": [
            {"name": r.page.name, "path": r.page.path, "sql": len(r.page.statements), "note": r.page.note,
             "p50_ms": r.latency.p(0.5), "p95_ms": r.latency.p(0.95), "rps": r.app.rps,
             "p95_loaded_ms": r.app.p(0.95), "baseline_rps": r.baseline.rps, "ratio": r.ratio,
             "baseline_p95_ms": r.baseline_latency.p(0.95) if r.baseline_latency else None,
             "errors": _errors(r)} for r in rows]}, handle, indent=1)
    return path
