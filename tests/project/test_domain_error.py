"""One neutral domain error: DomainError lives in yurikago/, knows no HTTP, and the API alone maps
its codes to statuses. The booking core's old name still works for code written against it."""

from __future__ import annotations

from unittest import TestCase

from api.exceptions import DOMAIN_ERROR_STATUS, domain_error_status
from scheduling.errors import BookingError, booking_error
from scheduling.schedule_services import StrandedBookingsError
from yurikago.errors import DomainError


class DomainErrorTest(TestCase):
    def test_the_booking_core_old_name_is_the_same_class(self) -> None:
        self.assertIs(BookingError, DomainError)
        self.assertIsInstance(booking_error("slot_unavailable"), DomainError)

    def test_the_error_knows_no_http_status(self) -> None:
        self.assertFalse(hasattr(DomainError("invalid", "x"), "status"))

    def test_the_api_maps_each_code_to_its_status(self) -> None:
        self.assertEqual(domain_error_status(booking_error("slot_unavailable")), 409)
        self.assertEqual(domain_error_status(booking_error("hold_expired")), 410)
        self.assertEqual(domain_error_status(booking_error("not_found")), 404)
        self.assertEqual(domain_error_status(StrandedBookingsError([])), 409)
        self.assertEqual(domain_error_status(DomainError("anything_else", "x")), 422)
        self.assertEqual(DOMAIN_ERROR_STATUS["invalid"], 422)
