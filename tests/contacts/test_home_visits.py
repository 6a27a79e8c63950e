"""Home visits: the 町丁 → district → nurses list imported from CSV, her address, asking for a
half-day (placed in her district's block with room, travel time included), the district nurse
confirming an exact time, and her being told without her address or any health word."""

from __future__ import annotations

import datetime as dt

from notifications.models import Message
from notifications.texts import HEALTH_WORDS, render_message
from scheduling.home_visit_models import District, HomeVisit, VisitBlock
from scheduling.home_visit_services import (
    district_for,
    district_import,
    home_visit_confirm,
    home_visit_request,
    resident_address_save,
)
from scheduling.models import Pregnancy, Resident, User
from tests.base import BaseTestCase, tokyo
from tests.contacts.helpers import katsushika_contacts
from yurikago.errors import DomainError

CSV = (
    "district_code,district_name,town,nurse_emails\n"
    "aoto-1,青戸第一地区,青戸四丁目,sato@katsushika.example\n"
    "aoto-1,青戸第一地区,青戸五丁目,sato@katsushika.example;kato@katsushika.example\n"
    "niiko,新小岩地区,西新小岩四丁目,ito@katsushika.example\n"
)
THURSDAY = dt.date(2026, 12, 3)


class HomeVisitTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        w = self.w
        self.visit_contact = katsushika_contacts(w).late_visit
        district_import(municipality=w.katsushika, text=CSV)
        self.district = District.objects.get(municipality=w.katsushika, code="aoto-1")
        self.block = VisitBlock.objects.create(
            nurse=w.nurse_sato,
            district=self.district,
            date=THURSDAY,
            start_time=dt.time(9),
            end_time=dt.time(12),
            capacity=3,
            visit_minutes=40,
            travel_minutes=30,
        )
        self.pregnancies = [w.hanako_pregnancy, w.mei_pregnancy] + [
            self._resident(i) for i in range(2)
        ]
        for i, p in enumerate(self.pregnancies):
            resident_address_save(
                resident=p.resident, postcode="124-0012", town="青戸四丁目", building=f"{i}号室"
            )

    def _resident(self, i: int) -> Pregnancy:
        phone = f"+8190777700{i:02d}"
        user = User.objects.create_user(email=f"r{i}@example.jp", phone=phone)
        resident = Resident.objects.create(
            user=user, municipality=self.w.katsushika, name=f"住民 {i}", phone=phone
        )
        return Pregnancy.objects.create(resident=resident, due_date=dt.date(2027, 2, 1))

    def _ask(self, p: Pregnancy, half: str = "am") -> HomeVisit:
        return home_visit_request(pregnancy=p, contact=self.visit_contact, date=THURSDAY, half=half)

    def test_the_csv_maps_each_town_to_its_district_and_nurses(self) -> None:
        self.assertEqual(
            set(self.district.nurses.values_list("name", flat=True)), {"佐藤 看護", "加藤 看護"}
        )
        self.assertEqual(district_for(self.w.hanako), self.district)
        resident_address_save(resident=self.w.mei, postcode="１２４－００１２", town="金町一丁目")
        self.assertIsNone(district_for(self.w.mei))

    def test_an_unknown_nurse_refuses_the_whole_file(self) -> None:
        bad = CSV + "kanamachi,金町地区,金町一丁目,nobody@katsushika.example\n"
        with self.assertRaises(DomainError):
            district_import(municipality=self.w.katsushika, text=bad)
        self.assertFalse(District.objects.filter(code="kanamachi").exists())

    def test_a_morning_block_takes_three_visits_with_travel_and_refuses_the_fourth(self) -> None:
        for p in self.pregnancies[:3]:
            self.assertEqual(self._ask(p).block, self.block)
        with self.assertRaises(DomainError) as refused:
            self._ask(self.pregnancies[3])
        self.assertEqual(refused.exception.code, "slot_unavailable")
        with self.assertRaises(DomainError):
            self._ask(self.pregnancies[3], half="pm")  # no afternoon block

    def test_her_address_is_needed_first(self) -> None:
        self.w.hanako.address.delete()
        with self.assertRaises(DomainError) as refused:
            self._ask(self.w.hanako_pregnancy)
        self.assertEqual(refused.exception.field, "address")

    def test_the_same_contact_cannot_be_asked_for_twice(self) -> None:
        self._ask(self.w.hanako_pregnancy)
        with self.assertRaises(DomainError) as refused:
            self._ask(self.w.hanako_pregnancy)
        self.assertEqual(refused.exception.code, "already_booked")

    def test_a_time_that_leaves_no_room_for_the_others_is_refused(self) -> None:
        visits = [self._ask(p) for p in self.pregnancies[:3]]
        # At 10:00 only 11:10–11:50 is left for the two still to time.
        with self.assertRaises(DomainError):
            home_visit_confirm(visit=visits[0], start=tokyo(2026, 12, 3, 10))
        confirmed = home_visit_confirm(visit=visits[0], start=tokyo(2026, 12, 3, 9))
        self.assertEqual(confirmed.status, HomeVisit.Status.CONFIRMED)
        self.assertEqual(confirmed.end, tokyo(2026, 12, 3, 9, 40))

    def test_she_is_told_the_time_without_her_address_or_any_health_word(self) -> None:
        visit = self._ask(self.w.hanako_pregnancy)
        home_visit_confirm(visit=visit, start=tokyo(2026, 12, 3, 10, 30))
        message = Message.objects.get(purpose=Message.Purpose.VISIT_TIME)
        self.assertEqual((message.channel, message.recipient), ("sms", self.w.hanako.phone))
        text = render_message(message).text
        self.assertIn("10:30", text)
        for word in ("青戸", "124-0012", "号室", *HEALTH_WORDS):
            self.assertNotIn(word.lower(), text.lower())


class DistrictImportCommandTests(BaseTestCase):
    def test_the_command_loads_the_csv_and_refuses_a_bad_file_naming_its_line(self) -> None:
        import tempfile
        from io import StringIO
        from pathlib import Path

        from django.core.management import call_command
        from django.core.management.base import CommandError
        from django.utils import translation

        with tempfile.TemporaryDirectory() as folder:
            good, bad = Path(folder) / "good.csv", Path(folder) / "bad.csv"
            good.write_text("\ufeff" + CSV, encoding="utf-8")
            bad.write_text(CSV + "x,X,青戸四丁目,\n", encoding="utf-8")
            out = StringIO()
            call_command("district_import", "katsushika", str(good), stdout=out)
            self.assertIn("katsushika: 2 districts, 3 towns, 3 nurses", out.getvalue())
            with self.assertRaises(CommandError) as refused, translation.override("en"):
                call_command("district_import", "katsushika", str(bad))
            self.assertIn("Line 5", str(refused.exception))
        self.assertEqual(District.objects.filter(municipality=self.w.katsushika).count(), 2)


class VisitBlocksAreAwayFromInterviewsTests(BaseTestCase):
    """A visit block is time off for interviews: the engine offers none with her then, and a
    block over an interview she already has is refused."""

    def setUp(self) -> None:
        super().setUp()
        district_import(municipality=self.w.katsushika, text=CSV)
        self.district = District.objects.get(code="aoto-1")

    def _block(self, day: dt.date) -> VisitBlock:
        from scheduling.home_visit_services import visit_block_create

        return visit_block_create(
            nurse=self.w.nurse_sato,
            district=self.district,
            date=day,
            start_time=dt.time(13),
            end_time=dt.time(16),
            capacity=3,
            visit_minutes=45,
            travel_minutes=15,
        )

    def _sato_free_at(self, day: dt.date) -> list[dt.datetime]:
        from scheduling.availability import open_slots

        slots = open_slots(
            municipality=self.w.katsushika,
            interview_type=self.w.itype,
            date_from=day,
            date_to=day,
            site_ids=[self.w.aoto.pk],
            mode="in_person",
            ignore_notice=True,
        )
        return [s.start for s in slots if self.w.nurse_sato.pk in s.nurse_ids]

    def test_no_interview_is_offered_with_her_during_her_visits(self) -> None:
        friday = dt.date(2026, 12, 4)
        self.assertIn(tokyo(2026, 12, 4, 13), self._sato_free_at(friday))
        self._block(friday)
        free = self._sato_free_at(friday)
        self.assertIn(tokyo(2026, 12, 4, 9), free)
        self.assertFalse([t for t in free if tokyo(2026, 12, 4, 13) <= t < tokyo(2026, 12, 4, 16)])

    def test_a_block_over_an_interview_she_has_is_refused(self) -> None:
        from scheduling.models import Booking
        from scheduling.services import booking_create

        booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 4, 14),
            pregnancy=self.w.hanako_pregnancy,
            staff=True,
            channel=Booking.Channel.STAFF,
        )
        if booking.nurse_id != self.w.nurse_sato.pk:
            Booking.objects.filter(pk=booking.pk).update(nurse=self.w.nurse_sato)
        with self.assertRaises(DomainError):
            self._block(dt.date(2026, 12, 4))
        self.assertFalse(VisitBlock.objects.exists())
