"""allauth, fitted to residents who sign in with a one-time code and to our User model.

Codes go out through the notifications outbox, so they use the same SMS and email transports as
reminders (the console in the embedded default) and leave the same audit trail.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.models import Authenticator
from django import forms
from django.http import Http404
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from notifications import login_codes
from scheduling.access import is_staff_account, is_staff_or_superuser_account
from scheduling.models import Municipality, User
from scheduling.phones import e164, parse_japanese_phone
from scheduling.resident_services import phone_set, phone_verified_record
from scheduling.selectors import municipality_get

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.http import HttpRequest

LOGIN_CODE_MAIL = "account/email/login_code"
# With enumeration prevention allauth mails "no account with this address" to whatever address
# was typed in. A resident without an account simply books; such mail only confuses.
SILENT_MAILS = {"account/email/unknown_account", "account/email/account_already_exists"}


def _recent_password_sign_in(request: HttpRequest) -> bool:
    passwords = [
        record
        for record in get_authentication_records(request, request.user)
        if record.get("method") == "password"
    ]
    return bool(passwords) and (
        time.time() - float(passwords[-1]["at"]) < account_settings.REAUTHENTICATION_TIMEOUT
    )


class JapanesePhoneField(forms.CharField):
    """Accepts 090-1234-5678 as well as +819012345678 and returns E.164."""

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return value
        number = parse_japanese_phone(value)
        if number is None:
            raise forms.ValidationError(
                _(
                    "This is not a Japanese phone number we can use. Please check it, "
                    "e.g. 090-1234-5678."
                )
            )
        return e164(number)


class AccountAdapter(DefaultAccountAdapter):
    # The messages a resident can meet on the code sign-in, in our plain words (and catalogue).
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "incorrect_code": gettext_lazy("This code is not right. Please check it and try again."),
        "too_many_login_attempts": gettext_lazy(
            "Too many tries. Please wait a few minutes and ask for a new code."
        ),
        "rate_limited": gettext_lazy("Too many tries. Please wait a few minutes."),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Resident accounts come from booking, staff accounts from administrators.
        return False

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        user = request.user
        if is_staff_account(user) and not request.GET.get("next"):
            return reverse("staff:home")
        if getattr(user, "resident", None) is not None and not is_staff_or_superuser_account(user):
            return reverse("frontend:my_bookings")
        return super().get_login_redirect_url(request)

    def is_reauthentication_required(self, app: str = "") -> bool:
        """Setting up TOTP right after signing in with her password does not ask for the password
        again (allauth counts only re-authentications as recent). Removing TOTP still does."""
        required = bool(super().is_reauthentication_required(app=app))
        request = context.request
        if not required or app != "allauth.mfa" or not request.user.is_authenticated:
            return required
        has_totp = Authenticator.objects.filter(
            user_id=request.user.pk, type=Authenticator.Type.TOTP
        ).exists()
        return has_totp or not _recent_password_sign_in(request)

    # --- phone numbers live on User.phone / User.phone_verified ------------------------------

    def phone_form_field(self, **kwargs: Any) -> forms.Field:
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
        return JapanesePhoneField(**kwargs)

    # allauth hands these the AUTH_USER_MODEL, our User.

    def get_phone(self, user: User) -> tuple[str, bool] | None:
        phone = getattr(user, "phone", None)
        return (phone, bool(user.phone_verified)) if phone else None

    def set_phone(self, user: User, phone: str, verified: bool) -> None:
        phone_set(user, phone, verified=verified)

    def set_phone_verified(self, user: User, phone: str) -> None:
        if getattr(user, "phone", None) == phone:
            phone_verified_record(user, phone)

    def get_user_by_phone(self, phone: str) -> AbstractBaseUser | None:
        return User.objects.filter(phone=phone, is_active=True).first()

    # --- sending codes through the outbox ----------------------------------------------------

    def send_verification_code_sms(
        self, user: AbstractBaseUser, phone: str, code: str, **kwargs: Any
    ) -> None:
        login_codes.message_send_login_code(
            municipality=self._municipality_for(user),
            channel="sms",
            recipient=phone,
            code=code,
            language=self._language_for(user),
        )

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        if template_prefix in SILENT_MAILS:
            return
        if template_prefix == LOGIN_CODE_MAIL:
            user = context.get("user") or self._user_by_email(email)
            login_codes.message_send_login_code(
                municipality=self._municipality_for(user),
                channel="email",
                recipient=email,
                code=context["code"],
                language=self._language_for(user),
            )
            return
        super().send_mail(template_prefix, email, context)

    @staticmethod
    def _user_by_email(email: str) -> User | None:
        return User.objects.filter(email__iexact=email).first()

    @staticmethod
    def _municipality_for(user: AbstractBaseUser | None) -> Municipality:
        resident = getattr(user, "resident", None) if user is not None else None
        if resident is not None:
            return resident.municipality
        try:
            return municipality_get()
        except Http404:
            return Municipality.objects.filter(is_active=True).order_by("id").first()  # type: ignore[return-value]

    @staticmethod
    def _language_for(user: AbstractBaseUser | None) -> str:
        # The language she is reading the login page in is the one she can read the code in.
        return get_language() or "ja"
