"""Delivery: the outbox sent over SMTP by `flask mail deliver [--loop]` (DESIGN §14).

A worker claims a batch under a lease, in one short write transaction: on PostgreSQL the due rows
are locked with `FOR UPDATE SKIP LOCKED` (another worker skips them), on SQLite the claim runs in a
`BEGIN IMMEDIATE` transaction (one writer at a time). Due rows are queued ones whose time has come,
and rows claimed by a worker whose lease ran out (it died, or was killed mid-batch). The claim
counts the try (`attempts`). Each message is then sent outside any transaction, over one SMTP
connection per batch, and marked in its own short transaction, only while the lease is still this
worker's: a message is sent once by one worker, and a worker that dies loses nothing.

Temporary failures (a 4xx reply, a refused or timed-out connection, a closed session) put the
message back in the queue with exponential backoff (MAIL_RETRY_SECONDS doubled at each try, at most
MAIL_RETRY_MAX_SECONDS); after MAIL_MAX_ATTEMPTS tries it has failed. A permanent failure (a 5xx
reply, an address that cannot be written) fails it at once. A message to the address of a
deactivated account is dropped, with the reason. `last_error` keeps the server's short reply,
never anything of the message.
"""
import logging
import secrets
import smtplib
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from types import SimpleNamespace
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app
from sqlalchemy import and_, bindparam, or_, select, update

from ..auth.models import User
from ..brands.models import Brand
from ..database import write_connection
from ..extensions import db
from ..models_base import utcnow
from .models import DROPPED, FAILED, QUEUED, SENDING, SENT, MailOutbox
from .compose import compose, one_line, sender_address
from . import layout
from .outbox import sender_for

log = logging.getLogger(__name__)
OUTBOX = MailOutbox.__table__
_ERROR_LENGTH = 200


class DeliveryNotConfigured(RuntimeError):
    pass


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    implicit_tls: bool  # smtps://
    starttls: bool
    username: str | None
    password: str | None
    helo: str | None

    def __repr__(self):  # never the password, in a log line or a traceback
        return f"SmtpTarget({'smtps' if self.implicit_tls else 'smtp'}://{self.host}:{self.port})"


def parse_smtp_url(url: str) -> SmtpTarget:
    """`smtp://user:pass@host:587?starttls=1` or `smtps://user:pass@host:465` (user and password
    URL-encoded; `?helo=name` sets the EHLO name). ValueError, without the password, when wrong."""
    parts = urlsplit(url or "")
    scheme = parts.scheme.lower()
    if scheme not in ("smtp", "smtps"):
        raise ValueError("the SMTP URL must start with smtp:// or smtps://")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("the SMTP URL has an invalid port") from None
    if not parts.hostname:
        raise ValueError("the SMTP URL has no host")
    query = parse_qs(parts.query)
    flag = (query.get("starttls") or ["0"])[-1].strip().lower()
    return SmtpTarget(
        host=parts.hostname, port=port or (465 if scheme == "smtps" else 25), implicit_tls=scheme == "smtps",
        starttls=scheme == "smtp" and flag in ("1", "true", "yes", "on"),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        helo=(query.get("helo") or [None])[-1])


@cache
def _local_hostname() -> str:
    return socket.getfqdn()  # once per process: it may ask the DNS


class ConnectionFailure(Exception):
    """The SMTP session could not be opened or was lost: not the message's fault."""

    def __init__(self, error: Exception):
        super().__init__(describe(error))


class SmtpTransport:
    """One SMTP connection, opened on the first message and reused for the batch."""

    def __init__(self, target: SmtpTarget, timeout: float):
        self.target, self.timeout = target, timeout
        self.connection = None

    def _open(self):
        target = self.target
        helo = target.helo or _local_hostname()
        try:
            if target.implicit_tls:
                connection = smtplib.SMTP_SSL(target.host, target.port, local_hostname=helo, timeout=self.timeout,
                                              context=ssl.create_default_context())
            else:
                connection = smtplib.SMTP(target.host, target.port, local_hostname=helo, timeout=self.timeout)
        except (smtplib.SMTPException, OSError) as error:
            raise ConnectionFailure(error) from None
        try:
            if target.starttls:
                connection.starttls(context=ssl.create_default_context())
            if target.username:
                connection.login(target.username, target.password or "")
        except (smtplib.SMTPException, OSError) as error:
            self._discard(connection)
            raise ConnectionFailure(error) from None
        self.connection = connection

    def send(self, sender: str, recipient: str, data: bytes) -> None:
        """Raises ConnectionFailure (the session, not the message) or smtplib's reply errors."""
        fresh = self.connection is None
        if fresh:
            self._open()
        try:
            self.connection.sendmail(sender, [recipient], data)
        except smtplib.SMTPServerDisconnected as error:
            self.reset()
            if fresh:
                raise ConnectionFailure(error) from None
            self.send(sender, recipient, data)  # a reused session the server had closed: once more
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            if _reply_code(error) == 421:  # the server is closing the session
                self.reset()
            raise
        except (smtplib.SMTPException, OSError) as error:
            self.reset()
            raise ConnectionFailure(error) from None

    @staticmethod
    def _discard(connection):
        try:
            connection.close()
        except OSError:
            pass

    def reset(self):
        if self.connection is not None:
            self._discard(self.connection)
            self.connection = None

    def close(self):
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.reset()


def _reply_code(error: Exception) -> int | None:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        for code, _message in error.recipients.values():
            return code
        return None
    return getattr(error, "smtp_code", None)


def describe(error: Exception) -> str:
    """A short, single-line reason: the server's code and reply, or the network error."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        parts = [f"{code} {_text(message)}" for code, message in error.recipients.values()]
        text = "; ".join(parts) or "recipient refused"
    elif isinstance(error, smtplib.SMTPResponseException):
        text = f"{error.smtp_code} {_text(error.smtp_error)}"
    elif isinstance(error, socket.timeout):
        text = "timed out"
    else:
        text = f"{type(error).__name__}: {error}"
    return one_line(text)[:_ERROR_LENGTH]


def _text(message) -> str:
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)


@dataclass
class Counts:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    dropped: int = 0
    released: int = 0  # handed back unsent (stopping, or the lease running short)

    def add(self, other: "Counts") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def __str__(self):
        return (f"claimed {self.claimed}, sent {self.sent}, retried later {self.retried}, "
                f"failed {self.failed}, dropped {self.dropped}, released {self.released}")


@dataclass(frozen=True)
class Options:
    target: SmtpTarget
    batch_size: int
    lease_seconds: int
    max_attempts: int
    retry_seconds: int
    retry_max_seconds: int
    timeout: float
    connections: int = 1  # SMTP connections a worker sends on at once

    @classmethod
    def from_config(cls, config) -> "Options":
        url = config.get("SMTP_URL")
        if not url:
            raise DeliveryNotConfigured("GUICHET_SMTP_URL is not set: no mail can be delivered "
                                        "(in development, messages are written under instance/mail/).")
        return cls(target=parse_smtp_url(url), batch_size=max(1, int(config["MAIL_BATCH_SIZE"])),
                   lease_seconds=max(1, int(config["MAIL_LEASE_SECONDS"])),
                   max_attempts=max(1, int(config["MAIL_MAX_ATTEMPTS"])),
                   retry_seconds=max(0, int(config["MAIL_RETRY_SECONDS"])),
                   retry_max_seconds=max(0, int(config["MAIL_RETRY_MAX_SECONDS"])),
                   timeout=float(config["MAIL_SMTP_TIMEOUT_SECONDS"]),
                   connections=max(1, int(config.get("MAIL_SMTP_CONNECTIONS", 1))))


def deliver(stop: threading.Event | None = None, options: Options | None = None) -> Counts:
    """One pass: claim and send batches until no message is due (or `stop` is set)."""
    options = options or Options.from_config(current_app.config)
    stop = stop or threading.Event()
    total = Counts()
    owner = secrets.token_hex(16)  # this pass's leases
    while not stop.is_set():
        counts = deliver_batch(owner, options, stop)
        total.add(counts)
        if counts.claimed < options.batch_size:
            break
    return total


def deliver_loop(stop: threading.Event, report=None, sleep_seconds: float | None = None) -> Counts:
    """Passes until `stop` is set, pausing when nothing was due; a failed pass (the database
    unreachable) is logged and tried again after the pause."""
    options = Options.from_config(current_app.config)
    pause = current_app.config["MAIL_LOOP_SLEEP_SECONDS"] if sleep_seconds is None else sleep_seconds
    total = Counts()
    while not stop.is_set():
        try:
            counts = deliver(stop, options)
        except Exception:  # noqa: BLE001 - a worker outlives a database hiccup
            log.exception("mail delivery pass failed; trying again")
            db.session.remove()
            counts = None
        if counts is not None:
            total.add(counts)
            if report and counts.claimed:
                report(counts)
        if counts is None or not counts.claimed:
            stop.wait(pause)
    return total


def _due(now):
    return or_(and_(OUTBOX.c.state == QUEUED, OUTBOX.c.next_attempt_at <= now),
               and_(OUTBOX.c.state == SENDING, OUTBOX.c.lease_until < now))


def claim(owner: str, options: Options) -> tuple[list, dict, set]:
    """Lease a batch to `owner`: (rows, brands by id, deactivated addresses among the recipients)."""
    now = utcnow()
    with write_connection() as conn:
        query = select(OUTBOX.c.id).where(_due(now)).order_by(OUTBOX.c.id).limit(options.batch_size)
        if conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        ids = list(conn.scalars(query))
        if not ids:
            return [], {}, set()
        conn.execute(update(OUTBOX).where(OUTBOX.c.id.in_(ids)).values(
            state=SENDING, lease_owner=owner, lease_until=now + timedelta(seconds=options.lease_seconds),
            attempts=OUTBOX.c.attempts + 1))
        rows = conn.execute(select(OUTBOX).where(OUTBOX.c.id.in_(ids)).order_by(OUTBOX.c.id)).all()
        brand_ids = {row.brand_id for row in rows if row.brand_id is not None}
        brands = {}
        if brand_ids:
            for brand in conn.execute(select(Brand.id, Brand.name, Brand.slug, Brand.settings)
                                      .where(Brand.id.in_(brand_ids))):
                brands[brand.id] = SimpleNamespace(id=brand.id, name=brand.name, slug=brand.slug,
                                                   settings=brand.settings or {})
        emails = {row.to_email.strip().lower() for row in rows}
        inactive = set(conn.scalars(select(User.email).where(User.email.in_(emails), User.active.is_(False))))
    return rows, brands, {email.lower() for email in inactive}


@cache
def _finish_statement(names: tuple[str, ...]):
    """The UPDATE recording an outcome, built once per set of columns (then only parameters vary)."""
    return update(OUTBOX).where(
        OUTBOX.c.id == bindparam("mail_id"), OUTBOX.c.lease_owner == bindparam("owner"), OUTBOX.c.state == SENDING,
    ).values(lease_owner=None, lease_until=None, **{name: bindparam(f"new_{name}") for name in names})


class Outcomes:
    """What became of each message, written as soon as it is known, in its own short write
    transaction (so a worker killed mid-batch sends at most the message on the wire twice), and
    only while the message's lease is still this worker's. One connection serves the batch:
    checking one out of the pool per message cost more than the UPDATE itself."""

    def __init__(self, owner: str, engine):
        self.owner, self.engine = owner, engine
        self.conn = None

    def add(self, mail_id: int, **values) -> bool:
        if self.conn is None:
            self.conn = self.engine.connect()
            self.conn.info["immediate"] = True  # SQLite: BEGIN IMMEDIATE, as write_connection does
        params = {"mail_id": mail_id, "owner": self.owner, **{f"new_{k}": v for k, v in values.items()}}
        with self.conn.begin():
            written = self.conn.execute(_finish_statement(tuple(sorted(values))), params).rowcount
        if written != 1:
            log.warning("mail %s: the lease was lost before its outcome was written", mail_id)
        return written == 1

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _release(owner: str, ids: list[int]) -> int:
    """Hand unsent messages back, as if never claimed (their try is not counted)."""
    if not ids:
        return 0
    with write_connection() as conn:
        result = conn.execute(update(OUTBOX).where(
            OUTBOX.c.id.in_(ids), OUTBOX.c.lease_owner == owner, OUTBOX.c.state == SENDING,
        ).values(state=QUEUED, lease_owner=None, lease_until=None, attempts=OUTBOX.c.attempts - 1))
    return result.rowcount


def _retry_or_fail(outcomes: Outcomes, row, error: str, options: Options, counts: Counts) -> None:
    if row.attempts >= options.max_attempts:
        outcomes.add(row.id, state=FAILED, last_error=f"{error} (after {row.attempts} tries)"[:_ERROR_LENGTH])
        counts.failed += 1
        return
    delay = min(options.retry_seconds * 2 ** max(0, row.attempts - 1), options.retry_max_seconds)
    outcomes.add(row.id, state=QUEUED, last_error=error, next_attempt_at=utcnow() + timedelta(seconds=delay))
    counts.retried += 1


def deliver_batch(owner: str, options: Options, stop: threading.Event) -> Counts:
    """Claim a batch and send it on `options.connections` SMTP connections at once (one thread
    each): a message's turn on the wire is mostly waiting for the server's four replies, and
    several connections keep the worker busy meanwhile, as mail servers do."""
    started = time.monotonic()
    rows, brands, inactive = claim(owner, options)
    counts = Counts(claimed=len(rows))
    if not rows:
        return counts
    # Stop sending well before the lease ends: after it, another worker may claim these rows.
    margin = min(options.lease_seconds / 2, max(options.timeout + 1, options.lease_seconds / 4))
    lane = Lane(owner, options, stop, deadline=started + options.lease_seconds - margin, inactive=inactive,
                senders={brand_id: sender_for(brands.get(brand_id)) for brand_id in {r.brand_id for r in rows}},
                engine=db.engine)
    lanes = min(options.connections, len(rows))
    if lanes == 1:
        counts.add(lane.send(rows))
        return counts
    app = current_app._get_current_object()
    results: list[Counts] = []
    errors: list[BaseException] = []

    def run(part):
        with app.app_context():
            try:
                results.append(lane.send(part))
            except BaseException as error:  # noqa: BLE001 - raised again below, in the worker's thread
                errors.append(error)

    threads = [threading.Thread(target=run, args=(rows[i::lanes],), name=f"mail-lane-{i}") for i in range(lanes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]  # the lanes' unfinished rows are retried once their lease runs out
    for result in results:
        counts.add(result)
    return counts


@dataclass(frozen=True)
class Lane:
    """What each connection of a batch needs; `send` is run once per connection."""

    owner: str
    options: Options
    stop: threading.Event
    deadline: float
    inactive: set
    senders: dict
    engine: object

    def send(self, rows: list) -> Counts:
        owner, options, counts = self.owner, self.options, Counts()
        transport = SmtpTransport(options.target, options.timeout)
        outcomes = Outcomes(owner, self.engine)
        try:
            for index, row in enumerate(rows):
                if self.stop.is_set() or time.monotonic() > self.deadline:
                    counts.released += _release(owner, [r.id for r in rows[index:]])
                    break
                if row.attempts > options.max_attempts:  # a worker died during its last try
                    outcomes.add(row.id, state=FAILED,
                                 last_error=(row.last_error or "interrupted during its last try")[:_ERROR_LENGTH])
                    counts.failed += 1
                    continue
                if row.to_email.strip().lower() in self.inactive:
                    outcomes.add(row.id, state=DROPPED, last_error="the recipient's account is deactivated")
                    counts.dropped += 1
                    continue
                sender = self.senders[row.brand_id]
                try:
                    data, envelope_sender = compose(row, sender, *layout.parts(row)), sender_address(sender)
                except (ValueError, TypeError, UnicodeError, IndexError, LookupError):
                    outcomes.add(row.id, state=FAILED, last_error="the message could not be written (address?)")
                    counts.failed += 1
                    continue
                try:
                    transport.send(envelope_sender, row.to_email.strip(), data)
                except ConnectionFailure as failure:
                    # The server is unreachable: this message and the rest of the lane wait.
                    for waiting in rows[index:]:
                        _retry_or_fail(outcomes, waiting, str(failure), options, counts)
                    break
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
                    code = _reply_code(error) or 0
                    if 400 <= code < 500:
                        _retry_or_fail(outcomes, row, describe(error), options, counts)
                    else:
                        outcomes.add(row.id, state=FAILED, last_error=describe(error))
                        counts.failed += 1
                    continue
                outcomes.add(row.id, state=SENT, sent_at=utcnow(), last_error=None)
                counts.sent += 1
        finally:
            transport.close()
            outcomes.close()
        return counts
