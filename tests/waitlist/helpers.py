"""A world for the waitlist: one full day at にこわ新小岩 (one nurse, one room, four places)."""

from __future__ import annotations

import datetime as dt

from scheduling.models import Booking, Pregnancy, Resident, User
from scheduling.services import booking_create
from scheduling.waitlist_models import WaitlistEntry
from scheduling.waitlist_services import waitlist_join
from tests.base import NOW, BaseTestCase, World, tokyo

FULL_DAY = dt.date(2026, 12, 4)
PLACES = [
    tokyo(2026, 12, 4, 10, 0),
    tokyo(2026, 12, 4, 10, 30),
    tokyo(2026, 12, 4, 11, 0),
    tokyo(2026, 12, 4, 11, 30),
]


def new_pregnancy(w: World, name: str) -> Pregnancy:
    user = User.objects.create_user(email=f"{name}@example.jp", display_name=name)
    resident = Resident.objects.create(
        user=user, municipality=w.katsushika, name=name, email=f"{name}@example.jp"
    )
    return Pregnancy.objects.create(resident=resident, due_date=dt.date(2027, 6, 1))


def fill_day(w: World) -> list[Booking]:
    return [
        booking_create(
            site=w.niccowa,
            interview_type=w.itype,
            start=start,
            pregnancy=new_pregnancy(w, f"filler{i}"),
            now=NOW,
        )
        for i, start in enumerate(PLACES)
    ]


def book_later_and_wait(w: World, pregnancy: Pregnancy, start: dt.datetime) -> WaitlistEntry:
    booking_create(
        site=w.niccowa, interview_type=w.itype, start=start, pregnancy=pregnancy, now=NOW
    )
    return waitlist_join(
        pregnancy=pregnancy,
        interview_type=w.itype,
        sites=[w.niccowa],
        date_from=FULL_DAY,
        date_to=FULL_DAY,
        now=NOW,
    )


class WaitlistTestCase(BaseTestCase):
    pass
