"""Secret feed addresses: long random tokens stored hashed, revocable; ETag and 304 answered
without building the calendar; a fixed number of queries whatever the number of bookings."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduling.calendars.services import (
    nurse_feed_revoke,
    nurse_feed_rotate,
    site_feed_revoke,
    site_feed_rotate,
)
from scheduling.models import Booking, Nurse
from tests.base import BaseTestCase

from .helpers import make_bookings


class FeedTokenTest(BaseTestCase):
    def test_a_token_has_at_least_128_bits_and_only_its_hash_is_stored(self) -> None:
        token = nurse_feed_rotate(nurse=self.w.nurse_sato)
        self.assertGreaterEqual(len(token) * 6, 128)  # url-safe base64: 6 bits a character
        nurse = Nurse.objects.get(pk=self.w.nurse_sato.pk)
        self.assertEqual(nurse.feed_token_hash, hashlib.sha256(token.encode()).hexdigest())
        self.assertNotIn(token, str(Nurse.objects.filter(pk=nurse.pk).values().first()))
        self.assertIsNotNone(nurse.feed_token_created_at)

    def test_a_replaced_token_stops_working_and_the_new_one_works(self) -> None:
        old = nurse_feed_rotate(nurse=self.w.nurse_sato)
        new = nurse_feed_rotate(nurse=self.w.nurse_sato)
        self.assertNotEqual(old, new)
        self.assertEqual(self.client.get(f"/calendar/nurse/{old}.ics").status_code, 404)
        self.assertEqual(self.client.get(f"/calendar/nurse/{new}.ics").status_code, 200)

    def test_a_revoked_token_gets_404(self) -> None:
        token = nurse_feed_rotate(nurse=self.w.nurse_sato)
        nurse_feed_revoke(nurse=self.w.nurse_sato)
        self.assertEqual(self.client.get(f"/calendar/nurse/{token}.ics").status_code, 404)
        site_token = site_feed_rotate(site=self.w.aoto)
        site_feed_revoke(site=self.w.aoto)
        self.assertEqual(self.client.get(f"/calendar/site/{site_token}.ics").status_code, 404)

    def test_an_inactive_nurse_has_no_feed(self) -> None:
        token = nurse_feed_rotate(nurse=self.w.nurse_sato)
        Nurse.objects.filter(pk=self.w.nurse_sato.pk).update(is_active=False)
        self.assertEqual(self.client.get(f"/calendar/nurse/{token}.ics").status_code, 404)

    def test_made_up_tokens_get_404_and_never_match_a_nurse_without_a_feed(self) -> None:
        for token in ["x", "a" * 43, "", "-" * 43]:
            self.assertEqual(self.client.get(f"/calendar/nurse/{token}.ics").status_code, 404)
        self.assertEqual(self.client.get("/calendar/nurse/.ics").status_code, 404)

    def test_a_nurse_token_does_not_open_a_site_feed(self) -> None:
        token = nurse_feed_rotate(nurse=self.w.nurse_sato)
        self.assertEqual(self.client.get(f"/calendar/site/{token}.ics").status_code, 404)

    def test_the_feed_is_not_for_shared_caches_or_search_engines(self) -> None:
        token = nurse_feed_rotate(nurse=self.w.nurse_sato)
        response = self.client.get(f"/calendar/nurse/{token}.ics")
        self.assertEqual(response["Cache-Control"], "private, no-cache")
        self.assertIn("noindex", response["X-Robots-Tag"])


class FeedCachingTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.token = nurse_feed_rotate(nurse=self.w.nurse_sato)
        self.url = f"/calendar/nurse/{self.token}.ics"

    def test_if_none_match_gets_304_until_a_booking_changes(self) -> None:
        (booking,) = make_bookings(self.w, 1)
        etag = self.client.get(self.url)["ETag"]
        response = self.client.get(self.url, headers={"If-None-Match": etag})
        self.assertEqual(response.status_code, 304)
        self.assertEqual(response.content, b"")
        self.assertEqual(response["ETag"], etag)
        weak = self.client.get(self.url, headers={"If-None-Match": f'"other", W/{etag}'})
        self.assertEqual(weak.status_code, 304)

        booking.sequence += 1
        booking.save()  # updated_at moves
        changed = self.client.get(self.url, headers={"If-None-Match": etag})
        self.assertEqual(changed.status_code, 200)
        self.assertNotEqual(changed["ETag"], etag)

    def test_a_new_or_aged_out_booking_changes_the_etag(self) -> None:
        make_bookings(self.w, 2)
        etag = self.client.get(self.url)["ETag"]
        make_bookings(self.w, 1, first=dt.datetime(2026, 12, 10, 1, tzinfo=dt.UTC))
        self.assertNotEqual(self.client.get(self.url)["ETag"], etag)

    def test_a_304_is_answered_with_two_queries_and_without_building(self) -> None:
        make_bookings(self.w, 20)
        etag = self.client.get(self.url)["ETag"]
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.url, headers={"If-None-Match": etag})
        self.assertEqual(response.status_code, 304)
        # The token lookup and one aggregate (count, max(updated_at)); no booking is loaded.
        self.assertEqual(len(queries), 2, [q["sql"] for q in queries])
        self.assertIn("COUNT(", queries[1]["sql"].upper())

    def test_the_feed_takes_three_queries_for_one_booking_or_for_fifty(self) -> None:
        make_bookings(self.w, 1)
        with self.assertNumQueries(3):
            self.client.get(self.url)
        make_bookings(self.w, 49, first=dt.datetime(2026, 12, 20, 0, tzinfo=dt.UTC))
        with self.assertNumQueries(3):
            response = self.client.get(self.url)
        self.assertEqual(response.content.count(b"BEGIN:VEVENT"), 50)

    def test_the_site_feed_takes_three_queries_too(self) -> None:
        token = site_feed_rotate(site=self.w.aoto)
        make_bookings(self.w, 10)
        make_bookings(
            self.w, 10, nurse=self.w.nurse_kato, first=dt.datetime(2026, 12, 20, 0, tzinfo=dt.UTC)
        )
        with self.assertNumQueries(3):
            response = self.client.get(f"/calendar/site/{token}.ics")
        self.assertEqual(response.content.count(b"BEGIN:VEVENT"), 20)
        self.assertEqual(Booking.objects.count(), 20)
