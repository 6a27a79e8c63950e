"""A hold reads the site, its municipality, the municipality's default interview type and that
type's first contact in ONE statement (issue 19, the 09:00 rush: they were three queries, the
contact read again by the service), and they are exactly the rows the ORM would read. Asking for
a type or a contact, a site she may not book at, or no active type answer as before."""

from __future__ import annotations

from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from api.view_support import contact_and_type
from scheduling.access import access_site_for_booking, scope_for, staff_session_mark
from scheduling.models import Booking, Contact, InterviewType, Municipality, Site, User

from .helpers import API, ApiTestCase

START = "2026-12-03T10:00:00+09:00"


class HoldSiteAndTypeTest(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.contact = self.make_contact("interview", ordering_key=1)
        self.make_contact("later", ordering_key=2)  # of the same type, but not the first

    def make_contact(self, code: str, *, ordering_key: int) -> Contact:
        return Contact.objects.create(
            municipality=self.w.katsushika,
            code=code,
            name="妊娠8か月面接",
            name_translations={"en": "8th-month interview"},
            kind=Contact.Kind.SITE_INTERVIEW,
            modes=["in_person"],
            interview_type=self.w.itype,
            ordering_key=ordering_key,
        )

    def hanako(self) -> User:
        """Her user as a request loads it, her scope already read (its own statement)."""
        user = User.objects.get(pk=self.w.hanako.user.pk)
        staff_session_mark(user, False)
        scope_for(user)
        return user

    def test_the_site_type_and_contact_are_one_statement(self) -> None:
        hanako = self.hanako()
        with self.assertNumQueries(1):
            site = access_site_for_booking(hanako, self.w.aoto.pk)
            contact, itype = contact_and_type(site.municipality, {})
            self.assertEqual(site.municipality.code, "katsushika")
        self.assertEqual(
            (site.pk, itype.pk, contact), (self.w.aoto.pk, self.w.itype.pk, self.contact)
        )

    def test_each_row_is_what_the_orm_reads(self) -> None:
        site = access_site_for_booking(self.hanako(), self.w.aoto.pk)
        contact, itype = contact_and_type(site.municipality, {})
        for got, model in (
            (site, Site),
            (site.municipality, Municipality),
            (itype, InterviewType),
            (contact, Contact),
        ):
            expected = model.objects.get(pk=got.pk)
            for field in model._meta.concrete_fields:
                with self.subTest(model=model.__name__, field=field.name):
                    self.assertEqual(getattr(got, field.attname), getattr(expected, field.attname))
                    self.assertIs(
                        type(getattr(got, field.attname)), type(getattr(expected, field.attname))
                    )
            self.assertFalse(got._state.adding)
            self.assertEqual(got._state.db, "default")

    def test_her_hold_is_for_the_types_first_contact(self) -> None:
        client = self.client_for(self.w.hanako.user)
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                f"{API}/holds/", {"site": self.w.aoto.id, "start": START}, format="json"
            )
        self.assertEqual(response.status_code, 201, response.content)
        hold = Booking.objects.get(reference=response.json()["id"].replace("-", ""))
        self.assertEqual(
            (hold.contact_id, hold.interview_type_id), (self.contact.pk, self.w.itype.pk)
        )
        # No statement of its own reads the interview type or the contact (the one statement
        # reads them in subqueries of the site's).
        alone = [
            q["sql"]
            for q in captured
            if q["sql"].startswith("SELECT")
            and q["sql"]
            .split(" FROM ", 1)[-1]
            .lstrip('"')
            .startswith(("scheduling_interviewtype", "scheduling_contact"))
        ]
        self.assertEqual(alone, [])

    def test_a_type_without_contact_books_without_one(self) -> None:
        Contact.objects.update(is_active=False)
        site = access_site_for_booking(self.hanako(), self.w.aoto.pk)
        self.assertEqual(contact_and_type(site.municipality, {}), (None, self.w.itype))
        response = self.client_for(self.w.hanako.user).post(
            f"{API}/holds/", {"site": self.w.aoto.id, "start": START}, format="json"
        )
        self.assertEqual(response.status_code, 201, response.content)

    def test_a_type_asked_for_is_read_as_before(self) -> None:
        other = InterviewType.objects.create(
            municipality=self.w.katsushika, code="second", name="二回目", modes=["in_person"]
        )
        site = access_site_for_booking(self.hanako(), self.w.aoto.pk)
        self.assertEqual(
            contact_and_type(site.municipality, {"interview_type": "second"}), (None, other)
        )

    def test_no_active_type_is_not_found_as_before(self) -> None:
        InterviewType.objects.update(is_active=False)
        response = self.client_for(self.w.hanako.user).post(
            f"{API}/holds/", {"site": self.w.aoto.id, "start": START}, format="json"
        )
        self.assertProblem(response, 404)

    def test_a_site_she_may_not_book_at_is_not_found(self) -> None:
        hanako = self.hanako()
        other = Site.objects.exclude(municipality=self.w.katsushika).first()
        assert other is not None
        Site.objects.filter(pk=self.w.eki.pk).update(is_active=False)
        for site_id in (other.pk, self.w.eki.pk, 999999):
            with self.subTest(site=site_id), self.assertRaises(Http404):
                access_site_for_booking(hanako, site_id)
