"""A municipality administrator writes her municipality's own message texts in the staff portal;
nobody else finds the pages."""

from __future__ import annotations

from django.urls import reverse

from notifications.models import MessageText
from tests.staff.helpers import StaffTestCase


class MessageTextPagesTest(StaffTestCase):
    def edit_url(self, municipality_id: int | None = None, channel: str = "sms") -> str:
        return reverse(
            "staff:message_text_edit",
            args=[municipality_id or self.w.katsushika.pk, channel, "confirmation", "ja"],
        )

    def test_nobody_but_her_municipalitys_administrator_finds_the_pages(self) -> None:
        for user in [
            self.w.nurse_sato.user,
            self.w.manager_mori,
            self.w.hanako.user,
            self.w.admin_ogawa,
        ]:
            with self.subTest(user=str(user)):
                self.client.logout()
                self.sign_in(user)
                self.assertEqual(self.client.get(self.edit_url()).status_code, 404)
                response = self.client.post(self.edit_url(), {"body": "{{ when }}"})
                self.assertEqual(response.status_code, 404)
        for user in [self.w.nurse_sato.user, self.w.manager_mori, self.w.hanako.user]:
            self.client.logout()
            self.sign_in(user)
            self.assertEqual(self.client.get(reverse("staff:message_texts")).status_code, 404)
        self.client.logout()
        # Anonymous: to the sign-in page, like every staff page.
        response = self.client.get(self.edit_url())
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("account_login"), response["Location"])
        self.assertFalse(MessageText.objects.exists())

    def test_the_list_shows_shipped_and_customised(self) -> None:
        self.sign_in(self.w.admin_abe)

        def own_texts() -> list[tuple[str, str, str]]:
            response = self.client.get(reverse("staff:message_texts"))
            self.assertEqual(response.status_code, 200)
            [(municipality, rows)] = response.context["tables"]
            self.assertEqual(municipality, self.w.katsushika)
            self.assertContains(response, self.edit_url())
            return [
                (channel, purpose, language)
                for purpose, _p, channel, _c, cells in rows
                for language, _label, own in cells
                if own is not None
            ]

        self.assertEqual(own_texts(), [])
        self.client.post(self.edit_url(), {"body": "{{ when }} {{ site }} {{ reference }}"})
        self.assertEqual(own_texts(), [("sms", "confirmation", "ja")])

    def test_the_form_starts_from_the_shipped_text_with_a_preview(self) -> None:
        self.sign_in(self.w.admin_abe)
        response = self.client.get(self.edit_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn("{{ reference }}", response.context["form"].initial["body"])
        self.assertNotIn("autoescape", response.context["form"].initial["body"])
        self.assertIn("ACDE-FGHJ", response.context["preview"])
        email = self.client.get(self.edit_url(channel="email")).context["form"]
        self.assertIn("{{ reference }}", email.initial["subject"])

    def test_she_previews_saves_and_resets(self) -> None:
        self.sign_in(self.w.admin_abe)
        body = "{{ municipality }}: {{ when }} {{ site }} 番号{{ reference }}"
        preview = self.client.post(self.edit_url(), {"body": body, "preview": "1"})
        self.assertEqual(preview.status_code, 200)
        self.assertTrue(preview.context["preview"].startswith("葛飾区: "))
        self.assertFalse(MessageText.objects.exists())
        response = self.client.post(self.edit_url(), {"body": body, "save": "1"})
        self.assertRedirects(response, reverse("staff:message_texts"))
        own = MessageText.objects.get()
        self.assertEqual((own.body, own.updated_by), (body, self.w.admin_abe))
        self.assertEqual(self.client.get(self.edit_url()).context["form"].initial["body"], body)
        self.client.post(self.edit_url(), {"reset": "1"})
        self.assertFalse(MessageText.objects.exists())

    def test_a_refused_text_is_shown_next_to_the_field(self) -> None:
        self.sign_in(self.w.admin_abe)
        response = self.client.post(self.edit_url(), {"body": "{{ when }} 妊婦面接"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("body", response.context["form"].errors)
        self.assertFalse(MessageText.objects.exists())

    def test_an_unknown_message_is_404(self) -> None:
        self.sign_in(self.w.admin_abe)
        url = reverse(
            "staff:message_text_edit", args=[self.w.katsushika.pk, "fax", "confirmation", "ja"]
        )
        self.assertEqual(self.client.get(url).status_code, 404)
