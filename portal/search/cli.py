"""`flask search reindex` and `flask search status` (DESIGN §7)."""
import time

import click
from flask.cli import AppGroup

search_cli = AppGroup("search", help="User search index.")


@search_cli.command("reindex")
def reindex_command():
    """Rebuild the user index from the database into a fresh directory and swap it in."""
    from .services import count_users, reindex

    started = time.monotonic()
    with click.progressbar(length=count_users(), label="Indexing users") as bar:
        documents = reindex(progress=bar.update)
    click.echo(f"Indexed {documents} users in {time.monotonic() - started:.1f} s.")


@search_cli.command("status")
def status_command():
    """Documents in the index vs users in the database, and changes waiting in the outbox."""
    from .services import status

    info = status()
    documents = "missing (rebuilt on next use)" if info["documents"] is None else info["documents"]
    click.echo(f"Index directory:  {info['directory']}")
    click.echo(f"Live generation:  {info['generation'] or '-'}")
    click.echo(f"Documents:        {documents}")
    click.echo(f"Users in database: {info['users']}")
    click.echo(f"Pending changes:  {info['pending']}")
    if info["reindexing"]:
        click.echo("A rebuild is running.")
    in_step = info["documents"] == info["users"] and not info["pending"]
    click.echo("In step." if in_step else "Out of step: run `flask search reindex`.")


def register(app):
    app.cli.add_command(search_cli)
