"""Existing bookings get their municipality's first contact (issue 15).

Each municipality that has interview types gets one contact, at the pregnancy notification, whose
bookable side is its first interview type (the interview Yurikago booked until now); every booking
of that municipality records it. The reverse clears the bookings' contact and removes the contacts
this migration created.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

CREATED_CODE = "notification-interview"


def forwards(apps: Any, schema_editor: Any) -> None:
    Municipality = apps.get_model("scheduling", "Municipality")
    InterviewType = apps.get_model("scheduling", "InterviewType")
    Contact = apps.get_model("scheduling", "Contact")
    Booking = apps.get_model("scheduling", "Booking")
    for municipality in Municipality.objects.all():
        itype = InterviewType.objects.filter(municipality=municipality).order_by("id").first()
        if itype is None or Contact.objects.filter(municipality=municipality).exists():
            continue
        remote_only = bool(itype.modes) and "in_person" not in itype.modes
        contact = Contact.objects.create(
            municipality=municipality,
            code=CREATED_CODE,
            name=itype.name,
            kind="remote_interview" if remote_only else "site_interview",
            due_basis="notification",
            modes=list(itype.modes or ["in_person"]),
            duration_minutes=itype.duration_minutes,
            needs_booking=True,
            interview_type=itype,
        )
        Booking.objects.filter(municipality=municipality, contact__isnull=True).update(
            contact=contact
        )


def backwards(apps: Any, schema_editor: Any) -> None:
    Contact = apps.get_model("scheduling", "Contact")
    Booking = apps.get_model("scheduling", "Booking")
    Booking.objects.filter(contact__code=CREATED_CODE).update(contact=None)
    Contact.objects.filter(code=CREATED_CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0006_contacts")]

    operations = [migrations.RunPython(forwards, backwards)]
