"""Her account's number (scheduling.resident_services): the pages and allauth's phone hooks
record it through these services, not by saving User rows themselves."""

from __future__ import annotations

from scheduling.models import User
from scheduling.resident_services import phone_set, phone_verified_record
from tests.base import BaseTestCase


class PhoneVerifiedTest(BaseTestCase):
    def test_the_number_she_proved_is_marked_verified(self) -> None:
        user = self.w.hanako.user
        self.assertFalse(user.phone_verified)
        phone_verified_record(user, user.phone or "")
        self.assertTrue(user.phone_verified)
        self.assertTrue(User.objects.get(pk=user.pk).phone_verified)

    def test_a_number_that_is_no_longer_hers_is_not(self) -> None:
        user = self.w.hanako.user
        phone_verified_record(user, "+819099999999")
        self.assertFalse(user.phone_verified)
        self.assertFalse(User.objects.get(pk=user.pk).phone_verified)

    def test_an_already_verified_number_costs_no_query(self) -> None:
        user = self.w.hanako.user
        phone_verified_record(user, user.phone or "")
        with self.assertNumQueries(0):
            phone_verified_record(user, user.phone or "")

    def test_phone_set_records_number_and_whether_it_is_proved(self) -> None:
        user = self.w.mei.user
        phone_set(user, "+817055556666", verified=True)
        stored = User.objects.get(pk=user.pk)
        self.assertEqual((stored.phone, stored.phone_verified), ("+817055556666", True))
        self.assertEqual((user.phone, user.phone_verified), ("+817055556666", True))
