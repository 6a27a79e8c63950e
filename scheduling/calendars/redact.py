"""Feed tokens out of log lines.

A feed address (/calendar/nurse/<token>.ics, /calendar/site/<token>.ics) is the only key to a
nurse's or a site's interviews, so no log may hold one: not Django's 404/405 warnings
(django.request), not the development server's request lines (django.server), not gunicorn's
access log (yurikago/gunicorn_conf.py). The filter rewrites the record itself, so every handler
and formatter (plain, JSON, mail, a test's capture) sees the redacted line.
"""

from __future__ import annotations

import logging
import re

_FEED_PATH = re.compile(r"(/calendar/(?:nurse|site)/)[^/?#\s\"']+")


def redact(text: str) -> str:
    return _FEED_PATH.sub(r"\1[token]", text)


class RedactFeedTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not fit: leave it to the formatter
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
