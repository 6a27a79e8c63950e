"""Privacy (APPI): never a My Number field; no personal or health detail in the logs."""

from __future__ import annotations

import logging

from django.apps import apps

from scheduling.services import booking_cancel, booking_create, booking_reschedule
from tests.base import BaseTestCase, tokyo

FORBIDDEN_FIELD_WORDS = ("my_number", "mynumber", "kojin_bango", "individual_number")


def test_no_model_has_a_my_number_field() -> None:
    for model in apps.get_models():
        for field in model._meta.get_fields():
            name = field.name.lower()
            assert not any(word in name for word in FORBIDDEN_FIELD_WORDS), (model, name)


class NoPersonalDataInLogsTest(BaseTestCase):
    def test_a_booking_lifecycle_logs_nothing_about_her(self) -> None:
        records: list[logging.LogRecord] = []

        class Collect(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                records.append(record)

        handler = Collect(level=logging.DEBUG)
        root = logging.getLogger()
        old_level = root.level
        root.addHandler(handler)
        root.setLevel(logging.DEBUG)
        self.addCleanup(root.removeHandler, handler)
        self.addCleanup(root.setLevel, old_level)

        pregnancy = self.w.hanako_pregnancy
        pregnancy.notes = "つわりがひどい"
        pregnancy.handbook_number = "HB-12345"
        pregnancy.save()
        booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 8, 10),
            pregnancy=pregnancy,
            notify_email=True,
        )
        booking_reschedule(booking=booking, start=tokyo(2026, 12, 9, 10))
        booking_cancel(booking=booking, now=tokyo(2026, 12, 2, 9))

        text = "\n".join(r.getMessage() for r in records)
        secrets = [
            self.w.hanako.name,
            self.w.hanako.phone,
            self.w.hanako.email,
            "11112222",
            "つわり",
            "HB-12345",
            str(pregnancy.due_date),
        ]
        for secret in secrets:
            self.assertNotIn(secret, text)
