"""A process's copy of GET /availability/ for one site (issue 19) outlives a booking at another
site, whose nurse does not work there; a copy for all sites does not, nor one for the booking's
site; a write naming no site (configuration) ends them all."""

from __future__ import annotations

from typing import Any

from django.test import override_settings

from scheduling.availability import availability_changed
from tests.api.helpers import API, ApiTestCase

THURSDAY = {"from": "2026-12-03", "to": "2026-12-03"}


@override_settings(AVAILABILITY_CACHE_SECONDS=5)
class CopiesBySiteTest(ApiTestCase):
    def get(self, **params: object) -> Any:
        response = self.client_for(None).get(f"{API}/availability/", {**THURSDAY, **params})
        self.assertEqual(response.status_code, 200, response.content[:300])
        return response

    def read_all(self) -> None:
        self.get(site=self.w.aoto.pk)
        self.get(site=self.w.niccowa.pk)
        self.get()

    def announce(self, **where: int) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            availability_changed(**where)

    def test_a_booking_elsewhere_keeps_this_sites_copy(self) -> None:
        self.read_all()
        self.announce(site_id=self.w.aoto.pk, nurse_id=self.w.nurse_kato.pk)
        with self.assertNumQueries(0):
            self.get(site=self.w.niccowa.pk)
        with self.assertNumQueries(3):  # the engine's three (the lookup is kept)
            self.get(site=self.w.aoto.pk)
        with self.assertNumQueries(3):
            self.get()

    def test_a_write_naming_no_site_ends_every_copy(self) -> None:
        self.read_all()
        self.announce()
        with self.assertNumQueries(1 + 3):  # the municipality and its type, the engine
            self.get(site=self.w.niccowa.pk)
