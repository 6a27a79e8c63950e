"""How many home visits a visit block takes, with travel time between them (issue 15).

A block runs from `start` to `end` (minutes from midnight). Visits last `visit` minutes each,
and two visits need at least `travel` minutes between the end of one and the start of the next
(none before the first or after the last: the nurse sets out from, and returns to, elsewhere).
Some visits are confirmed at fixed times; the others are asked for and still to be timed.

A block can hold its visits when there are at most `capacity` of them and the unconfirmed ones
fit in the gaps the confirmed ones leave: a gap of L free minutes holds k visits when
k·visit + (k−1)·travel ≤ L. Gaps are independent, so the total is the sum over gaps. Pure
functions over minutes: the tests check them against a brute-force search.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True)
class Block:
    start: int
    end: int
    capacity: int
    visit: int
    travel: int


def _gap_holds(length: int, visit: int, travel: int) -> int:
    if length < visit:
        return 0
    return (length + travel) // (visit + travel)


def free_places(block: Block, fixed: Sequence[int]) -> int | None:
    """How many more visits fit around the confirmed ones starting at `fixed`, ignoring the
    capacity; None when the confirmed visits themselves do not fit (outside, or too close)."""
    starts = sorted(fixed)
    for a, b in pairwise(starts):
        if b - a < block.visit + block.travel:
            return None
    if starts and (starts[0] < block.start or starts[-1] + block.visit > block.end):
        return None
    # Two imaginary visits just outside the block make its edges gaps like the others.
    edges = [block.start - block.visit - block.travel, *starts, block.end + block.travel]
    total = 0
    for a, b in pairwise(edges):
        # Free minutes between the end of one visit (+ travel) and the next (− travel).
        first_free = a + block.visit + block.travel
        last_free = b - block.travel
        total += _gap_holds(last_free - first_free, block.visit, block.travel)
    return total


def holds(block: Block, fixed: Sequence[int], unfixed: int) -> bool:
    """Whether the block holds the confirmed visits at `fixed` and `unfixed` more to time."""
    if len(fixed) + unfixed > block.capacity:
        return False
    places = free_places(block, fixed)
    return places is not None and places >= unfixed


def can_take_one_more(block: Block, fixed: Sequence[int], unfixed: int) -> bool:
    return holds(block, fixed, unfixed + 1)


def can_fix(block: Block, fixed: Sequence[int], unfixed: int, start: int) -> bool:
    """Whether one of the `unfixed` visits may be confirmed at `start` (the others still fit)."""
    if unfixed < 1:
        return False
    return holds(block, [*fixed, start], unfixed - 1)
