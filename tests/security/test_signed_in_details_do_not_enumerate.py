"""Finding 5 for a signed-in resident: typing another person's number or email into her details
answered "this is already on an account". Now her contact details change and her sign-in does
not, and nothing says whose number it is."""

from __future__ import annotations

from scheduling.models import Booking, User
from tests.frontend.helpers import FlowTestCase, details_data


class SignedInDetailsDoNotEnumerateTest(FlowTestCase):
    def test_another_persons_number_is_taken_as_her_contact_without_a_word(self) -> None:
        Booking.objects.filter(pregnancy=self.w.mei_pregnancy).delete()
        self.client.force_login(self.w.mei.user)
        hold = self.hold()
        response = self.client.post(
            f"/book/details/{hold.reference}/",
            details_data(hold.display_reference, phone="090-1111-2222", email="hanako@example.jp"),
            HTTP_ACCEPT_LANGUAGE="en",
        )
        self.assertNotContains(response, "already on an account", status_code=302)
        booking = Booking.objects.get(pk=hold.pk)
        self.assertEqual(booking.pregnancy.resident.user, self.w.mei.user)
        self.assertEqual(booking.pregnancy.resident.phone, "+819011112222")
        # Sign-in identities stay with their owners.
        mei = User.objects.get(pk=self.w.mei.user.pk)
        self.assertEqual(mei.phone, "+818033334444")
        self.assertEqual(User.objects.get(pk=self.w.hanako.user.pk).phone, "+819011112222")
