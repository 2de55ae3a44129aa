"""A real SMTP server for tests: aiosmtpd on a free port, keeping what it accepted.

``answers`` scripts the reply to the next DATA commands (``"451 4.3.0 Try again later"``),
``refuse`` the recipients answered 550 at RCPT; anything unscripted is accepted with 250.
"""

from __future__ import annotations

import email
import email.policy
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from support.ports import free_port


class Sink:
    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.answers: list[str] = []
        self.refuse: set[str] = set()
        self.attempts = 0
        self._lock = threading.Lock()

    # aiosmtpd's hook names and signatures.
    async def handle_RCPT(  # noqa: N802
        self,
        server: Any,  # noqa: ARG002
        session: Any,  # noqa: ARG002
        envelope: Any,
        address: str,
        rcpt_options: Any,  # noqa: ARG002
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 <" + address + ">: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802, ARG002
        with self._lock:
            self.attempts += 1
            if self.answers:
                return self.answers.pop(0)
            parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
            assert isinstance(parsed, EmailMessage)
            self.received.append((list(envelope.rcpt_tos), parsed))
        return "250 2.0.0 Queued"

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return [message for _, message in self.received]


class SmtpServer:
    def __init__(self) -> None:
        self.sink = Sink()
        self.port = free_port()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.running = False

    def start(self) -> None:
        self.controller.start()
        self.running = True

    def stop(self) -> None:
        """The server goes away (connections are refused); ``restart`` brings it back."""
        if self.running:
            self.controller.stop()
            self.running = False

    def restart(self) -> None:
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.start()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
