"""A real SMTP server (aiosmtpd) for the outbox tests, whose answers a test scripts: accept, answer 4xx or
5xx to RCPT, or stall before answering DATA."""

import asyncio
import email
import socket
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class ScriptedSMTP:
    """``rcpt_answers``: answers to RCPT TO, used up one per message ("250 OK" when empty).
    ``data_delay``: seconds to stall before answering DATA. ``received``: accepted messages."""

    rcpt_answers: list[str] = field(default_factory=list)
    data_delay: float = 0.0
    received: list[email.message.Message] = field(default_factory=list)
    port: int = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.rcpt_answers.pop(0) if self.rcpt_answers else "250 OK"
        if answer.startswith("250"):
            envelope.rcpt_tos.append(address)
        return answer

    async def handle_DATA(self, server, session, envelope):
        self.received.append(email.message_from_bytes(envelope.content))
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        return "250 OK"

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.received]


class SMTPServer:
    def __init__(self, handler: ScriptedSMTP):
        self.handler = handler
        handler.port = free_port()
        self.controller = Controller(handler, hostname="127.0.0.1", port=handler.port)

    def __enter__(self) -> ScriptedSMTP:
        self.controller.start()
        return self.handler

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def use_smtp(settings, port: int, timeout: int = 5) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = timeout
