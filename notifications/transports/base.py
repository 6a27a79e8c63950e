"""What every transport takes and returns, and the one error type it raises."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


@dataclass(frozen=True)
class LineButton:
    """A LINE button to a page of ours: `text` above it, `alt_text` where buttons cannot show
    (a lock screen, an old client). Under the same privacy rule as an SMS: no health word."""

    text: str
    label: str
    url: str
    alt_text: str


@dataclass(frozen=True)
class Outgoing:
    """A rendered message, ready for a provider. `message_id` only travels in callback URLs."""

    message_id: int
    purpose: str
    recipient: str
    text: str
    subject: str = ""
    html: str = ""
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    # LINE only: a button to her booking page under the text.
    button: LineButton | None = None


@dataclass(frozen=True)
class Sent:
    """The provider accepted it. `provider_id` is Twilio's MessageSid (empty for email)."""

    provider_id: str = ""
    status: str = "sent"


class TransportError(Exception):
    """A send that did not happen.

    permanent: retrying cannot help (invalid number, landline, unsubscribed): mark failed now and
    fall back to another channel. Otherwise transient (5xx, 429, timeouts): retry with backoff.
    """

    def __init__(self, message: str, *, permanent: bool, code: str = "") -> None:
        super().__init__(message)
        self.permanent = permanent
        self.code = code

    @property
    def transient(self) -> bool:
        return not self.permanent


class Transport(abc.ABC):
    """One per channel; `send` returns what the provider accepted or raises TransportError."""

    channel: str = ""

    @abc.abstractmethod
    def send(self, outgoing: Outgoing) -> Sent: ...
