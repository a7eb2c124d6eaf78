"""Reading one received message (RFC 5322 bytes) into what Guichet needs of it, without the
database: who sent it, to whom, which messages it answers, whether a machine wrote it, its new
text and the names of its attachments.

Mail is the most hostile input Guichet takes: any byte, any charset (or a wrong one), headers that
do not parse, a megabyte of them. The standard library's parser (`policy.default`) reads it; every
header is read through `_header`, which falls back to the raw value when the header registry
fails, and every body is decoded by `_decode`, which never raises. Text is cleaned of control
characters (PostgreSQL refuses NUL, DESIGN §12) before anything stores it.

The new part of a reply is cut from the quoted history and the signature by `mail-parser-reply`
(maintained, knows French and English reply headers: "Le … a écrit :", "-----Original Message-----",
Outlook's "De : / Envoyé :"); an HTML-only message is turned into text by `inscriptis` (maintained,
keeps the layout of lists and tables readable) rather than by hand-written tag stripping.
"""
import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses

from ..input_filter import clean_text, single_line

MAX_HEADER_CHARS = 2000  # of one header value we look at (a megabyte of References is not read)
MAX_TEXT_CHARS = 200_000  # of a body handed to the reply parser and the HTML converter
_MESSAGE_ID = re.compile(r"<([^<>\s]{1,250})>")
_TICKET_NUMBER = re.compile(r"\[#(\d{1,9})\]")
_REPLY_PREFIX = re.compile(r"^\s*((re|fwd?|tr|aw|wg|réf|ref)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
# Apple's French mobile signature, which the library (1.36) misses: "Envoyé de mon iPhone".
_MOBILE_SIGNATURE = re.compile(r"\n\s*Envoy[ée] de mon \w+(\s\w+)?\s*$", re.IGNORECASE)
# A request's secret reply token in an address ("support+<token>@…", portal/mail/notifications.py).
_REPLY_TOKEN = re.compile(r"\+[a-z2-7]{32}@", re.IGNORECASE)
_AUTOMATIC_SENDERS = ("mailer-daemon", "postmaster", "noreply", "no-reply", "do-not-reply", "donotreply")


@dataclass
class Attachment:
    name: str
    size: int
    content: bytes = b""  # decoded; kept under the brand's limits by portal.mail.receive


@dataclass
class ParsedMail:
    message_id: str  # "<…>", or a digest of the bytes when the message has none
    sender: str  # lower-case address, "" when there is no usable one
    sender_name: str
    recipients: list[str]  # Delivered-To, X-Original-To, To, Cc: lower-case addresses
    subject: str
    references: list[str]  # In-Reply-To first, then References, newest first
    text: str  # the new part, cleaned
    full_text: str  # the whole text body, cleaned (when the new part is empty)
    automatic: str | None  # why it is automatic ("auto_submitted", "bounce", …), else None
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def ticket_number(self) -> int | None:
        """The `[#123]` of our notifications' subjects, if the subject kept it."""
        match = _TICKET_NUMBER.search(self.subject)
        return int(match.group(1)) if match else None

    @property
    def clean_subject(self) -> str:
        """The subject without its "Re:", "Fwd:", "TR:" prefixes (a new request's title)."""
        return _REPLY_PREFIX.sub("", self.subject).strip()


def parse(raw: bytes) -> ParsedMail:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    senders = _addresses(message, "From") or _addresses(message, "Sender")
    sender_name, sender = senders[0] if senders else ("", "")
    recipients = [address for name in ("Delivered-To", "X-Original-To", "To", "Cc")
                  for _name, address in _addresses(message, name)]
    message_ids = _ids(_header(message, "Message-ID"))
    text = _body_text(message)
    return ParsedMail(
        message_id=f"<{message_ids[0]}>" if message_ids else _digest_id(raw),
        sender=sender, sender_name=sender_name, recipients=list(dict.fromkeys(recipients)),
        subject=single_line(_header(message, "Subject"))[:255],
        references=list(dict.fromkeys(_ids(_header(message, "In-Reply-To"))
                                      + _ids(_header(message, "References"))[::-1]))[:50],
        text=new_part(text), full_text=text.strip(), automatic=automatic_reason(message, sender),
        attachments=_attachments(message))


def mask_reply_tokens(text: str) -> str:
    """Text shown to people without the reply tokens of the addresses in it: a token is never shown
    on a page (DESIGN §13), and a reply's headers and quotes carry its request's."""
    return _REPLY_TOKEN.sub("+…@", text)


def _digest_id(raw: bytes) -> str:
    """A message without a Message-ID is known by its bytes: sent twice, it is still one message."""
    return f"<{hashlib.sha256(raw).hexdigest()[:40]}@no-message-id.invalid>"


def _header(message: EmailMessage, name: str) -> str:
    """One header's value as text, however broken: the parsed value, else the raw one."""
    try:
        value = message.get(name)
        return clean_text(str(value))[:MAX_HEADER_CHARS] if value is not None else ""
    except Exception:  # the header registry failed on it (malformed encoded words, bad addresses…)
        for key, raw in message.raw_items():
            if key.lower() == name.lower():
                return clean_text(str(raw))[:MAX_HEADER_CHARS]
        return ""


def _ids(value: str) -> list[str]:
    return _MESSAGE_ID.findall(value)


def _addresses(message: EmailMessage, name: str) -> list[tuple[str, str]]:
    """(display name, lower-case address) of each mailbox in the header that looks like one."""
    try:
        values = [str(value) for value in message.get_all(name) or ()]
    except Exception:
        values = [str(raw) for key, raw in message.raw_items() if key.lower() == name.lower()]
    pairs = getaddresses([clean_text(value)[:MAX_HEADER_CHARS] for value in values])
    return [(single_line(display)[:120], address.strip().lower()) for display, address in pairs
            if _looks_like_address(address.strip())]


def _looks_like_address(address: str) -> bool:
    local, at, domain = address.rpartition("@")
    return bool(at and local and "." in domain and len(address) <= 254
                and not any(c.isspace() or c in '<>,;:"()[]\\' for c in address))


# --- automatic mail: never answered -----------------------------------------------------------
def automatic_reason(message: EmailMessage, sender: str) -> str | None:
    """Why this message was written by a machine (RFC 3834 and the usual markers), else None.
    Guichet never answers one (no notification, no request): that is how mail loops start."""
    auto_submitted = _header(message, "Auto-Submitted").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return "auto_submitted"
    if _header(message, "Precedence").strip().lower() in ("bulk", "junk", "list"):
        return "precedence"
    if any(_header(message, name) for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply")):
        return "autoreply"
    if _header(message, "X-Loop").strip():
        return "loop"  # checked against our own names by the caller too; any X-Loop is a machine's
    if sender.split("@")[0] in _AUTOMATIC_SENDERS or _header(message, "Return-Path").strip() == "<>":
        return "daemon"
    content_type = message.get_content_type()
    if content_type == "multipart/report" or any(part.get_content_type() in ("message/delivery-status",
                                                                            "message/disposition-notification")
                                                 for part in _walk(message)):
        return "bounce"
    return None


# --- bodies ----------------------------------------------------------------------------------
def _walk(message: EmailMessage, limit: int = 200):
    """The message's parts, at most `limit` of them (a bomb of nested parts is not walked)."""
    for count, part in enumerate(message.walk()):
        if count >= limit:
            return
        yield part


def _decode(part) -> str:
    """A text part's content whatever its transfer encoding and charset: the declared charset,
    else UTF-8, else Windows-1252 (what mislabelled mail almost always is); never an exception."""
    try:
        payload = part.get_payload(decode=True) or b""
    except Exception:
        payload = str(part.get_payload()).encode("utf-8", "replace")
    if isinstance(payload, str):
        payload = payload.encode("utf-8", "replace")
    try:
        charset = part.get_content_charset() or "us-ascii"
    except Exception:
        charset = "us-ascii"
    for candidate in (charset, "utf-8"):
        try:
            return payload.decode(candidate)
        except (LookupError, UnicodeError, ValueError):
            continue
    return payload.decode("cp1252", "replace")


def _is_attachment(part) -> bool:
    try:
        return part.get_content_disposition() == "attachment" or bool(part.get_filename())
    except Exception:
        return True


def _body_text(message: EmailMessage) -> str:
    """The text of the message: its text/plain body, else its HTML body as text."""
    plain = html = None
    for part in _walk(message):
        if part.is_multipart() or _is_attachment(part):
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and plain is None:
            plain = _decode(part)
        elif kind == "text/html" and html is None:
            html = _decode(part)
    if plain is not None and plain.strip():
        return _clean(plain)
    if html is not None:
        return _clean(html_to_text(html))
    return _clean(plain or "")


def html_to_text(html: str) -> str:
    from inscriptis import get_text

    html = _clean(html[:MAX_TEXT_CHARS])
    try:
        return get_text(html)
    except Exception:  # lxml refuses some inputs; the text without tags is better than nothing
        return re.sub(r"<[^>]*>", " ", html)


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    return clean_text(text[:MAX_TEXT_CHARS])


def new_part(text: str) -> str:
    """The reply without the quoted history and the signature (French and English)."""
    from mailparser_reply import EmailReplyParser

    if not text.strip():
        return ""
    try:
        replies = EmailReplyParser(languages=["en", "fr"]).read(text).replies
    except Exception:  # a library bug never loses a message: the whole text is kept
        return text.strip()
    body = replies[0].body.strip() if replies else text.strip()
    return _MOBILE_SIGNATURE.sub("", body).strip()


def _attachments(message: EmailMessage) -> list[Attachment]:
    found = []
    for part in _walk(message):
        if part.is_multipart() or not _is_attachment(part):
            continue
        try:
            name = single_line(part.get_filename() or "")[:200]
        except Exception:
            name = ""
        try:
            content = part.get_payload(decode=True) or b""
        except Exception:
            content = b""
        found.append(Attachment(name or part.get_content_type(), len(content), content))
    return found[:50]
