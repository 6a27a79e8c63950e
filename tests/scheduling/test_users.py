"""Users: email is optional and unique; a resident may have only a phone."""

from __future__ import annotations

from django.test import TestCase

from scheduling.models import User


class UsersTest(TestCase):
    def test_several_users_without_an_email_can_exist(self) -> None:
        first = User.objects.create_user(phone="+819011110001")
        second = User.objects.create_user(phone="+819011110002")
        self.assertIsNone(first.email)
        self.assertIsNone(second.email)
        self.assertFalse(first.has_usable_password())

    def test_a_superuser_signs_in_by_email(self) -> None:
        root = User.objects.create_superuser(email="Root@Example.JP", password="pw")
        self.assertTrue(root.is_staff and root.is_superuser)
        self.assertEqual(root.email, "Root@example.jp")
