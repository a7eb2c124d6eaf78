"""`flask mail deliver [--loop]`, `flask mail list` and `flask mail show N` (DESIGN §14); incoming
mail: `flask mail receive [--brand SLUG] < message.eml` (an MTA's pipe) and `flask mail fetch [--loop]`
(IMAP mailboxes).

These run in the operator's or developer's shell: `show` prints a whole message, body included
(no page shows one). `list` never prints bodies.
"""
import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ..brands.models import Brand
from ..database import read_connection
from ..extensions import db
from .models import STATES, MailOutbox

mail_cli = AppGroup("mail", help="Mail: deliver the outbox, list and show messages; receive and fetch incoming mail.")
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
    if not loop:
        click.echo(f"Mail delivery: {deliver(threading.Event())}.")
        return
    stop = _stop_on_signals("Mail delivery")
    total = deliver_loop(stop, report=lambda counts: click.echo(f"Mail delivery: {counts}."))
    click.echo(f"Mail delivery stopped: {total}.")


def _stop_on_signals(name: str) -> threading.Event:
    """A long-running worker's stop: set by SIGTERM or SIGINT, which end it after the message at hand."""
    stop = threading.Event()

    def stop_soon(signum, _frame):
        click.echo(f"{name}: {signal.Signals(signum).name} received, stopping after this message.", err=True)
        stop.set()

    signal.signal(signal.SIGTERM, stop_soon)
    signal.signal(signal.SIGINT, stop_soon)
    click.echo(f"{name}: running until SIGTERM or SIGINT.")
    return stop


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
    from .compose import compose
    from .layout import parts
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
        text = compose(row, sender, *parts(row)).decode("ascii")
    except (ValueError, TypeError, UnicodeError, IndexError, LookupError):
        raise click.ClickException(f"Message {mail_id} cannot be written (its address?).") from None
    click.echo(text)
    click.echo(f"-- state {row.state}, {row.attempts} tries"
               + (f", last error: {row.last_error}" if row.last_error else "")
               + (f", sent {row.sent_at:%Y-%m-%d %H:%M:%S}" if row.sent_at else ""), err=True)


@mail_cli.command("receive")
@click.option("--brand", "brand_slug", help="The brand the message is for (else: the addresses it was sent to).")
def receive_command(brand_slug):
    """Receive one message on standard input (an MTA's pipe transport or an MDA). Exit codes
    (sysexits): 0 taken (or ignored: automatic mail, already seen), 65 rejected (no sender, no text,
    too large), 67 rejected (no brand for the address, sender unknown in a restricted brand),
    75 try again later (database locked, or an unknown --brand: the server keeps the message)."""
    import sys

    from .receive import EX_TEMPFAIL, max_bytes, receive

    raw, size = _read_limited(sys.stdin.buffer, max_bytes())
    if brand_slug and db.session.scalar(select(Brand.id).where(Brand.slug == brand_slug)) is None:
        click.echo(f"Mail not taken: no brand {brand_slug!r} (check the mail server's pipe command).", err=True)
        sys.exit(EX_TEMPFAIL)  # the server keeps the message until its configuration is fixed
    outcome = receive(raw, brand_slug=brand_slug, size=size)
    click.echo(f"Mail {outcome}.", err=True)
    sys.exit(outcome.exit_code)


def _read_limited(stream, limit: int) -> tuple[bytes, int]:
    """The first limit+1 bytes, and the whole size: the rest is read and dropped (the server
    expects the whole message to be read), never held in memory."""
    raw = stream.read(limit + 1)
    size = len(raw)
    while size > limit:
        chunk = stream.read(1024 * 1024)
        if not chunk:
            break
        size += len(chunk)
    return raw, size


@mail_cli.command("fetch")
@click.option("--loop", is_flag=True, help="Keep fetching until stopped (SIGTERM or SIGINT), pausing between passes.")
@click.option("--interval", type=click.FloatRange(0.1, 3600), default=60, show_default=True,
              help="Seconds between passes with --loop.")
def fetch_command(loop, interval):
    """Read each brand's IMAP mailbox (brand setting mail_imap_url, or GUICHET_IMAP_URL_<SLUG>;
    password GUICHET_IMAP_PASSWORD_<SLUG>), receive its messages and move them to Processed or
    Rejected."""
    from .imap import fetch_all

    def report(results):
        if not results:
            click.echo("Mail fetch: no brand has a mailbox.")
        for slug, result in results.items():
            click.echo(f"Mail fetch {slug}: {result}.")

    if not loop:
        results = fetch_all()
        report(results)
        if any(isinstance(result, str) for result in results.values()):
            raise SystemExit(1)
        return
    stop = _stop_on_signals("Mail fetch")
    while not stop.is_set():
        report(fetch_all(stop))
        stop.wait(interval)
    click.echo("Mail fetch stopped.")


def register(app):
    app.cli.add_command(mail_cli)
