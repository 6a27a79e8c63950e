"""Django's own messages that residents can meet on our forms, listed so that makemessages puts
them in our catalogue: Django ships no Tagalog, and the others fall back to Japanese, not to the
language she chose."""

from __future__ import annotations

from django.utils.translation import gettext_noop

DJANGO_FORM_MESSAGES = [
    gettext_noop("This field is required."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
]
