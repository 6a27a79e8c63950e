"""/line/link/: she confirms, signed in as herself, that her LINE account may get her messages.

The button the LINE bot sent her leads here with LINE's link token (notifications.line_linking).
Signed in (the residents' code sign-in first, then back here), she reads what linking does and
confirms; a one-time nonce is stored for her and she goes on to LINE's account-link dialog. The
link itself is made when LINE's `accountLink` webhook event comes back with that nonce.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from notifications.line_linking import account_link_url, line_link_nonce_create, link_token_known

from .bookings import resident_login_required

# LINE's link tokens are short URL-safe strings; anything longer or odd is not one.
MAX_LINK_TOKEN = 128


def _link_token(request: HttpRequest) -> str:
    token = (request.POST.get("linkToken") or request.GET.get("linkToken") or "").strip()
    if len(token) > MAX_LINK_TOKEN or not token.replace("-", "").replace("_", "").isalnum():
        return ""
    return token


@resident_login_required
@require_http_methods(["GET", "POST"])
def line_link(request: HttpRequest) -> HttpResponse:
    resident = getattr(request.user, "resident", None)
    if resident is None:
        raise Http404  # a staff account: only a resident links her LINE
    token = _link_token(request)
    if not token or not link_token_known(token):
        # Missing, mangled, or older than the last button the bot sent her.
        return render(request, "frontend/line_link.html", {"invalid": True}, status=400)
    if request.method == "POST":
        nonce = line_link_nonce_create(resident=resident, link_token=token)
        return HttpResponseRedirect(account_link_url(link_token=token, nonce=nonce))
    return render(request, "frontend/line_link.html", {"link_token": token})
