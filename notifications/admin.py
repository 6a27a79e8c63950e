from django.contrib import admin

from .models import Message, SmsOptOut


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["id", "booking", "purpose", "channel", "status", "send_at", "attempts",
                    "error_code"]
    list_filter = ["status", "purpose", "channel", "municipality"]
    exclude = ["context"]  # may hold a login code until it is sent


@admin.register(SmsOptOut)
class SmsOptOutAdmin(admin.ModelAdmin):
    list_display = ["phone", "at", "keyword"]
