"""The access log and booking events cannot be added, changed or deleted in the Django admin,
not even by a superuser (finding 11): an audit trail its readers can edit proves nothing."""

from __future__ import annotations

from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from scheduling.models import AccessLog, Booking, BookingEvent, User
from scheduling.services import booking_create
from tests.base import BaseTestCase, tokyo
from tests.staff.helpers import sign_in_with_mfa


class AuditRecordsAreReadOnlyTest(BaseTestCase):
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
        self.log = AccessLog.objects.create(user=self.root, resident=self.w.hanako, action="view")
        self.event = BookingEvent.objects.filter(booking=self.booking).first()
        assert self.event is not None

    def test_no_admin_may_add_change_or_delete_them(self) -> None:
        request = RequestFactory().get("/admin/")
        request.user = self.root
        for model in (AccessLog, BookingEvent):
            model_admin = admin.site._registry[model]
            with self.subTest(model=model.__name__):
                self.assertFalse(model_admin.has_add_permission(request))
                self.assertFalse(model_admin.has_change_permission(request))
                self.assertFalse(model_admin.has_delete_permission(request))

    def test_posting_to_their_pages_changes_nothing(self) -> None:
        for name, obj in (("accesslog", self.log), ("bookingevent", self.event)):
            with self.subTest(model=name):
                add = self.client.post(reverse(f"admin:scheduling_{name}_add"), {})
                self.assertEqual(add.status_code, 403)
                delete = self.client.post(
                    reverse(f"admin:scheduling_{name}_delete", args=[obj.pk]), {"post": "yes"}
                )
                self.assertEqual(delete.status_code, 403)
        self.assertTrue(AccessLog.objects.filter(pk=self.log.pk).exists())
        self.assertTrue(BookingEvent.objects.filter(pk=self.event.pk).exists())

    def test_the_booking_page_offers_no_event_to_add_or_delete(self) -> None:
        booking_admin = admin.site._registry[Booking]
        request = RequestFactory().get("/admin/")
        request.user = self.root
        for inline in booking_admin.get_inline_instances(request, self.booking):
            if inline.model is BookingEvent:
                self.assertFalse(inline.has_add_permission(request, self.booking))
                self.assertFalse(inline.has_change_permission(request, self.booking))
                self.assertFalse(inline.has_delete_permission(request, self.booking))

    def test_a_bulk_delete_from_the_list_is_refused(self) -> None:
        response = self.client.post(
            reverse("admin:scheduling_bookingevent_changelist"),
            {"action": "delete_selected", "_selected_action": [self.event.pk], "post": "yes"},
        )
        self.assertIn(response.status_code, (200, 302, 403))
        self.assertTrue(BookingEvent.objects.filter(pk=self.event.pk).exists())
