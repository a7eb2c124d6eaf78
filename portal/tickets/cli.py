"""`flask tickets close-solved`: close solved requests past their brand's delay (for cron)."""
import click
from flask.cli import AppGroup

from ..extensions import db
from . import services

tickets_cli = AppGroup("tickets", help="Requests housekeeping.")


@tickets_cli.command("close-solved")
def close_solved_command():
    """Close requests solved more than auto_close_solved_after_days ago (per brand)."""
    closed = services.close_solved()
    db.session.commit()  # a command owns its transaction
    for ticket in closed:
        click.echo(f"closed #{ticket.id} ({ticket.brand.slug}, solved {ticket.solved_at:%Y-%m-%d %H:%M} UTC)")
    click.echo(f"{len(closed)} request(s) closed.")


def register(app):
    app.cli.add_command(tickets_cli)
