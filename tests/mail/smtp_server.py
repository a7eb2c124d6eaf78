"""A real SMTP server on loopback for the mail tests and the benchmark (aiosmtpd, in a thread).

`Recorder` keeps every accepted message; `answers` makes it refuse a recipient with a given reply
("451 4.3.0 Try again later", "550 5.1.1 No such user"), `delay` makes each DATA slow.
"""
import asyncio
import email
import socket
import threading
from dataclasses import dataclass
from email import policy


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list
    content: bytes

    @property
    def message(self):
        return email.message_from_bytes(self.content, policy=policy.default)


class Recorder:
    def __init__(self):
        self.received: list[Received] = []
        self.answers: dict[str, str] = {}  # recipient (lower case) -> reply to RCPT
        self.data_answer: str | None = None  # a reply to DATA instead of accepting
        self.delay = 0.0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.answers.get(address.lower())
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.data_answer:
            return self.data_answer
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content
                                          or envelope.content))
        return "250 Message accepted"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [item.message["Message-ID"] for item in self.received]


class SmtpServer:
    """A started aiosmtpd Controller on 127.0.0.1 and a free port; `url` for GUICHET_SMTP_URL."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.recorder = Recorder()
        self.port = free_port()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.url = f"smtp://127.0.0.1:{self.port}"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
