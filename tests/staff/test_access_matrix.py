"""Every staff page and action × every persona → allowed, or 404 / redirect to login.

Designed answers: anonymous visitors go to the login page; residents see no staff page at all
(404); a nurse of another site, and staff of another municipality, get 404 for a booking they
may not see (not found == not allowed); the dashboard is for managers and administrators; the
configuration for municipality administrators, each only of her own municipality.

Two more columns hold a staff account whose session holds no staff scope (scheduling.access):
sato signed in with her password but never through TOTP (sent to set TOTP up, whatever the page)
and sato signed in by a one-time code (404, as a resident). Nobody but a superuser with
password + TOTP reaches the Django admin. A nurse edits her own weekly hours and time off.
"""

from __future__ import annotations

from django.urls import reverse

from scheduling.models import Booking, SiteClosure
from scheduling.services import booking_create
from tests.base import NOW, tokyo
from tests.security.sessions import sign_in_by_code, sign_in_password_only
from tests.staff.helpers import StaffTestCase

OK, NOT_FOUND, FORBIDDEN, LOGIN, TOTP = 200, 404, 403, "login", "totp"
PERSONAS = [
    "nurse_sato",
    "nurse_ito",
    "manager_mori",
    "admin_abe",
    "admin_ogawa",
    "hanako",
    "anonymous",
    "sato_no_totp",
    "sato_by_code",
]
UNVERIFIED = {"sato_no_totp": sign_in_password_only, "sato_by_code": sign_in_by_code}


class AccessMatrixTest(StaffTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.w
        cls.booking = booking_create(
            site=w.aoto,
            interview_type=w.itype,
            start=tokyo(2026, 12, 1, 13),
            pregnancy=w.hanako_pregnancy,
            staff=True,
            channel=Booking.Channel.STAFF,
            now=NOW,
        )
        cls.closure = SiteClosure.objects.create(
            municipality=w.katsushika,
            site=w.aoto,
            date_from=tokyo(2026, 12, 24).date(),
            date_to=tokyo(2026, 12, 24).date(),
        )

    def user(self, persona: str):  # type: ignore[no-untyped-def]
        w = self.w
        return {
            "nurse_sato": w.nurse_sato.user,
            "nurse_ito": w.nurse_ito.user,
            "manager_mori": w.manager_mori,
            "admin_abe": w.admin_abe,
            "admin_ogawa": w.admin_ogawa,
            "hanako": w.hanako.user,
        }.get(persona)

    def check(
        self,
        method: str,
        url: str,
        expected: dict[str, object],
        data: dict[str, object] | None = None,
        only: str | None = None,
    ) -> None:
        for persona in [only] if only else PERSONAS:
            with self.subTest(persona=persona, url=url):
                self.client.logout()
                user = self.user(persona)
                if persona in UNVERIFIED:
                    UNVERIFIED[persona](self.client, self.w.nurse_sato.user)
                elif user is not None:
                    self.sign_in(user)
                response = getattr(self.client, method)(url, data or {})
                want = expected[persona]
                if want == LOGIN:
                    self.assertEqual(response.status_code, 302)
                    self.assertIn(reverse("account_login"), response["Location"])
                elif want == TOTP:
                    # To set TOTP up, or (once it is) to give a code: never the page.
                    self.assertEqual(response.status_code, 302, response.content[:300])
                    self.assertTrue(response["Location"].startswith("/accounts/2fa/"))
                elif want == 302:
                    self.assertEqual(response.status_code, 302, response.content[:300])
                    self.assertNotIn(reverse("account_login"), response["Location"])
                else:
                    self.assertEqual(response.status_code, want)

    def matrix(
        self, sato: object, ito: object, mori: object, abe: object, ogawa: object
    ) -> dict[str, object]:
        return {
            "nurse_sato": sato,
            "nurse_ito": ito,
            "manager_mori": mori,
            "admin_abe": abe,
            "admin_ogawa": ogawa,
            "hanako": NOT_FOUND,
            "anonymous": LOGIN,
            "sato_no_totp": TOTP,
            "sato_by_code": NOT_FOUND,
        }

    def test_pages_every_staff_member_has(self) -> None:
        for name in ["staff:day", "staff:book", "staff:failed_messages"]:
            self.check("get", reverse(name), self.matrix(OK, OK, OK, OK, OK))
        self.check("get", reverse("staff:home"), self.matrix(302, 302, 302, 302, 302))

    def test_working_hours_are_hers_or_those_of_nurses_at_managed_sites(self) -> None:
        # Her own (nurses) or a list of nurses to choose from (managers, administrators).
        self.check("get", reverse("staff:availability"), self.matrix(OK, OK, OK, OK, OK))
        url = reverse("staff:availability") + f"?nurse={self.w.nurse_sato.pk}"
        self.check("get", url, self.matrix(OK, NOT_FOUND, OK, OK, NOT_FOUND))
        rule = self.w.nurse_sato.rules.filter(site=self.w.aoto).first()
        self.check(
            "get",
            reverse("staff:rule_edit", args=[rule.pk]),
            self.matrix(OK, NOT_FOUND, OK, OK, NOT_FOUND),
        )

    def test_a_booking_is_seen_only_by_staff_of_its_site(self) -> None:
        ref = self.booking.reference
        expected = self.matrix(OK, NOT_FOUND, OK, OK, NOT_FOUND)
        for name in ["staff:booking", "staff:reschedule", "staff:cancel"]:
            self.check("get", reverse(name, args=[ref]), expected)

    def test_a_pregnancy_timeline_is_for_staff_with_a_part_in_it_and_her_administrators(
        self,
    ) -> None:
        # Her booking is at 青戸: sato works there, mori manages it, abe administers Katsushika.
        url = reverse("staff:timeline", args=[self.w.hanako_pregnancy.pk])
        self.check("get", url, self.matrix(OK, NOT_FOUND, OK, OK, NOT_FOUND))

    def test_booking_actions_are_refused_to_staff_of_other_sites(self) -> None:
        ref = self.booking.reference
        expected = self.matrix(302, NOT_FOUND, 302, 302, NOT_FOUND)
        self.check(
            "post", reverse("staff:attendance", args=[ref]), expected, {"outcome": "attended"}
        )
        self.check(
            "post",
            reverse("staff:details", args=[ref]),
            expected,
            {"staff_notes": "x", "video_url": ""},
        )

    def test_sending_a_message_again_is_for_staff_of_its_bookings_site(self) -> None:
        message = self.booking.messages.first()
        assert message is not None
        url = reverse("staff:message_resend", args=[message.pk])
        self.check("post", url, self.matrix(302, NOT_FOUND, 302, 302, NOT_FOUND))
        self.check("get", url, dict.fromkeys(PERSONAS, 405))

    def test_a_nurse_writes_her_own_weekly_hours_a_manager_those_at_her_sites(self) -> None:
        # Sato works at 青戸 and えきにこわ; mori manages 青戸 only, abe administers both.
        # A form offers only the sites she may edit: 422 for えきにこわ, which mori does not manage.
        sato = self.w.nurse_sato
        url = reverse("staff:rule_create") + f"?nurse={sato.pk}"
        for site, mori in [(self.w.aoto, 302), (self.w.eki, 422)]:
            data = {
                "site": str(site.pk),
                "weekdays": ["0"],
                "start_time": "12:00",
                "end_time": "13:00",
                "valid_from": "2026-12-01",
            }
            expected = self.matrix(302, NOT_FOUND, mori, 302, NOT_FOUND)
            for persona in PERSONAS:
                # Each persona meets the same hours: what one added is taken away again.
                self.check(
                    "post",
                    url,
                    {**dict.fromkeys(PERSONAS), persona: expected[persona]},
                    data,
                    only=persona,
                )
                sato.rules.filter(start_time="12:00").delete()

    def test_no_staff_page_opens_for_a_staff_session_without_staff_scope(self) -> None:
        """Every staff and calendar-settings URL there is (today's and tomorrow's), GET and
        POST, for sato signed in without TOTP or by code: set TOTP up, or nothing at all."""
        from django.urls import URLPattern, reverse

        from frontend.staff import calendar_urls
        from frontend.staff import urls as staff_urls
        from scheduling.models import Booking as BookingModel

        values = {"int": self.w.aoto.pk, "string": self.booking.reference, "slug": "x", "path": "x"}
        urls = []
        for namespace, module in [("staff", staff_urls), ("calendars", calendar_urls)]:
            for pattern in module.urlpatterns:
                assert isinstance(pattern, URLPattern)
                converters = pattern.pattern.converters  # type: ignore[attr-defined]
                kwargs = {
                    name: values[type(conv).__name__.removesuffix("Converter").lower()]
                    for name, conv in converters.items()
                }
                urls.append(reverse(f"{namespace}:{pattern.name}", kwargs=kwargs))
        self.assertGreater(len(urls), 40)
        before = (
            BookingModel.objects.filter(status="confirmed").count(),
            self.w.aoto.rules.count(),
        )
        for persona, sign_in in UNVERIFIED.items():
            for url in urls:
                for method in ("get", "post"):
                    with self.subTest(persona=persona, url=url, method=method):
                        self.client.logout()
                        sign_in(self.client, self.w.nurse_sato.user)
                        response = getattr(self.client, method)(url, {})
                        if response.status_code == 302:
                            self.assertTrue(response["Location"].startswith("/accounts/2fa/"))
                        else:
                            self.assertIn(response.status_code, (404, 405))
        after = (BookingModel.objects.filter(status="confirmed").count(), self.w.aoto.rules.count())
        self.assertEqual(before, after)

    def test_the_django_admin_is_for_no_member_of_staff(self) -> None:
        expected = {
            **self.matrix(FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
            "hanako": FORBIDDEN,
            "sato_no_totp": FORBIDDEN,
            "sato_by_code": FORBIDDEN,
        }
        self.check("get", reverse("admin:login"), expected)
        for persona in PERSONAS:
            with self.subTest(persona=persona, url="/admin/"):
                self.client.logout()
                user = self.user(persona)
                if persona in UNVERIFIED:
                    UNVERIFIED[persona](self.client, self.w.nurse_sato.user)
                elif user is not None:
                    self.sign_in(user)
                response = self.client.get(reverse("admin:index"))
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith(reverse("admin:login")))

    def test_home_visits_are_for_staff_and_the_payments_csv_for_administrators(self) -> None:
        # Everyone on staff has a visits page (empty without visit blocks of her own).
        self.check("get", reverse("staff:visits"), self.matrix(OK, OK, OK, OK, OK))
        expected = self.matrix(NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK)
        self.check("get", reverse("staff:payments_csv"), expected)

    def test_the_dashboard_is_for_managers_and_administrators(self) -> None:
        expected = self.matrix(NOT_FOUND, NOT_FOUND, OK, OK, OK)
        self.check("get", reverse("staff:dashboard"), expected)
        self.check("get", reverse("staff:dashboard_csv"), expected)
        # …each for her own sites only: another municipality's site does not exist for her.
        url = reverse("staff:dashboard") + f"?site={self.w.aoto.pk}"
        self.check("get", url, self.matrix(NOT_FOUND, NOT_FOUND, OK, OK, NOT_FOUND))

    def test_configuration_is_for_administrators_of_that_municipality(self) -> None:
        self.check(
            "get", reverse("staff:config"), self.matrix(NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK)
        )
        self.check(
            "get",
            reverse("staff:message_texts"),
            self.matrix(NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK),
        )
        for url in [
            reverse("staff:site_edit", args=[self.w.aoto.pk]),
            reverse("staff:type_edit", args=[self.w.itype.pk]),
            reverse(
                "staff:message_text_edit", args=[self.w.katsushika.pk, "sms", "reminder", "en"]
            ),
        ]:
            self.check("get", url, self.matrix(NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND))
        self.check(
            "post",
            reverse("staff:closure_delete", args=[self.closure.pk]),
            self.matrix(NOT_FOUND, NOT_FOUND, NOT_FOUND, 302, NOT_FOUND),
        )

    def test_the_access_log_is_for_administrators_each_of_her_municipality(self) -> None:
        expected = self.matrix(NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK)
        self.check("get", reverse("staff:access_log"), expected)
        # Filtering by someone of another municipality shows her nothing of theirs (200, empty).
        url = reverse("staff:access_log") + f"?staff={self.w.nurse_sato.user.pk}"
        self.check("get", url, expected)

    def test_notification_coverage_is_for_managers_and_administrators(self) -> None:
        url = reverse("staff:coverage")
        self.check("get", url, self.matrix(NOT_FOUND, NOT_FOUND, OK, OK, OK))
        self.check("get", url + "?format=csv", self.matrix(NOT_FOUND, NOT_FOUND, OK, OK, OK))

    def test_the_follow_up_list_is_for_every_staff_member(self) -> None:
        self.check("get", reverse("staff:follow_up"), self.matrix(OK, OK, OK, OK, OK))
        # A notified pregnancy of Katsushika: its staff, not Sakuragawa's (issue 16 call-backs).
        from scheduling.models import Pregnancy
        from scheduling.notification_import import notifications_import_file
        from tests.notifications_in.helpers import export, row

        data = export([row("A", 届出日="2026-11-01", 電話番号="080-1000-0001")])
        notifications_import_file(municipality=self.w.katsushika, data=data.encode())
        pregnancy = Pregnancy.objects.get(notification__record_key="A")
        url = reverse("staff:follow_up_pregnancy", args=[pregnancy.pk])
        self.check("get", url, self.matrix(OK, OK, OK, OK, NOT_FOUND))

    def test_pregnancy_notifications_in_are_for_administrators_of_their_own(self) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from tests.notifications_in.helpers import export, good_rows

        url = reverse("staff:notification_import")
        self.check("get", url, self.matrix(NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK))
        for persona in PERSONAS:
            upload = SimpleUploadedFile("boshi.csv", export(good_rows(1)).encode())
            data = {"municipality": "katsushika", "file": upload}
            # ogawa may not choose Katsushika: the form refuses it (400), nothing imported.
            expected = self.matrix(NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, 400)
            self.check("post", url, expected, data=data, only=persona)

    def test_an_unknown_reference_is_a_plain_404(self) -> None:
        self.sign_in(self.w.admin_abe)
        self.assertEqual(
            self.client.get(reverse("staff:booking", args=["ZZZZZZZZ"])).status_code, 404
        )

    def test_contact_configuration_is_for_administrators_of_their_own(self) -> None:
        from tests.contacts.helpers import katsushika_contacts

        contact = katsushika_contacts(self.w).first
        admins = self.matrix(NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK)
        self.check("get", reverse("staff:contacts_config"), admins)
        self.check("get", reverse("staff:contact_create"), admins)
        url = reverse("staff:contact_edit", args=[contact.pk])
        self.check("get", url, self.matrix(NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND))

    def test_a_home_visit_is_moved_or_cancelled_by_its_nurse_and_administrators(self) -> None:
        import datetime as dt

        from scheduling.home_visit_models import District, HomeVisit, VisitBlock
        from tests.contacts.helpers import katsushika_contacts

        w = self.w
        district = District.objects.create(municipality=w.katsushika, code="d", name="青戸")
        district.nurses.add(w.nurse_sato)
        day = dt.date(2026, 12, 10)
        block = VisitBlock.objects.create(
            nurse=w.nurse_sato,
            district=district,
            date=day,
            start_time=dt.time(9),
            end_time=dt.time(12),
        )
        visit = HomeVisit.objects.create(
            pregnancy=w.hanako_pregnancy,
            contact=katsushika_contacts(w).late_visit,
            block=block,
            date=day,
            half="am",
        )
        expected = self.matrix(302, NOT_FOUND, NOT_FOUND, 302, NOT_FOUND)
        for name in ("staff:visit_move", "staff:visit_cancel"):
            url = reverse(name, args=[visit.pk])
            self.check("post", url, expected, data={"date": "2026-12-11", "half": "pm"})

    def test_questionnaire_configuration_is_for_administrators_of_their_own(self) -> None:
        from scheduling.questionnaire_models import Question, Questionnaire
        from tests.contacts.helpers import katsushika_contacts

        contact = katsushika_contacts(self.w).questionnaire
        question = Question.objects.create(
            questionnaire=Questionnaire.objects.create(contact=contact), kind="text", text="?"
        )
        url = reverse("staff:questionnaires")
        self.check("get", url, self.matrix(NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK))
        for url in (
            reverse("staff:questionnaire_edit", args=[contact.pk]),
            reverse("staff:question_edit", args=[question.pk]),
        ):
            self.check("get", url, self.matrix(NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND))

    def test_a_flagged_questionnaire_opens_her_follow_up_page_to_her_municipality(self) -> None:
        from tests.questionnaires.helpers import eighth_month_sheet, send

        sheet = eighth_month_sheet(self.w)
        url = reverse("staff:follow_up_pregnancy", args=[self.w.hanako_pregnancy.pk])
        nobody = self.matrix(NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)
        self.check("get", url, nobody)
        send(sheet, self.w.hanako_pregnancy, flagged=True)
        self.check("get", url, self.matrix(OK, OK, OK, OK, NOT_FOUND))

    def test_her_questionnaire_page_is_hers_alone(self) -> None:
        from tests.questionnaires.helpers import eighth_month_sheet

        sheet = eighth_month_sheet(self.w)
        url = reverse("frontend:questionnaire", args=[sheet.contact.code])
        for persona in PERSONAS:
            with self.subTest(persona=persona):
                self.client.logout()
                user = self.user(persona)
                if persona in UNVERIFIED:
                    UNVERIFIED[persona](self.client, self.w.nurse_sato.user)
                elif user is not None:
                    self.sign_in(user)
                response = self.client.get(url)
                if persona == "hanako":
                    self.assertEqual(response.status_code, OK)
                elif persona == "anonymous":
                    self.assertEqual(response.status_code, 302)
                    self.assertIn(reverse("frontend:login"), response["Location"])
                else:
                    self.assertEqual(response.status_code, NOT_FOUND)
