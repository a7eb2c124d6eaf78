"""bench/api.py at a tiny scale, without servers or timings, so it cannot rot unnoticed."""
import pytest

from bench import api as api_bench
from bench import seed
from bench.common import Session, capture


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    db_path = str(tmp_path_factory.mktemp("bench-api") / "seed.sqlite3")
    meta = seed.seed(db_path, seed.TINY, log=lambda _line: None)
    app = seed.make_app(db_path)
    app.config["PROPAGATE_EXCEPTIONS"] = True
    yield meta, app
    from portal.extensions import db

    with app.app_context():
        db.engine.dispose()


def test_api_and_html_pages_show_the_same_seeded_rows(seeded):
    meta, app = seeded
    auth = api_bench.token_header(app, meta["requester_id"])
    cookie = Session(app).cookie_for(meta["requester_id"])
    for api_page, html_page in api_bench.pairs(meta):
        capture(app, api_page, None, headers=auth)
        capture(app, html_page, cookie)
        for page in (api_page, html_page):
            assert (page.status, page.note) == (200, ""), page.name
            assert page.statements, page.name
