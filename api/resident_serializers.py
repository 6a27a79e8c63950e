"""POST /bookings/ with her details (issue 13 item 3, issue 18): a staff session or a token with
the personal-data scope books for a caller on the phone, as the staff booking page does, through
the same find-or-create (scheduling.resident_services): the resident with this number in the
municipality, or a new one; a number another account has is refused without saying whose."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from scheduling.models import Language
from scheduling.notification_import import phone_e164

from .serializers import BookingCreateRequest


class HerDetails(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    name_kana = serializers.CharField(required=False, allow_blank=True, max_length=100)
    phone = serializers.CharField(
        max_length=30, help_text=_("A Japanese number, as written (090-1234-5678) or E.164.")
    )
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    language = serializers.ChoiceField(
        choices=Language.choices,
        required=False,
        help_text=_("Her language for messages; by default the booking's `language`."),
    )
    due_date = serializers.DateField(required=False)
    interpreter_needed = serializers.BooleanField(default=False)

    def validate_phone(self, value: str) -> str:
        # Read as the notification import reads one (full-width digits, hyphens), with the same
        # rule for "mobile": only a mobile number signs in and gets text messages.
        try:
            number, self.phone_is_mobile = phone_e164(value)
        except ValueError:
            raise serializers.ValidationError(_("Enter a Japanese phone number.")) from None
        return number

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["phone_is_mobile"] = getattr(self, "phone_is_mobile", False)
        return attrs


class BookingWithDetailsRequest(BookingCreateRequest):
    resident = HerDetails(
        required=False,
        help_text=_(
            "Staff and tokens with personal_data: book for her by her details instead of "
            "`pregnancy` (found by her phone number in the municipality, or made). With `site` "
            "and `start`, not a hold."
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if attrs.get("resident") is not None:
            if attrs.get("pregnancy") is not None:
                raise serializers.ValidationError(
                    {"resident": _("Send either her details or a pregnancy, not both.")}
                )
            if attrs.get("hold"):
                raise serializers.ValidationError(
                    {"resident": _("Book with her details by site and start, not a hold.")}
                )
        return attrs
