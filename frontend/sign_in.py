"""The residents' sign-in page (/login/): allauth's login-by-code, with two changes.

- Coming back to /login/ (or following "use another number or email" on the code page) starts
  again: allauth would send her back to the code page of the number she mistyped.
- The code page says where the code went, masked ("090-****-0001"), from the pending login.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.account.internal.stagekit import clear_login
from allauth.account.views import RequestLoginCodeView

if TYPE_CHECKING:
    from allauth.account.stages import LoginStage
    from django.http import HttpRequest, HttpResponseRedirect


class LoginView(RequestLoginCodeView):
    template_name = "frontend/login.html"

    def _redirect_to_pending_stage(
        self, request: HttpRequest, stage: LoginStage
    ) -> HttpResponseRedirect | None:
        clear_login(request)  # she wants another number or address: the form, empty
        return None
