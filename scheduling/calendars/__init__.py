"""Calendars: the .ics a resident adds to her calendar, nurse/site feeds out, busy times in."""
