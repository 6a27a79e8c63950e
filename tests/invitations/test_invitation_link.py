"""Her invitation link (issue 16): it works once, for one pregnancy, until it expires; it is
refused afterwards, for another pregnancy and when tampered with; opening it (GET) changes
nothing, so a mail client's link scanner cannot burn it; it never signs in a staff account;
too many tries from one address are refused."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse

from frontend.invitations import SESSION_PREGNANCY, TRIES_PER_MINUTE, WRONG_PER_DAY
from notifications.models import Message
from scheduling.invitation_models import InvitationLink
from scheduling.invitation_services import invitation_send, invitations_round
from scheduling.models import Pregnancy, StaffRole
from tests.base import NOW

from .helpers import InvitationTestCase, link_path, notified


class InvitationLinkTest(InvitationTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.aiko = notified(self.w, "青木 あい", "+818010000001", language="en")
        invitations_round(now=NOW)
        self.pregnancy_id, self.token, self.path = link_path(Message.objects.get())

    def test_opening_shows_one_button_and_changes_nothing(self) -> None:
        for _ in range(3):
            response = self.client.get(self.path)
            self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<form method="post">', html=False)
        self.assertIsNone(InvitationLink.objects.get().used_at)
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertNotContains(response, "青木")  # no personal data before the button

    def test_the_button_signs_her_in_to_that_pregnancy_and_lands_on_booking_it(self) -> None:
        response = self.client.post(self.path)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], reverse("frontend:where") + "?contact=yurikago")
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.aiko.resident.user_id)
        self.assertEqual(self.client.session[SESSION_PREGNANCY], self.aiko.pk)
        self.assertEqual(response.cookies["yurikago_language"].value, "en")
        self.assertIsNotNone(InvitationLink.objects.get().used_at)

    def test_it_works_once(self) -> None:
        self.client.post(self.path)
        self.client.logout()
        for method in (self.client.get, self.client.post):
            response = method(self.path)
            self.assertEqual(response.status_code, 410)
            # Refused with a way on: sign in with a one-time code.
            self.assertContains(response, 'href="/login/"', status_code=410)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_expires(self) -> None:
        with time_machine.travel(NOW + dt.timedelta(days=14, seconds=1), tick=False):
            response = self.client.post(self.path)
        self.assertEqual(response.status_code, 410)
        self.assertNotIn("_auth_user_id", self.client.session)
        with time_machine.travel(NOW + dt.timedelta(days=13, hours=23), tick=False):
            self.assertEqual(self.client.post(self.path).status_code, 302)

    def test_another_pregnancys_id_or_a_tampered_token_is_refused_and_burns_nothing(self) -> None:
        other = self.w.mei_pregnancy.pk
        flipped = self.token[:-1] + ("A" if self.token[-1] != "A" else "B")
        for path in (
            reverse("frontend:invitation", args=[other, self.token]),
            reverse("frontend:invitation", args=[self.pregnancy_id, flipped]),
            reverse("frontend:invitation", args=[self.pregnancy_id, self.token[:-2]]),
            reverse("frontend:invitation", args=[self.pregnancy_id, "x" * 300]),
        ):
            with self.subTest(path=path):
                response = self.client.post(path)
                self.assertEqual(response.status_code, 404)
                self.assertNotIn("_auth_user_id", self.client.session)
        self.assertIsNone(InvitationLink.objects.get().used_at)

    def test_a_link_of_a_pregnancy_that_has_ended_is_refused(self) -> None:
        Pregnancy.objects.filter(pk=self.aiko.pk).update(is_active=False)
        self.assertEqual(self.client.post(self.path).status_code, 410)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_never_signs_in_a_staff_account(self) -> None:
        StaffRole.objects.create(
            user=self.aiko.resident.user,
            municipality=self.w.katsushika,
            role=StaffRole.Role.MUNICIPALITY_ADMIN,
        )
        response = self.client.post(self.path)
        self.assertEqual(response.status_code, 403)
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertIsNone(InvitationLink.objects.get().used_at)

    def test_signed_in_as_someone_else_she_becomes_the_link_s_resident(self) -> None:
        self.client.force_login(self.w.mei.user)
        self.client.post(self.path)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.aiko.resident.user_id)

    def test_each_invitation_has_its_own_link(self) -> None:
        invitation_send(
            pregnancy=self.aiko, contact=self.contacts.questionnaire, kind="questionnaire", now=NOW
        )
        _, token, path = link_path(Message.objects.get(context__kind="questionnaire"))
        self.assertNotEqual(token, self.token)
        response = self.client.post(path)
        self.assertEqual(
            response["Location"], reverse("frontend:questionnaire", args=["questionnaire-8m"])
        )

    def test_only_the_hash_of_the_token_is_stored(self) -> None:
        link = InvitationLink.objects.get()
        self.assertNotIn(self.token, link.token_hash)
        self.assertEqual(len(link.token_hash), 64)

    def test_wrong_links_from_one_address_are_limited_for_the_day(self) -> None:
        bad = reverse("frontend:invitation", args=[self.pregnancy_id, "nope"])
        for _ in range(WRONG_PER_DAY):
            self.assertEqual(self.client.get(bad).status_code, 404)
        # Even her real link now waits, as a code does after too many wrong ones.
        with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
            self.assertEqual(self.client.post(self.path).status_code, 429)
        self.assertIsNone(InvitationLink.objects.get().used_at)

    def test_tries_per_minute_are_limited(self) -> None:
        for _ in range(TRIES_PER_MINUTE):
            self.assertEqual(self.client.get(self.path).status_code, 200)
        self.assertEqual(self.client.get(self.path).status_code, 429)
        with time_machine.travel(NOW + dt.timedelta(minutes=2), tick=False):
            self.assertEqual(self.client.get(self.path).status_code, 200)
