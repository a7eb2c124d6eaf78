"""The migrations and the demo on a real PostgreSQL server: a throwaway cluster under a temp dir.

PostgreSQL refuses to run as root, so when the suite runs as root the cluster belongs to `nobody`.
"""
import glob
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile

import psycopg
import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.extensions import db
from portal.models import Brand, Ticket, User

from tests.conftest import missing_component

from .schema import STALE, schema_differences, table_names

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UNPRIVILEGED = "nobody"


def postgres_bin_dir() -> str | None:
    """initdb and pg_ctl from PATH, else the newest /usr/lib/postgresql/*/bin (Debian keeps them there)."""
    initdb = shutil.which("initdb")
    candidates = [os.path.dirname(os.path.realpath(initdb))] if initdb else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True)
    for directory in candidates:
        if all(os.access(os.path.join(directory, tool), os.X_OK) for tool in ("initdb", "pg_ctl", "postgres")):
            return directory
    return None


def _version(path: str) -> float:
    try:
        return float(path.split("/")[-2])
    except ValueError:
        return 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_cluster_owner(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    if shutil.which("runuser"):
        return ["runuser", "-u", UNPRIVILEGED, "--", *command]
    return ["su", UNPRIVILEGED, "-s", "/bin/sh", "-c", shlex.join(command)]


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{shlex.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="session")
def postgres_url():
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        missing_component("PostgreSQL server binaries (initdb, pg_ctl) not found; install Debian's postgresql")
    home = tempfile.mkdtemp(prefix="guichet-pg-")
    if os.geteuid() == 0:
        owner = pwd.getpwnam(UNPRIVILEGED)
        os.chown(home, owner.pw_uid, owner.pw_gid)
    data = os.path.join(home, "data")
    pg_ctl = os.path.join(bin_dir, "pg_ctl")
    run(as_cluster_owner([os.path.join(bin_dir, "initdb"), "-D", data, "-U", "postgres", "-A", "trust",
                          "-E", "UTF8", "--locale=C", "--no-sync"]), cwd=home)
    port = free_port()
    # The unix socket stays inside the temp dir; durability is off: this cluster lives for one run.
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {home} -c fsync=off -c synchronous_commit=off"
    run(as_cluster_owner([pg_ctl, "-D", data, "-l", os.path.join(home, "server.log"), "-o", options,
                          "-w", "-t", "60", "start"]), cwd=home)
    try:
        with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres",
                             autocommit=True) as connection:
            connection.execute("CREATE DATABASE guichet")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/guichet"
    finally:
        subprocess.run(as_cluster_owner([pg_ctl, "-D", data, "-m", "fast", "-w", "stop"]), cwd=home,
                       capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


def flask_command(url, tmp_dir, *args):
    """Run `flask --app app …` as an operator would, configured only through the environment."""
    env = dict(os.environ, GUICHET_DATABASE_URL=url, GUICHET_SEARCH_INDEX_DIR=str(tmp_dir / "search-index"))
    return run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env)


@pytest.fixture(scope="module")
def migrated(postgres_url, tmp_path_factory):
    flask_command(postgres_url, tmp_path_factory.mktemp("pg"), "db", "upgrade")
    return postgres_url


@pytest.fixture
def pg_app(migrated, tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": migrated,
                      "SEARCH_INDEX_DIR": str(tmp_path / "search-index")})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_upgrade_builds_the_models_schema(pg_app):
    assert db.engine.dialect.name == "postgresql"
    assert table_names() == set(db.metadata.tables) | {"alembic_version"}
    differences = schema_differences()
    assert differences == [], STALE + repr(differences)


def test_demo_runs_on_postgres(pg_app, tmp_path):
    first = flask_command(pg_app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, "demo")
    assert "Demo data ready" in first.stdout
    again = flask_command(pg_app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, "demo")
    assert "nothing changed" in again.stdout
    assert db.session.scalar(select(func.count(Brand.id))) == 2
    assert db.session.scalar(select(func.count(User.id))) == 8
    statuses = dict(db.session.execute(select(Ticket.subject, Ticket.status)).all())
    assert statuses["Password reset loop"] == "pending" and len(statuses) == 8
