"""`flask attachments prune`: drop uploads never attached within 3 days, and every stored file no
row names (left by a rolled-back request, a deleted draft, a crash), older than the grace period."""
import click
from flask.cli import AppGroup

from . import services

attachments_cli = AppGroup("attachments", help="Attached files housekeeping.")


@attachments_cli.command("prune")
@click.option("--grace-minutes", default=services.PRUNE_GRACE_SECONDS // 60, show_default=True,
              help="Leave files younger than this: they may belong to a transaction still running.")
def prune_command(grace_minutes):
    """Remove expired uploads and orphaned files; say what was freed."""
    report = services.prune(grace_seconds=grace_minutes * 60)  # commits its own deletes
    click.echo(f"{report.expired_uploads} expired upload(s) removed; {report.files} orphaned file(s) deleted, "
               f"{report.bytes} bytes freed.")


def register(app):
    app.cli.add_command(attachments_cli)
