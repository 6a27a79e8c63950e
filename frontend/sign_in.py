"""The residents' sign-in page (/login/): allauth's login-by-code, with two changes.

- Coming back to /login/ (or following "use another number or email" on the code page) starts
  again: allauth would send her back to the code page of the number she mistyped.
- The code page says where the code went, masked ("090-****-0001"), from the pending login.
- Every request for a code takes at least LOGIN_CODE_MIN_MS: a code is written and sent for a
  registered number, nothing for an unknown one (sending to it would be spam), and the time the
  answer took must not tell which.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from allauth.account.internal.stagekit import clear_login
from allauth.account.views import RequestLoginCodeView
from django.conf import settings

if TYPE_CHECKING:
    from allauth.account.stages import LoginStage
    from django.http import HttpRequest, HttpResponse, HttpResponseRedirect


class LoginView(RequestLoginCodeView):
    template_name = "frontend/login.html"

    def _redirect_to_pending_stage(
        self, request: HttpRequest, stage: LoginStage
    ) -> HttpResponseRedirect | None:
        clear_login(request)  # she wants another number or address: the form, empty
        return None

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        started = time.perf_counter()
        response: HttpResponse = super().post(request, *args, **kwargs)
        left = settings.LOGIN_CODE_MIN_MS / 1000 - (time.perf_counter() - started)
        if left > 0:
            time.sleep(left)
        return response
