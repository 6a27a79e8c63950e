"""LINE carries the SMS texts: a municipality administrator opening a LINE text to write her
own starts from the shipped SMS text, as for SMS."""

from __future__ import annotations

from django.urls import reverse

from notifications.texts import shipped_source
from tests.staff.helpers import StaffTestCase


class LineMessageTextsTest(StaffTestCase):
    def test_the_line_text_page_starts_from_the_shipped_sms_text(self) -> None:
        self.sign_in(self.w.admin_abe)
        url = reverse(
            "staff:message_text_edit",
            args=[self.w.katsushika.pk, "line", "confirmation", "ja"],
        )
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "LINE")
        self.assertEqual(
            shipped_source("line", "confirmation", "ja"),
            shipped_source("sms", "confirmation", "ja"),
        )
