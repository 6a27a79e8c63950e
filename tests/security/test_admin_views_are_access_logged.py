"""Opening a resident's, a pregnancy's, a booking's or a user's record in the Django admin is
in the access log, as it is in the staff portal (finding 11)."""

from __future__ import annotations

from django.urls import reverse

from scheduling.models import AccessLog, User
from scheduling.services import booking_create
from tests.base import BaseTestCase, tokyo
from tests.staff.helpers import sign_in_with_mfa


class AdminViewsAreAccessLoggedTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.w.hanako_pregnancy,
        )
        self.root = User.objects.create_superuser(email="root@example.jp", password="x")
        sign_in_with_mfa(self.client, self.root)
        AccessLog.objects.all().delete()

    def open(self, model: str, pk: int) -> None:
        url = reverse(f"admin:scheduling_{model}_change", args=[pk])
        self.assertEqual(self.client.get(url).status_code, 200)

    def logged(self) -> list[tuple[int, int | None, int | None, str]]:
        return list(
            AccessLog.objects.order_by("id").values_list(
                "user_id", "resident_id", "booking_id", "action"
            )
        )

    def test_her_resident_record(self) -> None:
        self.open("resident", self.w.hanako.pk)
        self.assertEqual(self.logged(), [(self.root.pk, self.w.hanako.pk, None, "admin_view")])

    def test_her_pregnancy(self) -> None:
        self.open("pregnancy", self.w.hanako_pregnancy.pk)
        self.assertEqual(self.logged(), [(self.root.pk, self.w.hanako.pk, None, "admin_view")])

    def test_her_booking(self) -> None:
        self.open("booking", self.booking.pk)
        self.assertEqual(
            self.logged(), [(self.root.pk, self.w.hanako.pk, self.booking.pk, "admin_view")]
        )

    def test_her_user_account(self) -> None:
        self.open("user", self.w.hanako.user.pk)
        self.assertEqual(self.logged(), [(self.root.pk, self.w.hanako.pk, None, "admin_view")])

    def test_the_residents_list_logs_each_resident_shown(self) -> None:
        response = self.client.get(reverse("admin:scheduling_resident_changelist"))
        self.assertEqual(response.status_code, 200)
        shown = {row[1] for row in self.logged()}
        self.assertEqual(shown, {self.w.hanako.pk, self.w.mei.pk})
        self.assertEqual({row[3] for row in self.logged()}, {"admin_list"})

    def test_a_configuration_record_is_not_logged(self) -> None:
        self.open("site", self.w.aoto.pk)
        self.assertEqual(self.logged(), [])
