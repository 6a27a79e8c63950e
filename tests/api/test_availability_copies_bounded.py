"""A process keeps a bounded number of availability answers (issue 19): at most so many, at most
so many bytes, the oldest going first, and ended ones dropped as new ones arrive, so a stream of
different questions cannot grow a worker's memory."""

from __future__ import annotations

from django.test import SimpleTestCase

from api.availability_cache import Copies, Stamp

AT = 1_000_000.0


def stamp(at: float = AT, generation: int = 1) -> Stamp:
    return Stamp(epoch="e", generation=generation, at=at)


class AvailabilityCopiesBoundedTest(SimpleTestCase):
    def test_the_oldest_goes_when_the_count_is_reached(self) -> None:
        copies = Copies(max_entries=2, max_bytes=100)
        for key in ("a", "b", "c"):
            copies.put(key, stamp(), deadline=AT + 5, value=key, size=1)
        self.assertIsNone(copies.get("a", stamp()))
        self.assertEqual([copies.get(k, stamp()) for k in ("b", "c")], ["b", "c"])

    def test_the_oldest_go_until_the_bytes_fit(self) -> None:
        copies = Copies(max_entries=10, max_bytes=100)
        copies.put("a", stamp(), deadline=AT + 5, value="a", size=40)
        copies.put("b", stamp(), deadline=AT + 5, value="b", size=40)
        copies.put("c", stamp(), deadline=AT + 5, value="c", size=60)
        self.assertEqual([copies.get(k, stamp()) for k in "abc"], [None, "b", "c"])
        copies.put("d", stamp(), deadline=AT + 5, value="d", size=100)
        self.assertEqual([copies.get(k, stamp()) for k in "bcd"], [None, None, "d"])
        self.assertEqual(copies._bytes, 100)

    def test_an_answer_larger_than_the_whole_budget_is_not_kept(self) -> None:
        copies = Copies(max_entries=10, max_bytes=100)
        copies.put("a", stamp(), deadline=AT + 5, value="a", size=10)
        copies.put("big", stamp(), deadline=AT + 5, value="big", size=101)
        self.assertIsNone(copies.get("big", stamp()))
        self.assertEqual(copies.get("a", stamp()), "a")

    def test_ended_answers_are_dropped_as_new_ones_come(self) -> None:
        copies = Copies(max_entries=10, max_bytes=100)
        copies.put("old", stamp(), deadline=AT + 5, value="old", size=30)
        copies.put("new", stamp(AT + 6), deadline=AT + 11, value="new", size=30)
        self.assertNotIn("old", copies._entries)
        self.assertEqual(copies._bytes, 30)

    def test_a_copy_is_served_only_under_its_generation_and_before_its_deadline(self) -> None:
        copies = Copies(max_entries=10, max_bytes=100)
        copies.put("a", stamp(), deadline=AT + 5, value="a", size=1)
        self.assertEqual(copies.get("a", stamp(AT + 4.9)), "a")
        self.assertIsNone(copies.get("a", stamp(AT + 5)))
        self.assertIsNone(copies.get("a", stamp(generation=2)))
        self.assertIsNone(copies.get("a", Stamp(epoch="other", generation=1, at=AT)))
