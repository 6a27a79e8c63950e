"""Message texts: templates per language, filled from the booking at send time.

Templates live in templates/notifications/{sms,email}/<language>/<purpose>.txt. A language
without its own template falls back to English, then Japanese (やさしい日本語 to Japanese first).

SMS texts carry no health detail and make sense without a link: carriers filter links on some
routes and a phone may be shared. Japanese SMS is UCS-2, 70 characters per single message and
67 per part when split, so each text is written to fit one segment, at most two.

A municipality may replace a text for one channel, purpose and language (models.MessageText,
written through text_services.message_text_save). Its own text wins for messages in exactly that
language; everything else keeps the shipped chain above.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string, select_template

from yurikago import dates

if TYPE_CHECKING:
    from scheduling.models import Booking, Municipality

    from .models import Message, MessageText

JAPANESE = ("ja", "ja-easy")
# Lock screens and shared phones: none of these may appear in an SMS (checked for the shipped
# texts by tests/notifications/test_sms_texts.py and for a municipality's own by
# text_services.message_text_save). Matched case-insensitively.
HEALTH_WORDS = (
    "妊",
    "産",
    "母子",
    "胎",
    "ゆりかご",
    "赤ちゃん",
    "保健師",
    "助産",
    "健診",
    "病",
    "pregnan",
    "baby",
    "birth",
    "matern",
    "midwife",
    "health",
    "due date",
    "week",
    "孕",
    "婴",
    "임신",
    "아기",
    "출산",
    "mang thai",
    "em bé",
    "thai kỳ",
    "गर्भ",
    "बच्चा",
    "सुत्केरी",
    "buntis",
    "sanggol",
    "panganganak",
)
LINK = re.compile(r"https?://|www\.|\b[\w-]+(\.[\w-]+)*\.(com|net|org|jp|io|info|app)\b", re.I)
_WRAPPER = re.compile(r"^\s*\{% autoescape off %\}(.*)\{% endautoescape %\}\s*$", re.S)

# GSM 03.38 basic set: texts of only these characters go as 7-bit (160 / 153 per part).
GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def sms_segments(text: str) -> int:
    """How many SMS parts a text takes (UCS-2 unless every character is in GSM-7)."""
    if all(ch in GSM7 for ch in text):
        single, part, length = 160, 153, len(text)
    else:
        # Characters outside the BMP take two UCS-2 units.
        single, part, length = 70, 67, sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)
    if length <= single:
        return 1
    return -(-length // part)


def language_chain(language: str) -> list[str]:
    chain = [language]
    if language in JAPANESE:
        chain.append("ja")
    chain += ["en", "ja"]
    return list(dict.fromkeys(chain))


def format_when(start: dt.datetime, tz: dt.tzinfo, language: str, *, long: bool = False) -> str:
    """When, in her language. Long (emails): the date as her booking pages write it, then the
    time. Short (SMS): month, day, weekday and time only, since 70 UCS-2 characters leave no
    room for the year."""
    local = start.astimezone(tz)
    hm = local.strftime("%H:%M")
    if long:
        return f"{dates.format_date(local.date(), language)} {hm}"
    lang = dates.language_for(language)
    wd = dates.WEEKDAYS_SHORT[lang][local.weekday()]
    m, d = local.month, local.day
    if lang == "ja":
        return f"{m}/{d}({wd}){hm}"
    if lang == "zh-hans":
        return f"{m}月{d}日({wd}){hm}"
    if lang == "ko":
        return f"{m}/{d}({wd}) {hm}"
    if lang == "vi":
        return f"{hm} {wd} {d:02d}/{m:02d}"
    if lang == "ne":
        return f"{m}/{d} ({wd}) {hm}"
    month = dates.MONTHS["tl" if lang == "tl" else "en"][m - 1][:3]
    return f"{wd} {month} {d} {hm}" if lang == "tl" else f"{wd} {d} {month} {hm}"


def municipality_name(municipality: Municipality, language: str) -> str:
    if language in JAPANESE:
        return municipality.name
    return municipality.name_en or municipality.name


def booking_context(booking: Booking, language: str) -> dict[str, object]:
    """What a booking message may say: when, where, the reference. Nothing about her health."""
    tz = booking.municipality.tz
    site = booking.site
    japanese = language in JAPANESE
    return {
        "municipality": municipality_name(booking.municipality, language),
        "site": site.name if japanese else (site.name_en or site.name),
        "address": site.address,
        "when": format_when(booking.start, tz, language),
        "when_long": format_when(booking.start, tz, language, long=True),
        "reference": booking.display_reference,
        "url": f"{settings.SITE_ROOT}/bookings/{booking.reference}/",
        "contact_phone": booking.municipality.contact_phone,
        **_remote_context(booking),
    }


# A remote interview (issue 15) has its own texts: the join link or the numbers, never a site's
# address or the in-person list of what to bring.
REMOTE_PURPOSES = ("confirmation", "reminder", "reschedule")


def _remote_context(booking: Booking) -> dict[str, object]:
    from scheduling.contacts import remote_way

    way = remote_way(booking)
    if way is None:
        return {"remote": False}
    return {
        "remote": True,
        "mode": way.mode,
        "join_url": way.join_url,
        "call_to": way.call_to,
        "call_from": way.call_from,
    }


def template_name(message: Message) -> str:
    """The template a message renders: a remote interview's own for its booking notices."""
    booking = message.booking
    if booking is not None and booking.mode != "in_person" and message.purpose in REMOTE_PURPOSES:
        return f"{message.purpose}_remote"
    # A home visit cancelled or moved (issue 15): its own notice, not "your visit is at …".
    change = message.context.get("change") if message.purpose == "visit_time" else None
    if change in ("cancelled", "moved"):
        return f"visit_{change}"
    return str(message.purpose)


@dataclass(frozen=True)
class Rendered:
    text: str
    subject: str = ""
    html: str = ""


def _plain(value: str) -> str:
    # render_to_string marks its output safe; the HTML layout must escape it again.
    return "".join([value])


def _template_kind(kind: str) -> str:
    # LINE carries the SMS texts (short, and the same privacy rule): there are no LINE templates.
    return "sms" if kind == "line" else kind


def template_language(kind: str, purpose: str, language: str) -> str:
    """The first language in her fallback chain that has this template."""
    kind = _template_kind(kind)
    names = [f"notifications/{kind}/{lang}/{purpose}.txt" for lang in language_chain(language)]
    template = select_template(names)
    return template.origin.template_name.split("/")[2]


def _render(kind: str, language: str, name: str, context: dict[str, object]) -> str:
    text = render_to_string(f"notifications/{kind}/{language}/{name}.txt", context)
    return _plain(text).strip()


def shipped_source(kind: str, purpose: str, language: str) -> str:
    """The shipped template text for her language's chain, without its autoescape wrapper (the
    starting value when a municipality writes her own)."""
    kind = _template_kind(kind)
    lang = template_language(kind, purpose, language)
    source = select_template([f"notifications/{kind}/{lang}/{purpose}.txt"]).template.source
    match = _WRAPPER.match(source)
    return (match.group(1) if match else source).strip()


def render_text(source: str, context: dict[str, object]) -> str:
    """A municipality's own text: like the shipped .txt templates, not HTML-escaped."""
    return Template(source).render(Context(context, autoescape=False)).strip()


def render_sms(
    purpose: str, language: str, context: dict[str, object], *, override: MessageText | None = None
) -> Rendered:
    """`language` must have a template (see template_language) unless `override` is given."""
    text = (
        render_text(override.body, context)
        if override
        else _render("sms", language, purpose, context)
    )
    return Rendered(text=" ".join(text.split()))


def render_email(
    purpose: str,
    language: str,
    context: dict[str, object],
    *,
    override: MessageText | None = None,
    footer: str = "",
) -> Rendered:
    if override is not None:
        body = render_text(override.body, context)
        subject = " ".join(render_text(override.subject, context).split())
    else:
        body = _render("email", language, purpose, context)
        subject = " ".join(_render("email", language, f"{purpose}.subject", context).split())
    if footer:
        body = f"{body}\n\n{footer}"
    html = render_to_string(
        "notifications/email/message.html",
        {
            "subject": subject,
            "body": body,
            "html_lang": "ja" if language in JAPANESE else language,
        },
    )
    return Rendered(text=body, subject=subject, html=html)


def override_for(message: Message) -> MessageText | None:
    """The municipality's own text for this message, if any. The dispatcher loads it with the row
    (dispatch._load annotates `override_body`/`override_subject`), so a send costs no query more;
    a message loaded otherwise asks once."""
    from .models import MessageText

    if hasattr(message, "override_body"):
        body: str | None = message.override_body
        if body is None:
            return None
        subject: str | None = getattr(message, "override_subject", None)
        return MessageText(
            municipality_id=message.municipality_id,
            channel=message.channel,
            purpose=message.purpose,
            language=message.language,
            body=body,
            subject=subject or "",
        )
    return MessageText.objects.filter(
        municipality_id=message.municipality_id,
        channel=message.channel,
        purpose=message.purpose,
        language=message.language,
    ).first()


def render_message(message: Message) -> Rendered:
    # LINE carries the SMS texts: short, and under the same privacy rule (no health word).
    kind = "sms" if message.channel in ("sms", "line") else "email"
    name = template_name(message)
    # A municipality's own text is written for the site interview: never for a remote one.
    override = override_for(message) if name == message.purpose else None
    if override is not None:
        language = message.language
    else:
        language = template_language(kind, name, message.language)
    if message.booking is not None:
        context = booking_context(message.booking, language)
    else:
        context = {"municipality": municipality_name(message.municipality, language)}
    context.update(message.context)
    if kind == "sms":
        return render_sms(name, language, context, override=override)
    return render_email(
        name, language, context, override=override, footer=_stop_footer(message, language)
    )


def _stop_footer(message: Message, language: str) -> str:
    """A reminder email ends with her one-tap link to stop reminders by email (no inbound SMS
    in Japan, so stopping must work without one). SMS texts carry no link."""
    from django.utils import translation
    from django.utils.translation import gettext

    from .reminder_stops import stop_url

    if message.purpose != "reminder" or message.booking is None:
        return ""
    resident_id = getattr(message, "stop_resident_id", None)
    if resident_id is None and message.booking.pregnancy_id is not None:
        resident_id = message.booking.pregnancy.resident_id  # type: ignore[union-attr]
    if resident_id is None:
        return ""
    url = stop_url(resident_id=resident_id, channel="email")
    with translation.override(language):
        return gettext("To stop reminders by email, open %(url)s") % {"url": url}
