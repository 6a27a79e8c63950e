"""The payments desk's list (issue 15): contacts done in a period, so the section that pays the
1st and 2nd 支援給付 knows whose contact happened. Yurikago pays nothing and names no amount.

The columns are exactly PAYMENT_FIELDS: which pregnancy (our reference, and the municipality's
own record key from the pregnancy notification when there is one), which contact, the day it was
done, and the municipality. No name, no health detail (due date, outcome, notes, week), nothing
the desk does not need to match a payment: the caller passes only the municipalities she
administers (scheduling.access.scope_for).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from ..contact_models import PregnancyContact

PAYMENT_FIELDS = (
    "pregnancy_reference",
    "municipality_record_key",
    "municipality",
    "contact_code",
    "contact",
    "done_on",
)


def pregnancy_reference(pregnancy_id: int) -> str:
    """A pregnancy as Yurikago names it to other sections (it has no booking reference)."""
    return f"P{pregnancy_id:08d}"


def contacts_done(
    *, municipality_ids: Iterable[int], date_from: dt.date, date_to: dt.date
) -> list[PregnancyContact]:
    """Contacts recorded done between two dates (both included), in one query."""
    return list(
        PregnancyContact.objects.filter(
            status=PregnancyContact.Status.DONE,
            done_on__gte=date_from,
            done_on__lte=date_to,
            contact__municipality_id__in=list(municipality_ids),
        )
        .select_related("contact__municipality", "pregnancy__notification", "pregnancy__resident")
        .order_by("done_on", "contact__ordering_key", "pregnancy_id")
    )


def payment_rows(records: Iterable[PregnancyContact]) -> Iterator[tuple[str, ...]]:
    """The header, then one row per contact done (see PAYMENT_FIELDS)."""
    yield PAYMENT_FIELDS
    for record in records:
        notification = getattr(record.pregnancy, "notification", None)
        yield (
            pregnancy_reference(record.pregnancy_id),
            notification.record_key if notification is not None else "",
            record.contact.municipality.code,
            record.contact.code,
            record.contact.name,
            record.done_on.isoformat() if record.done_on else "",
        )
