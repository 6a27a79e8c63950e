"""Narrower generations of the availability micro-cache (issue 19): a booking's write names its
site and nurse, and ends only the answers it can change: its site's, those of every site where
its nurse has rules (her time there is taken too), and the all-sites answers of their
municipalities. A write that names nothing (configuration, schedules, calendars) still ends
every answer, and a write that rolls back ends none."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

from scheduling.availability import Slot, availability_changed, open_slots_cached
from scheduling.models import Booking, Site
from scheduling.services import booking_cancel, booking_create, booking_reschedule
from tests.base import BaseTestCase, tokyo

THURSDAY = dt.date(2026, 12, 3)
ENGINE_QUERIES = 3  # see scheduling/availability/engine.py


@override_settings(AVAILABILITY_CACHE_SECONDS=5)
class NarrowGenerationsTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()

    def read(self, site: Site | None) -> list[Slot]:
        return open_slots_cached(
            municipality=self.w.katsushika,
            interview_type=self.w.itype,
            date_from=THURSDAY,
            date_to=THURSDAY + dt.timedelta(days=7),
            site_ids=None if site is None else [site.pk],
        )

    def read_all(self) -> None:
        for site in (self.w.aoto, self.w.niccowa, self.w.eki, None):
            self.read(site)

    def assertKept(self, site: Site | None) -> None:
        with self.assertNumQueries(0):
            self.read(site)

    def assertEnded(self, site: Site | None) -> None:
        with self.assertNumQueries(ENGINE_QUERIES):
            self.read(site)

    def test_a_booking_at_one_site_ends_its_answers_and_the_municipalitys_only(self) -> None:
        self.read_all()
        with self.captureOnCommitCallbacks(execute=True):
            availability_changed(site_id=self.w.aoto.pk, nurse_id=self.w.nurse_kato.pk)
        self.assertEnded(self.w.aoto)
        self.assertEnded(None)
        self.assertKept(self.w.niccowa)
        self.assertKept(self.w.eki)

    def test_it_ends_every_site_where_her_nurse_works(self) -> None:
        self.read_all()
        with self.captureOnCommitCallbacks(execute=True):  # 佐藤 has rules at 青戸 and えき
            availability_changed(site_id=self.w.aoto.pk, nurse_id=self.w.nurse_sato.pk)
        self.assertEnded(self.w.aoto)
        self.assertEnded(self.w.eki)
        self.assertEnded(None)
        self.assertKept(self.w.niccowa)

    def test_a_nurse_visiting_from_another_municipality_ends_her_home_answers(self) -> None:
        other = self.w.sakuragawa
        self.read_all()
        self.w.nurse_ito.municipality = other  # her rules stay at にこわ (Katsushika)
        self.w.nurse_ito.save()
        with self.captureOnCommitCallbacks(execute=True):
            availability_changed(site_id=self.w.sakuragawa_site.pk, nurse_id=self.w.nurse_ito.pk)
        self.assertEnded(self.w.niccowa)
        self.assertEnded(None)
        self.assertKept(self.w.aoto)

    def test_a_write_naming_nothing_ends_everything(self) -> None:
        self.read_all()
        with self.captureOnCommitCallbacks(execute=True):
            availability_changed()
        for site in (self.w.aoto, self.w.niccowa, self.w.eki, None):
            self.assertEnded(site)

    def test_a_rolled_back_booking_ends_nothing(self) -> None:
        self.read_all()
        with self.captureOnCommitCallbacks(execute=True):
            try:
                with transaction.atomic():
                    availability_changed(site_id=self.w.aoto.pk, nurse_id=None)
                    raise RuntimeError
            except RuntimeError:
                pass
        for site in (self.w.aoto, self.w.niccowa, self.w.eki, None):
            self.assertKept(site)

    def book_at_aoto(self) -> Booking:
        with self.captureOnCommitCallbacks(execute=True):
            return booking_create(
                site=self.w.aoto,
                interview_type=self.w.itype,
                start=tokyo(2026, 12, 3, 10),
                pregnancy=self.w.hanako_pregnancy,
                actor=self.w.hanako.user,
            )

    def test_a_cancellation_ends_its_sites_answers_not_the_others(self) -> None:
        booking = self.book_at_aoto()
        self.read_all()
        with self.captureOnCommitCallbacks(execute=True):
            booking_cancel(booking=booking, actor=self.w.hanako.user)
        self.assertEnded(self.w.aoto)
        self.assertEnded(None)
        self.assertKept(self.w.niccowa)

    def test_a_reschedule_to_another_site_ends_both(self) -> None:
        booking = self.book_at_aoto()
        self.read_all()
        with self.captureOnCommitCallbacks(execute=True):
            booking_reschedule(booking=booking, start=tokyo(2026, 12, 3, 11), site=self.w.niccowa)
        self.assertEnded(self.w.aoto)
        self.assertEnded(self.w.niccowa)
        self.assertEnded(None)

    def test_a_new_booking_ends_its_sites_answers_not_the_others(self) -> None:
        self.read_all()
        self.book_at_aoto()
        self.assertEnded(self.w.aoto)
        self.assertEnded(None)
        self.assertKept(self.w.niccowa)
