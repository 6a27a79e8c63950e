"""The Django admin works for every model, with data in it, in Japanese."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse

from scheduling.models import User
from scheduling.services import booking_create
from tests.base import BaseTestCase, tokyo
from tests.staff.helpers import sign_in_with_mfa


class AdminPagesTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.w.hanako_pregnancy,
        )
        root = User.objects.create_superuser(email="root@example.jp", password="x")
        sign_in_with_mfa(self.client, root)  # the admin needs password + TOTP

    def test_every_changelist_add_and_change_page_opens(self) -> None:
        for model, model_admin in admin.site._registry.items():
            info = (model._meta.app_label, model._meta.model_name)
            with self.subTest(model=model.__name__):
                response = self.client.get(reverse(f"admin:{info[0]}_{info[1]}_changelist"))
                self.assertEqual(response.status_code, 200)
                if model_admin.has_add_permission(response.wsgi_request):
                    response = self.client.get(reverse(f"admin:{info[0]}_{info[1]}_add"))
                    self.assertEqual(response.status_code, 200)
                obj = model._default_manager.first()
                if obj is not None:
                    response = self.client.get(
                        reverse(f"admin:{info[0]}_{info[1]}_change", args=[obj.pk])
                    )
                    self.assertEqual(response.status_code, 200)

    def test_the_admin_speaks_japanese_by_default(self) -> None:
        response = self.client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="ja")
        self.assertContains(response, "サイト管理")
