from django.contrib import admin

from .models import Message, SmsOptOut


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
