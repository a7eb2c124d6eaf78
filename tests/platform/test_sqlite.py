"""SQLite done right (DESIGN §12): WAL, foreign keys, and write transactions that lose no update."""
import multiprocessing

from sqlalchemy import text

from portal import create_app
from portal.extensions import db

PROCESSES = 4
INCREMENTS = 50


def make_app(path):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                       "SEARCH_INDEX_DIR": str(path) + ".search-index"})


def increment_many(path, times):
    """Read the counter, then write counter + 1, each in its own transaction: the classic lost update."""
    app = make_app(path)
    with app.app_context():
        for _ in range(times):
            value = db.session.execute(text("SELECT value FROM counters WHERE id = 1")).scalar_one()
            db.session.execute(text("UPDATE counters SET value = :value WHERE id = 1"), {"value": value + 1})
            db.session.commit()
        db.engine.dispose()
    return times


def test_pragmas(app):
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_read_then_write_from_several_processes_loses_nothing(tmp_path):
    path = tmp_path / "counter.sqlite3"
    app = make_app(path)
    with app.app_context():
        db.session.execute(text("CREATE TABLE counters (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)"))
        db.session.execute(text("INSERT INTO counters (id, value) VALUES (1, 0)"))
        db.session.commit()

        # spawn: children start clean, as separate workers would (no forked connections or threads).
        pool = multiprocessing.get_context("spawn").Pool(PROCESSES)
        try:
            done = pool.starmap(increment_many, [(path, INCREMENTS)] * PROCESSES)
        finally:
            pool.close()
            pool.join()

        assert sum(done) == PROCESSES * INCREMENTS
        final = db.session.execute(text("SELECT value FROM counters WHERE id = 1")).scalar_one()
        assert final == PROCESSES * INCREMENTS
        db.session.remove()
        db.engine.dispose()
