from typing import Any

from django import forms
from django.contrib import admin

from .models import Message, MessageText, SmsOptOut


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
        from scheduling.errors import BookingError

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
        except BookingError as exc:
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
