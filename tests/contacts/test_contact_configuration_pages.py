"""A municipality administrator configures her municipality's contacts on staff pages (issue 15):
list, create and edit (name in eight languages, kind, due rule, who may do it, modes, duration,
needs a booking). Bad input comes back as a translated form error, never a 500, and nothing is
half-written; another municipality's contact is a 404."""

from __future__ import annotations

from django.urls import reverse

from scheduling.contact_models import Contact
from scheduling.home_visit_models import District
from scheduling.models import InterviewType
from tests.contacts.helpers import katsushika_contacts
from tests.staff.helpers import StaffTestCase


def contact_data(**fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "code": "interview-8m",
        "name": "妊娠8か月の面談",
        "name_en": "8th-month interview",
        "kind": "remote_interview",
        "due_basis": "gestation_weeks",
        "due_from": "28",
        "due_until": "31",
        "qualification": "either",
        "modes": ["video", "phone"],
        "duration_minutes": "30",
        "needs_booking": "on",
        "interview_type": "",
        "ordering_key": "1",
        "is_active": "on",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


class ContactConfigurationPagesTest(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.contacts = katsushika_contacts(self.w)
        self.sakuragawa_contact = Contact.objects.create(
            municipality=self.w.sakuragawa,
            code="phone-8m",
            name="8か月の電話面談",
            kind=Contact.Kind.QUESTIONNAIRE,
            needs_booking=False,
        )
        self.sign_in(self.w.admin_abe)

    def test_the_list_shows_her_municipality_s_contacts_only(self) -> None:
        page = self.client.get(reverse("staff:contacts_config"), HTTP_ACCEPT_LANGUAGE="ja")
        self.assertContains(page, "こんにちは赤ちゃん訪問")
        self.assertContains(page, reverse("staff:contact_edit", args=[self.contacts.first.pk]))
        self.assertNotContains(page, "8か月の電話面談")
        config = self.client.get(reverse("staff:config"))
        self.assertContains(config, reverse("staff:contacts_config"))

    def test_she_creates_a_remote_interview_with_its_interview_type(self) -> None:
        response = self.client.post(reverse("staff:contact_create"), contact_data(name_vi=""))
        self.assertRedirects(response, reverse("staff:contacts_config"))
        contact = Contact.objects.get(municipality=self.w.katsushika, code="interview-8m")
        self.assertEqual(
            (contact.kind, contact.due_basis, contact.due_from, contact.due_until),
            ("remote_interview", "gestation_weeks", 28, 31),
        )
        self.assertEqual(contact.name_translations, {"en": "8th-month interview"})
        self.assertEqual(contact.name_in("vi"), "妊娠8か月の面談")  # Japanese is the fallback
        self.assertEqual(contact.modes, ["video", "phone"])
        # A booked contact without a chosen type gets its own, with the contact's duration and
        # modes, so residents can book it at once.
        itype = contact.interview_type
        assert itype is not None
        self.assertEqual(
            (itype.municipality_id, itype.duration_minutes, itype.modes),
            (self.w.katsushika.pk, 30, ["video", "phone"]),
        )
        self.assertEqual(contact.history.first().history_user, self.w.admin_abe)

    def test_she_edits_the_due_rule_who_and_names(self) -> None:
        district = District.objects.create(municipality=self.w.katsushika, code="d1", name="青戸")
        visit = self.contacts.late_visit
        url = reverse("staff:contact_edit", args=[visit.pk])
        page = self.client.get(url)
        self.assertContains(page, "妊娠後期訪問")
        response = self.client.post(
            url,
            contact_data(
                code="late-visit",
                name="妊娠後期訪問",
                name_en="Late-pregnancy home visit",
                name_zh_hans="孕晚期家访",
                kind="home_visit",
                due_from="30",
                due_until="36",
                qualification="midwife",
                modes=[],
                needs_booking=None,
                optional="on",
                districts=[str(district.pk)],
            ),
        )
        self.assertRedirects(response, reverse("staff:contacts_config"))
        visit.refresh_from_db()
        self.assertEqual(
            (visit.due_from, visit.due_until, visit.qualification), (30, 36, "midwife")
        )
        self.assertEqual(
            visit.name_translations, {"en": "Late-pregnancy home visit", "zh-hans": "孕晚期家访"}
        )
        self.assertEqual(list(visit.districts.all()), [district])
        self.assertTrue(visit.optional)
        self.assertIsNone(visit.interview_type)

    def test_a_site_interview_is_done_at_chosen_sites(self) -> None:
        url = reverse("staff:contact_edit", args=[self.contacts.first.pk])
        data = contact_data(
            code="yurikago",
            name="ゆりかご面接",
            kind="site_interview",
            due_basis="notification",
            due_from="",
            due_until="",
            modes=["in_person"],
            interview_type=str(self.w.itype.pk),
            sites=[str(self.w.aoto.pk), str(self.w.eki.pk)],
        )
        self.assertRedirects(self.client.post(url, data), reverse("staff:contacts_config"))
        self.assertEqual(
            set(self.contacts.first.sites.values_list("pk", flat=True)),
            {self.w.aoto.pk, self.w.eki.pk},
        )

    def assert_refused(
        self, data: dict[str, object], japanese: str, url: str | None = None
    ) -> None:
        before = list(Contact.objects.order_by("pk").values())
        types = InterviewType.objects.count()
        response = self.client.post(
            url or reverse("staff:contact_create"), data, HTTP_ACCEPT_LANGUAGE="ja"
        )
        self.assertEqual(response.status_code, 422, response.content[:500])
        self.assertContains(response, japanese, status_code=422)
        self.assertEqual(list(Contact.objects.order_by("pk").values()), before)
        self.assertEqual(InterviewType.objects.count(), types)

    def test_bad_input_is_a_translated_error_and_nothing_is_written(self) -> None:
        self.assert_refused(contact_data(due_from="", due_until=""), "週数")
        self.assert_refused(contact_data(due_from="31", due_until="28"), "終わり")
        self.assert_refused(contact_data(due_from="abc"), "整数")
        self.assert_refused(contact_data(due_until="99999"), "32767")
        self.assert_refused(contact_data(modes=["in_person"]), "ビデオか電話")
        self.assert_refused(contact_data(modes=["teleport"]), "選択")
        self.assert_refused(contact_data(code="yurikago"), "コード")
        self.assert_refused(contact_data(code="スペース 入り"), "コード")
        self.assert_refused(contact_data(kind="questionnaire"), "アンケート")
        self.assert_refused(contact_data(duration_minutes="0"), "5")
        self.assert_refused(contact_data(name=""), "必須")
        # Another municipality's site or interview type is not a choice: an error, not a 500.
        other_type = InterviewType.objects.create(
            municipality=self.w.sakuragawa, code="x", name="x", modes=["phone"]
        )
        self.assert_refused(contact_data(interview_type=str(other_type.pk)), "選択")
        self.assert_refused(
            contact_data(kind="site_interview", sites=[str(self.w.sakuragawa_site.pk)]), "選択"
        )

    def test_an_interview_type_must_offer_the_contact_s_modes(self) -> None:
        self.assert_refused(contact_data(interview_type=str(self.w.itype.pk)), "面接の種類")

    def test_another_municipality_s_contact_is_not_found(self) -> None:
        url = reverse("staff:contact_edit", args=[self.sakuragawa_contact.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url, contact_data(code="x")).status_code, 404)
        self.sakuragawa_contact.refresh_from_db()
        self.assertEqual(self.sakuragawa_contact.code, "phone-8m")
        self.assertEqual(
            self.client.get(reverse("staff:contact_edit", args=[999999])).status_code, 404
        )

    def test_nurses_and_managers_do_not_configure_contacts(self) -> None:
        for user in (self.w.nurse_sato.user, self.w.manager_mori):
            self.client.logout()
            self.sign_in(user)
            for url in (
                reverse("staff:contacts_config"),
                reverse("staff:contact_create"),
                reverse("staff:contact_edit", args=[self.contacts.first.pk]),
            ):
                with self.subTest(user=user.email, url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)
