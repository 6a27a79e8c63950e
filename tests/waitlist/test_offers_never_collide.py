"""Generated sequences of cancellations, rounds, acceptances, refusals and time passing: at every
step no place is offered to two people at once (each pending offer holds its own nurse and room,
each person has at most one), and no acceptance ever double-books a nurse, a room or a person."""

from __future__ import annotations

import datetime as dt
from itertools import combinations

import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from scheduling.models import Booking
from scheduling.services import booking_cancel
from scheduling.waitlist_models import WaitlistEntry, WaitlistOffer
from scheduling.waitlist_services import (
    waitlist_join,
    waitlist_offer_accept,
    waitlist_offer_decline,
    waitlist_offers_round,
)
from tests.base import NOW, make_world, tokyo
from tests.waitlist.helpers import FULL_DAY, book_later_and_wait, fill_day, new_pregnancy
from yurikago.errors import DomainError

STEPS = st.lists(
    st.tuples(
        st.sampled_from(["cancel", "round", "accept", "decline", "wait"]),
        st.integers(min_value=0, max_value=7),
    ),
    min_size=1,
    max_size=14,
)


class OffersNeverCollideTest(HypothesisTestCase):
    @settings(
        max_examples=min(40, settings().max_examples),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(steps=STEPS)
    def test_no_place_is_offered_twice_and_no_acceptance_double_books(
        self, steps: list[tuple[str, int]]
    ) -> None:
        with time_machine.travel(NOW, tick=False):
            w = make_world()
            fillers = fill_day(w)
            entries = [
                book_later_and_wait(w, new_pregnancy(w, f"w{i}"), tokyo(2026, 12, 10 + i, 10))
                for i in range(3)
            ]
            # One waits without a booking (she asked from the full day).
            entries.append(
                waitlist_join(
                    pregnancy=new_pregnancy(w, "nobooking"),
                    interview_type=w.itype,
                    sites=[w.niccowa],
                    date_from=FULL_DAY,
                    date_to=FULL_DAY,
                    now=NOW,
                )
            )
            now = NOW
            for action, n in steps:
                if action == "cancel":
                    booking = fillers[n % len(fillers)]
                    booking.refresh_from_db()
                    if booking.status == Booking.Status.CONFIRMED:
                        booking_cancel(booking=booking, now=now)
                elif action == "round":
                    waitlist_offers_round(now=now)
                elif action == "wait":
                    now += dt.timedelta(minutes=10 + n * 5)
                else:
                    pending = list(WaitlistOffer.objects.filter(status="pending").order_by("pk"))
                    if pending:
                        offer = pending[n % len(pending)]
                        try:
                            if action == "accept":
                                waitlist_offer_accept(
                                    offer=offer, pregnancy=offer.entry.pregnancy, now=now
                                )
                            else:
                                waitlist_offer_decline(offer=offer, now=now)
                        except DomainError as exc:
                            self.assertIn(exc.code, ("offer_gone", "hold_expired"))
                self.assert_invariants(now)

    def assert_invariants(self, now: dt.datetime) -> None:
        pending = list(
            WaitlistOffer.objects.filter(status="pending", expires_at__gt=now).select_related(
                "hold", "entry"
            )
        )
        entries = [o.entry_id for o in pending]
        self.assertEqual(len(entries), len(set(entries)), "a person has two offers at once")
        for offer in pending:
            self.assertEqual(offer.hold.status, Booking.Status.HELD)
            self.assertEqual(offer.entry.status, WaitlistEntry.Status.ACTIVE)
        active = list(Booking.objects.active(now))
        for a, b in combinations(active, 2):
            overlap = a.start < b.blocked_until and b.start < a.blocked_until
            if overlap:
                self.assertNotEqual(a.nurse_id, b.nurse_id, f"nurse double-booked: {a} {b}")
                if a.room is not None and a.site_id == b.site_id:
                    self.assertNotEqual(a.room, b.room, f"room double-booked: {a} {b}")
            if a.pregnancy_id is not None:
                self.assertFalse(
                    a.pregnancy_id == b.pregnancy_id and a.contact_id == b.contact_id,
                    f"two active bookings for one pregnancy: {a} {b}",
                )
        accepted = WaitlistOffer.objects.filter(status="accepted").select_related("booking")
        for offer in accepted:
            self.assertIsNotNone(offer.booking)
            assert offer.booking is not None
            self.assertEqual(
                (offer.booking.start, offer.booking.site_id), (offer.start, offer.site_id)
            )
