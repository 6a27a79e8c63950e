"""Fetching against a real server on 127.0.0.1 (loopback allowed only by the test setting)."""

from __future__ import annotations

import ipaddress
import time

from django.test import SimpleTestCase, override_settings

from scheduling.calendars.errors import SyncError
from scheduling.calendars.fetch import address_allowed, check_url, fetch, normalise_url

from .helpers import (
    LoopbackServer,
    endless_route,
    etag_server_route,
    redirect_route,
    send_body,
    slow_route,
)

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n"
LOOPBACK = {"CALENDAR_FETCH_ALLOW_LOOPBACK": True, "CALENDAR_FETCH_TIMEOUT": 1}


@override_settings(**LOOPBACK)
class FetchTest(SimpleTestCase):
    def setUp(self) -> None:
        self.server = LoopbackServer().__enter__()
        self.addCleanup(self.server.__exit__)

    def fails_with(self, code: str, url: str, **kwargs: str) -> SyncError:
        with self.assertRaises(SyncError) as caught:
            fetch(url, **kwargs)
        self.assertEqual(caught.exception.code, code, caught.exception)
        return caught.exception

    def test_it_returns_the_body_with_its_validators(self) -> None:
        self.server.routes["/cal.ics"] = etag_server_route(ICS, '"v1"')
        result = fetch(self.server.url("/cal.ics"))
        self.assertFalse(result.not_modified)
        self.assertEqual(result.body, ICS)
        self.assertEqual(result.etag, '"v1"')
        self.assertEqual(result.last_modified, "Tue, 01 Dec 2026 00:00:00 GMT")

    def test_it_asks_conditionally_and_understands_304(self) -> None:
        self.server.routes["/cal.ics"] = etag_server_route(ICS, '"v1"')
        result = fetch(
            self.server.url("/cal.ics"), etag='"v1"', last_modified="Tue, 01 Dec 2026 00:00:00 GMT"
        )
        self.assertTrue(result.not_modified)
        _path, headers = self.server.requests[-1]
        self.assertEqual(headers["If-None-Match"], '"v1"')
        self.assertEqual(headers["If-Modified-Since"], "Tue, 01 Dec 2026 00:00:00 GMT")

    def test_a_server_error_and_a_missing_calendar_are_told_apart(self) -> None:
        self.server.routes["/error.ics"] = send_body(b"oops", status=500)
        self.fails_with("http_status", self.server.url("/error.ics"))
        self.fails_with("not_found", self.server.url("/gone.ics"))

    def test_a_slow_server_times_out(self) -> None:
        self.server.routes["/slow.ics"] = slow_route(3)
        started = time.monotonic()
        self.fails_with("timeout", self.server.url("/slow.ics"))
        self.assertLess(time.monotonic() - started, 2.5)

    @override_settings(CALENDAR_FETCH_MAX_BYTES=5 * 1024 * 1024)
    def test_a_50_mb_body_is_refused_while_streaming(self) -> None:
        self.server.routes["/big.ics"] = endless_route(50 * 1024 * 1024, declare_length=False)
        started = time.monotonic()
        self.fails_with("too_big", self.server.url("/big.ics"))
        self.assertLess(time.monotonic() - started, 5)

    def test_a_declared_50_mb_body_is_refused_before_reading(self) -> None:
        self.server.routes["/big.ics"] = endless_route(50 * 1024 * 1024, declare_length=True)
        self.fails_with("too_big", self.server.url("/big.ics"))

    def test_a_redirect_to_a_private_or_metadata_address_is_refused(self) -> None:
        for target in (
            "http://10.0.0.7/cal.ics",
            "http://169.254.169.254/latest/meta-data/",
            "http://[fd00::1]/cal.ics",
            "http://192.168.1.1/",
        ):
            self.server.routes["/r.ics"] = redirect_route(target)
            self.fails_with("unsafe_address", self.server.url("/r.ics"))

    def test_redirects_are_followed_a_few_times_and_no_cookie_goes_along(self) -> None:
        self.server.routes["/a.ics"] = redirect_route("/b.ics")
        self.server.routes["/b.ics"] = redirect_route(self.server.url("/cal.ics"), status=301)
        self.server.routes["/cal.ics"] = send_body(ICS)
        self.assertEqual(fetch(self.server.url("/a.ics")).body, ICS)
        for _path, headers in self.server.requests:
            self.assertNotIn("Cookie", headers)
            self.assertNotIn("Authorization", headers)

    def test_a_redirect_loop_stops(self) -> None:
        self.server.routes["/loop.ics"] = redirect_route("/loop.ics")
        self.fails_with("too_many_redirects", self.server.url("/loop.ics"))
        self.assertEqual(len(self.server.requests), 4)  # the first request and 3 redirects


class AddressRulesTest(SimpleTestCase):
    def test_only_public_unicast_addresses_are_allowed(self) -> None:
        refused = [
            "10.1.2.3",
            "172.16.0.1",
            "192.168.0.1",
            "127.0.0.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "fe80::1",
            "fc00::1",
            "::",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ]
        for address in refused:
            self.assertFalse(address_allowed(ipaddress.ip_address(address)), address)
        for address in ["8.8.8.8", "133.242.0.1", "2001:4860:4860::8888"]:
            self.assertTrue(address_allowed(ipaddress.ip_address(address)), address)

    def test_loopback_is_refused_unless_the_test_setting_allows_it(self) -> None:
        with override_settings(CALENDAR_FETCH_ALLOW_LOOPBACK=False):
            self.assertFalse(address_allowed(ipaddress.ip_address("127.0.0.1")))
            # A name that resolves to loopback is caught at connect time, before any request.
            with self.assertRaises(SyncError) as caught:
                fetch("https://localhost:9/cal.ics")
            self.assertEqual(caught.exception.code, "unsafe_address")
        with override_settings(CALENDAR_FETCH_ALLOW_LOOPBACK=True):
            self.assertTrue(address_allowed(ipaddress.ip_address("127.0.0.1")))

    @override_settings(CALENDAR_FETCH_ALLOW_LOOPBACK=False)
    def test_only_https_addresses_without_credentials_are_accepted(self) -> None:
        for url in [
            "http://calendar.google.com/x.ics",
            "ftp://example.com/x.ics",
            "file:///etc/passwd",
            "https://user:pw@example.com/x.ics",
            "https://",
            "gopher://example.com/",
            "https://example.com:99999/",
        ]:
            with self.assertRaises(SyncError, msg=url):
                check_url(url)
        self.assertEqual(
            check_url("https://calendar.google.com/calendar/ical/x/basic.ics"),
            "https://calendar.google.com/calendar/ical/x/basic.ics",
        )

    def test_webcal_addresses_from_icloud_and_outlook_mean_https(self) -> None:
        self.assertEqual(
            normalise_url(" webcal://p12-caldav.icloud.com/published/2/abc "),
            "https://p12-caldav.icloud.com/published/2/abc",
        )
