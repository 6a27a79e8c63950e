"""Home-visit capacity with travel time (scheduling.home_visit_capacity), checked by hypothesis
against an independent brute-force search over every placement on a five-minute grid."""

from __future__ import annotations

from django.test import SimpleTestCase
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.home_visit_capacity import Block, can_fix, holds

GRID = 5


def brute_force_holds(block: Block, fixed: list[int], unfixed: int) -> bool:
    """The slow, obvious answer: try every set of start times, earliest first."""
    if len(fixed) + unfixed > block.capacity:
        return False
    apart = block.visit + block.travel

    def compatible(start: int, others: list[int]) -> bool:
        return all(abs(start - other) >= apart for other in others)

    for i, start in enumerate(fixed):
        if start < block.start or start + block.visit > block.end:
            return False
        if not compatible(start, fixed[:i] + fixed[i + 1 :]):
            return False
    candidates = range(block.start, block.end - block.visit + 1, GRID)

    def place(n: int, placed: list[int], after: int) -> bool:
        if n == 0:
            return True
        for start in candidates:
            if start < after:
                continue
            if compatible(start, placed):
                if place(n - 1, [*placed, start], start + apart):
                    return True
        return False

    return place(unfixed, list(fixed), block.start)


five = st.integers(min_value=0, max_value=12).map(lambda n: n * GRID)


@st.composite
def situations(draw: st.DrawFn) -> tuple[Block, list[int], int]:
    start = draw(st.integers(min_value=8 * 12, max_value=14 * 12).map(lambda n: n * GRID))
    length = draw(st.integers(min_value=6, max_value=60).map(lambda n: n * GRID))  # ≤ 5 h
    visit = draw(st.integers(min_value=4, max_value=18).map(lambda n: n * GRID))
    block = Block(
        start=start,
        end=start + length,
        capacity=draw(st.integers(min_value=0, max_value=6)),
        visit=visit,
        travel=draw(five),
    )
    fixed = draw(
        st.lists(
            st.integers(min_value=(start - 60) // GRID, max_value=(start + length) // GRID).map(
                lambda n: n * GRID
            ),
            max_size=3,
            unique=True,
        )
    )
    unfixed = draw(st.integers(min_value=0, max_value=4))
    return block, fixed, unfixed


@st.composite
def confirmations(draw: st.DrawFn) -> tuple[Block, list[int], int, int]:
    block, fixed, unfixed = draw(situations())
    low, high = (block.start - 60) // GRID, (block.end + 60) // GRID
    return block, fixed, unfixed, draw(st.integers(min_value=low, max_value=high)) * GRID


class HomeVisitCapacityTests(SimpleTestCase):
    @settings(max_examples=400, deadline=None)
    @given(situations())
    def test_it_agrees_with_a_brute_force_search(
        self, situation: tuple[Block, list[int], int]
    ) -> None:
        block, fixed, unfixed = situation
        self.assertEqual(holds(block, fixed, unfixed), brute_force_holds(block, fixed, unfixed))

    @settings(max_examples=200, deadline=None)
    @given(confirmations())
    def test_confirming_a_time_agrees_with_a_brute_force_search(
        self, situation: tuple[Block, list[int], int, int]
    ) -> None:
        block, fixed, unfixed, start = situation
        expected = unfixed >= 1 and brute_force_holds(block, [*fixed, start], unfixed - 1)
        self.assertEqual(can_fix(block, fixed, unfixed, start), expected)

    def test_a_morning_of_three_hours_holds_three_hour_visits_with_half_an_hour_between(
        self,
    ) -> None:
        block = Block(start=9 * 60, end=12 * 60, capacity=5, visit=40, travel=30)
        # 40 + 30 + 40 + 30 + 40 = 180 minutes: exactly three.
        self.assertTrue(holds(block, [], 3))
        self.assertFalse(holds(block, [], 4))
        # A visit confirmed at 10:00 leaves 9:00–9:30 (too short) and 11:10–12:00: one more.
        self.assertTrue(holds(block, [10 * 60], 1))
        self.assertFalse(holds(block, [10 * 60], 2))

    def test_the_capacity_caps_what_travel_time_would_allow(self) -> None:
        block = Block(start=9 * 60, end=17 * 60, capacity=2, visit=30, travel=10)
        self.assertTrue(holds(block, [], 2))
        self.assertFalse(holds(block, [], 3))
