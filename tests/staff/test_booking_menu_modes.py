"""The staff booking menu offers only the modes the chosen site and the interview type both
have: video and phone are not offered at an in-person-only site, so she never picks a mode that
then finds "no free times"."""

from __future__ import annotations

import re

from django.urls import reverse

from tests.staff.helpers import StaffTestCase


def mode_options(html: str) -> list[str]:
    select = re.search(r'<select name="mode"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, "no mode menu"
    return re.findall(r'<option value="(\w+)"', select.group(1))


class BookingMenuModesTest(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.w.itype.modes = ["in_person", "video", "phone"]
        self.w.itype.save()
        self.w.eki.modes = ["in_person", "video"]  # えきにこわ also does video
        self.w.eki.save()
        self.sign_in(self.w.nurse_sato.user)

    def test_an_in_person_only_site_offers_in_person_only(self) -> None:
        response = self.client.get(reverse("staff:book"), {"site": self.w.aoto.pk})
        self.assertEqual(mode_options(response.content.decode()), ["in_person"])

    def test_a_site_with_video_offers_what_the_interview_type_also_has(self) -> None:
        response = self.client.get(reverse("staff:book"), {"site": self.w.eki.pk})
        self.assertEqual(mode_options(response.content.decode()), ["in_person", "video"])

    def test_a_mode_the_interview_type_lacks_is_not_offered_even_where_the_site_has_it(
        self,
    ) -> None:
        self.w.itype.modes = ["in_person"]
        self.w.itype.save()
        response = self.client.get(reverse("staff:book"), {"site": self.w.eki.pk})
        self.assertEqual(mode_options(response.content.decode()), ["in_person"])

    def test_switching_to_a_site_without_the_mode_shows_its_free_times_in_person(self) -> None:
        response = self.client.get(
            reverse("staff:book"),
            {"site": self.w.aoto.pk, "date": "2026-12-01", "mode": "video"},
        )
        html = response.content.decode()
        self.assertIn("13:00", html)  # 青戸's in-person times, not "no free times"
        self.assertIn("mode=in_person", html)
