"""The `districts` section of a municipality file: 地区担当, which 町丁 belong to which district and
which nurses visit there (home visits, issue 15).

```yaml
districts:
- code: aoto
  name: 青戸地区
  towns: [青戸一丁目, 青戸二丁目]
  nurses: [nurse1@katsushika.example]
```

When the section lists districts, the municipality's town → district map becomes exactly the
file's (a town moves with the file), and each listed district's nurses become the file's. A
district the file does not list is left alone, as sites are: its visit blocks may still be in use.
The same rules as `manage.py district_import` (a CSV of the same map): a town in two districts or
a nurse who is not in this municipality refuses the whole file, naming the line.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import District, DistrictTown, Municipality, Nurse
from .municipality_file_reading import (
    Changes,
    FileError,
    Node,
    keys_known,
    required,
    row_save,
    section_items,
)

DISTRICT_KEYS = {"code", "name", "towns", "nurses"}


def districts_import(data: Node, muni: Municipality, changes: Changes) -> None:
    items = section_items(data, "districts")
    if not items:
        return
    nurses = {
        (n.user.email or "").lower(): n
        for n in Nurse.objects.filter(municipality=muni).select_related("user")
    }
    wanted_towns: dict[str, District] = {}
    for item in items:
        district = _district(item, muni, changes)
        for town in _strings(item, "towns"):
            if town in wanted_towns and wanted_towns[town] != district:
                raise FileError(f"town {town} is in two districts", item.at("towns"))
            wanted_towns[town] = district
        _district_nurses(item, district, nurses, changes)
    _replace_towns(muni, wanted_towns, changes)
    changes.section_done("district")


def _district(item: Node, muni: Municipality, changes: Changes) -> District:
    keys_known(item, DISTRICT_KEYS, "district")
    code = required(item, "code", "district")
    values = {"name": item.get("name") or code}
    return row_save(
        District, {"municipality": muni, "code": code}, values, item, changes, "district", code
    )


def _strings(item: Node, key: str) -> list[str]:
    value = item.get(key) or []
    if not isinstance(value, list):
        raise FileError(f"district {item.get('code')}: `{key}` must be a list", item.at(key))
    return [str(v).strip() for v in value if str(v).strip()]


def _district_nurses(
    item: Node, district: District, nurses: dict[str, Nurse], changes: Changes
) -> None:
    wanted = set()
    for email in _strings(item, "nurses"):
        nurse = nurses.get(email.lower())
        if nurse is None:
            raise FileError(
                f"district {district.code}: no nurse {email} in this municipality",
                item.at("nurses"),
            )
        wanted.add(nurse)
    if set(district.nurses.all()) != wanted:
        district.nurses.set(wanted)
        changes.note("district nurses", district.code, "updated")


def _replace_towns(muni: Municipality, wanted: dict[str, District], changes: Changes) -> None:
    current = {
        town: district_id
        for town, district_id in DistrictTown.objects.filter(municipality=muni).values_list(
            "town", "district_id"
        )
    }
    if current == {town: district.pk for town, district in wanted.items()}:
        return
    DistrictTown.objects.filter(municipality=muni).delete()
    DistrictTown.objects.bulk_create(
        DistrictTown(municipality=muni, district=district, town=town)
        for town, district in wanted.items()
    )
    changes.note("district towns", muni.code, "updated", f"{len(wanted)} towns")


def districts_export(muni: Municipality) -> list[dict[str, Any]]:
    districts: models.QuerySet[District] = (
        District.objects.filter(municipality=muni)
        .prefetch_related("towns", "nurses__user")
        .order_by("code")
    )
    return [
        {
            "code": d.code,
            "name": d.name,
            # in the order the file gave them (rows are written in that order)
            "towns": [t.town for t in sorted(d.towns.all(), key=lambda t: t.pk)],
            "nurses": sorted(n.user.email for n in d.nurses.all()),
        }
        for d in districts
    ]
