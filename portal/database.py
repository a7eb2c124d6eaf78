"""Engine tuning: SQLite in WAL with real write transactions (DESIGN §12)."""
from contextlib import contextmanager

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db


def configure_engine(app):
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        opts = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        connect_args = opts.setdefault("connect_args", {})
        # pysqlite would otherwise BEGIN lazily (after the first SELECT) and lose updates.
        connect_args.setdefault("isolation_level", None)
        connect_args.setdefault("timeout", 30)
        connect_args.setdefault("check_same_thread", False)


def install_sqlite_hooks(engine: Engine):
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cur = dbapi_connection.cursor()
        if not str(engine.url.database or "").strip() in ("", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Write transactions take the write lock up front, so read-then-write never loses an
        # update. Pages that only read (GET) begin deferred so readers do not queue behind writers.
        if conn.info.get("read_only"):
            conn.exec_driver_sql("BEGIN")
        elif conn.info.get("immediate") or not _read_only_request():
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def _read_only_request() -> bool:
    return has_request_context() and request.method in ("GET", "HEAD", "OPTIONS")


@contextmanager
def _own_connection(flag: str):
    with db.engine.connect() as conn:
        conn.info[flag] = True
        try:
            with conn.begin():
                yield conn
        finally:
            conn.info.pop(flag, None)


@contextmanager
def bookkeeping_writer():
    """Where bookkeeping done while serving a request writes (presence, expired sessions).
    A GET reads in a deferred transaction: a short write connection of its own. Other methods
    already hold the write lock through the session (a second writer would wait for it until
    the busy timeout): they write in the session, and commit or roll back with the request."""
    if _read_only_request():
        with write_connection() as conn:
            yield conn
    else:
        yield db.session


def read_connection():
    """A deferred (read) transaction outside a request, e.g. in WSGI middleware."""
    return _own_connection("read_only")


def write_connection():
    """A short write transaction of its own, for bookkeeping done during a GET (presence)."""
    return _own_connection("immediate")


def init_database(app):
    with app.app_context():
        install_sqlite_hooks(db.engine)


def read_rows(statement, params: dict) -> list:
    """The rows of a plain column SELECT, through the session's connection and transaction.
    It skips the ORM's work per statement (about half the cost of a small query on the hot
    pages). There is no autoflush, so use it for reads where nothing is pending."""
    return db.session.connection().execute(statement, params).all()
