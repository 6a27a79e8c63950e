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
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone

from yurikago.errors import DomainError

from . import services
from .availability import open_slots
from .demo_home_visits import visit_blocks, visit_residents
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
from .municipality_files import municipality_import

DEMO_PASSWORD = "yurikago-demo-2026"  # noqa: S105 - printed for the demo, never for production
# With DEBUG on, every demo staff account gets this TOTP secret, so the demo needs no phone app:
# `manage.py demo_totp EMAIL` prints the current code (or add the secret to any authenticator).
DEMO_TOTP_SECRET = "YURIKAGODEMOSTAFFTOTPKEY"  # noqa: S105 - base32, DEBUG only
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


DEMO_FILES = Path(__file__).with_name("demo_municipalities")


def _load(code: str) -> Municipality:
    """The municipality from its file, as an IT team onboards one (municipality_import)."""
    municipality_import((DEMO_FILES / f"{code}.yaml").read_text(encoding="utf-8"))
    muni = Municipality.objects.get(code=code)
    # Imported staff set their own password; the demo's share the printed one.
    emails = list(Nurse.objects.filter(municipality=muni).values_list("user__email", flat=True))
    emails += StaffRole.objects.filter(municipality=muni).values_list("user__email", flat=True)
    for user in User.objects.filter(email__in=emails):
        if not user.has_usable_password():
            user.password = _demo_password_hash()
            user.save(update_fields=["password"])
    return muni


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
    """Nurses beyond the file's 16 (seed_demo --nurses N, benchmarks), made the same way."""
    sites = {s.code: s for s in Site.objects.filter(municipality=muni)}
    codes = list(sites)
    nurses = []
    for i in range(Nurse.objects.filter(municipality=muni).count(), count):
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
        user = _demo_resident_user(i)
        phone = user.phone or ""
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
        except DomainError:
            continue
    return made


def _nurse1_interviews(muni: Municipality, itype: InterviewType, now: dt.datetime) -> int:
    """The README's nurse has interviews today and tomorrow, whatever day the demo is seeded
    (earlier today counts: booked as if from this morning). None on a day all her sites close."""
    nurse = Nurse.objects.get(user__email="nurse1@katsushika.example")
    today = now.astimezone(muni.tz).date()
    made = 0
    for offset in (0, 1):
        day = today + dt.timedelta(days=offset)
        start_of_day = dt.datetime.combine(day, dt.time(0), tzinfo=muni.tz)
        booked = Booking.objects.filter(
            nurse=nurse,
            status=Booking.Status.CONFIRMED,
            start__gte=start_of_day,
            start__lt=start_of_day + dt.timedelta(days=1),
        )
        if booked.exists():
            continue
        # The engine gives a slot to the least busy nurse first; a colleague's interview that
        # day (another demo resident) makes nurse1 the one.
        for attempt in range(3):
            slots = open_slots(
                municipality=muni,
                interview_type=itype,
                date_from=day,
                date_to=day,
                site_ids=list(nurse.sites.values_list("id", flat=True)),
                now=start_of_day,
                ignore_notice=True,
            )
            slot = next((s for s in slots if nurse.id in s.nurse_ids), None)
            if slot is None:
                break
            user = _demo_resident_user(20 + 3 * offset + attempt)
            resident, _ = Resident.objects.get_or_create(
                user=user,
                defaults={
                    "municipality": muni,
                    "name": user.display_name,
                    "phone": user.phone or "",
                },
            )
            pregnancy = Pregnancy.objects.create(
                resident=resident, due_date=day + dt.timedelta(200)
            )
            booking = services.booking_create(
                site=Site.objects.select_related("municipality").get(pk=slot.site_id),
                interview_type=itype,
                start=slot.start,
                pregnancy=pregnancy,
                staff=True,
                channel=Booking.Channel.STAFF,
                now=min(now, slot.start - dt.timedelta(minutes=30)),
            )
            made += 1
            if booking.nurse_id == nurse.id:
                break
    return made


def _demo_resident_user(i: int) -> User:
    phone = f"+8190{10000000 + i:08d}"
    return User.objects.filter(phone=phone).first() or User.objects.create_user(
        email=f"resident{i + 1}@example.jp",
        phone=phone,
        phone_verified=True,
        display_name=f"{FAMILY_NAMES[i % 10]} {GIVEN_NAMES[i % 10]}",
    )


@transaction.atomic
def seed(*, nurses: int = 16, residents: int = 20, seed_value: int = 7) -> DemoLogins:
    """Katsushika and 桜川町 from their files (demo_municipalities/), then demo people."""
    rng = random.Random(seed_value)
    now = timezone.now()
    valid_from = timezone.localdate() - dt.timedelta(days=30)
    muni = _load("katsushika")
    itype = InterviewType.objects.get(municipality=muni, code="yurikago")
    _katsushika_nurses(muni, nurses, valid_from)
    _user("root@example.jp", "システム管理者", superuser=True)
    _load("sakuragawa")
    # Visit blocks first: the demo's bookings then keep out of the nurses' visit afternoons.
    visit_blocks(muni, timezone.localdate())
    visit_logins = visit_residents(muni, timezone.localdate())
    made = _residents_and_bookings(muni, itype, residents, rng)
    made += _nurse1_interviews(muni, itype, now)
    totp = _demo_totp() if settings.DEBUG else []
    return DemoLogins(
        lines=[
            f"Demo bookings created: {made}",
            f"Staff password for every demo account: {DEMO_PASSWORD}",
            "  Django admin (superuser):       root@example.jp",
            "  Municipality administrator:     admin@katsushika.example",
            "  Site manager (青戸, 金町):       manager@katsushika.example",
            "  Nurse (interviews today and tomorrow): nurse1@katsushika.example",
            "  Second municipality admin:      admin@sakuragawa.example",
            "Residents sign in with a one-time code sent to their phone (printed on this console):",
            "  e.g. 090-1000-0000 … 090-1000-0019, or resident1@example.jp",
            *visit_logins,
            *totp,
        ]
    )


def _demo_totp() -> list[str]:
    """DEBUG only: staff sign-in asks for a TOTP code; the demo's come from a known secret."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    staff = User.objects.filter(
        models.Q(nurse__isnull=False)
        | models.Q(staff_roles__isnull=False)
        | models.Q(is_superuser=True)
    ).distinct()
    for user in staff.exclude(authenticator__type=Authenticator.Type.TOTP):
        TOTP.activate(user, DEMO_TOTP_SECRET)
    return [
        f"TOTP for every demo staff account (DEBUG only): secret {DEMO_TOTP_SECRET};",
        "  the current code: .venv/bin/python manage.py demo_totp nurse1@katsushika.example",
    ]
