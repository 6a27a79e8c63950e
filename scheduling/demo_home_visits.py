"""The demo's home visits (issue 15): each Katsushika district's visiting nurse gets visit blocks
on weekday afternoons for the next four weeks, and two demo residents live in a district and
are due a visit, so `make run` shows a bookable 妊娠後期訪問 and こんにちは赤ちゃん訪問:

- 090-2000-0001: week 30 of her pregnancy (the 8th-month visit is due), in 青戸四丁目;
- 090-2000-0002: her baby was born ten days ago (the after-birth visit is due), in 金町二丁目.

Blocks go through the home-visit service, so each is also the nurse's time off for interviews.
Idempotent: a nurse's block on a day is made once; a day whose afternoon already holds her
interviews is skipped (the service refuses to strand them).
"""

from __future__ import annotations

import datetime as dt

from yurikago.errors import DomainError

from .contact_services import pregnancy_record_end
from .home_visit_models import District, VisitBlock
from .home_visit_services import resident_address_save, visit_block_create
from .models import Municipality, Nurse, Pregnancy, PregnancyOutcome, Resident, User

# The district's visiting nurse (the file's districts list her first; nurse1–4, also listed,
# keep their interview afternoons for the demo's "interviews today and tomorrow").
VISITING_NURSES = {
    "aoto": "nurse13@katsushika.example",
    "kanamachi": "nurse14@katsushika.example",
    "mizumoto": "nurse15@katsushika.example",
    "shinkoiwa": "nurse16@katsushika.example",
}
AFTERNOON = (dt.time(13, 30), dt.time(16, 30))
WEEKS = 4
# phone, name, postcode, town, weeks pregnant today (None: born ten days ago)
VISIT_RESIDENTS = [
    ("+819020000001", "青戸 さくら", "124-0012", "青戸四丁目", 30),
    ("+819020000002", "金町 ひなた", "125-0042", "金町二丁目", None),
]


def visit_blocks(muni: Municipality, today: dt.date) -> int:
    """Weekday afternoon blocks, tomorrow to WEEKS weeks ahead; how many were made."""
    made = 0
    days = [today + dt.timedelta(days=n) for n in range(1, 7 * WEEKS + 1)]
    for district in District.objects.filter(municipality=muni, code__in=VISITING_NURSES):
        nurse = district.nurses.filter(user__email=VISITING_NURSES[district.code]).first()
        if nurse is None:
            continue
        taken = set(
            VisitBlock.objects.filter(nurse=nurse, date__gt=today).values_list("date", flat=True)
        )
        for day in days:
            if day.weekday() >= 5 or day in taken:
                continue
            try:
                visit_block_create(
                    nurse=nurse,
                    district=district,
                    date=day,
                    start_time=AFTERNOON[0],
                    end_time=AFTERNOON[1],
                    capacity=3,
                    visit_minutes=60,
                    travel_minutes=20,
                )
            except DomainError:
                continue  # interviews already booked that afternoon: leave them be
            made += 1
    return made


def visit_residents(muni: Municipality, today: dt.date) -> list[str]:
    """The two residents due a visit (made once); the login lines to print."""
    nurse = Nurse.objects.filter(municipality=muni).order_by("pk").first()
    for phone, name, postcode, town, weeks in VISIT_RESIDENTS:
        user = User.objects.filter(phone=phone).first() or User.objects.create_user(
            phone=phone, phone_verified=True, display_name=name
        )
        resident, created = Resident.objects.get_or_create(
            user=user,
            defaults={"municipality": muni, "name": name, "phone": phone},
        )
        if not created:
            continue
        resident_address_save(resident=resident, postcode=postcode, town=town, building="")
        if weeks is not None:
            due = today + dt.timedelta(days=280 - 7 * weeks)
            Pregnancy.objects.create(resident=resident, due_date=due)
        else:
            born = today - dt.timedelta(days=10)
            pregnancy = Pregnancy.objects.create(resident=resident, due_date=born)
            pregnancy_record_end(
                pregnancy=pregnancy, outcome=PregnancyOutcome.BIRTH, on=born, babies=1, nurse=nurse
            )
    return [
        "Home visits (a district nurse's afternoon blocks; nurse13@katsushika.example):",
        "  090-2000-0001 (8th month, 青戸) and 090-2000-0002 (after birth, 金町)",
    ]
