"""The benchmark code at a tiny scale, without servers or timings, so it cannot rot unnoticed."""
import json
import sqlite3

import pytest

from bench import agent, helpcentre, seed
from bench.baseline_app import close_connection, create_baseline_app
from bench.common import Result, Session, capture, percentile


def test_percentile_is_nearest_rank():
    values = list(range(100, 0, -1))
    assert percentile(values, 0.5) == 50
    assert percentile(values, 0.95) == 95
    assert percentile([7], 0.95) == 7
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_results_combine_counts_errors_and_latencies():
    combined = Result.combine([Result(2, {500: 1}, 1.0, [0.1, 0.2]), Result(3, {500: 2, 404: 1}, 2.0, [0.3] * 3)])
    assert (combined.count, combined.seconds, combined.errors) == (5, 3.0, {500: 3, 404: 1})
    assert combined.rps == pytest.approx(5 / 3)
    assert combined.p(1.0) == pytest.approx(300)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    db_path = str(tmp_path_factory.mktemp("bench") / "seed.sqlite3")
    meta = seed.seed(db_path, seed.TINY, log=lambda _line: None)
    app = seed.make_app(db_path)
    app.config["PROPAGATE_EXCEPTIONS"] = True  # a failing page shows its traceback here
    yield db_path, meta, app
    from portal.extensions import db

    with app.app_context():
        db.engine.dispose()


def _scalar(db_path, sql, *params):
    with sqlite3.connect(db_path) as conn:
        value = conn.execute(sql, params).fetchone()[0]
    conn.close()
    return value


def test_tiny_seed_has_the_shapes_the_benchmarks_measure(seeded):
    db_path, meta, _app = seeded
    tiny = seed.TINY
    assert _scalar(db_path, "SELECT count(*) FROM tickets WHERE brand_id = ?", meta["brand_id"]) == tiny.requests
    assert _scalar(db_path, "SELECT count(*) FROM memberships WHERE role = 'end_user'") == tiny.users
    assert _scalar(db_path, "SELECT count(*) FROM tickets WHERE requester_id = ?",
                   meta["requester_id"]) == tiny.big_requester_requests
    assert _scalar(db_path, "SELECT count(*) FROM comments WHERE ticket_id = ? AND is_public",
                   meta["thread_ticket_id"]) == tiny.thread_comments
    assert _scalar(db_path, "SELECT count(*) FROM tickets WHERE requester_id = ?",
                   meta["agent_id"]) == tiny.agent_requested
    # Every secondary index of the app's schema is back after the bulk load.
    assert _scalar(db_path, "SELECT count(*) FROM sqlite_master WHERE name = 'ix_tickets_brand_requester_updated'") == 1


@pytest.mark.parametrize("module", [helpcentre, agent], ids=["helpcentre", "agent"])
def test_pages_render_seeded_rows_and_the_baseline_replays_their_sql(seeded, tmp_path, module):
    db_path, meta, app = seeded
    sessions = Session(app)
    pages = [capture(app, page, sessions.cookie_for(page.user_id)) for page in module.pages(meta)]
    for page in pages:
        assert page.status == 200, (page.name, page.status)
        assert page.statements, page.name
        assert page.note == "", (page.name, page.note)
    spec = tmp_path / "sql.json"
    spec.write_text(json.dumps({page.name: page.statements for page in pages}, default=str))
    baseline = create_baseline_app(db_path, str(spec)).test_client()
    try:
        for page in pages:
            response = baseline.get(f"/q/{page.name}")
            assert response.status_code == 200, page.name
            if page.expect:
                body = response.get_data(as_text=True)
                assert any(text in body for text in page.expect), page.name
            response.close()
        missing = baseline.get("/q/no-such-page")
        assert missing.status_code == 404
        missing.close()
    finally:
        close_connection()
