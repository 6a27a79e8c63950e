"""Calendars: the .ics a resident adds to her calendar, nurse/site feeds out, busy times in."""

# Connect the after-response runner to Django's request signals in every process from the start
# (logging's feed-token filter imports this package during setup), not at the first import of
# the services, which could come after the first request had started.
from . import background  # noqa: F401
