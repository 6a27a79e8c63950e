"""No field of the resident or her pregnancy, nor staff notes, reaches any feed: feeds are
stored on Google's, Microsoft's and Apple's servers."""

from __future__ import annotations

from scheduling.calendars.services import nurse_feed_rotate, site_feed_rotate
from scheduling.models import Booking, Pregnancy, Resident
from scheduling.services import booking_cancel, booking_create
from tests.base import NOW, BaseTestCase, tokyo


def field_values(instance: object) -> list[str]:
    """Every non-trivial value of every concrete field, as text."""
    values = []
    for field in instance._meta.concrete_fields:  # type: ignore[attr-defined]
        value = getattr(instance, field.attname)
        text = "" if value is None else str(value)
        if len(text) >= 3 and text not in ("True", "False"):
            values.append(text)
    return values


class FeedPrivacyTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        pregnancy = self.w.hanako_pregnancy
        pregnancy.handbook_number = "HB-2026-000123"
        pregnancy.notes = "つわりがひどい / severe morning sickness"
        pregnancy.interpreter_needed = True
        pregnancy.first_pregnancy = True
        pregnancy.save()
        self.booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=pregnancy,
            now=NOW,
        )
        Booking.objects.filter(pk=self.booking.pk).update(
            staff_notes="DV相談あり / needs follow-up", video_url="https://meet.example/abc-xyz"
        )
        self.cancelled = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 4, 13),
            pregnancy=self.w.mei_pregnancy,
            now=NOW,
        )
        booking_cancel(
            booking=self.cancelled, staff=True, reason="流産のため / miscarriage", now=NOW
        )

    def feeds(self) -> list[str]:
        nurse_tokens = [
            (n, nurse_feed_rotate(nurse=n)) for n in (self.w.nurse_sato, self.w.nurse_kato)
        ]
        bodies = [
            self.client.get(f"/calendar/nurse/{t}.ics").content.decode() for _n, t in nurse_tokens
        ]
        site_token = site_feed_rotate(site=self.w.aoto)
        bodies.append(self.client.get(f"/calendar/site/{site_token}.ics").content.decode())
        # Unfolded, so a value split across a line fold is still found.
        return [body.replace("\r\n ", "") for body in bodies]

    def test_no_field_of_the_resident_or_pregnancy_appears_in_any_feed(self) -> None:
        feeds = self.feeds()
        self.assertEqual(sum(f.count("BEGIN:VEVENT") for f in feeds), 4)  # 2 in a nurse feed
        secrets: list[str] = []
        for resident in Resident.objects.all():
            secrets += field_values(resident) + field_values(resident.user)
        for pregnancy in Pregnancy.objects.all():
            secrets += field_values(pregnancy)
        secrets += [
            "HB-2026-000123",
            "severe morning sickness",
            "DV相談あり",
            "meet.example",
            "miscarriage",
            "流産",
        ]
        # Values that are not about her: ids, the municipality, dates shared with bookings.
        ignore = {str(self.w.katsushika.pk), "ja"}
        for secret in set(secrets) - ignore:
            for feed in feeds:
                if secret.isdigit() and len(secret) < 4:
                    continue  # a small id is not personal and appears in times and rooms
                self.assertNotIn(secret, feed)

    def test_names_phone_numbers_and_emails_are_checked_in_their_usual_forms(self) -> None:
        for feed in self.feeds():
            for text in [
                "山田",
                "花子",
                "林",
                "芽依",
                "テスト",
                "+8190",
                "090",
                "example.jp",
                "2027-06-01",
                "20270601",
            ]:
                self.assertNotIn(text, feed)
