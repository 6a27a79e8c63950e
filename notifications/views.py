"""Twilio webhooks: delivery reports and inbound SMS (STOP / 停止 / START).

Both verify X-Twilio-Signature before anything else: a forged or unsigned request gets 403 and
changes nothing. POST only, CSRF-exempt (Twilio cannot carry our token; the signature is the
proof). Unknown message ids get 200 so Twilio stops retrying.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from . import inbound
from .texts import render_sms, template_language


def _signed_by_twilio(request: HttpRequest) -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    # Both tokens count while one is being rotated (docs/deployment.md, secret rotation).
    tokens = [t for t in (settings.TWILIO_AUTH_TOKEN, settings.TWILIO_SECONDARY_AUTH_TOKEN) if t]
    if not signature or not tokens:
        return False
    params = {key: request.POST.get(key, "") for key in request.POST}
    # Behind a proxy the URL Twilio signed is the public one (SITE_ROOT), not what we see.
    candidates = {settings.SITE_ROOT + request.get_full_path(), request.build_absolute_uri()}
    return any(
        RequestValidator(token).validate(url, params, signature)
        for token in tokens
        for url in candidates
    )


def _message_id(request: HttpRequest) -> int | None:
    value = request.GET.get("m", "")
    return int(value) if value.isdigit() and len(value) < 19 else None


@csrf_exempt
@require_POST
def twilio_status(request: HttpRequest) -> HttpResponse:
    if not _signed_by_twilio(request):
        return HttpResponseForbidden()
    sid = request.POST.get("MessageSid", "")[:64]
    status = request.POST.get("MessageStatus", request.POST.get("SmsStatus", ""))[:20]
    if sid:
        inbound.message_record_provider_status(
            provider_id=sid,
            status=status,
            error_code=request.POST.get("ErrorCode", "")[:32],
            message_id=_message_id(request),
        )
    return HttpResponse(status=200)


def _reply(phone: str, purpose: str) -> str:
    """The confirmation in her language (Japanese when the number is not hers on file)."""
    from scheduling.models import Resident

    language = (
        Resident.objects.filter(phone=phone).values_list("preferred_language", flat=True).first()
    ) or "ja"
    return render_sms(purpose, template_language("sms", purpose, language), {}).text


def _twiml(text: str | None) -> HttpResponse:
    response = MessagingResponse()
    if text:
        response.message(text)
    return HttpResponse(str(response), content_type="text/xml; charset=utf-8")


@csrf_exempt
@require_POST
def twilio_inbound(request: HttpRequest) -> HttpResponse:
    if not _signed_by_twilio(request):
        return HttpResponseForbidden()
    phone = request.POST.get("From", "")[:20]
    keyword = inbound.sms_keyword(request.POST.get("Body", "")[:160])
    if not phone:
        return _twiml(None)
    if keyword in inbound.OPT_OUT_WORDS:
        inbound.sms_opt_out_record(phone=phone, keyword=keyword)
        return _twiml(_reply(phone, "opted_out"))
    if keyword in inbound.OPT_IN_WORDS:
        inbound.sms_opt_in_record(phone=phone)
        return _twiml(_reply(phone, "opted_in"))
    # Anything else: no reply (this number is not read by anyone).
    return _twiml(None)
