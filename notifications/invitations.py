"""The outbox side of invitations (issue 16): "book your interview", the questionnaire, the
after-birth contact, one reminder and "we missed you", each with her sign-in link, queued in the
transaction that records the invitation (scheduling.invitation_services).

Channels are chosen as a booking's messages are (outbox.resident_channels: LINE when linked and
following, else SMS to a mobile that has not opted out, else email), so a later channel plugs in
the same way. The row has no booking; what the text needs travels in its context (the kind, the
link, the municipality's phone; for "we missed you" the missed time and place). The texts carry
no health word and make sense without the link.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings

from scheduling.phones import is_mobile

from .invitation_rules import occurrence_for
from .models import Message
from .outbox import resident_channels
from .tasks import wake_dispatcher_on_commit
from .texts import format_when

if TYPE_CHECKING:
    from scheduling.invitation_models import Invitation
    from scheduling.models import Booking, Resident

PURPOSE = Message.Purpose.INVITATION


def invitation_url(pregnancy_id: int, token: str) -> str:
    """Her link: the pregnancy it is for and the token (only its hash is stored)."""
    return f"{settings.SITE_ROOT}/i/{pregnancy_id}/{token}/"


def invitation_channels(
    resident: Resident, *, notify_sms: bool = True, notify_email: bool = False
) -> list[tuple[str, str]]:
    """Her channels for an invitation: her last booking's choice when she has one (the caller
    passes it), else text messages. A number from the notification file may be a landline,
    which no SMS reaches: then email."""
    sms = notify_sms and bool(resident.phone) and is_mobile(resident.phone)
    return resident_channels(resident, notify_sms=sms, notify_email=notify_email)


def _context(invitation: Invitation, url: str, missed: Booking | None) -> dict[str, object]:
    municipality = invitation.pregnancy.resident.municipality
    context: dict[str, object] = {
        "invitation_id": invitation.pk,
        "kind": invitation.kind,
        "url": url,
        "contact_phone": municipality.contact_phone,
    }
    if missed is not None:
        language = invitation.pregnancy.preferred_language
        japanese = language in ("ja", "ja-easy")
        context.update(
            when=format_when(missed.start, municipality.tz, language),
            when_long=format_when(missed.start, municipality.tz, language, long=True),
            site=missed.site.name if japanese else (missed.site.name_en or missed.site.name),
        )
    return context


def queue_invitation(
    *,
    invitation: Invitation,
    url: str,
    send_at: dt.datetime,
    channels: list[tuple[str, str]],
    of_kind: str = "",
    missed: Booking | None = None,
    wake: bool = True,
) -> list[Message]:
    """Queue the invitation's messages (call inside the transaction that records it). An empty
    list: no way to reach her; the follow-up list shows her as undeliverable. `wake=False`: the
    caller queues many and calls `invitations_queued` once."""
    pregnancy = invitation.pregnancy
    context = _context(invitation, url, missed)
    if of_kind:
        context["of"] = of_kind  # a reminder says what it reminds of
    rows = [
        Message(
            municipality_id=pregnancy.resident.municipality_id,
            purpose=PURPOSE,
            channel=channel,
            recipient=recipient,
            language=pregnancy.preferred_language,
            occurrence=occurrence_for(invitation.pk),
            context=context,
            send_at=send_at,
        )
        for channel, recipient in channels
    ]
    if rows:
        Message.objects.bulk_create(rows)
        if wake:
            wake_dispatcher_on_commit()
    return rows


def invitations_queued() -> None:
    """One nudge for the dispatcher after a round's commits (not one per invitation)."""
    wake_dispatcher_on_commit()
