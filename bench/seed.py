"""Bulk seeding for the benchmarks: one brand, many users, many requests, fast.

The schema comes from the app's own `db.create_all()`; the handful of configuration rows (brand,
groups, form, fields, agents) go through the ORM, the bulk (users, memberships, tickets, comments)
through raw `sqlite3.executemany` in one transaction with the secondary indexes dropped during the
load and rebuilt afterwards from their own SQL, so the result is exactly the app's schema.
"""
import hashlib
import itertools
import json
import os
import random
import sqlite3
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone

BRAND_SLUG = "bench"
# Long enough for create_app outside testing; the bench is not a deployment.
SECRET_KEY = "bench-only-key-7c1e94f05a2b8d36e0f4c9a1"
PASSWORD = "bench-password"
STATUS_WEIGHTS = {"new": 10, "open": 25, "pending": 10, "hold": 5, "solved": 20, "closed": 30}
SUBJECTS = ("Printer jams on floor %d", "VPN drops every %d minutes", "Badge %d does not open the lab",
            "Need a second monitor for desk %d", "Password reset loop on laptop %d",
            "Payslip missing for month %d", "Question about leave day %d")


@dataclass(frozen=True)
class Scale:
    users: int
    requests: int
    big_requester_requests: int
    thread_comments: int = 50
    agents: int = 40
    groups: int = 6
    cc_requests: int = 500
    agent_requested: int = 300


FULL = Scale(users=100_000, requests=1_000_000, big_requester_requests=12_000)
QUICK = Scale(users=2_000, requests=20_000, big_requester_requests=1_000, cc_requests=50, agent_requested=50)
TINY = Scale(users=50, requests=400, big_requester_requests=60, agents=4, groups=2, cc_requests=5,
             agent_requested=5)


def make_app(db_path: str):
    """The real app on the given SQLite file (as gunicorn will run it), for schema and capture."""
    from portal import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "SECRET_KEY": SECRET_KEY})


def schema_fingerprint() -> str:
    """A hash of the app's CREATE statements: a cached seed is rebuilt when a model changes."""
    from sqlalchemy import create_engine
    from sqlalchemy.schema import CreateIndex, CreateTable

    from portal import models  # noqa: F401
    from portal.extensions import db

    engine = create_engine("sqlite://")
    parts = []
    for table in db.metadata.sorted_tables:
        parts.append(str(CreateTable(table).compile(engine)))
        # A table's indexes are a set: sorted, or the hash changes from one run to the next.
        parts.extend(sorted(str(CreateIndex(index).compile(engine)) for index in table.indexes))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


def cached_seed(out_dir: str, scale: Scale, log=print) -> tuple[str, dict]:
    """Seed once per (scale, schema); later runs reuse bench/out/seed-*.sqlite3 and its metadata."""
    os.makedirs(out_dir, exist_ok=True)
    key = f"{scale.users}u-{scale.requests}r-{utcnow_naive():%Y%m%d}-{schema_fingerprint()}"
    db_path = os.path.join(out_dir, f"seed-{key}.sqlite3")
    meta_path = db_path + ".json"
    if os.path.exists(db_path) and os.path.exists(meta_path):
        with open(meta_path) as handle:
            meta = json.load(handle)
        log(f"seed: reusing {db_path} (seeded in {meta['seed_seconds']:.1f} s)")
        return db_path, meta
    # Older seeds of this scale (another day, an older schema) only take disk space.
    prefix = f"seed-{scale.users}u-{scale.requests}r-"
    for name in os.listdir(out_dir):
        if name.startswith(prefix):
            os.remove(os.path.join(out_dir, name))
    meta = seed(db_path, scale, log=log)
    with open(meta_path, "w") as handle:
        json.dump(meta, handle, indent=1)
    return db_path, meta


def seed(db_path: str, scale: Scale, log=print) -> dict:
    started = time.perf_counter()
    app = make_app(db_path)
    with app.app_context():
        ids = _seed_configuration(scale)
        from portal.extensions import db

        db.session.remove()
        db.engine.dispose()
    ids.update(_bulk_load(db_path, scale, ids, log=log))
    ids["seed_seconds"] = time.perf_counter() - started
    ids["scale"] = asdict(scale)
    log(f"seed: {scale.users:,} users, {scale.requests:,} requests in {ids['seed_seconds']:.1f} s")
    return ids


def _seed_configuration(scale: Scale) -> dict:
    """Brand, groups, a form with fields, agents and their groups: few rows, through the ORM."""
    from portal.auth.passwords import hash_password
    from portal.extensions import db
    from portal.models import (Brand, FormField, Group, GroupMember, Membership, TicketField, TicketForm,
                               User)

    db.create_all()
    brand = Brand(slug=BRAND_SLUG, name="Bench", settings={})
    db.session.add(brand)
    db.session.flush()
    groups = [Group(brand_id=brand.id, name=f"Group {n}", sensitive=(n == 1)) for n in range(scale.groups)]
    db.session.add_all(groups)
    form = TicketForm(brand_id=brand.id, name="General request", end_user_visible=True, position=0)
    db.session.add(form)
    db.session.flush()
    fields = [
        TicketField(brand_id=brand.id, title="Category", field_type="dropdown",
                    options=["hardware", "software", "access"], portal_access="editable", required_in_portal=True),
        TicketField(brand_id=brand.id, title="Reference", field_type="text", portal_access="read_only"),
        TicketField(brand_id=brand.id, title="Internal priority", field_type="dropdown", options=["low", "high"],
                    portal_access="agent_only", required_to_solve=True),
    ]
    db.session.add_all(fields)
    db.session.flush()
    db.session.add_all(FormField(form_id=form.id, field_id=f.id, position=n) for n, f in enumerate(fields))
    password_hash = hash_password(PASSWORD)  # one real argon2id hash, shared by every seeded account
    agents = [User(email=f"agent{n}@bench.example", username=f"bench-agent{n}", name=f"Agent {n}",
                   password_hash=password_hash) for n in range(scale.agents)]
    db.session.add_all(agents)
    db.session.flush()
    for n, agent in enumerate(agents):
        db.session.add(Membership(user_id=agent.id, brand_id=brand.id, role="agent"))
        # Agent 0 (the one measured) belongs to two groups; the others to one, round robin.
        mine = groups[:2] if n == 0 else [groups[n % len(groups)]]
        for group in mine:
            db.session.add(GroupMember(group_id=group.id, user_id=agent.id, is_supervisor=(n < len(groups))))
    db.session.commit()
    return {"brand_id": brand.id, "brand_slug": BRAND_SLUG, "form_id": form.id,
            "field_ids": [f.id for f in fields], "group_ids": [g.id for g in groups],
            "agent_ids": [a.id for a in agents], "agent_id": agents[0].id, "password_hash": password_hash}


def utcnow_naive() -> datetime:
    from portal.models_base import utcnow

    return utcnow().replace(microsecond=0)


def _timestamp(moment: datetime) -> str:
    # SQLAlchemy's SQLite DateTime storage format, so ordering and comparisons match the app's.
    return moment.isoformat(sep=" ", timespec="microseconds")


def _bulk_load(db_path: str, scale: Scale, ids: dict, log=print) -> dict:
    conn = sqlite3.connect(db_path, isolation_level=None)
    # No journal during the load (a failed seed is simply redone); the app's WAL mode comes back after,
    # so the 500 MB are written once instead of twice (WAL then checkpoint).
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-200000")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA threads=4")  # CREATE INDEX may sort with helper threads
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
        "AND tbl_name IN ('users', 'memberships', 'tickets', 'comments', 'ticket_collaborators')"
    ).fetchall()
    step = time.perf_counter()
    conn.execute("BEGIN")
    for name, _sql in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    result = _insert_rows(conn, scale, ids)
    log(f"seed: rows inserted in {time.perf_counter() - step:.1f} s")
    step = time.perf_counter()
    for _name, sql in indexes:
        conn.execute(sql)
    conn.execute("COMMIT")
    log(f"seed: {len(indexes)} indexes rebuilt in {time.perf_counter() - step:.1f} s")
    conn.execute("PRAGMA analysis_limit=1000")  # approximate statistics, as `PRAGMA optimize` keeps them
    conn.execute("ANALYZE")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    return result


def _insert_rows(conn, scale: Scale, ids: dict) -> dict:
    rng = random.Random(20240601)
    # Dates are relative to the seeding day, so "recently solved" has rows (the cache key has the day).
    now = utcnow_naive()
    created = _timestamp(now - timedelta(days=800))
    first_user = max(ids["agent_ids"]) + 1
    user_ids = range(first_user, first_user + scale.users)
    conn.executemany(
        "INSERT INTO users (id, email, username, name, password_hash, active, created_at) "
        "VALUES (?, ?, ?, ?, ?, 1, ?)",
        ((uid, f"user{uid}@bench.example", f"bench-user{uid}", f"User {uid}", ids["password_hash"], created)
         for uid in user_ids))
    conn.executemany(
        "INSERT INTO memberships (user_id, brand_id, role, can_assist, can_register_users, created_at) "
        "VALUES (?, ?, 'end_user', 0, 0, ?)", ((uid, ids["brand_id"], created) for uid in user_ids))

    requester_id = first_user  # the heavy requester of My activities
    agent_id, agents, groups = ids["agent_id"], ids["agent_ids"], ids["group_ids"]
    thread_ticket_id = scale.big_requester_requests // 2 + 1
    _insert_tickets(conn, rng, scale, ids, first_user, thread_ticket_id, now)
    _insert_comments(conn, rng, scale, thread_ticket_id, requester_id, agent_id, now)
    cc_ids = rng.sample(range(scale.big_requester_requests + scale.agent_requested + 1, scale.requests + 1),
                        scale.cc_requests)
    conn.executemany("INSERT INTO ticket_collaborators (ticket_id, user_id) VALUES (?, ?)",
                     ((tid, requester_id) for tid in cc_ids))
    conn.executemany("INSERT INTO ticket_field_values (ticket_id, field_id, value) VALUES (?, ?, ?)",
                     [(thread_ticket_id, fid, json.dumps(v))
                      for fid, v in zip(ids["field_ids"], ("hardware", "REF-42", "high"))])
    conn.executemany(
        "INSERT INTO drafts (brand_id, user_id, form_id, subject, data, channel, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, '{}', 'web', ?, ?)",
        [(ids["brand_id"], requester_id, ids["form_id"], f"Draft {n}", _timestamp(now), _timestamp(now))
         for n in range(5)])
    conn.execute("UPDATE tickets SET assignee_id = ?, group_id = ? WHERE id = ?",
                 (agent_id, groups[0], thread_ticket_id))
    _insert_assistance(conn, ids["brand_id"], agents, groups[0], thread_ticket_id, now)
    return {"requester_id": requester_id, "thread_ticket_id": thread_ticket_id,
            "users": scale.users, "requests": scale.requests}


def _insert_assistance(conn, brand_id, agents, group_id, thread_ticket_id, now):
    """Something for the poll to find: the measured agent's accepted request on the thread ticket
    with a few chat lines, and two requests of colleagues waiting, noticed to the measured agent."""
    agent_id, helper_id = agents[0], agents[1]
    later = _timestamp(now + timedelta(days=2))  # still waiting tomorrow: the seed is cached per day
    rows = [(thread_ticket_id, agent_id, helper_id, "accepted"),
            (thread_ticket_id + 1, agents[2], None, "waiting"), (thread_ticket_id + 2, agents[3], None, "waiting")]
    for ticket_id, requester, supervisor, status in rows:
        request_id = conn.execute(
            "INSERT INTO assistance_requests (brand_id, ticket_id, group_id, agent_id, supervisor_id, reason, "
            "status, created_at, expires_at) VALUES (?, ?, ?, ?, ?, 'Caller asks about payroll rules', ?, ?, ?)",
            (brand_id, ticket_id, group_id, requester, supervisor, status, _timestamp(now), later)).lastrowid
        if status == "waiting":
            conn.execute("INSERT INTO assistance_notices (request_id, supervisor_id, created_at) VALUES (?, ?, ?)",
                         (request_id, agent_id, _timestamp(now)))
        else:
            conn.executemany(
                "INSERT INTO assistance_messages (request_id, author_id, kind, body, created_at) VALUES (?, ?, ?, ?, ?)",
                [(request_id, agent_id if n % 2 else helper_id, "message", f"Line {n} of the exchange",
                  _timestamp(now)) for n in range(5)])


def _insert_tickets(conn, rng, scale: Scale, ids: dict, first_user: int, thread_ticket_id: int, now):
    """Every column drawn as a whole vector first (fast), times formatted by SQLite itself."""
    n, big, agent_id = scale.requests, scale.big_requester_requests, ids["agent_id"]
    requesters = itertools.chain(
        itertools.repeat(first_user, big), itertools.repeat(agent_id, scale.agent_requested),
        rng.choices(range(first_user + 1, first_user + scale.users), k=n - big - scale.agent_requested))
    statuses = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()), k=n)
    statuses[thread_ticket_id - 1] = "open"
    groups = ids["group_ids"]
    group_column = rng.choices([*groups, None], weights=[9] * len(groups) + [len(groups)], k=n)  # 10% none
    assignees = [None if status == "new" or (status == "open" and draw < 0.3) else agent
                 for status, draw, agent in zip(statuses, (rng.random() for _ in range(n)),
                                                rng.choices(ids["agent_ids"], k=n))]
    now_epoch = int(now.replace(tzinfo=timezone.utc).timestamp())
    created = [now_epoch - offset for offset in rng.choices(range(730 * 86400), k=n)]
    updated = [min(now_epoch, at + age) for at, age in zip(created, rng.choices(range(30 * 86400), k=n))]
    rows = zip(
        range(1, n + 1), (SUBJECTS[tid % len(SUBJECTS)] % (tid % 97) for tid in range(1, n + 1)),
        rng.choices(("low", "normal", "normal", "high", "urgent"), k=n),
        rng.choices(("question", "incident", "problem", "task"), k=n), statuses, requesters, group_column,
        assignees, rng.choices(("web", "web", "email", "phone"), k=n), created, updated)
    # SQLAlchemy's SQLite DateTime format: 'YYYY-MM-DD HH:MM:SS.ffffff'.
    at = "datetime(?{}, 'unixepoch') || '.000000'"
    conn.executemany(
        "INSERT INTO tickets (id, brand_id, form_id, subject, priority, type, status, requester_id, "
        "submitter_id, group_id, assignee_id, channel, is_public, created_at, updated_at, solved_at, version) "
        f"VALUES (?1, {ids['brand_id']}, {ids['form_id']}, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8, ?9, 1, "
        f"{at.format(10)}, {at.format(11)}, CASE WHEN ?5 IN ('solved', 'closed') THEN {at.format(11)} END, 1)",
        rows)


def _insert_comments(conn, rng, scale, thread_ticket_id, requester_id, agent_id, now):
    """The first comment of every request (public, by its requester), and a 50-comment thread."""
    conn.execute(
        "INSERT INTO comments (ticket_id, author_id, body, is_public, channel, created_at) "
        "SELECT id, requester_id, 'Hello, ' || subject || '. It started this morning; details below.', "
        "1, channel, created_at FROM tickets ORDER BY id")
    when = now - timedelta(days=3)
    conn.executemany(
        "INSERT INTO comments (ticket_id, author_id, body, is_public, channel, created_at) "
        "VALUES (?, ?, ?, 1, 'web', ?)",
        ((thread_ticket_id, requester_id if n % 2 else agent_id,
          f"Reply {n}: we tried restarting it again and the printer still jams on page {rng.randrange(99)}.\n"
          "Next step: https://example.com/kb/42", _timestamp(when + timedelta(minutes=n)))
         for n in range(1, scale.thread_comments)))
