"""Writes for home visits (issue 15): her address, asking for a half-day, the nurse confirming a
time (and telling her), and loading a municipality's 町丁 → district → nurses list.

- She (or staff on the phone) asks for a morning or an afternoon. The visit goes into the first
  visit block of her address's district that day and half that can still take it, with travel
  time (scheduling.home_visit_capacity). No address, or a 町丁 in no district: refused, asking
  her to call (a district nurse will arrange it by phone).
- The block's nurse confirms an exact time inside the block that leaves room for the visits not
  yet timed; she is told by the outbox (SMS or email), in the same transaction.
- One active visit per pregnancy and contact: the service says so, the database keeps it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yurikago.errors import DomainError

from .contact_models import Contact
from .home_visit_capacity import Block, can_fix, can_take_one_more
from .home_visit_models import District, DistrictTown, HomeVisit, ResidentAddress, VisitBlock
from .models import Municipality, Nurse, Pregnancy, Resident, User
from .schedule_services import time_off_create

NOON = dt.time(12, 0)
ACTIVE = (HomeVisit.Status.REQUESTED, HomeVisit.Status.CONFIRMED)
POSTCODE = re.compile(r"^\d{3}-?\d{4}$")


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def resident_address_save(
    *, resident: Resident, postcode: str, town: str, building: str = ""
) -> ResidentAddress:
    """Her address for home visits: postcode (123-4567), 町丁 as written, building and room."""
    postcode = postcode.strip().translate(str.maketrans("０１２３４５６７８９－ー", "0123456789--"))
    if not POSTCODE.match(postcode):
        raise DomainError("invalid", _("Enter a postcode like 124-0012."), field="postcode")
    town = town.strip()
    if not town:
        raise DomainError("invalid", _("Enter the town and chōme."), field="town")
    digits = postcode.replace("-", "")
    address, _created = ResidentAddress.objects.update_or_create(
        resident=resident,
        defaults={
            "postcode": f"{digits[:3]}-{digits[3:]}",
            "town": town,
            "building": building.strip(),
        },
    )
    return address


def district_for(resident: Resident) -> District | None:
    address = ResidentAddress.objects.filter(resident=resident).first()
    if address is None:
        return None
    row = (
        DistrictTown.objects.filter(municipality_id=resident.municipality_id, town=address.town)
        .select_related("district")
        .first()
    )
    return row.district if row is not None else None


def block_shape(block: VisitBlock) -> Block:
    return Block(
        start=_minutes(block.start_time),
        end=_minutes(block.end_time),
        capacity=block.capacity,
        visit=block.visit_minutes,
        travel=block.travel_minutes,
    )


def _load(
    block: VisitBlock, tz: dt.tzinfo, *, leave_out: int | None = None
) -> tuple[list[int], int]:
    """The block's confirmed visits (start minutes) and how many are still to time."""
    fixed: list[int] = []
    unfixed = 0
    visits = block.visits.filter(status__in=ACTIVE)
    if leave_out is not None:
        visits = visits.exclude(pk=leave_out)
    for visit in visits:
        if visit.status == HomeVisit.Status.CONFIRMED and visit.start is not None:
            fixed.append(_minutes(visit.start.astimezone(tz).time()))
        else:
            unfixed += 1
    return fixed, unfixed


def _in_half(block: VisitBlock, half: str) -> bool:
    return block.start_time < NOON if half == HomeVisit.Half.MORNING else block.end_time > NOON


def her_district(resident: Resident, contact: Contact) -> District:
    """The district whose nurses visit her for this contact; refused (asking her to call) when
    she has no address, its 町丁 is in no district, or the contact is not done there."""
    if not ResidentAddress.objects.filter(resident=resident).exists():
        raise DomainError("invalid", _("Enter your address first."), field="address")
    district = district_for(resident)
    if district is None:
        raise DomainError(
            "invalid",
            _("We could not find the district of this address. Please call us."),
            field="address",
        )
    limited_to = {d.pk for d in contact.districts.all()}  # none: every district
    if limited_to and district.pk not in limited_to:
        raise DomainError(
            "invalid",
            _("This visit is not offered in your district. Please call us."),
            field="address",
        )
    return district


def block_with_room(
    district: District, date: dt.date, half: str, tz: dt.tzinfo, *, leave_out: int | None = None
) -> VisitBlock | None:
    """The first block of the district that day and half that can take one more visit (its
    rows locked until the transaction ends); leave_out: a visit being moved, not counted."""
    blocks = (
        VisitBlock.objects.select_for_update()
        .filter(district=district, date=date)
        .order_by("start_time", "id")
    )
    for block in blocks:
        if not _in_half(block, half):
            continue
        fixed, unfixed = _load(block, tz, leave_out=leave_out)
        if can_take_one_more(block_shape(block), fixed, unfixed):
            return block
    return None


def home_visit_request(
    *,
    pregnancy: Pregnancy,
    contact: Contact,
    date: dt.date,
    half: str,
    by_staff: bool = False,
    now: dt.datetime | None = None,
) -> HomeVisit:
    """Ask for a home visit on a morning or afternoon (see the module docstring)."""
    now = now or timezone.now()
    resident = pregnancy.resident
    municipality = resident.municipality
    if contact.municipality_id != municipality.pk or contact.kind != Contact.Kind.HOME_VISIT:
        raise DomainError("invalid", _("This contact is not a home visit."), field="contact")
    if half not in HomeVisit.Half.values:
        raise DomainError("invalid", _("Choose morning or afternoon."), field="half")
    if date <= now.astimezone(municipality.tz).date():
        raise DomainError("in_past", _("Choose a day from tomorrow on."), field="date")
    district = her_district(resident, contact)
    try:
        with transaction.atomic():
            if HomeVisit.objects.filter(
                pregnancy=pregnancy, contact=contact, status__in=ACTIVE
            ).exists():
                raise DomainError("already_booked", _("A visit is already arranged."))
            block = block_with_room(district, date, half, municipality.tz)
            if block is not None:
                return HomeVisit.objects.create(
                    pregnancy=pregnancy,
                    contact=contact,
                    block=block,
                    date=date,
                    half=half,
                    by_staff=by_staff,
                )
    except IntegrityError as exc:  # the same contact asked for twice at once
        raise DomainError("already_booked", _("A visit is already arranged.")) from exc
    raise DomainError(
        "slot_unavailable", _("No visits are left on that half-day. Please choose another.")
    )


def home_visit_confirm(
    *, visit: HomeVisit, start: dt.datetime, now: dt.datetime | None = None
) -> HomeVisit:
    """The district nurse sets the exact time; she is told (outbox, same transaction)."""
    from notifications.home_visits import queue_visit_time

    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            HomeVisit.objects.select_for_update()
            .select_related("block", "pregnancy__resident__municipality")
            .get(pk=visit.pk)
        )
        if locked.status not in ACTIVE:
            raise DomainError("invalid_state", _("This visit can no longer be changed."))
        block = VisitBlock.objects.select_for_update().get(pk=locked.block_id)
        tz = locked.pregnancy.resident.municipality.tz
        local = start.astimezone(tz)
        if local.date() != block.date or start <= now:
            raise DomainError("invalid", _("Choose a time inside the visit block."), field="start")
        fixed, unfixed = _load(block, tz, leave_out=locked.pk)
        if not can_fix(block_shape(block), fixed, unfixed + 1, _minutes(local.time())):
            raise DomainError(
                "slot_unavailable",
                _("That time leaves no room for the other visits and travel. Choose another."),
                field="start",
            )
        locked.status = HomeVisit.Status.CONFIRMED
        locked.start = start
        locked.end = start + dt.timedelta(minutes=block.visit_minutes)
        locked.save(update_fields=["status", "start", "end", "updated_at"])
        queue_visit_time(locked)
        return locked


# --- The 町丁 → district → nurses list -----------------------------------------------------


@dataclass(frozen=True)
class DistrictImport:
    districts: int
    towns: int
    nurses: int


DISTRICT_COLUMNS = ("district_code", "district_name", "town", "nurse_emails")


def district_import(*, municipality: Municipality, text: str) -> DistrictImport:
    """Replace the municipality's district list from CSV text with the columns DISTRICT_COLUMNS
    (one row per 町丁; nurse_emails separated by ";"). All or nothing: an unknown nurse, a
    町丁 in two districts or a missing column refuses the whole file."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in DISTRICT_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise DomainError("invalid", _("Missing columns: %s") % ", ".join(missing))
    nurses = {
        (n.user.email or "").lower(): n
        for n in Nurse.objects.filter(municipality=municipality).select_related("user")
    }
    names: dict[str, str] = {}
    towns: dict[str, str] = {}
    assigned: dict[str, set[int]] = {}
    for line, row in enumerate(reader, start=2):
        code, town = row["district_code"].strip(), row["town"].strip()
        if not code or not town:
            raise DomainError(
                "invalid", _("Line %d: a district code and a town are needed.") % line
            )
        if towns.get(town, code) != code:
            raise DomainError(
                "invalid", _("Line %d: this town is already in another district.") % line
            )
        towns[town] = code
        names[code] = row["district_name"].strip() or names.get(code, code)
        for email in filter(None, (e.strip().lower() for e in row["nurse_emails"].split(";"))):
            if email not in nurses:
                raise DomainError("invalid", _("Line %d: no nurse with this email here.") % line)
            assigned.setdefault(code, set()).add(nurses[email].pk)
    with transaction.atomic():
        DistrictTown.objects.filter(municipality=municipality).delete()
        districts = {}
        for code, name in names.items():
            district, _created = District.objects.update_or_create(
                municipality=municipality, code=code, defaults={"name": name}
            )
            district.nurses.set(assigned.get(code, set()))
            districts[code] = district
        DistrictTown.objects.bulk_create(
            DistrictTown(municipality=municipality, district=districts[code], town=town)
            for town, code in towns.items()
        )
    return DistrictImport(
        districts=len(names), towns=len(towns), nurses=len(set().union(*assigned.values()))
    )


def visit_block_create(
    *,
    nurse: Nurse,
    district: District,
    date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    capacity: int,
    visit_minutes: int,
    travel_minutes: int,
    actor: User | None = None,
    now: dt.datetime | None = None,
) -> VisitBlock:
    """A block of home visits in a nurse's schedule: one of her districts, from today on, not
    overlapping another of her blocks that day. The block is also her time off for interviews
    (schedule_services.time_off_create, reason "訪問 (district)"), so the booking engine offers
    no interview with her then; a block over an interview she already has is refused."""
    now = now or timezone.now()
    if (
        district.municipality_id != nurse.municipality_id
        or not district.nurses.filter(pk=nurse.pk).exists()
    ):
        raise DomainError("invalid", _("She is not a nurse of this district."), field="district")
    if date < now.astimezone(nurse.municipality.tz).date():
        raise DomainError("in_past", _("Choose a day from today on."), field="date")
    if end_time <= start_time:
        raise DomainError("invalid", _("The end must be after the start."), field="end_time")
    if not 1 <= capacity <= 20 or not 10 <= visit_minutes <= 240 or not 0 <= travel_minutes <= 120:
        raise DomainError("invalid", _("Check the number of visits and the minutes."))
    with transaction.atomic():
        if VisitBlock.objects.filter(
            nurse=nurse, date=date, start_time__lt=end_time, end_time__gt=start_time
        ).exists():
            raise DomainError(
                "slot_unavailable", _("She already has visits at that time."), field="start_time"
            )
        tz = nurse.municipality.tz
        time_off_create(
            nurse=nurse,
            start=dt.datetime.combine(date, start_time, tzinfo=tz),
            end=dt.datetime.combine(date, end_time, tzinfo=tz),
            reason=f"訪問 ({district.name})",
            actor=actor,
            now=now,
        )
        return VisitBlock.objects.create(
            nurse=nurse,
            district=district,
            date=date,
            start_time=start_time,
            end_time=end_time,
            capacity=capacity,
            visit_minutes=visit_minutes,
            travel_minutes=travel_minutes,
        )
