"""The calendar settings page (her feed, imported busy times) is reachable from the staff portal:
the menu links it for nurses and managers, and her working-hours page points to it."""

from __future__ import annotations

from django.urls import reverse

from tests.staff.helpers import StaffTestCase

SETTINGS = reverse("calendars:settings")


class CalendarSettingsLinkTest(StaffTestCase):
    def test_a_nurse_finds_it_in_the_menu_of_her_day(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        response = self.client.get(reverse("staff:day"))
        self.assertContains(response, f'href="{SETTINGS}"')

    def test_her_working_hours_page_says_where_her_own_calendar_is_connected(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        response = self.client.get(reverse("staff:availability"))
        self.assertContains(response, f'href="{SETTINGS}"', count=2)  # the menu and the page

    def test_a_manager_finds_it_for_her_sites_feeds(self) -> None:
        self.sign_in(self.w.manager_mori)
        response = self.client.get(reverse("staff:dashboard"))
        self.assertContains(response, f'href="{SETTINGS}"')

    def test_the_link_leads_to_a_page_she_may_open(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        self.assertEqual(self.client.get(SETTINGS).status_code, 200)
