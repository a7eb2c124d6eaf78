"""Attachments (issue 17): `python -m bench attachments [--quick]`.

1. Upload and download of a 10 MB file through gunicorn (2 workers): the API's POST /uploads
   (raw body, an API token) and the download page (a session), one client: p50/p95 and MB/s.
2. The request page with 50 comments carrying 50 attachments (one image each, with its
   thumbnail), as a ratio to the raw-sqlite3 baseline replaying the same SQL (target >= 0.5):
   a thread's attachments come in one query.

Runs on a copy of the cached seed (bench/out/attachments.sqlite3), so the other benchmarks'
database never holds attachments; files go to bench/out/attachments-store/.
"""
import argparse
import base64
import http.client
import io
import json
import os
import secrets
import shutil
import sqlite3
import statistics
import time

from .common import OUT_DIR, Bench, Page, percentile, save, table

FILE_MB = 10
TRANSFERS = 20  # of each, after 2 of warm-up
STORE = os.path.join(OUT_DIR, "attachments-store")
TITLE = "Attachments (issue 17): request page with 50 comments and 50 attachments"


def _png(n: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 200), (n * 5 % 256, 90, 160)).save(out, "PNG")
    return out.getvalue()


def _copy_seed(source: str) -> str:
    target = os.path.join(OUT_DIR, "attachments.sqlite3")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(target + suffix):
            os.unlink(target + suffix)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def _attach_to_thread(app, meta: dict) -> tuple[int, str]:
    """One image on each comment of the seeded 50-comment request (stored as the app stores them);
    an API token for its requester. (brand id, token secret)."""
    from sqlalchemy import select

    from portal.actor import Actor
    from portal.api.auth import hash_secret
    from portal.api.models import ApiToken
    from portal.attachments import services
    from portal.auth.models import User
    from portal.brands.models import Brand
    from portal.extensions import db
    from portal.tickets.models import Comment

    with app.test_request_context():
        brand = db.session.scalar(select(Brand).where(Brand.slug == meta["brand_slug"]))
        requester = db.session.get(User, meta["requester_id"])
        comments = list(db.session.scalars(select(Comment).where(Comment.ticket_id == meta["thread_ticket_id"])
                                           .order_by(Comment.id)))
        actor = Actor.itself(requester)
        for n, comment in enumerate(comments[:50]):
            (row,) = services.store(brand, actor, [services.IncomingFile(f"screen-{n}.png", io.BytesIO(_png(n)))])
            services.attach(comment, [row])
        secret = secrets.token_urlsafe(32)
        db.session.add(ApiToken(user_id=requester.id, name="bench", token_hash=hash_secret(secret)))
        db.session.commit()
        return brand.id, f"{requester.email}/token:{secret}"


def _request(port: int, method: str, path: str, headers: dict, body: bytes | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    return time.perf_counter() - started, response.status, data


def _transfers(port: int, slug: str, credentials: str, cookie: str) -> dict:
    content = b"%PDF-1.7\n" + os.urandom(FILE_MB * 1024 * 1024 - 9)
    auth = {"Authorization": "Basic " + base64.b64encode(credentials.encode()).decode(),
            "Content-Type": "application/pdf", "Content-Length": str(len(content))}
    uploads, downloads, attachment_id = [], [], None
    for n in range(TRANSFERS + 2):
        seconds, status, data = _request(port, "POST", f"/{slug}/api/v2/uploads.json?filename=big-{n}.pdf", auth,
                                         content)
        if status != 201:
            raise RuntimeError(f"upload answered {status}: {data[:300]!r}")
        if n >= 2:
            uploads.append(seconds)
        attachment_id = json.loads(data)["upload"]["attachment"]["id"]
    for n in range(TRANSFERS + 2):
        seconds, status, data = _request(port, "GET", f"/{slug}/attachments/{attachment_id}", {"Cookie": cookie})
        if status != 200 or len(data) != len(content):
            raise RuntimeError(f"download answered {status} with {len(data)} bytes")
        if n >= 2:
            downloads.append(seconds)
    return {"upload": uploads, "download": downloads}


def _transfer_table(timings: dict) -> str:
    lines = [f"10 MB file through gunicorn (2 workers), one client, {TRANSFERS} of each:"]
    for name, values in timings.items():
        mean = statistics.mean(values)
        lines.append(f"  {name:<8} p50 {percentile(values, 0.5) * 1000:7.1f} ms  p95 {percentile(values, 0.95) * 1000:7.1f} ms"
                     f"  {FILE_MB / mean:6.1f} MB/s (mean)")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench attachments", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small seed (20k requests), short runs")
    args = parser.parse_args(argv)
    shutil.rmtree(STORE, ignore_errors=True)
    os.environ["GUICHET_ATTACHMENTS_DIR"] = STORE  # for this process's app and the servers it starts
    bench = Bench(quick=args.quick)
    from . import seed as seeding

    bench.db_path = _copy_seed(bench.db_path)
    bench.app = seeding.make_app(bench.db_path)
    bench.app.config["ATTACHMENTS_DIR"] = STORE
    bench.sessions = type(bench.sessions)(bench.app)
    _brand_id, credentials = _attach_to_thread(bench.app, bench.meta)
    slug, requester = bench.meta["brand_slug"], bench.meta["requester_id"]
    page = Page("request_50_comments_50_files", f"/{slug}/hc/en/requests/{bench.meta['thread_ticket_id']}",
                requester, ("screen-49.png",))
    rows = bench.measure(bench.prepare([page]))
    print("\n" + table(TITLE, rows) + f"\n(saved {save('attachments' + ('-quick' if args.quick else ''), rows, bench.meta)})",
          flush=True)
    app_server, _baseline = bench.servers([page])
    with app_server as server:
        timings = _transfers(server.port, slug, credentials, bench.sessions.cookie_for(requester))
    print("\n" + _transfer_table(timings), flush=True)
    return 0
