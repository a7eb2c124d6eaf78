"""What one received message becomes (DESIGN §14, issue 16), in its own transaction: a reply on
a request, a follow-up, a new request, or a row in the brand's rejected mail with its reason.

Order of the questions, each answered once:
  too large? -> which brand (the reply token in the address, else `--brand`, else the addresses it
  was sent to) -> seen before (its Message-ID in the brand)? -> written by a machine? -> has a
  sender and a text? -> sent too often by this sender? -> a reply (token, then In-Reply-To and
  References matching what we sent, then `[#123]`) that the sender may make (policy.decide_mail_reply)?
  -> else a new request of its sender, who may have to become an end user first.

Automatic mail is *ignored*, never answered (no request, no comment, so no notification): an
out-of-office, a bounce, a list's digest or our own message come back would otherwise start a
loop. It is kept with its reason in the rejected list, and the server is told "accepted" so that
it sends no bounce of its own. A sender over the rate limit is rejected the same quiet way (a
flood is almost always a loop with a machine we did not recognise). A person whose message cannot
be taken (unknown address in a restricted brand, no text) is rejected with an exit code that makes
the mail server bounce it: the sender learns it did not arrive.

Writes go through the ticket services, with `Actor.itself(person, "email")`, so the rules of the
help centre and the workspace hold (who reopens, internal notes of light agents, follow-ups).
"""
import io
import logging
import os
import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from .. import policy
from ..actor import Actor
from ..attachments import services as attachments
from ..audit.services import record
from ..auth.models import User
from ..auth.services import add_membership, create_user
from ..brands.models import Brand, Group, GroupMember
from ..brands.settings import settings_for
from ..extensions import db
from ..models_base import utcnow
from ..service_error import ServiceError
from ..tickets import services as tickets
from ..tickets.models import Comment, Ticket, TicketForm
from .inbound import ParsedMail, mask_reply_tokens, parse
from .models import ACCEPTED, IGNORED, REJECTED, InboundMail, MailOutbox

log = logging.getLogger(__name__)

# sysexits.h, what an MTA's pipe transport understands.
EX_OK, EX_DATAERR, EX_NOUSER, EX_TEMPFAIL = 0, 65, 67, 75
DUPLICATE, TEMPORARY = "duplicate", "temporary"
DEFAULT_MAX_BYTES = 25 * 1024 * 1024
DEFAULT_PER_SENDER_PER_HOUR = 30
HEADERS_KEPT = 64 * 1024  # of a message too large to keep: its headers, for the rejected list
_TOKEN = re.compile(r"^[a-z2-7]{32}$")
_THREAD_ID = re.compile(r"^ticket-(\d{1,12})@(.+)$")

# Exit code of each rejection: a person's message the server should bounce, or a quiet refusal.
REJECTION_EXIT = {"too_large": EX_DATAERR, "no_sender": EX_DATAERR, "no_body": EX_DATAERR, "invalid": EX_DATAERR,
                  "unknown_recipient": EX_NOUSER, "unknown_sender": EX_NOUSER, "rate_limited": EX_OK}


@dataclass
class Outcome:
    outcome: str  # ACCEPTED, REJECTED, IGNORED, DUPLICATE or TEMPORARY
    reason: str
    exit_code: int = EX_OK
    ticket_id: int | None = None
    inbound_id: int | None = None

    def __str__(self):
        where = f" (request #{self.ticket_id})" if self.ticket_id else ""
        return f"{self.outcome}: {self.reason}{where}"


def setting(name: str, default: int) -> int:
    """MAIL_INBOUND_* from the app's configuration, else GUICHET_MAIL_INBOUND_* in the environment."""
    value = current_app.config.get(name) or os.environ.get(f"GUICHET_{name}")
    try:
        return int(value) if value else default
    except ValueError:
        return default


def max_bytes() -> int:
    return setting("MAIL_INBOUND_MAX_BYTES", DEFAULT_MAX_BYTES)


def receive(raw: bytes, *, brand_slug: str | None = None, imap_key: str | None = None,
            size: int | None = None) -> Outcome:
    """Process one message and commit (a command owns its transaction). Never raises: a database
    that is locked or gone is TEMPORARY (the mail server or the mailbox gives the message again).
    `size`: the message's whole size when `raw` is only its beginning (a reader that stopped at the
    limit)."""
    try:
        outcome = _receive(raw, brand_slug, imap_key, size or len(raw))
        db.session.commit()
        return outcome
    except IntegrityError:  # another process committed meanwhile: this message, or its new sender
        db.session.rollback()
        return _after_race(raw)
    except DBAPIError as error:  # locked, gone, out of space: try later
        db.session.rollback()
        log.warning("incoming mail not taken now: %s", type(error.orig).__name__)
        return Outcome(TEMPORARY, "database", EX_TEMPFAIL)
    except ServiceError as error:
        db.session.rollback()
        if error.status == 409:  # someone changed the request at the same moment
            return Outcome(TEMPORARY, "conflict", EX_TEMPFAIL)
        return _reject_after_error(raw, brand_slug, imap_key, error)
    except Exception:  # a bug must not lose the message: the server keeps it and tries again
        db.session.rollback()
        log.exception("incoming mail failed")
        return Outcome(TEMPORARY, "error", EX_TEMPFAIL)


def _after_race(raw: bytes) -> Outcome:
    """The same message taken by another process is a duplicate; anything else (two first messages
    of one unknown sender at once) is tried again, when the other's writes are there to see."""
    message_id = parse(_headers_of(raw)).message_id if b"message-id" in raw[:HEADERS_KEPT].lower() else None
    taken = message_id is not None and db.session.scalar(
        select(InboundMail.id).where(InboundMail.message_id == message_id).limit(1))
    db.session.rollback()
    return Outcome(DUPLICATE, "duplicate") if taken else Outcome(TEMPORARY, "conflict", EX_TEMPFAIL)


def _reject_after_error(raw, brand_slug, imap_key, error) -> Outcome:
    """A service refused the write (a 422): the message is kept as rejected, in a new transaction."""
    log.info("incoming mail refused by a service: %s", error.message)
    parsed = parse(raw)
    brand, _ticket = _brand_and_token_ticket(parsed, brand_slug)
    outcome = _record(raw, parsed, brand, imap_key, REJECTED, "invalid")
    db.session.commit()
    return outcome


def _receive(raw: bytes, brand_slug, imap_key, size: int) -> Outcome:
    if size > max_bytes():
        parsed = parse(_headers_of(raw))
        brand, _ticket = _brand_and_token_ticket(parsed, brand_slug)
        return _duplicate(brand, parsed) or _record(_headers_of(raw), parsed, brand, imap_key, REJECTED,
                                                    "too_large", size=size)
    parsed = parse(raw)
    brand, token_ticket = _brand_and_token_ticket(parsed, brand_slug)
    if brand is None:
        return _duplicate(None, parsed) or _record(raw, parsed, None, imap_key, REJECTED, "unknown_recipient")
    duplicate = _duplicate(brand, parsed)
    if duplicate:
        return duplicate
    automatic = parsed.automatic or _own_message(parsed)
    if automatic:
        return _record(raw, parsed, brand, imap_key, IGNORED, automatic)
    if not parsed.sender:
        return _record(raw, parsed, brand, imap_key, REJECTED, "no_sender")
    if not (parsed.text or parsed.full_text or parsed.attachments):
        return _record(raw, parsed, brand, imap_key, REJECTED, "no_body")
    if _over_rate_limit(brand, parsed.sender):
        return _record(raw, parsed, brand, imap_key, REJECTED, "rate_limited")
    person = db.session.scalar(select(User).where(func.lower(User.email) == parsed.sender))
    if person is not None and not person.active:
        return _record(raw, parsed, brand, imap_key, REJECTED, "unknown_sender")
    ticket = token_ticket or _ticket_by_references(brand, parsed.references) \
        or _ticket_by_number(brand, parsed.ticket_number)
    if ticket is not None and person is not None:
        outcome = _reply(raw, parsed, brand, imap_key, ticket, person)
        if outcome is not None:
            return outcome
    return _new_request(raw, parsed, brand, imap_key, person)


def _headers_of(raw: bytes) -> bytes:
    head = raw[:HEADERS_KEPT]
    for separator in (b"\r\n\r\n", b"\n\n"):
        if separator in head:
            return head.split(separator, 1)[0] + separator
    return head + b"\r\n\r\n"


# --- which brand, which request -------------------------------------------------------------
def _brand_and_token_ticket(parsed: ParsedMail, brand_slug):
    """(brand, the request whose reply token is in an address the mail was sent to)."""
    token_ticket = None
    for address in parsed.recipients:
        local = address.rpartition("@")[0]
        token = local.rpartition("+")[2] if "+" in local else ""
        if _TOKEN.match(token):
            token_ticket = db.session.scalar(select(Ticket).where(Ticket.reply_token == token))
            if token_ticket is not None:
                break
    if brand_slug:
        brand = db.session.scalar(select(Brand).where(Brand.slug == brand_slug))
        if token_ticket is not None and brand is not None and token_ticket.brand_id != brand.id:
            token_ticket = None
        return brand, token_ticket
    if token_ticket is not None:
        return token_ticket.brand, token_ticket
    return _brand_for_addresses(parsed.recipients), None


def _brand_for_addresses(recipients: list[str]):
    """The brand one of these addresses (without its +tag) belongs to: its support addresses, or
    the address it sends from."""
    wanted = {_without_tag(address) for address in recipients}
    for brand in db.session.scalars(select(Brand).order_by(Brand.id)):
        settings = settings_for(brand)
        own = {address.lower() for address in settings.mail_support_addresses}
        if settings.mail_from_address:
            own.add(settings.mail_from_address.lower())
        if wanted & own:
            return brand
    return None


def _without_tag(address: str) -> str:
    local, _at, domain = address.rpartition("@")
    return f"{local.split('+')[0]}@{domain}"


def _our_host() -> str:
    return urlsplit(current_app.config.get("BASE_URL") or "").hostname or "guichet.invalid"


def _ticket_by_references(brand, references: list[str]):
    """The request a notification we sent was about: its thread id `<ticket-N@host>` is in the
    reply's References, or one of our messages' Message-IDs is (we read its In-Reply-To)."""
    if not references:
        return None
    ids = [f"<{ref}>" for ref in references]
    answered = db.session.scalars(select(MailOutbox.in_reply_to).where(
        MailOutbox.message_id.in_(ids), MailOutbox.brand_id == brand.id, MailOutbox.in_reply_to.is_not(None))).all()
    host = _our_host()
    for candidate in [*references, *(value.strip("<>") for value in answered)]:
        match = _THREAD_ID.match(candidate)
        if match and match.group(2) == host:
            ticket = _ticket_by_number(brand, int(match.group(1)))
            if ticket is not None:
                return ticket
    return None


def _ticket_by_number(brand, number):
    if number is None:
        return None
    return db.session.scalar(select(Ticket).where(Ticket.id == number, Ticket.brand_id == brand.id))


def _own_message(parsed: ParsedMail) -> str | None:
    """One of our own messages come back (a forwarding loop, a misdirected copy)."""
    if parsed.message_id.endswith(f"@{_our_host()}>") and parsed.message_id.startswith("<ticket-"):
        return "own_message"
    found = db.session.scalar(select(MailOutbox.id).where(MailOutbox.message_id == parsed.message_id).limit(1))
    return "own_message" if found is not None else None


def _duplicate(brand, parsed: ParsedMail) -> Outcome | None:
    row = db.session.execute(select(InboundMail.id, InboundMail.outcome, InboundMail.ticket_id).where(
        InboundMail.brand_id.is_(None) if brand is None else InboundMail.brand_id == brand.id,
        InboundMail.message_id == parsed.message_id).limit(1)).first()
    if row is None:
        return None
    return Outcome(DUPLICATE, row.outcome, EX_OK, row.ticket_id, row.id)


def _over_rate_limit(brand, sender: str) -> bool:
    limit = setting("MAIL_INBOUND_PER_SENDER_PER_HOUR", DEFAULT_PER_SENDER_PER_HOUR)
    since = utcnow() - timedelta(hours=1)
    count = db.session.scalar(select(func.count(InboundMail.id)).where(
        InboundMail.brand_id == brand.id, InboundMail.from_address == sender[:254],
        InboundMail.received_at >= since, InboundMail.outcome == ACCEPTED))
    return count >= limit


# --- what it becomes ------------------------------------------------------------------------
def _reply(raw, parsed, brand, imap_key, ticket, person) -> Outcome | None:
    """A comment (or a follow-up of a closed request) when the sender may make it, else None."""
    action, decision = policy.decide_mail_reply(person, brand, ticket, _group_ids(person, brand))
    if not decision:
        return None
    actor = Actor.itself(person, "email")
    files, refused = _keep_attachments(parsed, brand, actor)
    body = _body(parsed, brand, refused, files)
    if action == policy.CREATE_FOLLOWUP:
        followup = tickets.create_followup(ticket, default_form(brand), actor, _subject(parsed, brand), body,
                                           files=files)
        return _record(raw, parsed, brand, imap_key, ACCEPTED, "followup", ticket=followup,
                       comment_id=_first_comment(followup))
    comment = tickets.add_comment(ticket, actor, body, public=True, files=files)
    opened = policy.status_on_agent_update(ticket.status)  # an agent's answer opens a new request
    if opened != ticket.status and policy.can_change_ticket(person, brand):
        tickets.set_status(ticket, opened, actor)
    return _record(raw, parsed, brand, imap_key, ACCEPTED, "reply" if comment.is_public else "internal_note",
                   ticket=ticket, comment_id=comment.id)


def _new_request(raw, parsed, brand, imap_key, person) -> Outcome:
    """A request of the sender on the brand's default form; an unknown sender becomes an end user
    when the brand lets anyone sign up (they wrote to it: their consent), else it is rejected."""
    if person is None or person.membership_in(brand) is None:
        if not settings_for(brand).self_registration:
            return _record(raw, parsed, brand, imap_key, REJECTED, "unknown_sender")
        if person is None:
            person = create_user(parsed.sender, parsed.sender_name or parsed.sender.split("@")[0])
            record("user.create", actor=person, obj=person, reason="email")
        add_membership(person, brand, "end_user", actor=person, reason="email")
        db.session.refresh(person, ["memberships"])
    actor = Actor.itself(person, "email")
    files, refused = _keep_attachments(parsed, brand, actor)
    ticket = tickets.create_request(brand, default_form(brand), person, actor, _subject(parsed, brand),
                                    _body(parsed, brand, refused, files), files=files)
    return _record(raw, parsed, brand, imap_key, ACCEPTED, "new_request", ticket=ticket,
                   comment_id=_first_comment(ticket))


def default_form(brand):
    """The brand's first active end-user form, as the help centre lists them (none: no form).
    Its portal requirements do not apply to mail, as in Zendesk: agents fill them in later."""
    return db.session.scalar(select(TicketForm).where(
        TicketForm.brand_id == brand.id, TicketForm.active.is_(True), TicketForm.end_user_visible.is_(True))
        .order_by(TicketForm.position, TicketForm.name).limit(1))


def _group_ids(person, brand) -> frozenset:
    return frozenset(db.session.scalars(select(GroupMember.group_id).join(Group, Group.id == GroupMember.group_id)
                                        .where(GroupMember.user_id == person.id, Group.brand_id == brand.id)))


def _first_comment(ticket) -> int | None:
    return db.session.scalar(select(Comment.id).where(Comment.ticket_id == ticket.id).order_by(Comment.id).limit(1))


def _subject(parsed: ParsedMail, brand) -> str:
    """The subject without "Re:"; none: the text's first line; no text either: "(no subject)"."""
    subject = parsed.clean_subject
    if not subject:
        first_line = next((line.strip() for line in (parsed.text or parsed.full_text).splitlines() if line.strip()), "")
        subject = first_line[:80]
    if subject:
        return subject[:tickets.MAX_SUBJECT]
    with force_locale(settings_for(brand).default_locale):
        return _("(no subject)")


def _keep_attachments(parsed: ParsedMail, brand, actor) -> tuple[list, list[str]]:
    """The message's files kept under the brand's limits, as the help centre's (DESIGN §15):
    (stored attachments for the comment, "name (size): why" of each one refused)."""
    kept, refused = [], []
    limit = attachments.limits_of(brand).per_comment
    with force_locale(settings_for(brand).default_locale):
        for item in parsed.attachments:
            if len(kept) >= limit:
                reason = attachments.too_many_files(limit)
            else:
                try:
                    kept += attachments.store(brand, actor, [attachments.IncomingFile(item.name, io.BytesIO(item.content))])
                    continue
                except ServiceError as error:
                    reason = error.message
            refused.append(_("%(name)s (%(size)s): %(reason)s", name=item.name, size=_size(item.size), reason=reason))
    return kept, refused


def _body(parsed: ParsedMail, brand, refused=(), kept=()) -> str:
    """The new text, with the attachments that were not kept named, and why (`refused`), written
    in the brand's language; too long, it is cut (the original is kept)."""
    body = mask_reply_tokens(parsed.text or parsed.full_text)
    with force_locale(settings_for(brand).default_locale):
        notes = [] if body.strip() or not kept else [_("(No text: see the attached files.)")]
        if refused:
            notes.append(_("Attachments not kept: %(names)s", names="; ".join(refused)))
        room = tickets.MAX_BODY - sum(len(note) + 2 for note in notes) - 200
        if len(body) > room:
            body = body[:room].rstrip() + "\n[…]\n" + _("(The message was shortened; the original is kept.)")
    return "\n\n".join(part for part in [body.strip(), *notes] if part)


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"


def _record(raw, parsed, brand, imap_key, outcome, reason, *, ticket=None, comment_id=None, size=None) -> Outcome:
    row = InboundMail(
        brand_id=brand.id if brand is not None else None, message_id=parsed.message_id[:255], imap_key=imap_key,
        from_address=parsed.sender[:254], to_address=", ".join(parsed.recipients)[:320], subject=parsed.subject,
        size=size if size is not None else len(raw), outcome=outcome, reason=reason,
        ticket_id=ticket.id if ticket is not None else None, comment_id=comment_id,
        attachments=[{"name": a.name, "size": a.size} for a in parsed.attachments] or None, raw=raw,
        received_at=utcnow())
    db.session.add(row)
    db.session.flush()
    exit_code = REJECTION_EXIT.get(reason, EX_DATAERR) if outcome == REJECTED else EX_OK
    return Outcome(outcome, reason, exit_code, row.ticket_id, row.id)
