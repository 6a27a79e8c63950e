"""Her details, then the booking: one set of rules, whether she books online or staff book for her.

The rules (scheduling/resident_services.py): an account is never taken over on the strength of a
typed-in number or address; a new account signs in only with a mobile number and a lower-case
email nobody else has; her ongoing pregnancy is updated with what she told us now, never
blanked; the pregnancy that counts is `pregnancy_current`, the newest ongoing one.
"""

from __future__ import annotations

import datetime as dt

from scheduling.models import Pregnancy, Resident, User
from scheduling.resident_services import booking_create_on_behalf
from scheduling.selectors import pregnancy_current
from tests.base import NOW, BaseTestCase, tokyo
from yurikago.errors import DomainError

DAY = dt.timedelta(days=1)


class HerDetailsThenTheBookingTest(BaseTestCase):
    def book_for(self, **extra):  # type: ignore[no-untyped-def]
        options = {
            "site": self.w.aoto,
            "interview_type": self.w.itype,
            "start": tokyo(2026, 12, 1, 13),
            "phone": "+819055556666",
            "phone_is_mobile": True,
            "name": "佐々木 桜",
            "actor": self.w.nurse_sato.user,
            "now": NOW,
        }
        options.update(extra)
        return booking_create_on_behalf(**options)

    def test_staff_never_turn_a_staff_account_into_a_resident(self) -> None:
        staff_user = self.w.manager_mori
        staff_user.phone = "+819055556666"
        staff_user.save(update_fields=["phone"])
        with self.assertRaises(DomainError) as caught:
            self.book_for()
        self.assertEqual((caught.exception.code, caught.exception.field), ("invalid", "phone"))
        self.assertFalse(Resident.objects.filter(user=staff_user).exists())

    def test_a_new_account_keeps_her_email_in_lower_case(self) -> None:
        self.book_for(email="Sakura@Example.JP")
        self.assertEqual(User.objects.get(phone="+819055556666").email, "sakura@example.jp")

    def test_a_landline_is_never_a_sign_in_number(self) -> None:
        booking = self.book_for(phone="+81336021284", phone_is_mobile=False)
        resident = booking.pregnancy.resident
        self.assertEqual(resident.phone, "+81336021284")
        self.assertIsNone(resident.user.phone)

    def test_what_she_tells_staff_never_blanks_what_she_told_before(self) -> None:
        pregnancy = self.w.hanako_pregnancy
        pregnancy.handbook_number = "K-123"
        pregnancy.notes = "つわりが重い"
        pregnancy.save()
        self.book_for(phone=self.w.hanako.phone, name=self.w.hanako.name, due_date=None)
        pregnancy.refresh_from_db()
        self.assertEqual(
            (pregnancy.due_date, pregnancy.handbook_number, pregnancy.notes),
            (dt.date(2027, 6, 1), "K-123", "つわりが重い"),
        )

    def test_her_notes_are_kept_to_a_thousand_characters(self) -> None:
        booking = self.book_for(notes="あ" * 1200)
        self.assertEqual(len(booking.pregnancy.notes), 1000)

    def test_the_current_pregnancy_is_the_newest_ongoing_one(self) -> None:
        hanako = self.w.hanako
        older = self.w.hanako_pregnancy
        newer = Pregnancy.objects.create(resident=hanako, due_date=dt.date(2028, 1, 1))
        closed = Pregnancy.objects.create(resident=hanako, due_date=dt.date(2029, 1, 1))
        Pregnancy.objects.filter(pk=newer.pk).update(created_at=older.created_at + DAY)
        Pregnancy.objects.filter(pk=closed.pk).update(
            created_at=older.created_at + 2 * DAY, is_active=False
        )
        self.assertEqual(pregnancy_current(hanako), newer)
        newer.is_active = False
        newer.save()
        self.assertEqual(pregnancy_current(hanako), older)
        self.assertEqual(pregnancy_current(hanako.pk), older)
        self.assertIsNone(pregnancy_current(self.w.mei.pk + 1000))
