"""Integrators' webhooks for a municipality administrator: her municipalities' subscriptions
(address, events, failing or not) and each delivery with its status, sent again on request."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications.webhook_models import WebhookDelivery, WebhookSubscription
from notifications.webhooks import webhook_delivery_resend
from scheduling.access import access_webhook_delivery, scope_for, signed_in
from yurikago.errors import DomainError

from .common import render_staff
from .decorators import municipality_admin_required

LATEST = 200


@municipality_admin_required
def webhooks(request: HttpRequest) -> HttpResponse:
    municipality_ids = scope_for(request.user).admin_municipality_ids
    subscriptions = (
        WebhookSubscription.objects.filter(municipality_id__in=municipality_ids)
        .select_related("token")
        .order_by("pk")
    )
    status = request.GET.get("status", "")
    deliveries = (
        WebhookDelivery.objects.filter(subscription__municipality_id__in=municipality_ids)
        .select_related("subscription", "booking")
        .order_by("-created_at", "-pk")
    )
    if status in WebhookDelivery.Status.values:
        deliveries = deliveries.filter(status=status)
    return render_staff(
        request,
        "frontend/staff/webhooks.html",
        {
            "subscriptions": subscriptions,
            "deliveries": deliveries[:LATEST],
            "statuses": WebhookDelivery.Status.choices,
            "status": status,
        },
    )


@require_POST
@municipality_admin_required
def webhook_resend(request: HttpRequest, delivery_id: int) -> HttpResponse:
    delivery = access_webhook_delivery(request.user, delivery_id)
    try:
        webhook_delivery_resend(delivery=delivery, actor=signed_in(request.user))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("It goes out again in a moment."))
    return redirect("staff:webhooks")
