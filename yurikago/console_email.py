"""The console email backend for `make run`: an email as a person reads it.

Django's console backend prints the raw MIME message, so a Japanese body (UTF-8, sent as base64)
is an unreadable block. This one prints the headers decoded, the text body as text, and the
attachments (the booking's .ics) by name, type and size.
"""

from __future__ import annotations

from email.message import Message
from typing import Any

from django.core.mail.backends import console

HEADERS = ("From", "To", "Cc", "Reply-To", "Subject", "Date")


def _text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    return payload.decode(part.get_content_charset() or "utf-8", errors="replace")


def readable(message: Message) -> str:
    lines = [f"{name}: {message[name]}" for name in HEADERS if message[name]]
    for part in message.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        filename = part.get_filename()
        if filename or part.get_content_disposition() == "attachment":
            size = len(part.get_payload(decode=True) or b"")
            lines.append(f"[attachment: {filename or 'unnamed'} ({kind}, {size} bytes)]")
        elif kind == "text/plain":
            lines += ["", _text(part).rstrip("\n"), ""]
        else:
            lines.append(f"[{kind}, {len(_text(part))} characters]")
    return "\n".join(lines)


class EmailBackend(console.EmailBackend):
    def write_message(self, message: Any) -> None:
        self.stream.write(readable(message.message()) + "\n")
        self.stream.write("-" * 79 + "\n")
