from typing import Any

from django import forms
from django.contrib import admin

from yurikago.errors import DomainError

from .models import Message, MessageText, SmsOptOut
from .webhook_models import WebhookEvent, WebhookSubscription
from .webhooks import webhook_url_check


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "booking",
        "purpose",
        "channel",
        "status",
        "send_at",
        "attempts",
        "error_code",
        "sent_at",
    ]
    list_filter = ["status", "purpose", "channel", "municipality"]
    # The recipient is personal data and `context` may hold a login code until it is sent.
    exclude = ["context", "recipient"]
    readonly_fields = [
        "masked_recipient",
        "claim",
        "lease_until",
        "attempt_started_at",
        "provider_id",
        "fallback_of",
    ]
    raw_id_fields = ["booking"]


@admin.register(SmsOptOut)
class SmsOptOutAdmin(admin.ModelAdmin):
    list_display = ["phone", "at", "keyword"]


class MessageTextAdminForm(forms.ModelForm):
    """The same checks as the staff portal (text_services.message_text_check)."""

    class Meta:
        model = MessageText
        fields = ["municipality", "channel", "purpose", "language", "subject", "body"]

    def clean(self) -> dict[str, Any]:
        from yurikago.errors import DomainError

        from .text_services import message_text_check

        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        try:
            message_text_check(
                municipality=data["municipality"],
                channel=data["channel"],
                purpose=data["purpose"],
                language=data["language"],
                subject=data.get("subject", ""),
                body=data.get("body", ""),
            )
        except DomainError as exc:
            field = exc.field if exc.field in self.fields else None
            self.add_error(field, str(exc.message))
        return data


@admin.register(MessageText)
class MessageTextAdmin(admin.ModelAdmin):
    form = MessageTextAdminForm
    list_display = ["municipality", "channel", "purpose", "language", "updated_at", "updated_by"]
    list_filter = ["municipality", "channel", "purpose", "language"]
    readonly_fields = ["updated_at", "updated_by"]

    def save_model(self, request: Any, obj: MessageText, form: Any, change: bool) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class WebhookSubscriptionForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        fields = ["token", "url", "events", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["events"] = self.instance.event_list

    def clean_url(self) -> str:
        try:
            return webhook_url_check(self.cleaned_data["url"])
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message)) from None

    def clean_events(self) -> str:
        return WebhookSubscription.pack_events(self.cleaned_data["events"])

    def save(self, commit: bool = True) -> WebhookSubscription:
        self.instance.municipality_id = self.instance.token.municipality_id
        return super().save(commit)


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    """The secret is shown here for the integrator to copy; a receiver checks with it."""

    form = WebhookSubscriptionForm
    list_display = ["url", "token", "municipality", "is_active", "failing_since"]
    list_filter = ["municipality", "is_active"]
    readonly_fields = ["secret", "failing_since", "created_at"]


# Issue 18: a municipality's LINE official account (its add-friend link for residents' bookings
# page). LineFriend and LineLinkNonce are deliberately not registered: staff never see her LINE
# user id.
from .line_models import LineOfficialAccount  # noqa: E402


@admin.register(LineOfficialAccount)
class LineOfficialAccountAdmin(admin.ModelAdmin):
    list_display = ["municipality", "add_friend_url"]
