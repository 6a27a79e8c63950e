"""The hold's input and answer serializers (SlotRequest, HoldSerializer) build and bind their
fields once per class instead of at every request (issue 19, sixth round: DRF's deep copy of the
declared fields, and a ModelSerializer's fields built from the model, at every hold and refused
hold of the 09:00 rush). The same validation, the same translated messages and the same JSON as
the same serializer built DRF's way."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.test import SimpleTestCase
from django.utils import timezone, translation
from rest_framework import serializers

from api.serializers import HoldSerializer, SlotRequest
from scheduling.models import Booking

BAD_BODIES: list[Any] = [
    {},
    [],
    "text",
    None,
    {"site": "x", "start": "soon"},
    {"site": 0, "start": "2026-12-03T10:00:00+09:00"},
    {"site": 2**31, "start": "2026-12-03T10:00:00"},
    {"site": 1, "start": "1999-12-31T23:00:00Z"},
    {"site": 1, "start": "2026-12-03T10:00:00Z", "mode": "fax"},
    {"site": 1, "start": "2026-12-03T10:00:00Z", "interview_type": "not a slug"},
    {"site": 1, "start": "2026-12-03T10:00:00Z", "interview_type": "a" * 51},
    {"site": 1, "start": "2026-12-03T10:00:00Z", "contact": -1},
    {"site": None, "start": None, "mode": None},
    {"site": True, "start": 12, "mode": ""},
]
GOOD_BODIES = [
    {"site": 1, "start": "2026-12-03T10:00:00+09:00"},
    {"site": "7", "start": "2026-12-03T10:00", "mode": "video", "interview_type": "eight"},
    {"site": 1, "start": "2026-12-03T01:00:00Z", "contact": 3, "extra": "ignored"},
]


def drf_built(serializer: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The same serializer as DRF builds it at every instantiation."""
    attrs: dict[str, Any] = copy.deepcopy(serializer._declared_fields)  # type: ignore[attr-defined]
    if hasattr(serializer, "Meta"):
        attrs["Meta"] = serializer.Meta
        return type("Reference", (serializers.ModelSerializer,), attrs)
    return type("Reference", (serializers.Serializer,), attrs)


class HoldSerializersBuiltOnceTest(SimpleTestCase):
    def test_fields_are_built_once_per_class(self) -> None:
        for serializer in (SlotRequest, HoldSerializer):
            with self.subTest(serializer=serializer.__name__):
                first, second = serializer().fields, serializer(data={}).fields
                self.assertIs(first, second)
                self.assertEqual(list(first), list(drf_built(serializer)().fields))
        self.assertIsNot(SlotRequest().fields, HoldSerializer().fields)

    def test_the_same_errors_in_each_language(self) -> None:
        reference = drf_built(SlotRequest)
        for language in ("ja", "en"):
            for body in BAD_BODIES:
                with self.subTest(language=language, body=body), translation.override(language):
                    ours, theirs = SlotRequest(data=body), reference(data=body)
                    self.assertEqual(ours.is_valid(), theirs.is_valid())
                    self.assertEqual(ours.errors, theirs.errors)
                    self.assertEqual(
                        [(k, [e.code for e in v]) for k, v in ours.errors.items()],
                        [(k, [e.code for e in v]) for k, v in theirs.errors.items()],
                    )
        # A message formatted once (a range) is still in each request's language.
        messages = []
        for language in ("ja", "en", "ja"):
            with translation.override(language):
                body = SlotRequest(data={"site": 0, "start": "2026-12-03T10:00:00Z"})
                self.assertFalse(body.is_valid())
                messages.append(str(body.errors["site"][0]))
        self.assertEqual(messages[0], messages[2])
        self.assertNotEqual(messages[0], messages[1])

    def test_the_same_validated_data_in_each_time_zone(self) -> None:
        reference = drf_built(SlotRequest)
        for zone in ("Asia/Tokyo", "UTC", "America/Los_Angeles"):
            for body in GOOD_BODIES:
                with self.subTest(zone=zone, body=body), timezone.override(ZoneInfo(zone)):
                    ours, theirs = SlotRequest(data=body), reference(data=body)
                    self.assertTrue(ours.is_valid(), ours.errors)
                    self.assertTrue(theirs.is_valid())
                    self.assertEqual(dict(ours.validated_data), dict(theirs.validated_data))
                    self.assertEqual(
                        ours.validated_data["start"].tzinfo, theirs.validated_data["start"].tzinfo
                    )

    def test_the_same_answer_in_each_time_zone(self) -> None:
        reference = drf_built(HoldSerializer)
        start = dt.datetime(2026, 12, 3, 1, 0, tzinfo=dt.UTC)
        holds = [
            Booking(
                reference="ABCD2345",
                site_id=3,
                start=start,
                end=start + dt.timedelta(minutes=30),
                mode="in_person",
                expires_at=start - dt.timedelta(minutes=50),
            ),
            Booking(reference="WXYZ6789", site_id=12, start=start, end=start, mode="online"),
        ]
        for zone in ("Asia/Tokyo", "UTC"):
            for hold in holds:
                with self.subTest(zone=zone, hold=hold.reference), timezone.override(zone):
                    self.assertEqual(HoldSerializer(hold).data, reference(hold).data)
