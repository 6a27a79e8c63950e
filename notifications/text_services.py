"""A municipality's own message texts: checked (compiles, fits two SMS segments, no health word
or link), saved, reset to the shipped template."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Message, MessageText

if TYPE_CHECKING:
    from scheduling.models import Municipality, User
    from yurikago.errors import DomainError

log = logging.getLogger(__name__)

# A municipality's own text may use the shipped variables and filters, nothing that reaches
# other templates or dumps the context.
_TAGS_REFUSED = re.compile(r"\{%\s*(load|include|extends|debug|block|ssi)\b")
SAMPLE_REFERENCE = "ACDEFGHJ"
SAMPLE_CODE = "482913"


def _sample_starts(tz: dt.tzinfo) -> list[dt.datetime]:
    # Two-digit days and months, every weekday name, a late evening time: the longest dates.
    return [dt.datetime(2026, 12, day, 18, 15, tzinfo=tz) for day in range(21, 28)]


def message_text_sample_contexts(
    municipality: Municipality, language: str
) -> list[dict[str, object]]:
    """What a message of this municipality may say at its longest: her longest site name and
    address, a sample reference and login code, the longest dates of a week."""
    from scheduling.models import format_reference

    from .texts import JAPANESE, format_when, municipality_name

    japanese = language in JAPANESE
    sites = list(municipality.sites.all())
    names = [s.name if japanese else (s.name_en or s.name) for s in sites] or [""]
    address = max([s.address for s in sites] or [""], key=len)
    site = max(names, key=len)
    tz = municipality.tz
    return [
        {
            "municipality": municipality_name(municipality, language),
            "site": site,
            "address": address,
            "when": format_when(start, tz, language),
            "when_long": format_when(start, tz, language, long=True),
            "reference": format_reference(SAMPLE_REFERENCE),
            "url": f"{settings.SITE_ROOT}/bookings/{SAMPLE_REFERENCE}/",
            "contact_phone": municipality.contact_phone,
            "code": SAMPLE_CODE,
        }
        for start in _sample_starts(tz)
    ]


def _invalid(field: str, message: object) -> DomainError:
    from yurikago.errors import DomainError

    return DomainError("invalid", message, field=field)  # type: ignore[arg-type]


def _check_template(field: str, source: str, contexts: list[dict[str, object]]) -> list[str]:
    from django.template import TemplateSyntaxError

    from .texts import render_text

    if _TAGS_REFUSED.search(source):
        raise _invalid(field, _("This tag cannot be used in a message text."))
    try:
        return [render_text(source, context) for context in contexts]
    except TemplateSyntaxError as exc:
        raise _invalid(
            field, _("The text is not a valid template: %(error)s") % {"error": exc}
        ) from exc
    except Exception as exc:  # a filter failing on the sample values
        raise _invalid(
            field, _("The text could not be filled in: %(error)s") % {"error": exc}
        ) from exc


def message_text_check(
    *,
    municipality: Municipality,
    channel: str,
    purpose: str,
    language: str,
    subject: str,
    body: str,
) -> list[str]:
    """Refuse a text we would not send; returns it rendered with each sample context."""
    from scheduling.models import Language

    from .texts import HEALTH_WORDS, LINK, sms_segments

    if channel not in Message.Channel.values:
        raise _invalid("channel", _("Unknown channel."))
    if purpose not in Message.Purpose.values:
        raise _invalid("purpose", _("Unknown message."))
    if language not in Language.values:
        raise _invalid("language", _("Unknown language."))
    if not body.strip():
        raise _invalid("body", _("The text cannot be empty."))
    contexts = message_text_sample_contexts(municipality, language)
    if channel == Message.Channel.EMAIL:
        if not subject.strip():
            raise _invalid("subject", _("An email needs a subject."))
        _check_template("subject", subject, contexts)
        return _check_template("body", body, contexts)
    texts = [" ".join(text.split()) for text in _check_template("body", body, contexts)]
    for text in texts:
        if sms_segments(text) > 2:
            raise _invalid(
                "body",
                _(
                    "With the longest site name and date this SMS takes %(n)d parts; "
                    "it may take at most 2 (70 characters each in Japanese, 67 when split)."
                )
                % {"n": sms_segments(text)},
            )
        lowered = text.lower()
        for word in HEALTH_WORDS:
            if word in lowered:
                raise _invalid(
                    "body",
                    _("An SMS may say nothing about pregnancy or health (found “%(word)s”).")
                    % {"word": word},
                )
        if LINK.search(text):
            raise _invalid("body", _("An SMS must make sense without a link: remove the address."))
    return texts


def message_text_save(
    *,
    municipality: Municipality,
    channel: str,
    purpose: str,
    language: str,
    subject: str,
    body: str,
    actor: User | None,
) -> MessageText:
    """Her municipality's own wording of one message (replacing the shipped text)."""
    subject = subject.strip() if channel == Message.Channel.EMAIL else ""
    body = body.strip()
    message_text_check(
        municipality=municipality,
        channel=channel,
        purpose=purpose,
        language=language,
        subject=subject,
        body=body,
    )
    with transaction.atomic():
        text, _created = MessageText.objects.update_or_create(
            municipality=municipality,
            channel=channel,
            purpose=purpose,
            language=language,
            defaults={"subject": subject, "body": body, "updated_by": actor},
        )
    log.info(
        "message text saved municipality=%s channel=%s purpose=%s language=%s by=%s",
        municipality.pk,
        channel,
        purpose,
        language,
        getattr(actor, "pk", None),
    )
    return text


def message_text_reset(
    *, municipality: Municipality, channel: str, purpose: str, language: str, actor: User | None
) -> bool:
    """Back to the shipped text. True when there was an own text to remove."""
    deleted, _rows = MessageText.objects.filter(
        municipality=municipality, channel=channel, purpose=purpose, language=language
    ).delete()
    if deleted:
        log.info(
            "message text reset municipality=%s channel=%s purpose=%s language=%s by=%s",
            municipality.pk,
            channel,
            purpose,
            language,
            getattr(actor, "pk", None),
        )
    return bool(deleted)
