"""allauth's TOTP set-up form, with one change: the code she types to set TOTP up is this
sign-in's TOTP step (allauth's authentication records), so the staff portal does not ask her for
a second code a moment later (first sign-in: one password, one code)."""

from __future__ import annotations

from allauth.account.internal.flows.login import record_authentication
from allauth.core import context
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm

from yurikago.staff_sessions import mark_user


class ActivateTOTPForm(AllauthActivateTOTPForm):
    def clean_code(self) -> str:
        code: str = super().clean_code()
        request = context.request
        record_authentication(request, self.user, "mfa", type="totp", activated=True)
        mark_user(request, request.user)
        return code
