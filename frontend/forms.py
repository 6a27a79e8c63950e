"""Resident forms. Errors are plain words next to the field; what she typed is kept.

Following the Digital Agency design system's form guidance: every field has a visible label,
"required"/"optional" is written out, help text sits above the input, and an error says what to
do next, not only what is wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import phonenumbers
from allauth.account.adapter import get_adapter
from allauth.account.forms import ConfirmLoginCodeForm, RequestLoginCodeForm
from allauth.account.internal.userkit import filter_users_by_email
from allauth.core import context, ratelimit
from django import forms
from django.conf import settings
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from scheduling.access import is_staff_or_superuser_account
from scheduling.models import Language

# The number rules live in scheduling.phones; e164, national and parse_japanese_phone are
# re-exported for the pages that import them from here.
from scheduling.phones import e164 as e164
from scheduling.phones import is_mobile_number
from scheduling.phones import national as national
from scheduling.phones import parse_japanese_phone as parse_japanese_phone

from .limits import (
    LOGIN_CODE_LOCKED,
    SMS_STOPPED,
    login_code_locked,
    login_code_wrong,
    sms_stopped,
)

MAX_WEEKS_TO_DUE_DATE = 42
LOGIN_CODE_SUBJECT_SESSION_KEY = "yurikago_login_code_subject"
KANA = re.compile(r"^[\u3041-\u3096\u30a1-\u30fa\u30fc\u30fb\u3000 ]+$")
DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]


class AccessibleFormMixin:
    """Ties each field's help and error text to its input (aria-describedby, aria-invalid)."""

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self.describe_fields()

    def describe_fields(self) -> None:
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            bound = self[name]  # type: ignore[index]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}_help")
            if self.is_bound and name in self.errors:  # type: ignore[attr-defined]
                ids.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)


def default_language_choice() -> str:
    code = get_language() or settings.LANGUAGE_CODE
    return code if code in Language.values else Language.JA


class DetailsForm(AccessibleFormMixin, forms.Form):
    REMINDER_CHOICES = [
        ("sms", _("SMS to my mobile")),
        ("email", _("Email")),
        ("both", _("Both SMS and email")),
    ]

    hold = forms.CharField(widget=forms.HiddenInput)
    name = forms.CharField(
        label=_("Your name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    name_kana = forms.CharField(
        label=_("Your name in kana"),
        max_length=100,
        required=False,
        help_text=_("Hiragana or katakana, e.g. やまだ はなこ. Leave empty if you have none."),
    )
    phone = forms.CharField(
        label=_("Mobile phone number"),
        max_length=20,
        help_text=_("A Japanese mobile number, e.g. 090-1234-5678 (070, 080, 090 or 060)."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        help_text=_("Needed only if you want reminders by email."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        input_formats=DATE_FORMATS,
        help_text=_("If you do not know it yet, give the weeks of pregnancy instead."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    weeks = forms.IntegerField(
        label=_("Weeks of pregnancy"),
        required=False,
        min_value=1,
        max_value=41,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    handbook_number = forms.CharField(
        label=_("Maternal handbook number"),
        max_length=30,
        required=False,
        help_text=_("Printed on your maternal and child health handbook, if you have it."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language for the interview"), choices=Language.choices
    )
    interpreter_needed = forms.BooleanField(label=_("I would like an interpreter"), required=False)
    reminders = forms.ChoiceField(
        label=_("How should we remind you?"),
        choices=REMINDER_CHOICES,
        widget=forms.RadioSelect,
        initial="sms",
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the municipality uses these details to arrange and hold the "
            "interview, and to send me reminders."
        ),
        error_messages={"required": _("Please tick the box to agree, so we can book.")},
    )

    def __init__(self, *args: Any, today: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["preferred_language"].initial = default_language_choice()
        self.fields["name"].error_messages["required"] = _("Please enter your name.")
        self.fields["phone"].error_messages["required"] = _("Please enter your mobile number.")
        self.fields["email"].error_messages["invalid"] = _(
            "Please check the email address, e.g. name@example.jp."
        )
        self.fields["due_date"].error_messages["invalid"] = _(
            "Please enter the date as year-month-day, e.g. 2027-06-01."
        )
        for key in ("min_value", "max_value", "invalid"):
            self.fields["weeks"].error_messages[key] = _(
                "Please enter a number of weeks between 1 and 41."
            )
        self.phone_number: phonenumbers.PhoneNumber | None = None
        self.describe_fields()

    def clean_name_kana(self) -> str:
        kana = self.cleaned_data["name_kana"].strip()
        if kana and not KANA.match(kana):
            raise forms.ValidationError(
                _("Please write your name in hiragana or katakana, or leave it empty.")
            )
        # Katakana is what the municipality's systems store.
        return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in kana)

    def clean_phone(self) -> str:
        number = parse_japanese_phone(self.cleaned_data["phone"])
        if number is None:
            raise forms.ValidationError(
                _(
                    "This is not a Japanese phone number we can use. Please check it, "
                    "e.g. 090-1234-5678."
                )
            )
        self.phone_number = number
        return e164(number)

    def clean_due_date(self) -> dt.date | None:
        due = self.cleaned_data["due_date"]
        if due is None:
            return None
        if due < self.today:
            raise forms.ValidationError(_("The due date cannot be in the past. Please check it."))
        if due > self.today + dt.timedelta(weeks=MAX_WEEKS_TO_DUE_DATE):
            raise forms.ValidationError(
                _("This due date is more than 42 weeks away. Please check the year.")
            )
        return due

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        reminders = data.get("reminders")
        if reminders in ("sms", "both") and self.phone_number is not None:
            if not is_mobile_number(self.phone_number):
                self.add_error(
                    "phone",
                    _(
                        "This number cannot receive SMS (it is not a mobile number). Please enter "
                        "a mobile number (070, 080, 090 or 060), or choose reminders by email."
                    ),
                )
        if reminders in ("email", "both") and not data.get("email") and "email" not in self.errors:
            self.add_error("email", _("Please enter your email address for email reminders."))
        due, weeks = data.get("due_date"), data.get("weeks")
        if (
            due is None
            and weeks is None
            and "due_date" not in self.errors
            and "weeks" not in self.errors
        ):
            self.add_error(
                "due_date", _("Please enter your due date, or the weeks of pregnancy below.")
            )
        if due is None and weeks is not None:
            # 40 weeks + 0 days is the due date.
            data["due_date"] = self.today + dt.timedelta(weeks=40 - weeks)
        return data

    @property
    def notify_sms(self) -> bool:
        return self.cleaned_data["reminders"] in ("sms", "both")

    @property
    def notify_email(self) -> bool:
        return self.cleaned_data["reminders"] in ("email", "both")

    @property
    def phone_is_mobile(self) -> bool:
        return self.phone_number is not None and is_mobile_number(self.phone_number)


class CancelForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=300,
        help_text=_("It helps us plan. You do not have to say."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.describe_fields()


class LoginCodeRequestForm(AccessibleFormMixin, RequestLoginCodeForm):
    """One box for "mobile number or email": she should not have to pick which kind first."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("email", None)
        self.fields.pop("phone", None)
        self.fields["login"] = forms.CharField(
            label=_("Mobile number or email address"),
            max_length=254,
            help_text=_("The one you gave when you booked. We send a code to it."),
            error_messages={"required": _("Please enter your mobile number or email address.")},
            widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "email"}),
        )
        self._user = None
        self.describe_fields()

    def clean_login(self) -> str:
        value = self.cleaned_data["login"].strip()
        adapter = get_adapter()
        if "@" in value:
            try:
                validate_email(value)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("Please check the email address, e.g. name@example.jp.")
                ) from None
            key = value.lower()
            users = filter_users_by_email(key, is_active=True, prefer_verified=True, for_login=True)
            self._user = users[0] if users else None
            self.cleaned_data["email"] = key
        else:
            number = parse_japanese_phone(value)
            if number is None:
                raise forms.ValidationError(
                    _("This is not a Japanese mobile number or an email address. Please check it.")
                )
            key = e164(number)
            if sms_stopped(key):
                raise forms.ValidationError(SMS_STOPPED)
            self._user = adapter.get_user_by_phone(key)
            self.cleaned_data["phone"] = key
        if self._user is not None and is_staff_or_superuser_account(self._user):
            # Staff sign in with password + TOTP only: no code, and the answer of an unknown
            # address, so the form does not tell who works here.
            self._user = None
        if login_code_locked(key):
            raise forms.ValidationError(LOGIN_CODE_LOCKED)
        if not ratelimit.consume(context.request, action="request_login_code", key=key):
            raise adapter.validation_error("too_many_login_attempts")
        # The number or address the code goes to, for the confirm form's daily count.
        context.request.session[LOGIN_CODE_SUBJECT_SESSION_KEY] = key
        return value

    def clean(self) -> dict[str, Any]:
        # The parent's clean() compares email and phone fields this form does not have.
        return self.cleaned_data


class LoginCodeConfirmForm(AccessibleFormMixin, ConfirmLoginCodeForm):
    """allauth's code form, counting wrong codes per number (or address) per day: after
    LOGIN_CODE_WRONG_PER_DAY of them even the right code is refused until tomorrow. Unknown
    numbers are counted alike, so the lock tells nothing about who has an account."""

    def clean_code(self) -> str:
        subject = str(context.request.session.get(LOGIN_CODE_SUBJECT_SESSION_KEY, ""))
        if subject and login_code_locked(subject):
            raise forms.ValidationError(LOGIN_CODE_LOCKED)
        try:
            code: str = super().clean_code()
        except forms.ValidationError:
            if subject and login_code_wrong(subject):
                raise forms.ValidationError(LOGIN_CODE_LOCKED) from None
            raise
        return code
