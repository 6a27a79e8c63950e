"""A hand-computed coverage fixture (issue 16, "coverage on the dashboard"), small enough that
every expected figure in tests/coverage is written out by hand with its derivation.

Katsushika with two contacts active: ゆりかご面接 (falls due at the notification) and
妊娠8か月アンケート (falls due at week 28: due date − 84 days; it has a questionnaire). Report
months: October and November 2026; today is 2026-12-01 (tests.base.NOW).

Notified in October and November (ゆりかご面接 falls due the day she was notified):
- 愛子 Aiko, 10-01, 亀有: booked for the interview at 青戸, attended 10-15 (14 days).
- 文 Aya, 10-05, 亀有: seen at the counter that day (contact recorded done 10-05: 0 days); no
  booking, so no site.
- 千夏 Chinatsu, 10-10, 金町: booked at にこわ新小岩 for 12-09 (confirmed, not yet had).
- 智子 Tomoko, 10-20, 金町: nothing at all (unreached: 10-20 is more than 28 days before 12-01).
- 直美 Naomi, 11-02, 金町: booked at 青戸, attended 11-30 (28 days).
- 範子 Noriko, 11-20, 亀有: the interview recorded "not needed" (not eligible for it; for the
  notification coverage she is notified, not interviewed, and too recent to be unreached).

Notified in spring, their questionnaire falls due in October and November:
- 恵 Megumi, due 2027-01-05 → falls due 2026-10-13, 亀有: answered and sent.
- 由美 Yumi, due 2027-01-20 → 2026-10-28, 金町: saved a draft, not sent.
- 里奈 Rina, due 2027-02-10 → 2026-11-18, 亀有: answered and sent.
- 花子 Hanako (tests.base's resident, no notification, due 2027-02-01 → 2026-11-09): nothing.
"""

from __future__ import annotations

import datetime as dt

from scheduling.contact_models import PregnancyContact
from scheduling.models import Booking, Pregnancy
from scheduling.notification_import import notifications_import_file
from scheduling.questionnaires import Given, questionnaire_response_save
from scheduling.services import booking_create
from tests.base import World, tokyo
from tests.notifications_in.helpers import export, row
from tests.questionnaires.helpers import Sheet, eighth_month_sheet, send

OCTOBER, NOVEMBER = dt.date(2026, 10, 1), dt.date(2026, 11, 1)


def build(world: World) -> tuple[Sheet, dict[str, Pregnancy]]:
    sheet = eighth_month_sheet(world)  # makes Katsushika's four contacts; hanako due 2027-02-01
    first = sheet.contact.municipality.contacts.get(code="yurikago")
    sheet.contact.municipality.contacts.filter(code__in=["late-visit", "baby-visit"]).update(
        is_active=False
    )
    people = [
        ("Aiko", "2026-10-01", "亀有", "2027-05-20"),
        ("Aya", "2026-10-05", "亀有", "2027-05-25"),
        ("Chinatsu", "2026-10-10", "金町", "2027-06-01"),
        ("Tomoko", "2026-10-20", "金町", "2027-06-10"),
        ("Naomi", "2026-11-02", "金町", "2027-06-20"),
        ("Noriko", "2026-11-20", "亀有", "2027-07-01"),
        ("Megumi", "2026-04-20", "亀有", "2027-01-05"),
        ("Yumi", "2026-05-01", "金町", "2027-01-20"),
        ("Rina", "2026-05-20", "亀有", "2027-02-10"),
    ]
    rows = [
        row(
            name,
            届出日=notified,
            地区=district,
            出産予定日=due,
            電話番号=f"080-2000-{n:04d}",
        )
        for n, (name, notified, district, due) in enumerate(people, start=1)
    ]
    result = notifications_import_file(municipality=world.katsushika, data=export(rows).encode())
    assert not result.refused, result.errors
    p = {
        x.notification.record_key: x
        for x in Pregnancy.objects.filter(notification__isnull=False).select_related(
            "notification", "resident"
        )
    }

    def book(who: str, site: object, start: dt.datetime, booked: dt.datetime) -> Booking:
        return booking_create(
            site=site,  # type: ignore[arg-type]
            interview_type=world.itype,
            start=start,
            pregnancy=p[who],
            contact=first,
            now=booked,
        )

    for who, at, booked in (
        ("Aiko", tokyo(2026, 10, 15, 10), tokyo(2026, 10, 2, 9)),
        ("Naomi", tokyo(2026, 11, 30, 10), tokyo(2026, 11, 20, 9)),
    ):
        booking = book(who, world.aoto, at, booked)
        Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.ATTENDED)
    book("Chinatsu", world.niccowa, tokyo(2026, 12, 9, 10), tokyo(2026, 11, 25, 9))
    PregnancyContact.objects.create(
        pregnancy=p["Aya"], contact=first, status="done", done_on=dt.date(2026, 10, 5)
    )
    PregnancyContact.objects.create(pregnancy=p["Noriko"], contact=first, status="not_needed")
    send(sheet, p["Megumi"], flagged=False)
    send(sheet, p["Rina"], flagged=False)
    questionnaire_response_save(
        pregnancy=p["Yumi"],
        questionnaire=sheet.questionnaire,
        given={sheet.talk.pk: Given(choice_ids=frozenset({sheet.talk_no.pk}))},
        submit=False,
    )
    p["Hanako"] = world.hanako_pregnancy
    return sheet, p
