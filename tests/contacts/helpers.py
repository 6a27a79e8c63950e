"""Contacts for the test world: Katsushika's three, as the demo file configures them, and an
8th-month remote interview (桜川町's kind) on a second interview type."""

from __future__ import annotations

from dataclasses import dataclass

from scheduling.models import Contact, InterviewType
from tests.base import World


@dataclass
class Contacts:
    first: Contact
    questionnaire: Contact
    late_visit: Contact
    baby_visit: Contact


def katsushika_contacts(world: World) -> Contacts:
    muni = world.katsushika
    first = Contact.objects.create(
        municipality=muni,
        code="yurikago",
        name="ゆりかご面接",
        name_translations={"en": "Yurikago interview"},
        kind=Contact.Kind.SITE_INTERVIEW,
        due_basis=Contact.DueBasis.NOTIFICATION,
        interview_type=world.itype,
        modes=["in_person"],
        bring="母子健康手帳",
        ordering_key=0,
    )
    questionnaire = Contact.objects.create(
        municipality=muni,
        code="questionnaire-8m",
        name="妊娠8か月アンケート",
        kind=Contact.Kind.QUESTIONNAIRE,
        due_basis=Contact.DueBasis.GESTATION_WEEKS,
        due_from=28,
        due_until=31,
        needs_booking=False,
        ordering_key=1,
    )
    late_visit = Contact.objects.create(
        municipality=muni,
        code="late-visit",
        name="妊娠後期訪問",
        kind=Contact.Kind.HOME_VISIT,
        due_basis=Contact.DueBasis.GESTATION_WEEKS,
        due_from=28,
        due_until=36,
        optional=True,
        needs_booking=False,
        ordering_key=2,
    )
    baby_visit = Contact.objects.create(
        municipality=muni,
        code="baby-visit",
        name="こんにちは赤ちゃん訪問",
        kind=Contact.Kind.HOME_VISIT,
        due_basis=Contact.DueBasis.DAYS_AFTER_BIRTH,
        due_from=0,
        due_until=119,
        needs_booking=False,
        ordering_key=3,
    )
    return Contacts(first, questionnaire, late_visit, baby_visit)


def remote_interview_contact(world: World, *, weeks: tuple[int, int] = (28, 31)) -> Contact:
    """An 8th-month remote interview (video or phone), booked through its own interview type."""
    itype = InterviewType.objects.create(
        municipality=world.katsushika,
        code="remote-8m",
        name="妊娠8か月の面談",
        duration_minutes=30,
        slot_step_minutes=30,
        modes=["video", "phone"],
        min_notice_hours=24,
        max_days_ahead=60,
        reminder_hours_before=[24],
    )
    return Contact.objects.create(
        municipality=world.katsushika,
        code="interview-8m",
        name="妊娠8か月の面談",
        name_translations={"en": "8th-month interview"},
        kind=Contact.Kind.REMOTE_INTERVIEW,
        due_basis=Contact.DueBasis.GESTATION_WEEKS,
        due_from=weeks[0],
        due_until=weeks[1],
        interview_type=itype,
        modes=["video", "phone"],
        call_from="03-3602-1284",
        ordering_key=1,
    )


def remote_hours(world: World) -> None:
    """加藤 works remotely 17:00–19:00 on weekdays and 09:00–12:00 on Saturdays, based at 青戸
    (an in-person-only site, closed on Saturdays): remote hours need neither."""
    import datetime as dt

    from scheduling.models import AvailabilityRule

    for weekday, (h1, h2) in [(d, (17, 19)) for d in range(5)] + [(5, (9, 12))]:
        AvailabilityRule.objects.create(
            nurse=world.nurse_kato,
            site=world.aoto,
            weekday=weekday,
            start_time=dt.time(h1),
            end_time=dt.time(h2),
            valid_from=dt.date(2026, 1, 1),
            remote=True,
        )
