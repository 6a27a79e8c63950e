"""Helpers for the invitation tests: Katsushika's contacts, notified pregnancies, and the link
taken out of the message that carries it (as she would tap it)."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings

from notifications.models import Message
from scheduling.models import Pregnancy, PregnancyNotification, Resident, User
from tests.base import NOW, BaseTestCase
from tests.contacts.helpers import Contacts, katsushika_contacts

LINK = re.compile(r"/i/(\d+)/([A-Za-z0-9_-]+)/")


def notified(
    world: object,
    name: str,
    phone: str,
    *,
    email: str = "",
    on: dt.date | None = None,
    language: str = "ja",
    due: dt.date = dt.date(2027, 6, 1),
) -> Pregnancy:
    """A resident known from the notification file only: no booking, a pregnancy notified."""
    municipality = world.katsushika  # type: ignore[attr-defined]
    user = User.objects.create_user(email=email or None, phone=phone, display_name=name)
    resident = Resident.objects.create(
        user=user,
        municipality=municipality,
        name=name,
        phone=phone,
        email=email,
        preferred_language=language,
    )
    day = on or NOW.date()
    pregnancy = Pregnancy.objects.create(
        resident=resident, due_date=due, notified_on=day, preferred_language=language
    )
    PregnancyNotification.objects.create(
        municipality=municipality,
        record_key=f"K-{phone}",
        pregnancy=pregnancy,
        notified_on=day,
        source=PregnancyNotification.Source.FILE,
    )
    return pregnancy


def link_path(message: Message) -> tuple[int, str, str]:
    """(pregnancy id, token, path) of the link in a queued message."""
    url = str(message.context["url"])
    assert url.startswith(settings.SITE_ROOT), url
    found = LINK.search(url)
    assert found, url
    return int(found.group(1)), found.group(2), found.group(0)


class InvitationTestCase(BaseTestCase):
    contacts: Contacts

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.contacts = katsushika_contacts(cls.w)
