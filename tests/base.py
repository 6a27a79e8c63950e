"""Named personas and a small world for every test.

The clock is fixed at Tuesday 2026-12-01 09:00 in Tokyo unless a test travels elsewhere.

- Katsushika (葛飾区): sites 青戸 (aoto, weekdays, 2 rooms), にこわ (niccowa, every day but the
  2nd Sunday, open on holidays) and えきにこわ (eki, weekday evenings, 4 days' online notice).
- nurse_sato and nurse_kato work at 青戸 09:00–12:00 and 13:00–16:00 on weekdays;
  nurse_ito works at にこわ every day 10:00–12:00 (the "nurse of another site").
- hanako: a resident with a pregnancy; mei: another resident who must never see Hanako's data.
- manager_mori manages 青戸; admin_abe administers Katsushika.
- Sakuragawa (桜川町, fictional): admin_ogawa administers it, the "other municipality".
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.test import TestCase, TransactionTestCase

from scheduling.models import (
    AvailabilityRule,
    InterviewType,
    Municipality,
    Nurse,
    Pregnancy,
    Resident,
    Site,
    StaffRole,
    User,
)

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=TOKYO)  # a Tuesday
WEEKDAYS = [0, 1, 2, 3, 4]


def tokyo(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=TOKYO)


def is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def require_postgres() -> None:
    """Skip outside the PostgreSQL pass; under CI the PostgreSQL pass must run these."""
    if not is_postgres():
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (CI's second pass)")


def in_ci() -> bool:
    return os.getenv("CI", "") == "true"


def redis_or_skip() -> None:
    """Tests that need Redis at 127.0.0.1:6379: skip without it on a laptop, fail under CI."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            pass
    except OSError:
        if in_ci():
            raise AssertionError("CI needs Redis at 127.0.0.1:6379") from None
        pytest.skip("needs Redis at 127.0.0.1:6379")


@dataclass
class World:
    katsushika: Municipality
    itype: InterviewType
    aoto: Site
    niccowa: Site
    eki: Site
    nurse_sato: Nurse
    nurse_kato: Nurse
    nurse_ito: Nurse
    hanako: Resident
    hanako_pregnancy: Pregnancy
    mei: Resident
    mei_pregnancy: Pregnancy
    manager_mori: User
    admin_abe: User
    sakuragawa: Municipality
    sakuragawa_site: Site
    admin_ogawa: User


def _staff_user(email: str, name: str) -> User:
    return User.objects.create_user(
        email=email, password="correct horse battery staple", display_name=name, is_staff=False
    )


def _nurse(muni: Municipality, email: str, name: str, sites: list[Site]) -> Nurse:
    nurse = Nurse.objects.create(user=_staff_user(email, name), municipality=muni, name=name)
    nurse.sites.set(sites)
    return nurse


def _rules(nurse: Nurse, site: Site, days: list[int], ranges: list[tuple[int, int]]) -> None:
    for day in days:
        for h1, h2 in ranges:
            AvailabilityRule.objects.create(
                nurse=nurse,
                site=site,
                weekday=day,
                start_time=dt.time(h1),
                end_time=dt.time(h2),
                valid_from=dt.date(2026, 1, 1),
            )


def _resident(muni: Municipality, email: str, phone: str, name: str) -> tuple[Resident, Pregnancy]:
    user = User.objects.create_user(email=email, phone=phone, display_name=name)
    resident = Resident.objects.create(
        user=user, municipality=muni, name=name, name_kana="テスト", phone=phone, email=email
    )
    pregnancy = Pregnancy.objects.create(resident=resident, due_date=dt.date(2027, 6, 1))
    return resident, pregnancy


def make_world() -> World:
    katsushika = Municipality.objects.create(
        code="katsushika", name="葛飾区", branding_name="ゆりかご面接"
    )
    itype = InterviewType.objects.create(
        municipality=katsushika,
        code="yurikago",
        name="ゆりかご面接",
        duration_minutes=30,
        slot_step_minutes=30,
        modes=["in_person"],
        min_notice_hours=24,
        max_days_ahead=60,
        reminder_hours_before=[72, 24],
    )
    aoto = Site.objects.create(
        municipality=katsushika,
        code="aoto",
        name="青戸保健センター",
        address="葛飾区青戸4-15-14",
        rooms=2,
        open_weekdays=WEEKDAYS,
        modes=["in_person"],
    )
    niccowa = Site.objects.create(
        municipality=katsushika,
        code="niccowa",
        name="にこわ新小岩",
        address="葛飾区西新小岩4-33-2",
        rooms=1,
        open_weekdays=[0, 1, 2, 3, 4, 5, 6],
        closed_on_public_holidays=False,
        closed_nth_weekdays=[[2, 6]],
        modes=["in_person"],
    )
    eki = Site.objects.create(
        municipality=katsushika,
        code="eki",
        name="えきにこわ",
        address="葛飾区新小岩1-45-1",
        rooms=1,
        open_weekdays=WEEKDAYS,
        min_notice_days=4,
        last_start_time=dt.time(18, 15),
        modes=["in_person"],
    )
    nurse_sato = _nurse(katsushika, "sato@katsushika.example", "佐藤 看護", [aoto, eki])
    nurse_kato = _nurse(katsushika, "kato@katsushika.example", "加藤 看護", [aoto])
    nurse_ito = _nurse(katsushika, "ito@katsushika.example", "伊藤 看護", [niccowa])
    _rules(nurse_sato, aoto, WEEKDAYS, [(9, 12), (13, 16)])
    _rules(nurse_kato, aoto, WEEKDAYS, [(9, 12), (13, 16)])
    _rules(nurse_ito, niccowa, [0, 1, 2, 3, 4, 5, 6], [(10, 12)])
    AvailabilityRule.objects.create(
        nurse=nurse_sato,
        site=eki,
        weekday=4,
        start_time=dt.time(17),
        end_time=dt.time(19, 30),
        valid_from=dt.date(2026, 1, 1),
    )
    hanako, hanako_pregnancy = _resident(
        katsushika, "hanako@example.jp", "+819011112222", "山田 花子"
    )
    mei, mei_pregnancy = _resident(katsushika, "mei@example.jp", "+818033334444", "林 芽依")
    manager_mori = _staff_user("mori@katsushika.example", "森 所長")
    role = StaffRole.objects.create(
        user=manager_mori, municipality=katsushika, role=StaffRole.Role.SITE_MANAGER
    )
    role.sites.add(aoto)
    admin_abe = _staff_user("abe@katsushika.example", "阿部 管理")
    StaffRole.objects.create(
        user=admin_abe, municipality=katsushika, role=StaffRole.Role.MUNICIPALITY_ADMIN
    )
    sakuragawa = Municipality.objects.create(
        code="sakuragawa", name="桜川町", branding_name="はじめまして面談"
    )
    sakuragawa_site = Site.objects.create(
        municipality=sakuragawa,
        code="hall",
        name="桜川町役場",
        address="桜川町中央1-1",
        open_weekdays=WEEKDAYS,
    )
    admin_ogawa = _staff_user("ogawa@sakuragawa.example", "小川 管理")
    StaffRole.objects.create(
        user=admin_ogawa, municipality=sakuragawa, role=StaffRole.Role.MUNICIPALITY_ADMIN
    )
    return World(
        katsushika=katsushika,
        itype=itype,
        aoto=aoto,
        niccowa=niccowa,
        eki=eki,
        nurse_sato=nurse_sato,
        nurse_kato=nurse_kato,
        nurse_ito=nurse_ito,
        hanako=hanako,
        hanako_pregnancy=hanako_pregnancy,
        mei=mei,
        mei_pregnancy=mei_pregnancy,
        manager_mori=manager_mori,
        admin_abe=admin_abe,
        sakuragawa=sakuragawa,
        sakuragawa_site=sakuragawa_site,
        admin_ogawa=admin_ogawa,
    )


class BaseTestCase(TestCase):
    """A world of personas, built once per class, with the clock at NOW."""

    w: World

    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = make_world()

    def setUp(self) -> None:
        import time_machine
        from django.core.cache import cache

        self.traveller = time_machine.travel(NOW, tick=False)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)
        # Counters in the cache (rate limits, lockouts) start at zero in every test: the clock
        # stands still, so one test's "this minute" is the next test's too.
        cache.clear()
        # Objects from setUpTestData are deep-copied per test; refresh related caches.
        super().setUp()


class PostgresRaceTestCase(TransactionTestCase):
    """For races between threads, each on its own connection: PostgreSQL only (it skips, saying
    why, elsewhere; under CI it fails instead), committed data (no wrapping transaction), the
    clock at NOW and the world built for each test."""

    w: World

    def setUp(self) -> None:
        import time_machine

        require_postgres()
        traveller = time_machine.travel(NOW, tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)
        self.w = make_world()
        super().setUp()
