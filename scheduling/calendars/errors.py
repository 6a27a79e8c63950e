"""Why a calendar could not be synced, in words a nurse can act on.

`ExternalCalendar.last_error` stores "<code>: <technical detail>", never the address (it is a
secret) and never event titles; the page translates the code when it shows it.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "timeout": _("The calendar server did not answer in time."),
    "connection": _("The calendar server could not be reached."),
    "http_status": _("The calendar server answered with an error."),
    "not_found": _("The calendar address no longer exists. Copy it again from your calendar."),
    "too_big": _("The calendar is too large to import."),
    "not_calendar": _("The file is not an iCalendar (.ics) calendar."),
    "invalid_calendar": _("The calendar could not be read; it may be damaged."),
    "too_many_events": _("The calendar has too many events in the booking period."),
    "unsafe_address": _("The calendar address points to a network that may not be used."),
    "too_many_redirects": _("The calendar address redirects too many times."),
    "bad_address": _("The calendar address is not valid."),
    "internal": _("The calendar could not be synced. It will be tried again."),
}


class SyncError(Exception):
    """A calendar could not be fetched or read; the sync records it and keeps the old blocks."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail

    def as_record(self) -> str:
        return str(self)[:500]


def describe(last_error: str) -> str:
    """The translated sentence for a stored error, with its technical detail in brackets."""
    if not last_error:
        return ""
    code, _sep, detail = last_error.partition(": ")
    if code == "too_many_events" and detail.startswith("rule;"):
        return _runaway_rule(detail)
    message = str(MESSAGES.get(code, MESSAGES["internal"]))
    return f"{message} ({detail})" if detail else message


def _runaway_rule(detail: str) -> str:
    """The event is named by its first start and its UID, never by its title: a title may say
    something personal, and the nurse finds the event in her calendar by its date."""
    fields = dict(part.strip().partition("=")[::2] for part in detail.split(";")[1:])
    return gettext(
        "One repeating event would block too many times to import: the series that starts "
        "%(start)s (UID %(uid)s). Change how often it repeats, or delete it, in your calendar."
    ) % {"start": fields.get("start", "?"), "uid": fields.get("uid", "?") or "?"}
