"""The hold's site statement (access_site_for_booking, one per hold and refused hold of the 09:00
rush) has ONE text whatever the number of municipalities she may book for, so on PostgreSQL it is
prepared once per connection (issue 19, sixth round); and the rows it reads become instances
through converters worked out once per model, not per field and request."""

from __future__ import annotations

from unittest import mock

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from scheduling import access_bookings
from scheduling.models import Municipality, Resident, Site, User
from tests.base import require_postgres
from yurikago import db
from yurikago.session_user import user_with_account_rows

from .helpers import ApiTestCase


class FixedSiteStatementTest(ApiTestCase):
    def read(self, municipality_ids: list[int]) -> tuple[str, Site | None]:
        with CaptureQueriesContext(connection) as captured:
            site, *_rest = access_bookings._site_with_default_type(self.w.aoto.pk, municipality_ids)
        self.assertEqual(len(captured), 1, captured.captured_queries)
        return captured[0]["sql"], site

    def test_one_text_for_any_number_of_municipalities_on_postgresql(self) -> None:
        require_postgres()
        own = self.w.katsushika.pk
        others = list(Municipality.objects.exclude(pk=own).values_list("pk", flat=True))
        with transaction.atomic():
            texts = set()
            for ids in ([own], [own, *others], [*others, own, 10**6]):
                sql, site = self.read(sorted(ids))
                self.assertEqual(site, self.w.aoto)
                texts.add(sql.split(" WHERE s.id = ")[0])
            self.assertIsNone(self.read(others or [10**6])[1])
        self.assertEqual(len(texts), 1, texts)
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            prepared = [s for (s,) in cursor.fetchall() if "= ANY(" in s and "LIMIT 1)" in s]
        self.assertEqual(len(prepared), 1, prepared)

    def test_the_site_is_found_only_among_her_municipalities(self) -> None:
        own = self.w.katsushika.pk
        others = list(Municipality.objects.exclude(pk=own).values_list("pk", flat=True))
        self.assertEqual(self.read([own])[1], self.w.aoto)
        self.assertEqual(self.read(sorted([own, *others]))[1], self.w.aoto)
        self.assertIsNone(self.read(others or [10**6])[1])


class InstanceFromRowTest(ApiTestCase):
    def test_converters_are_worked_out_once_per_model(self) -> None:
        db._ROW_SHAPES.clear()
        user = User.objects.get(pk=self.w.hanako.user.pk)
        with mock.patch.object(
            type(connection.ops), "get_db_converters", autospec=True, return_value=[]
        ) as looked_up:
            for _ in range(3):
                access_bookings._site_with_default_type(self.w.aoto.pk, [self.w.katsushika.pk])
                self.assertEqual(user_with_account_rows(user.pk), user)
        fields = sum(
            len(m._meta.concrete_fields)
            for m in (*access_bookings._SITE_ROW_MODELS, User, Resident)
        )
        self.assertEqual(looked_up.call_count, fields)

    def test_a_row_not_found_by_a_left_join_is_none(self) -> None:
        width = len(Site._meta.concrete_fields)
        self.assertIsNone(db.instance_from_row(Site, [None] * width))

    def test_the_instance_is_the_orms(self) -> None:
        site = Site.objects.get(pk=self.w.aoto.pk)
        with connection.cursor() as cursor:
            qn = connection.ops.quote_name
            columns = ", ".join(qn(str(f.column)) for f in Site._meta.concrete_fields)
            cursor.execute(
                f"SELECT {columns} FROM {qn(Site._meta.db_table)} WHERE id = %s",  # noqa: S608
                [site.pk],
            )
            got = db.instance_from_row(Site, cursor.fetchone())
        assert got is not None
        for field in Site._meta.concrete_fields:
            with self.subTest(field=field.name):
                self.assertEqual(getattr(got, field.attname), getattr(site, field.attname))
                self.assertIs(type(getattr(got, field.attname)), type(getattr(site, field.attname)))
        self.assertFalse(got._state.adding)
        self.assertEqual(got._state.db, "default")
