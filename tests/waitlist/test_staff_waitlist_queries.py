"""The staff waitlist loads in a fixed number of queries, whatever the number of people waiting."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scheduling.waitlist_services import waitlist_join
from tests.base import NOW, tokyo
from tests.staff.helpers import StaffTestCase
from tests.waitlist.helpers import FULL_DAY, book_later_and_wait, new_pregnancy


class StaffWaitlistQueriesTest(StaffTestCase):
    def count(self) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse("staff_waitlist:list"))
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_more_people_waiting_cost_no_more_queries(self) -> None:
        book_later_and_wait(self.w, self.w.hanako_pregnancy, tokyo(2026, 12, 10, 10))
        self.sign_in(self.w.admin_abe)
        self.count()  # warm the session and scope
        one = self.count()
        for i in range(4):
            waitlist_join(
                pregnancy=new_pregnancy(self.w, f"more{i}"),
                interview_type=self.w.itype,
                sites=[self.w.niccowa, self.w.aoto],
                date_from=FULL_DAY,
                date_to=FULL_DAY,
                now=NOW,
            )
        self.assertEqual(self.count(), one)
