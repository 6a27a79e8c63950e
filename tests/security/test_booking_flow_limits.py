"""Finding 4 and 6: the web booking flow had no rate limit (26 anonymous holds in 2 s emptied a
day at one site for ten minutes), anonymous bookings sent SMS to made-up numbers, and behind a
reverse proxy every client shared one allauth rate-limit bucket. Now holds are limited per
session and per client address (the address read the same way by allauth, DRF and the booking
flow, behind TRUSTED_PROXY_COUNT proxies), codes per number and per address per day, and
bookings per number per day."""

from __future__ import annotations

from allauth.core.internal.httpkit import get_client_ip
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from frontend.limits import client_address
from notifications.models import Message
from scheduling.models import Booking
from tests.base import tokyo
from tests.frontend.helpers import START, FlowTestCase, details_data

LIMITS = {"holds_per_minute_address": 5, "holds_per_minute_session": 3}


class BookingFlowLimitsTest(FlowTestCase):
    def try_hold(self, client: Client, hour: int, minute: int = 0, **headers: str) -> int:
        return client.post(
            "/book/hold/",
            {
                "site": self.w.aoto.id,
                "start": tokyo(2026, 12, 3, hour, minute).isoformat(),
                "mode": "in_person",
                "site_code": "aoto",
            },
            **headers,
        ).status_code

    @override_settings(BOOKING_FLOW_LIMITS=LIMITS)
    def test_one_address_cannot_hold_a_whole_day(self) -> None:
        # Each try from a fresh session, as a script without cookies would.
        answers = [self.try_hold(Client(), 9 + i // 2, 30 * (i % 2)) for i in range(12)]
        self.assertEqual(answers[:5], [302] * 5)
        self.assertEqual(set(answers[5:]), {429})
        self.assertEqual(Booking.objects.filter(status=Booking.Status.HELD).count(), 5)
        # Someone else, elsewhere, still books.
        self.assertEqual(self.try_hold(Client(REMOTE_ADDR="198.51.100.7"), 15), 302)

    @override_settings(BOOKING_FLOW_LIMITS=LIMITS)
    def test_one_session_cannot_hold_time_after_time(self) -> None:
        client = Client()
        answers = [self.try_hold(client, 9, 0, REMOTE_ADDR=f"203.0.113.{i}") for i in range(1, 6)]
        self.assertEqual(answers, [302, 302, 302, 429, 429])

    @override_settings(BOOKING_FLOW_LIMITS=LIMITS, TRUSTED_PROXY_COUNT=1)
    def test_behind_a_proxy_each_client_has_its_own_bucket_and_cannot_forge_one(self) -> None:
        times = [(9, 0), (9, 30), (10, 0), (10, 30)]
        for hour, minute in times:
            xff = f"192.0.2.{hour}{minute}, 198.51.100.1"  # whatever the client claims first
            self.assertEqual(self.try_hold(Client(), hour, minute, HTTP_X_FORWARDED_FOR=xff), 302)
        # 198.51.100.1 has had four; a forged leftmost address does not give it a new bucket.
        forged = "10.9.9.9, 198.51.100.1"
        self.assertEqual(self.try_hold(Client(), 11, 0, HTTP_X_FORWARDED_FOR=forged), 302)
        self.assertEqual(self.try_hold(Client(), 13, 0, HTTP_X_FORWARDED_FOR=forged), 429)
        # Another client behind the same proxy has a bucket of her own.
        self.assertEqual(self.try_hold(Client(), 13, 30, HTTP_X_FORWARDED_FOR="198.51.100.2"), 302)

    def test_allauth_drf_and_the_booking_flow_read_one_proxy_count(self) -> None:
        self.assertEqual(settings.ALLAUTH_TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_COUNT)
        self.assertEqual(api_settings.NUM_PROXIES, settings.TRUSTED_PROXY_COUNT)
        for count in (0, 1, 2):
            with (
                self.subTest(count=count),
                override_settings(TRUSTED_PROXY_COUNT=count, ALLAUTH_TRUSTED_PROXY_COUNT=count),
            ):
                request = RequestFactory().get(
                    "/", HTTP_X_FORWARDED_FOR="10.0.0.1, 192.0.2.1, 198.51.100.1"
                )
                throttle = SimpleRateThrottle.__new__(SimpleRateThrottle)
                with override_settings(
                    REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": count}
                ):
                    api_settings.reload()
                    drf = throttle.get_ident(request)
                api_settings.reload()
                self.assertEqual(client_address(request), get_client_ip(request))
                self.assertEqual(client_address(request), drf)

    @override_settings(BOOKING_FLOW_LIMITS={"codes_per_number_day": 2})
    def test_codes_to_one_number_stop_for_the_day(self) -> None:
        hold = self.hold()
        for _ in range(3):
            response = self.client.post(
                f"/book/details/{hold.reference}/",
                details_data(hold.display_reference),
                HTTP_ACCEPT_LANGUAGE="en",
            )
        self.assertContains(response, "as many codes as we can today", status_code=422)
        self.assertEqual(Message.objects.filter(purpose="login_code").count(), 2)

    @override_settings(BOOKING_FLOW_LIMITS={"bookings_per_number_day": 2})
    def test_one_number_books_only_so_many_interviews_a_day(self) -> None:
        landline = "03-3602-1284"
        for i in range(3):
            client = Client()
            hold = self.hold(client, start=START.replace(hour=9 + i))
            response = self.send_details(
                hold,
                details_data(
                    hold.display_reference,
                    phone=landline,
                    email=f"person{i}@example.jp",
                    reminders="email",
                ),
                client=client,
                HTTP_ACCEPT_LANGUAGE="en",
            )
        self.assertContains(response, "booked the most interviews", status_code=422)
        self.assertEqual(Booking.objects.filter(status=Booking.Status.CONFIRMED).count(), 2)
