"""A municipality's own message texts: they replace the shipped text for her municipality and
that language only, are refused when we would not send them, and a reset brings back the
shipped text."""

from __future__ import annotations

from notifications.dispatch import _load
from notifications.models import Message, MessageText
from notifications.text_services import message_text_reset, message_text_save
from notifications.texts import render_message
from tests.notifications.helpers import NotificationsTestCase
from yurikago.errors import DomainError

OWN_SMS = "{{ municipality }}より: {{ when }} {{ site }}でお待ちしています。番号 {{ reference }}"


class MessageTextsTest(NotificationsTestCase):
    def save(self, **kwargs: object) -> MessageText:
        values: dict[str, object] = {
            "municipality": self.w.katsushika,
            "channel": "sms",
            "purpose": "confirmation",
            "language": "ja",
            "subject": "",
            "body": OWN_SMS,
            "actor": self.w.admin_abe,
        }
        values.update(kwargs)
        return message_text_save(**values)  # type: ignore[arg-type]

    def refused(self, field: str, **kwargs: object) -> None:
        with self.assertRaises(DomainError) as caught:
            self.save(**kwargs)
        self.assertEqual((caught.exception.code, caught.exception.field), ("invalid", field))
        self.assertFalse(MessageText.objects.exists())

    def test_her_own_sms_replaces_the_shipped_one_for_her_municipality_and_language(self) -> None:
        booking = self.book()
        shipped = render_message(self.row(booking)).text
        self.save()
        text = render_message(self.row(booking)).text
        self.assertNotEqual(text, shipped)
        self.assertTrue(text.startswith("葛飾区より: "), text)
        self.assertIn(booking.display_reference, text)
        # The dispatcher's path (the own text loaded with the row) renders the same.
        self.assertEqual(render_message(_load(self.row(booking).pk)).text, text)

    def test_other_languages_and_municipalities_keep_the_shipped_text(self) -> None:
        english = self.book(language="en")
        shipped_en = render_message(self.row(english)).text
        self.save()
        self.assertEqual(render_message(self.row(english)).text, shipped_en)
        self.assertEqual(render_message(_load(self.row(english).pk)).text, shipped_en)
        other = Message.objects.create(
            municipality=self.w.sakuragawa,
            purpose="confirmation",
            channel="sms",
            language="ja",
            recipient="+819000000001",
            context={"when": "12/3(木)10:00", "site": "会場", "reference": "ABCD-EFGH"},
        )
        self.assertNotIn("より: ", render_message(other).text)

    def test_her_own_email_replaces_subject_and_body(self) -> None:
        booking = self.book(sms=False, email=True)
        self.save(
            channel="email",
            subject="{{ municipality }} 予約 {{ reference }}",
            body="{{ when_long }}\n{{ site }}\n{{ url }}",
        )
        rendered = render_message(self.row(booking, channel="email"))
        self.assertEqual(rendered.subject, f"葛飾区 予約 {booking.display_reference}")
        self.assertIn(f"/bookings/{booking.reference}/", rendered.text)
        self.assertIn("<html", rendered.html.lower())
        self.assertEqual(
            render_message(_load(self.row(booking, channel="email").pk)).subject, rendered.subject
        )

    def test_a_text_is_not_escaped(self) -> None:
        booking = self.book()
        self.save(body="{{ municipality }} & {{ site }} <{{ reference }}>")
        self.assertIn("葛飾区 & ", render_message(self.row(booking)).text)

    def test_an_sms_longer_than_two_parts_is_refused(self) -> None:
        self.refused("body", body=OWN_SMS + "。" + "お気をつけてお越しください。" * 8)

    def test_an_sms_with_a_health_word_is_refused(self) -> None:
        self.refused("body", body="{{ when }} 妊婦面接 {{ reference }}")
        self.refused("body", language="en", body="Your Health check {{ when }}")

    def test_an_sms_with_a_link_is_refused(self) -> None:
        self.refused("body", body="{{ when }} https://example.jp/x")
        self.refused("body", body="{{ when }} {{ url }}")
        self.refused("body", body="{{ when }} www.city.example")

    def test_a_broken_template_is_refused(self) -> None:
        self.refused("body", body="{{ when }} {% if %}")
        self.refused("body", body="{{ when|nosuchfilter }}")
        self.refused("body", body='{% include "notifications/email/message.html" %}')
        self.refused("subject", channel="email", subject="{% if %}", body="{{ when }}")

    def test_an_email_needs_a_subject_and_may_link(self) -> None:
        self.refused("subject", channel="email", subject="", body="{{ url }}")
        self.save(channel="email", subject="予約", body="{{ url }} 母子健康手帳をお持ちください")
        self.assertEqual(MessageText.objects.get().channel, "email")

    def test_saving_again_updates_the_one_row(self) -> None:
        self.save()
        self.save(body="{{ when }} {{ reference }}")
        own = MessageText.objects.get()
        self.assertEqual(
            (own.body, own.updated_by), ("{{ when }} {{ reference }}", self.w.admin_abe)
        )

    def test_reset_brings_back_the_shipped_text(self) -> None:
        booking = self.book()
        shipped = render_message(self.row(booking)).text
        self.save()
        self.assertTrue(
            message_text_reset(
                municipality=self.w.katsushika,
                channel="sms",
                purpose="confirmation",
                language="ja",
                actor=self.w.admin_abe,
            )
        )
        self.assertFalse(MessageText.objects.exists())
        self.assertEqual(render_message(self.row(booking)).text, shipped)
        self.assertEqual(render_message(_load(self.row(booking).pk)).text, shipped)

    def test_the_django_admin_form_runs_the_same_checks(self) -> None:
        from notifications.admin import MessageTextAdminForm

        data = {
            "municipality": self.w.katsushika.pk,
            "channel": "sms",
            "purpose": "reminder",
            "language": "en",
            "subject": "",
            "body": "{{ when }} see {{ url }}",
        }
        form = MessageTextAdminForm(data)
        self.assertFalse(form.is_valid())
        self.assertIn("body", form.errors)
        self.assertTrue(MessageTextAdminForm({**data, "body": "{{ when }} {{ site }}"}).is_valid())
