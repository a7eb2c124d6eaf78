"""`flask mail fetch`: each brand's IMAP mailbox read, its messages received and moved away.

A brand's mailbox is its `mail_imap_url` setting (`imaps://user@host[:port]` or
`imap://user@host[:port]`, the latter always upgraded with STARTTLS: a password never crosses
the network in clear) or `GUICHET_IMAP_URL_<SLUG>` in the environment; its password is
`GUICHET_IMAP_PASSWORD_<SLUG>` (the slug upper-cased, `-` as `_`), or in the environment's URL.
`GUICHET_IMAP_CA_FILE` names a CA bundle to trust beyond the system's (a private server).

Each message of INBOX is received (portal/mail/receive.py), then moved to the `Processed` folder
(it became a comment or a request, or it already had) or to `Rejected` (rejected, or ignored as
automatic mail); a temporary failure leaves it in INBOX for the next pass. Never twice: a message's UID (with the mailbox's UIDVALIDITY) is stored with what it
became, so a message whose move failed after its commit is only moved at the next pass, and its
Message-ID is unique in the brand, so the same message in the mailbox twice is one request.
"""
import imaplib
import logging
import os
import re
import ssl
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from ..brands.models import Brand
from ..brands.settings import settings_for
from ..extensions import db
from ..search.services import indexed_at_the_end
from .models import IGNORED, REJECTED, InboundMail
from .receive import DUPLICATE, TEMPORARY, max_bytes, receive

log = logging.getLogger(__name__)

PROCESSED, REJECTED_FOLDER = "Processed", "Rejected"
BATCH = 50  # messages fetched per command
TIMEOUT_SECONDS = 60
_FETCHED = re.compile(rb"UID (\d+)")
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


class MailboxError(Exception):
    """The mailbox cannot be read now (connection, TLS, login, a refused command)."""


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    user: str
    password: str
    tls: bool  # True: IMAPS from the first byte; False: STARTTLS, required

    @classmethod
    def for_brand(cls, brand) -> "Mailbox | None":
        key = brand.slug.upper().replace("-", "_")
        url = os.environ.get(f"GUICHET_IMAP_URL_{key}") or settings_for(brand).mail_imap_url
        if not url:
            return None
        parts = urlsplit(url)
        if parts.scheme not in ("imap", "imaps") or not parts.hostname or not parts.username:
            raise MailboxError(f"{brand.slug}: the IMAP URL must be imaps://user@host or imap://user@host")
        password = unquote(parts.password or "") or os.environ.get(f"GUICHET_IMAP_PASSWORD_{key}", "")
        if not password:
            raise MailboxError(f"{brand.slug}: no password (GUICHET_IMAP_PASSWORD_{key})")
        tls = parts.scheme == "imaps"
        return cls(parts.hostname, parts.port or (993 if tls else 143), unquote(parts.username), password, tls)


@dataclass
class Counts:
    processed: int = 0
    rejected: int = 0
    later: int = 0

    def add(self, other: "Counts") -> None:
        self.processed += other.processed
        self.rejected += other.rejected
        self.later += other.later

    def __str__(self):
        return f"{self.processed} processed, {self.rejected} rejected, {self.later} left for later"


def fetch_all(stop=None) -> dict[str, Counts | str]:
    """One pass over every brand with a mailbox: {slug: counts, or why it could not be read}."""
    results = {}
    slugs = [brand.slug for brand in db.session.scalars(select(Brand).order_by(Brand.id))]
    for slug in slugs:
        if stop is not None and stop.is_set():
            break
        brand = db.session.scalar(select(Brand).where(Brand.slug == slug))
        try:
            mailbox = Mailbox.for_brand(brand)
            db.session.rollback()  # no transaction held while talking to the server
            if mailbox is not None:
                results[slug] = fetch_mailbox(slug, mailbox, stop)
        except MailboxError as error:
            log.warning("mailbox of %s not read: %s", slug, error)
            results[slug] = str(error)
        except DBAPIError as error:  # locked or gone for a moment: the messages wait in the mailbox
            db.session.rollback()
            log.warning("mailbox of %s not read: database %s", slug, type(error.orig).__name__)
            results[slug] = f"database unavailable ({type(error.orig).__name__}), messages left for later"
    return results


def _ssl_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca_file = current_app.config.get("IMAP_CA_FILE") or os.environ.get("GUICHET_IMAP_CA_FILE")
    if ca_file:
        context.load_verify_locations(ca_file)
    return context


def connect(mailbox: Mailbox) -> imaplib.IMAP4:
    client = None
    try:
        if mailbox.tls:
            client = imaplib.IMAP4_SSL(mailbox.host, mailbox.port, ssl_context=_ssl_context(), timeout=TIMEOUT_SECONDS)
        else:
            client = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=TIMEOUT_SECONDS)
            client.starttls(_ssl_context())
        client.login(mailbox.user, mailbox.password)
        # imaplib keeps the capabilities read before login; a server tells more after it (MOVE).
        client.capabilities = tuple(_ok(client.capability(), "CAPABILITY")[-1].decode().upper().split())
        return client
    except (OSError, imaplib.IMAP4.error, ssl.SSLError) as error:
        _close(client)
        raise MailboxError(f"{mailbox.host}:{mailbox.port}: {error}") from None


def _close(client) -> None:
    if client is None:
        return
    try:
        client.logout()
    except (OSError, imaplib.IMAP4.error, ssl.SSLError):
        try:
            client.shutdown()
        except OSError:
            pass


def fetch_mailbox(slug: str, mailbox: Mailbox, stop=None) -> Counts:
    client = connect(mailbox)
    try:
        for folder in (PROCESSED, REJECTED_FOLDER):
            client.create(folder)  # "already exists" is a NO, and that is fine
        _ok(client.select("INBOX"), "SELECT INBOX")
        validity = (client.response("UIDVALIDITY")[1] or [b"0"])[0].decode()
        uids = _ok(client.uid("SEARCH", None, "UNDELETED"), "SEARCH")[0].split()
        counts = Counts()
        for start in range(0, len(uids), BATCH):
            if stop is not None and stop.is_set():
                break
            with indexed_at_the_end():  # the user search index once per batch, not per new sender
                counts.add(_batch(client, slug, validity, uids[start:start + BATCH]))
        return counts
    except (OSError, imaplib.IMAP4.error, ssl.SSLError) as error:
        raise MailboxError(f"{mailbox.host}:{mailbox.port}: {error}") from None
    finally:
        _close(client)


def _ok(answer, what):
    status, data = answer
    if status != "OK":
        raise MailboxError(f"{what}: {data!r}")
    return data


def _batch(client, slug: str, validity: str, uids: list[bytes]) -> Counts:
    """Receive the batch's new messages (two FETCH commands for all of them), then move them in
    one command per folder."""
    keys = {uid: f"{validity}:{uid.decode()}" for uid in uids}
    brand_id = db.session.scalar(select(Brand.id).where(Brand.slug == slug))
    seen = dict(db.session.execute(select(InboundMail.imap_key, InboundMail.outcome).where(
        InboundMail.brand_id == brand_id, InboundMail.imap_key.in_(keys.values()))).all())
    db.session.rollback()  # no transaction held while talking to the server
    new = [uid for uid in uids if keys[uid] not in seen]
    messages = _fetch(client, new)
    moves = {PROCESSED: [], REJECTED_FOLDER: []}
    counts = Counts()
    for uid in uids:
        outcome = seen.get(keys[uid])
        if outcome is None:
            if uid not in messages:  # gone meanwhile (another client moved it)
                continue
            size, raw = messages[uid]
            result = receive(raw, brand_slug=slug, imap_key=keys[uid], size=max(size, len(raw)))
            if result.outcome == TEMPORARY:
                counts.later += 1
                continue
            outcome = result.reason if result.outcome == DUPLICATE else result.outcome
        folder = REJECTED_FOLDER if outcome in (REJECTED, IGNORED) else PROCESSED
        moves[folder].append(uid)
        if folder == PROCESSED:
            counts.processed += 1
        else:
            counts.rejected += 1
    for folder, moved in moves.items():
        if moved:
            _move(client, b",".join(moved).decode(), folder)
    return counts


def _fetch(client, uids: list[bytes]) -> dict[bytes, tuple[int, bytes]]:
    """{uid: (size, bytes)}: the whole message, or only its headers when it is over the limit."""
    if not uids:
        return {}
    sizes = {}
    for item in _ok(client.uid("FETCH", b",".join(uids).decode(), "(RFC822.SIZE)"), "FETCH"):
        line = item[0] if isinstance(item, tuple) else item
        uid, size = _FETCHED.search(line or b""), _SIZE.search(line or b"")
        if uid and size:
            sizes[uid.group(1)] = int(size.group(1))
    limit = max_bytes()
    messages = {}
    for part, chosen in (("BODY.PEEK[]", [u for u in sizes if sizes[u] <= limit]),
                         ("BODY.PEEK[HEADER]", [u for u in sizes if sizes[u] > limit])):
        if not chosen:
            continue
        for item in _ok(client.uid("FETCH", b",".join(chosen).decode(), f"({part})"), "FETCH"):
            uid = _FETCHED.search(item[0]) if isinstance(item, tuple) else None
            if uid:
                messages[uid.group(1)] = (sizes[uid.group(1)], item[1])
    return messages


def _move(client, uid_set: str, folder: str) -> None:
    """UID MOVE (RFC 6851) where the server has it; else copy, flag deleted, expunge."""
    if "MOVE" in client.capabilities:
        _ok(client.uid("MOVE", uid_set, folder), "MOVE")
        return
    _ok(client.uid("COPY", uid_set, folder), "COPY")
    _ok(client.uid("STORE", uid_set, "+FLAGS.SILENT", r"(\Deleted)"), "STORE")
    if "UIDPLUS" in client.capabilities:
        _ok(client.uid("EXPUNGE", uid_set), "EXPUNGE")
    else:
        _ok(client.expunge(), "EXPUNGE")
