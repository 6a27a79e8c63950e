"""Sessions end after a while without use (finding 10): residents after 30 minutes, staff after
SESSION_IDLE_MINUTES_STAFF; every request restarts the clock; none lasts past
SESSION_MAX_HOURS, however busy."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import override_settings

from tests.base import NOW, BaseTestCase
from tests.staff.helpers import sign_in_with_mfa


def at(minutes: float) -> time_machine.travel:
    return time_machine.travel(NOW + dt.timedelta(minutes=minutes), tick=False)


class IdleSessionTimeoutTest(BaseTestCase):
    def signed_in(self, url: str) -> bool:
        response = self.client.get(url)
        self.assertIn(response.status_code, (200, 302), url)
        return response.status_code == 200

    def test_a_resident_is_signed_out_after_thirty_idle_minutes(self) -> None:
        self.client.force_login(self.w.hanako.user)
        self.assertTrue(self.signed_in("/bookings/"))
        with at(31):
            self.assertFalse(self.signed_in("/bookings/"))
        self.assertFalse(self.signed_in("/bookings/"))

    def test_each_request_restarts_her_clock(self) -> None:
        self.client.force_login(self.w.hanako.user)
        for minutes in (0, 29, 58, 87):
            with at(minutes):
                self.assertTrue(self.signed_in("/bookings/"), minutes)

    @override_settings(SESSION_IDLE_MINUTES_STAFF=120)
    def test_staff_sessions_follow_their_own_setting(self) -> None:
        sign_in_with_mfa(self.client, self.w.nurse_sato.user)
        self.assertTrue(self.signed_in("/staff/day/"))
        with at(90):
            self.assertTrue(self.signed_in("/staff/day/"))
        with at(90 + 121):
            self.assertFalse(self.signed_in("/staff/day/"))

    @override_settings(SESSION_MAX_HOURS=2)
    def test_no_session_outlives_the_absolute_limit(self) -> None:
        self.client.force_login(self.w.hanako.user)
        for minutes in range(0, 120, 20):
            with at(minutes):
                self.assertTrue(self.signed_in("/bookings/"), minutes)
        with at(121):
            self.assertFalse(self.signed_in("/bookings/"))
