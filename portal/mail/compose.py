"""One outbox row as the bytes sent over SMTP (RFC 5322 / MIME), written directly.

The standard library's `EmailMessage` parses and refolds every header through its header registry:
about 5 ms a message on this machine, more than sending it. What we send is narrow (a few known
headers, a UTF-8 text body and an optional HTML alternative), so it is written here, with the
library's encoders for the parts that need care: RFC 2047 words for non-ASCII header text
(`email.header.Header`), quoted-printable bodies (`binascii.b2a_qp`), `formataddr` for addresses.

Every header value is put on one line first (`one_line`), so no value can start a header of its
own; an address that cannot be written (a list, a group, a line break, non-ASCII mailbox) raises
ValueError, and the message fails rather than going somewhere else.
"""
import binascii
import secrets
from datetime import timezone
from email.header import Header
from email.utils import format_datetime, formataddr, getaddresses, parseaddr
from functools import lru_cache

_CRLF = "\r\n"
_FORBIDDEN_IN_ADDRESS = set('<>,;:"()[]\\')


def one_line(value) -> str:
    """A header value on one line: every run of whitespace (CR and LF included) becomes one space,
    so no value can start a header of its own (`Subject: Hi\\r\\nBcc: …`)."""
    return " ".join(str(value).split())


def address(text: str) -> str:
    """A bare mailbox `local@domain` in ASCII (an IDN domain in its A-label form), or ValueError:
    never a list, a group, a display name or a second header."""
    text = (text or "").strip()
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain or any(c.isspace() or c in _FORBIDDEN_IN_ADDRESS for c in text):
        raise ValueError("not a single e-mail address")
    if not local.isascii():
        raise ValueError("a non-ASCII mailbox needs SMTPUTF8")
    if not domain.isascii():
        domain = domain.encode("idna").decode("ascii")
    return f"{local}@{domain}"


@lru_cache(maxsize=1024)  # a brand's sender is written for each of its messages
def named_address(text: str) -> str:
    """`Name <local@domain>` or a bare address, checked and re-written (the name encoded if needed)."""
    pairs = getaddresses([one_line(text)])
    if len(pairs) != 1 or not pairs[0][1]:
        raise ValueError("not a single e-mail address")
    name, mailbox = pairs[0]
    return formataddr((name, address(mailbox)), charset="utf-8") if name else address(mailbox)


def _header_text(name: str, value: str) -> str:
    """A text header (Subject): ASCII as it is, anything else as RFC 2047 encoded words, folded."""
    value = one_line(value)
    if value.isascii() and len(name) + len(value) < 990:
        return f"{name}: {value}"
    return f"{name}: " + Header(value, "utf-8", header_name=name).encode(linesep=_CRLF)


def _ids(value: str) -> str:
    """Message ids (In-Reply-To, References), one per line after the first (folded, never cut)."""
    ids = one_line(value).split(" ")
    if not all(i.isascii() for i in ids):
        raise ValueError("a message id must be ASCII")
    return (_CRLF + " ").join(ids)


def _part(content: str, subtype: str) -> tuple[str, str]:
    """(headers, body) of one text part: 7bit when it is short-lined ASCII, else quoted-printable."""
    text = content.replace("\r\n", "\n").replace("\r", "\n")
    if not text.endswith("\n"):
        text += "\n"
    if text.isascii() and max(len(line) for line in text.split("\n")) <= 900:
        encoding, body = "7bit", text
    else:
        encoding, body = "quoted-printable", binascii.b2a_qp(text.encode("utf-8")).decode("ascii")
    headers = f'Content-Type: text/{subtype}; charset="utf-8"{_CRLF}Content-Transfer-Encoding: {encoding}{_CRLF}'
    return headers, body.replace("\n", _CRLF)


def compose(mail, sender: str, text: str, html: str | None) -> bytes:
    """The message of an outbox row (or any object with its columns), from `sender`, with its
    text body and optional HTML alternative (laid out by `layout.parts`)."""
    headers = [
        f"From: {named_address(sender)}",
        f"To: {address(mail.to_email)}",
        _header_text("Subject", mail.subject),
        f"Date: {format_datetime(mail.created_at.replace(tzinfo=timezone.utc))}",
        f"Message-ID: {_ids(mail.message_id)}",
    ]
    if mail.in_reply_to:
        headers.append(f"In-Reply-To: {_ids(mail.in_reply_to)}")
    if mail.references_header:
        headers.append(f"References: {_ids(mail.references_header)}")
    if mail.reply_to:
        headers.append(f"Reply-To: {named_address(mail.reply_to)}")
    headers += ["Auto-Submitted: auto-generated",
                "X-Auto-Response-Suppress: All",  # no out-of-office answers to notifications
                f"X-Guichet-Kind: {address_safe(mail.kind)}"]
    if mail.language:
        headers.append(f"Content-Language: {address_safe(mail.language)}")
    headers.append("MIME-Version: 1.0")
    text_headers, text_body = _part(text, "plain")
    if not html:
        return (_CRLF.join(headers) + _CRLF + text_headers + _CRLF + text_body).encode("ascii")
    # "=_" never occurs in quoted-printable, and the token makes it unguessable in 7bit text.
    boundary = "=_" + secrets.token_hex(16)
    html_headers, html_body = _part(html, "html")
    headers.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
    return (_CRLF.join(headers) + _CRLF + _CRLF
            # The line break before a boundary belongs to it: one more keeps each part's last one.
            + f"--{boundary}{_CRLF}{text_headers}{_CRLF}{text_body}{_CRLF}"
            + f"--{boundary}{_CRLF}{html_headers}{_CRLF}{html_body}{_CRLF}"
            + f"--{boundary}--{_CRLF}").encode("ascii")


def address_safe(value: str) -> str:
    """A short token header (a kind, a language): one line, ASCII letters, digits, '-' and '_'."""
    return "".join(c for c in one_line(value) if c.isascii() and (c.isalnum() or c in "-_")) or "-"


@lru_cache(maxsize=1024)
def sender_address(sender: str) -> str:
    """The envelope sender (MAIL FROM) of a From value."""
    return address(parseaddr(one_line(sender))[1])
