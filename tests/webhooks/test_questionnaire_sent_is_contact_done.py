"""Her questionnaire, sent, marks its contact done (scheduling.questionnaires), as staff
recording it done does: a subscribed integrator hears "contact.done" once, without a booking,
and never an answer."""

from __future__ import annotations

from notifications.webhook_models import WebhookDelivery, WebhookEvent
from scheduling.questionnaires import Given, questionnaire_response_save
from tests.fakes.webhook_receiver import FakeReceiver
from tests.questionnaires.helpers import eighth_month_sheet, send

from .helpers import WebhookTestCase


class QuestionnaireSentIsContactDoneTest(WebhookTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.token = self.make_token(scopes=[])
        self.sheet = eighth_month_sheet(self.w)

    def test_sending_it_is_one_contact_done_event_without_her_answers(self) -> None:
        with FakeReceiver() as receiver:
            self.subscribe(receiver.url, events=[WebhookEvent.CONTACT_DONE])
            send(self.sheet, self.w.hanako_pregnancy, flagged=True, what="夜眠れません")
            self.run_sender([0])
            (got,) = receiver.delivered()
        data = got.json()["data"]
        self.assertEqual(got.json()["type"], "contact.done")
        self.assertEqual(data["pregnancy"], self.w.hanako_pregnancy.pk)
        self.assertEqual(data["contact"], self.sheet.contact.pk)
        self.assertIsNone(data["reference"])
        for private in ("夜眠れません", "眠れない", "はい"):
            self.assertNotIn(private, got.body.decode())

    def test_a_draft_is_no_event(self) -> None:
        self.subscribe("http://127.0.0.1:9/", events=[WebhookEvent.CONTACT_DONE])
        questionnaire_response_save(
            pregnancy=self.w.hanako_pregnancy,
            questionnaire=self.sheet.questionnaire,
            given={self.sheet.talk.pk: Given(choice_ids=frozenset({self.sheet.talk_no.pk}))},
            submit=False,
        )
        self.assertEqual(WebhookDelivery.objects.count(), 0)
