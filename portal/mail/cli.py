"""`flask mail deliver [--loop]`, `flask mail list` and `flask mail show N` (DESIGN §14).

These run in the operator's or developer's shell: `show` prints a whole message, body included
(no page shows one). `list` never prints bodies.
"""
import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ..database import read_connection
from .models import STATES, MailOutbox

mail_cli = AppGroup("mail", help="Outgoing mail: deliver the outbox, list and show messages.")
OUTBOX = MailOutbox.__table__


@mail_cli.command("deliver")
@click.option("--loop", is_flag=True, help="Keep delivering until stopped (SIGTERM or SIGINT), pausing when idle.")
def deliver_command(loop):
    """Send the queued messages over SMTP (GUICHET_SMTP_URL): one pass, or a long-running worker."""
    from .delivery import DeliveryNotConfigured, Options, deliver, deliver_loop

    try:
        Options.from_config(current_app.config)
    except (DeliveryNotConfigured, ValueError) as error:
        raise click.ClickException(str(error)) from None
    stop = threading.Event()
    if not loop:
        click.echo(f"Mail delivery: {deliver(stop)}.")
        return

    def stop_soon(signum, _frame):
        click.echo(f"Mail delivery: {signal.Signals(signum).name} received, stopping after this message.", err=True)
        stop.set()

    signal.signal(signal.SIGTERM, stop_soon)
    signal.signal(signal.SIGINT, stop_soon)
    click.echo("Mail delivery: running until SIGTERM or SIGINT.")
    total = deliver_loop(stop, report=lambda counts: click.echo(f"Mail delivery: {counts}."))
    click.echo(f"Mail delivery stopped: {total}.")


@mail_cli.command("list")
@click.option("--state", type=click.Choice(STATES), help="Only messages in this state.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True, help="Newest first.")
def list_command(state, limit):
    """Messages, newest first: id, state, kind, recipient, subject, created (never a body)."""
    columns = (OUTBOX.c.id, OUTBOX.c.state, OUTBOX.c.attempts, OUTBOX.c.kind, OUTBOX.c.to_email,
               OUTBOX.c.subject, OUTBOX.c.created_at)
    query = select(*columns).order_by(OUTBOX.c.id.desc()).limit(limit)
    if state:
        query = query.where(OUTBOX.c.state == state)
    with read_connection() as conn:
        rows = conn.execute(query).all()
    if not rows:
        click.echo("No messages.")
    for row in rows:
        click.echo(f"{row.id}\t{row.state}\t{row.attempts}\t{row.kind}\t{row.to_email}\t{row.subject}"
                   f"\t{row.created_at:%Y-%m-%d %H:%M:%S}")


@mail_cli.command("show")
@click.argument("mail_id", type=click.IntRange(1, 2**31 - 1))
def show_command(mail_id):
    """Print one message as it is (or would be) sent, then its delivery state."""
    from ..brands.models import Brand
    from .compose import compose
    from .outbox import sender_for

    with read_connection() as conn:
        row = conn.execute(select(OUTBOX).where(OUTBOX.c.id == mail_id)).first()
        brand = None
        if row is not None and row.brand_id is not None:
            brand = conn.execute(select(Brand.id, Brand.name, Brand.settings).where(Brand.id == row.brand_id)).first()
    if row is None:
        raise click.ClickException(f"No message {mail_id}.")
    sender = sender_for(brand)
    try:
        text = compose(row, sender).decode("ascii")
    except (ValueError, TypeError, UnicodeError, IndexError, LookupError):
        raise click.ClickException(f"Message {mail_id} cannot be written (its address?).") from None
    click.echo(text)
    click.echo(f"-- state {row.state}, {row.attempts} tries"
               + (f", last error: {row.last_error}" if row.last_error else "")
               + (f", sent {row.sent_at:%Y-%m-%d %H:%M:%S}" if row.sent_at else ""), err=True)


def register(app):
    app.cli.add_command(mail_cli)
