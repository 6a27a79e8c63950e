"""The payments desk's CSV: contacts done in a period, with the pregnancy reference, contact, date
and municipality, and no field outside that list (no name, no health detail)."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.urls import reverse

from scheduling.contact_models import Contact, PregnancyContact
from scheduling.models import AccessLog, Pregnancy, Resident, User
from scheduling.notification_models import PregnancyNotification
from scheduling.reports.payments import PAYMENT_FIELDS, pregnancy_reference
from tests.contacts.helpers import katsushika_contacts
from tests.staff.helpers import StaffTestCase

DONE = PregnancyContact.Status.DONE


class PaymentsCsvTests(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        w = self.w
        self.contacts = katsushika_contacts(w)
        hanako, mei = w.hanako_pregnancy, w.mei_pregnancy
        hanako.notes = "つわりがひどい"
        hanako.outcome, hanako.ended_on, hanako.babies = "birth", dt.date(2026, 11, 2), 2
        hanako.save()
        PregnancyNotification.objects.create(
            municipality=w.katsushika,
            record_key="BOSHI-000123",
            pregnancy=hanako,
            notified_on=dt.date(2026, 5, 1),
            address="葛飾区青戸1-2-3",
            source="file",
        )

        def record(pregnancy: Pregnancy, contact: Contact, status: str, on: dt.date) -> None:
            PregnancyContact.objects.create(
                pregnancy=pregnancy,
                contact=contact,
                status=status,
                done_on=on if status == DONE else None,
                done_by=w.nurse_sato,
                outcome="要支援: 産後うつリスク",
                staff_notes="夫の協力なし",
            )

        record(hanako, self.contacts.first, DONE, dt.date(2026, 11, 10))
        record(mei, self.contacts.first, DONE, dt.date(2026, 10, 31))  # before the period
        record(hanako, self.contacts.baby_visit, DONE, dt.date(2026, 11, 30))
        record(mei, self.contacts.late_visit, "declined", dt.date(2026, 11, 12))
        sakura_contact = Contact.objects.create(
            municipality=w.sakuragawa,
            code="first",
            name="はじめまして面談",
            kind=Contact.Kind.QUESTIONNAIRE,
            needs_booking=False,
        )
        sakura_user = User.objects.create_user(email="sakura@example.jp", phone="+819055556666")
        sakura_resident = Resident.objects.create(
            user=sakura_user, municipality=w.sakuragawa, name="桜 さくら", phone="+819055556666"
        )
        sakura_pregnancy = Pregnancy.objects.create(resident=sakura_resident)
        record(sakura_pregnancy, sakura_contact, DONE, dt.date(2026, 11, 15))
        self.url = reverse("staff:payments_csv")

    def _rows(self, query: str = "?date_from=2026-11-01&date_to=2026-11-30") -> list[list[str]]:
        response = self.client.get(self.url + query)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        text = response.content.decode("utf-8")
        self.assertTrue(text.startswith("\ufeff"))
        return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))

    def test_it_lists_the_contacts_done_in_the_period_of_her_municipality(self) -> None:
        self.sign_in(self.w.admin_abe)
        header, *rows = self._rows()
        self.assertEqual(tuple(header), PAYMENT_FIELDS)
        ref = pregnancy_reference(self.w.hanako_pregnancy.pk)
        self.assertEqual(
            rows,
            [
                [ref, "BOSHI-000123", "katsushika", "yurikago", "ゆりかご面接", "2026-11-10"],
                [
                    ref,
                    "BOSHI-000123",
                    "katsushika",
                    "baby-visit",
                    "こんにちは赤ちゃん訪問",
                    "2026-11-30",
                ],
            ],
        )

    def test_it_contains_no_field_outside_its_list(self) -> None:
        self.sign_in(self.w.admin_abe)
        header, *rows = self._rows()
        self.assertEqual(
            set(header),
            {
                "pregnancy_reference",
                "municipality_record_key",
                "municipality",
                "contact_code",
                "contact",
                "done_on",
            },
        )
        self.assertTrue(all(len(row) == len(header) for row in rows))
        text = "\n".join(",".join(row) for row in rows)
        hanako = self.w.hanako
        for private in (
            hanako.name,
            hanako.name_kana,
            hanako.phone,
            hanako.email,
            "つわり",  # her notes
            "2027-06-01",  # due date
            "産後うつ",  # outcome
            "夫の協力",  # staff notes
            "青戸1-2-3",  # address
            "birth",
            self.w.nurse_sato.name,
        ):
            self.assertNotIn(private, text)

    def test_another_municipalitys_administrator_sees_only_her_own(self) -> None:
        self.sign_in(self.w.admin_ogawa)
        _header, *rows = self._rows()
        self.assertEqual([row[3] for row in rows], ["first"])

    def test_the_previous_month_when_no_period_is_given(self) -> None:
        self.sign_in(self.w.admin_abe)  # today is 2026-12-01
        _header, *rows = self._rows("")
        self.assertEqual([row[-1] for row in rows], ["2026-11-10", "2026-11-30"])

    def test_downloading_it_is_in_the_access_log(self) -> None:
        self.sign_in(self.w.admin_abe)
        self._rows()
        logged = AccessLog.objects.filter(action="payments_csv")
        self.assertEqual({r.resident_id for r in logged}, {self.w.hanako.pk})

    def test_a_period_ending_before_it_starts_is_refused(self) -> None:
        self.sign_in(self.w.admin_abe)
        response = self.client.get(self.url + "?date_from=2026-11-30&date_to=2026-11-01")
        self.assertEqual(response.status_code, 400)

    def test_nurses_and_site_managers_get_a_404(self) -> None:
        for user in (self.w.nurse_sato.user, self.w.manager_mori):
            self.client.logout()
            self.sign_in(user)
            self.assertEqual(self.client.get(self.url).status_code, 404)
