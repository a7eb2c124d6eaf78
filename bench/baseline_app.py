"""The baseline: a minimal Flask app running the same SQL through the raw sqlite3 driver.

`/q/<name>` replays the SELECTs captured from our page `<name>` (bench/out/baseline-sql.json, same
statements, same parameters, in one read transaction) and renders every row they return with a
bare Jinja template. No ORM, no extensions, no sessions: the floor our pages are compared with.
"""
import json
import os
import sqlite3
import threading

from flask import Flask, abort, render_template_string

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ name }}</title></head>
<body><h1>{{ name }}</h1>
{% for rows in results %}<table>
{% for row in rows %}<tr>{% for value in row %}<td>{{ value }}</td>{% endfor %}</tr>
{% endfor %}</table>
{% endfor %}</body></html>
"""

_local = threading.local()


def create_baseline_app(db_path: str, sql_file: str) -> Flask:
    app = Flask(__name__)
    with open(sql_file) as handle:
        pages = json.load(handle)

    def connection() -> sqlite3.Connection:
        # One connection per worker thread, tuned as the app's engine tunes its connections.
        conn = getattr(_local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=30000")
            _local.conn = conn
        return conn

    @app.get("/q/<name>")
    def replay(name):
        statements = pages.get(name)
        if statements is None:
            abort(404)
        conn = connection()
        conn.execute("BEGIN")
        try:
            results = [conn.execute(sql, params).fetchall() for sql, params in statements]
        finally:
            conn.execute("COMMIT")
        return render_template_string(TEMPLATE, name=name, results=results)

    return app


def close_connection() -> None:
    """Close this thread's connection (tests; gunicorn workers keep theirs for their lifetime)."""
    conn = getattr(_local, "conn", None)
    if conn is not None:
        conn.close()
        _local.conn = None


def _from_environment():
    if os.environ.get("BENCH_DB") and os.environ.get("BENCH_SQL_FILE"):
        return create_baseline_app(os.environ["BENCH_DB"], os.environ["BENCH_SQL_FILE"])
    return None


app = _from_environment()  # gunicorn bench.baseline_app:app
if app is not None:
    from portal.server import tune_garbage_collector

    tune_garbage_collector()  # the same process tuning as the real app's entry point (app.py)
