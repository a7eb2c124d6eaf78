"""API speed (issue 7): the Requests API's list, show and comments of the heavy requester, on the
benchmark seed (100k users / 1M requests in one brand), as a throughput ratio to the same pages in
HTML (My activities and the request page with 50 comments), both served by the same gunicorn.

The API authenticates every request with an API token and counts it in the database (the rate
limit is shared across workers), so each API call also writes one row: that cost is measured too.

    python -m bench.api [--quick]
"""
import argparse
import base64
import os
import sys
import time

from .common import (CONCURRENCY, OUT_DIR, ROUNDS, WORKERS, Bench, Page, Result, Row, Server, capture,
                     hammer, save, table)
from .helpcentre import LIST_MARKERS
from .seed import SECRET_KEY

TITLE = "Requests API vs the same pages in HTML (issue 7)"
PER_PAGE = 25  # My activities' page size, so both sides render the same rows
RATIO_TARGET = 0.8


def pairs(meta: dict) -> list[tuple[Page, Page]]:
    """(API page, HTML page) pairs: the same rows, read by the same requester."""
    api, html = f"/{meta['brand_slug']}/api/v2", f"/{meta['brand_slug']}/hc/en"
    requester, thread = meta["requester_id"], meta["thread_ticket_id"]
    middle = meta["scale"]["big_requester_requests"] // PER_PAGE // 2
    return [
        (Page("api_requests", f"{api}/requests.json?per_page={PER_PAGE}", requester, LIST_MARKERS),
         Page("html_my_activities", f"{html}/requests", requester, LIST_MARKERS)),
        (Page("api_requests_middle_page", f"{api}/requests.json?per_page={PER_PAGE}&page={middle}", requester,
              LIST_MARKERS),
         Page("html_my_activities_middle", f"{html}/requests?page={middle}", requester, LIST_MARKERS)),
        (Page("api_request_show", f"{api}/requests/{thread}.json", requester, ('"id":',)),
         Page("html_request_page", f"{html}/requests/{thread}", requester, ("Reply 49:",))),
        (Page("api_request_comments", f"{api}/requests/{thread}/comments.json?per_page=100", requester,
              ("Reply 49:",)),
         Page("html_request_page_again", f"{html}/requests/{thread}", requester, ("Reply 49:",))),
    ]


def token_header(app, user_id: int) -> dict:
    """Basic `email/token:SECRET` for a fresh API token of the user (created through the service)."""
    from portal.api.tokens import create_token
    from portal.auth.models import User
    from portal.extensions import db

    with app.app_context():
        user = db.session.get(User, user_id)
        _token, secret = create_token(user, f"bench {time.time():.0f}")
        db.session.commit()  # outside a request, the caller owns the transaction
        credentials = f"{user.email}/token:{secret}"
    return {"Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()}


def measure_pair(port: int, api_page: Page, html_page: Page, auth: dict, cookie: str, load) -> Row:
    ours = (port, api_page.path, None)
    theirs = (port, html_page.path, cookie)
    hammer(*ours, 4, 5, 2, headers=auth)  # warm both workers
    hammer(*theirs, 4, 5, 2)
    latency = hammer(*ours, load.latency_requests, load.latency_seconds, 1, headers=auth)
    share = (load.throughput_requests // ROUNDS, load.throughput_seconds / ROUNDS, CONCURRENCY)
    api_rounds, html_rounds = [], []
    for _ in range(ROUNDS):  # alternating, so a busy neighbour hits both sides alike
        api_rounds.append(hammer(*ours, *share, headers=auth))
        html_rounds.append(hammer(*theirs, *share))
    return Row(api_page, latency, Result.combine(api_rounds), Result.combine(html_rounds))


def run(quick: bool = False, log=print) -> list[Row]:
    bench = Bench(quick=quick, log=log)
    auth = token_header(bench.app, bench.meta["requester_id"])
    cookie = bench.sessions.cookie_for(bench.meta["requester_id"])
    checked = []
    for api_page, html_page in pairs(bench.meta):
        capture(bench.app, api_page, None, headers=auth)
        capture(bench.app, html_page, cookie)
        for page in (api_page, html_page):
            log(f"capture: {page.name}: {page.path} -> {page.status}, {len(page.statements)} SELECTs "
                f"({page.note or 'ok'})")
        checked.append((api_page, html_page))
    env = {"GUICHET_DATABASE_URL": f"sqlite:///{bench.db_path}", "GUICHET_SECRET_KEY": SECRET_KEY,
           # The limit stays on (each call is still counted in the database) but never bites here.
           "GUICHET_API_RATE_LIMIT_PER_MINUTE": str(10**9)}
    rows = []
    with Server("guichet-api", "app:app", env) as server:
        for api_page, html_page in checked:
            rows.append(measure_pair(server.port, api_page, html_page, auth, cookie, bench.load))
            log(f"measured: {api_page.name} vs {html_page.name}")
    print("\n" + table(TITLE, rows, ratio_target=RATIO_TARGET).replace("base req/s", "HTML req/s")
          + f"\n(ratio = API req/s / HTML req/s of the same rows; gunicorn {WORKERS} workers; "
            f"saved {save('api' + ('-quick' if quick else ''), rows, bench.meta)})", flush=True)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.api", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small scale (20k requests), short runs")
    args = parser.parse_args(argv)
    os.makedirs(OUT_DIR, exist_ok=True)
    started = time.perf_counter()
    run(quick=args.quick)
    print(f"\ntotal time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
