"""Addresses a nurse may not make the server fetch: IPv6 forms that carry a private IPv4 address
inside them, host names no resolver accepts, and no message that tells her what a name resolved
to (which would let her map the internal DNS)."""

from __future__ import annotations

import ipaddress

from django.test import SimpleTestCase, override_settings

from scheduling.calendars.errors import SyncError, describe
from scheduling.calendars.fetch import address_allowed, check_url, fetch
from scheduling.calendars.services import calendar_add_url, calendar_sync
from scheduling.models import ExternalCalendar
from tests.base import NOW, BaseTestCase
from yurikago.errors import DomainError


class TransitionPrefixesTest(SimpleTestCase):
    def test_ipv6_transition_addresses_of_private_ipv4_are_refused(self) -> None:
        refused = [
            "64:ff9b::a00:1",  # NAT64 well-known prefix → 10.0.0.1
            "64:ff9b::a9fe:a9fe",  # → 169.254.169.254, the cloud metadata address
            "64:ff9b::7f00:1",  # → 127.0.0.1
            "64:ff9b:1::a00:1",  # NAT64 local-use prefix (RFC 8215)
            "64:ff9b:1::808:808",  # local-use: whatever it embeds, it is the operator's network
            "2002:a00:1::1",  # 6to4 → 10.0.0.1
            "2002:808:808::1",  # 6to4 is deprecated (RFC 7526): refused whatever it embeds
            "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo
            "2001:0:808:808::1",  # Teredo whatever it embeds
            "::ffff:169.254.169.254",  # IPv4-mapped
            "::ffff:0:a00:1",  # IPv4-translated (SIIT)
            "::a00:1",  # IPv4-compatible (deprecated) → 10.0.0.1
        ]
        with override_settings(CALENDAR_FETCH_ALLOW_LOOPBACK=False):
            for address in refused:
                self.assertFalse(address_allowed(ipaddress.ip_address(address)), address)

    def test_nat64_of_a_public_ipv4_address_is_allowed_for_ipv6_only_networks(self) -> None:
        # On an IPv6-only network DNS64 answers every IPv4-only calendar host this way.
        self.assertTrue(address_allowed(ipaddress.ip_address("64:ff9b::808:808")))
        self.assertTrue(address_allowed(ipaddress.ip_address("2001:4860:4860::8888")))

    @override_settings(CALENDAR_FETCH_ALLOW_LOOPBACK=False)
    def test_a_literal_transition_address_in_the_url_is_refused_before_connecting(self) -> None:
        for url in ("https://[64:ff9b::a00:1]/x.ics", "https://[2002:a00:1::1]/x.ics"):
            with self.assertRaises(SyncError, msg=url) as caught:
                check_url(url)
            self.assertEqual(caught.exception.code, "unsafe_address")


class HostNamesTest(SimpleTestCase):
    def test_a_300_character_host_name_is_a_bad_address_not_a_crash(self) -> None:
        for host in ("a" * 300 + ".example.com", "a" * 64 + ".example.com", "exa mple.com"):
            with self.subTest(host=host[:20]):
                with self.assertRaises(SyncError) as caught:
                    fetch(f"https://{host}/cal.ics")
                self.assertEqual(caught.exception.code, "bad_address")

    def test_an_international_domain_name_is_still_accepted(self) -> None:
        self.assertEqual(check_url("https://例え.jp/cal.ics"), "https://例え.jp/cal.ics")


class NoResolvedAddressInMessagesTest(BaseTestCase):
    @override_settings(CALENDAR_FETCH_ALLOW_LOOPBACK=False)
    def test_a_name_resolving_to_an_internal_address_is_refused_without_saying_which(self) -> None:
        calendar = ExternalCalendar.objects.create(
            nurse=self.w.nurse_sato, name="Work", url="https://localhost:9/cal.ics"
        )
        result = calendar_sync(calendar=calendar, now=NOW)
        self.assertFalse(result.ok)
        stored = ExternalCalendar.objects.get(pk=calendar.pk).last_error
        self.assertTrue(stored.startswith("unsafe_address"), stored)
        for text in (stored, result.error, describe(stored)):
            for leaked in ("127.0.0.1", "::1", "127."):
                self.assertNotIn(leaked, text)

    @override_settings(CALENDAR_FETCH_ALLOW_LOOPBACK=False)
    def test_adding_a_too_long_host_name_is_refused_in_plain_words(self) -> None:
        with self.assertRaises(DomainError) as caught:
            calendar_add_url(nurse=self.w.nurse_sato, url="https://" + "a" * 300 + ".com/x.ics")
        self.assertEqual(caught.exception.field, "url")
        self.assertFalse(ExternalCalendar.objects.exists())
