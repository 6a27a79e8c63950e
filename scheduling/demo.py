"""Demo data: Katsushika's 12 real sites (DOMAIN.md) with fictional nurses and residents, and a
small fictional second municipality that proves roll-out is configuration only.

Idempotent: every object is looked up by a stable code first. Used by `seed_demo`, the
benchmarks and the browser tests.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from . import services
from .errors import BookingError
from .models import (
    AvailabilityRule,
    Booking,
    InterviewType,
    Municipality,
    Nurse,
    Pregnancy,
    Resident,
    Site,
    StaffRole,
    User,
)

DEMO_PASSWORD = "yurikago-demo-2026"  # noqa: S105 - printed for the demo, never for production
WEEKDAYS = [0, 1, 2, 3, 4]
EVERY_DAY = [0, 1, 2, 3, 4, 5, 6]

# code, name, name_en, address, rooms, open days, holidays closed, [n, weekday] closures,
# year-end (from, to), last start, online minimum notice (days)
KATSUSHIKA_SITES = [
    (
        "aoto",
        "青戸保健センター（健康プラザかつしか2階）",
        "Aoto Health Centre",
        "葛飾区青戸4-15-14",
        3,
        WEEKDAYS,
        True,
        [],
        ("12-29", "01-03"),
        None,
        None,
    ),
    (
        "kanamachi",
        "金町保健センター",
        "Kanamachi Health Centre",
        "葛飾区金町4-18-19",
        2,
        WEEKDAYS,
        True,
        [],
        ("12-29", "01-03"),
        None,
        None,
    ),
    (
        "mizumoto",
        "水元保健センター",
        "Mizumoto Health Centre",
        "葛飾区東水元1-7-3",
        2,
        WEEKDAYS,
        True,
        [],
        ("12-29", "01-03"),
        None,
        None,
    ),
    (
        "niccowa",
        "にこわ新小岩（新小岩保健センター）",
        "Niccowa Shin-Koiwa",
        "葛飾区西新小岩4-33-2",
        2,
        EVERY_DAY,
        False,
        [[2, 6]],
        ("12-29", "01-03"),
        None,
        None,
    ),
    (
        "eki-niccowa",
        "えきにこわ（JR新小岩南口ビル6階）",
        "Eki-Niccowa",
        "葛飾区新小岩1-45-1",
        1,
        WEEKDAYS,
        True,
        [],
        ("12-29", "01-03"),
        dt.time(18, 15),
        4,
    ),
    (
        "kuyakusho",
        "区役所 子育て支援窓口",
        "Ward Office Child-Rearing Desk",
        "葛飾区立石5-13-1",
        2,
        WEEKDAYS,
        True,
        [],
        ("12-29", "01-03"),
        None,
        None,
    ),
    (
        "kamakura",
        "子ども未来プラザ鎌倉",
        "Kodomo Mirai Plaza Kamakura",
        "葛飾区鎌倉",
        1,
        EVERY_DAY,
        False,
        [[1, 6]],
        ("12-28", "01-04"),
        None,
        None,
    ),
    (
        "higashiyotsugi",
        "子ども未来プラザ東四つ木",
        "Kodomo Mirai Plaza Higashi-Yotsugi",
        "葛飾区東四つ木",
        1,
        EVERY_DAY,
        False,
        [[3, 6]],
        ("12-28", "01-04"),
        None,
        None,
    ),
    (
        "kosuge",
        "小菅児童館",
        "Kosuge Children's Hall",
        "葛飾区小菅",
        1,
        EVERY_DAY,
        False,
        [[2, 6]],
        ("12-28", "01-04"),
        None,
        None,
    ),
    (
        "minamishinjuku",
        "南新宿児童館",
        "Minami-Shinjuku Children's Hall",
        "葛飾区新宿",
        1,
        EVERY_DAY,
        False,
        [[4, 6]],
        ("12-28", "01-04"),
        None,
        None,
    ),
    (
        "shiratori",
        "白鳥児童館",
        "Shiratori Children's Hall",
        "葛飾区白鳥",
        1,
        EVERY_DAY,
        False,
        [[1, 6]],
        ("12-28", "01-04"),
        None,
        None,
    ),
    (
        "shinmizumoto",
        "新水元児童館",
        "Shin-Mizumoto Children's Hall",
        "葛飾区水元",
        1,
        EVERY_DAY,
        False,
        [[3, 6]],
        ("12-28", "01-04"),
        None,
        None,
    ),
]

NURSE_NAMES = [
    "青木 さくら",
    "石井 みどり",
    "上田 かおり",
    "遠藤 ゆみ",
    "大野 なおみ",
    "加藤 まい",
    "木村 あや",
    "小林 えり",
    "斉藤 ちひろ",
    "佐々木 はるか",
    "鈴木 ともこ",
    "高橋 のぞみ",
    "田中 りえ",
    "中村 さやか",
    "西田 あかね",
    "橋本 ゆかり",
]
FAMILY_NAMES = ["山田", "佐藤", "伊藤", "渡辺", "松本", "井上", "林", "清水", "森", "池田"]
GIVEN_NAMES = ["花子", "美咲", "陽菜", "結衣", "葵", "凛", "芽依", "彩", "Linh", "Mei"]


@dataclass
class DemoLogins:
    lines: list[str]


@functools.cache
def _demo_password_hash() -> str:
    # Hashing is deliberately slow (PBKDF2); hash once and share it between the demo accounts.
    return make_password(DEMO_PASSWORD)


def _user(email: str, name: str, *, superuser: bool = False) -> User:
    # Only superusers are is_staff (the Django admin); nurses, managers and administrators work
    # in /staff/, where their roles decide what they see (scheduling.access).
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(
            email=email,
            display_name=name,
            is_staff=superuser,
            is_superuser=superuser,
            password=_demo_password_hash(),
        )
    return user


def _municipality_katsushika() -> tuple[Municipality, InterviewType]:
    muni, _ = Municipality.objects.update_or_create(
        code="katsushika",
        defaults={
            "name": "葛飾区",
            "name_en": "Katsushika City",
            "branding_name": "ゆりかご面接",
            "time_zone": "Asia/Tokyo",
            "contact_phone": "03-3602-1284",
        },
    )
    for i, (
        code,
        name,
        name_en,
        address,
        rooms,
        days,
        holidays,
        nth,
        year_end,
        last,
        notice,
    ) in enumerate(KATSUSHIKA_SITES):
        Site.objects.update_or_create(
            municipality=muni,
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "address": address,
                "rooms": rooms,
                "open_weekdays": days,
                "closed_on_public_holidays": holidays,
                "closed_nth_weekdays": nth,
                "year_end_start": year_end[0],
                "year_end_end": year_end[1],
                "last_start_time": last,
                "min_notice_days": notice,
                "modes": ["in_person"],
                "ordering_key": i,
            },
        )
    itype, _ = InterviewType.objects.update_or_create(
        municipality=muni,
        code="yurikago",
        defaults={
            "name": "ゆりかご面接",
            "duration_minutes": 30,
            "buffer_minutes": 0,
            "slot_step_minutes": 30,
            "modes": ["in_person"],
            "min_notice_hours": 24,
            "max_days_ahead": 60,
            "hold_minutes": 10,
            "cancel_deadline_business_days": 1,
            "cancel_deadline_time": dt.time(11, 0),
            "reminder_hours_before": [72, 24],
        },
    )
    return muni, itype


def _rules_for(
    nurse: Nurse,
    site: Site,
    weekdays: list[int],
    ranges: list[tuple[int, int, int, int]],
    valid_from: dt.date,
) -> None:
    for weekday in weekdays:
        for h1, m1, h2, m2 in ranges:
            AvailabilityRule.objects.get_or_create(
                nurse=nurse,
                site=site,
                weekday=weekday,
                start_time=dt.time(h1, m1),
                end_time=dt.time(h2, m2),
                defaults={"valid_from": valid_from},
            )


def _katsushika_nurses(muni: Municipality, count: int, valid_from: dt.date) -> list[Nurse]:
    sites = {s.code: s for s in Site.objects.filter(municipality=muni)}
    codes = list(sites)
    nurses = []
    for i in range(count):
        name = NURSE_NAMES[i % len(NURSE_NAMES)] + ("" if i < len(NURSE_NAMES) else f" {i}")
        user = _user(f"nurse{i + 1}@katsushika.example", name)
        nurse, _ = Nurse.objects.update_or_create(
            user=user,
            defaults={
                "municipality": muni,
                "name": name,
                "qualification": "midwife" if i % 3 == 2 else "phn",
                "languages": ["ja", "en"] if i % 4 == 0 else ["ja"],
            },
        )
        home = sites[codes[i % len(codes)]]
        nurse.sites.add(home)
        if home.code == "eki-niccowa":
            _rules_for(nurse, home, WEEKDAYS, [(17, 0, 19, 30)], valid_from)
        elif home.open_weekdays == WEEKDAYS:
            _rules_for(nurse, home, WEEKDAYS, [(9, 0, 12, 0), (13, 0, 16, 30)], valid_from)
        else:
            # Children's halls: two nurses share the week.
            days = [0, 2, 4, 6] if i % 2 == 0 else [1, 3, 5]
            _rules_for(nurse, home, days, [(10, 0, 12, 0), (13, 0, 16, 0)], valid_from)
        nurses.append(nurse)
    return nurses


def _sakuragawa(valid_from: dt.date) -> Municipality:
    """A small fictional town: two sites, video interviews, 20 minutes, one reminder."""
    muni, _ = Municipality.objects.update_or_create(
        code="sakuragawa",
        defaults={
            "name": "桜川町（架空）",
            "name_en": "Sakuragawa Town (fictional)",
            "branding_name": "はじめまして面談",
            "time_zone": "Asia/Tokyo",
        },
    )
    hall, _ = Site.objects.update_or_create(
        municipality=muni,
        code="town-hall",
        defaults={
            "name": "桜川町役場 保健福祉課",
            "address": "桜川町中央1-1",
            "rooms": 1,
            "open_weekdays": WEEKDAYS,
            "modes": ["in_person", "video"],
        },
    )
    Site.objects.update_or_create(
        municipality=muni,
        code="community",
        defaults={
            "name": "桜川町 地域交流センター",
            "address": "桜川町東2-3",
            "rooms": 1,
            "open_weekdays": [1, 3],
            "modes": ["in_person"],
        },
    )
    InterviewType.objects.update_or_create(
        municipality=muni,
        code="first-interview",
        defaults={
            "name": "はじめまして面談",
            "duration_minutes": 20,
            "slot_step_minutes": 20,
            "modes": ["in_person", "video"],
            "min_notice_hours": 48,
            "max_days_ahead": 30,
            "reminder_hours_before": [48],
        },
    )
    user = _user("nurse@sakuragawa.example", "桜川 保健師")
    nurse, _ = Nurse.objects.update_or_create(
        user=user, defaults={"municipality": muni, "name": "桜井 ひろみ"}
    )
    nurse.sites.add(hall)
    _rules_for(nurse, hall, WEEKDAYS, [(9, 0, 12, 0)], valid_from)
    admin = _user("admin@sakuragawa.example", "桜川町 管理者")
    StaffRole.objects.get_or_create(
        user=admin, municipality=muni, role=StaffRole.Role.MUNICIPALITY_ADMIN
    )
    return muni


def _residents_and_bookings(
    muni: Municipality, itype: InterviewType, count: int, rng: random.Random
) -> int:
    if Booking.objects.filter(municipality=muni, pregnancy__isnull=False).exists():
        return 0
    now = timezone.now()
    today = now.astimezone(muni.tz).date()
    made = 0
    from .availability import open_slots

    slots = open_slots(
        municipality=muni,
        interview_type=itype,
        date_from=today,
        date_to=today + dt.timedelta(days=21),
        now=now,
    )
    rng.shuffle(slots)
    for i in range(count):
        phone = f"+8190{10000000 + i:08d}"
        user = User.objects.filter(phone=phone).first() or User.objects.create_user(
            email=f"resident{i + 1}@example.jp",
            phone=phone,
            phone_verified=True,
            display_name=f"{FAMILY_NAMES[i % 10]} {GIVEN_NAMES[i % 10]}",
        )
        resident, _ = Resident.objects.get_or_create(
            user=user,
            defaults={
                "municipality": muni,
                "name": user.display_name,
                "phone": phone,
                "email": user.email or "",
                "preferred_language": "en" if i % 7 == 3 else "ja",
            },
        )
        pregnancy = Pregnancy.objects.create(
            resident=resident,
            due_date=today + dt.timedelta(days=rng.randint(150, 250)),
            preferred_language=resident.preferred_language,
            first_pregnancy=i % 2 == 0,
        )
        if i >= len(slots):
            continue
        slot = slots[i]
        site = Site.objects.select_related("municipality").get(pk=slot.site_id)
        try:
            services.booking_create(
                site=site,
                interview_type=itype,
                start=slot.start,
                pregnancy=pregnancy,
                notify_sms=True,
                notify_email=i % 3 == 0,
                language=resident.preferred_language,
                channel=Booking.Channel.STAFF if i % 4 == 0 else Booking.Channel.ONLINE,
                staff=True,
                now=now,
            )
            made += 1
        except BookingError:
            continue
    return made


@transaction.atomic
def seed(*, nurses: int = 16, residents: int = 20, seed_value: int = 7) -> DemoLogins:
    rng = random.Random(seed_value)
    today = timezone.localdate()
    valid_from = today - dt.timedelta(days=30)
    muni, itype = _municipality_katsushika()
    _katsushika_nurses(muni, nurses, valid_from)
    admin = _user("admin@katsushika.example", "葛飾区 管理者")
    StaffRole.objects.get_or_create(
        user=admin, municipality=muni, role=StaffRole.Role.MUNICIPALITY_ADMIN
    )
    manager = _user("manager@katsushika.example", "青戸 所長")
    role, _ = StaffRole.objects.get_or_create(
        user=manager, municipality=muni, role=StaffRole.Role.SITE_MANAGER
    )
    role.sites.add(*Site.objects.filter(municipality=muni, code__in=["aoto", "kanamachi"]))
    _user("root@example.jp", "システム管理者", superuser=True)
    _sakuragawa(valid_from)
    made = _residents_and_bookings(muni, itype, residents, rng)
    return DemoLogins(
        lines=[
            f"Demo bookings created: {made}",
            f"Staff password for every demo account: {DEMO_PASSWORD}",
            "  Django admin (superuser):       root@example.jp",
            "  Municipality administrator:     admin@katsushika.example",
            "  Site manager (青戸, 金町):       manager@katsushika.example",
            "  Nurse:                          nurse1@katsushika.example",
            "  Second municipality admin:      admin@sakuragawa.example",
            "Residents sign in with a one-time code sent to their phone (printed on this console):",
            "  e.g. 090-1000-0000 … 090-1000-0019, or resident1@example.jp",
        ]
    )
