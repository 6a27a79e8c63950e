"""Template helpers for the resident pages: dates in her language, municipality-aware URLs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from yurikago import dates

register = template.Library()


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    return value


@register.filter
def longdate(value: dt.date | dt.datetime | None) -> str:
    """2026年12月3日(木) / Thu 3 December 2026 …, in the active language."""
    return dates.format_date(_as_date(value)) if value else ""


@register.filter
def shortdate(value: dt.date | dt.datetime | None) -> str:
    return dates.format_day_short(_as_date(value)) if value else ""


@register.filter
def hhmm(value: dt.datetime | None) -> str:
    return dates.format_time(value, timezone.get_current_timezone()) if value else ""


@register.filter
def monthname(value: dt.date | None) -> str:
    return dates.format_month(value) if value else ""


@register.simple_tag(takes_context=True)
def murl(context: template.Context, name: str, *args: Any) -> str:
    """Reverse a booking-flow URL for the municipality on the page (/ or /m/<code>/…)."""
    municipality = context.get("municipality")
    return municipality_url(municipality.code if municipality else None, name, *args)


def municipality_url(code: str | None, name: str, *args: Any) -> str:
    from django.conf import settings

    if code and code != settings.DEFAULT_MUNICIPALITY:
        return reverse(f"frontend:m_{name}", args=[code, *args])
    return reverse(f"frontend:{name}", args=list(args))


def _reads_kanji() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "ja").startswith(("ja", "zh"))


@register.filter
def muniname(municipality: Any) -> str:
    """葛飾区 for Japanese and Chinese readers, "Katsushika City" for the others."""
    if municipality is None:
        return ""
    if _reads_kanji() or not municipality.name_en:
        return municipality.name
    return municipality.name_en


@register.filter
def sitename(site: Any) -> str:
    if _reads_kanji() or not site.name_en:
        return site.name
    return site.name_en


# Readings for the kanji of programme names, for やさしい日本語 (ruby): names are data, so their
# readings are too. Add a word here when a municipality's programme name brings a new one.
READINGS = {"面接": "めんせつ", "面談": "めんだん"}


def _page_language() -> str:
    from django.utils.translation import get_language

    return (get_language() or "ja").lower()


def _in_japanese(text: str) -> SafeString:
    return format_html('<span lang="ja">{}</span>', text)


@register.filter
def brand(municipality: Any) -> SafeString:
    """The programme's name (ゆりかご面接) as HTML: Japanese on every page, so marked lang="ja"
    where the page is in another language; in やさしい日本語 its kanji carry their reading."""
    name = getattr(municipality, "branding_name", "") or ""
    language = _page_language()
    if language == "ja-easy":
        html = str(conditional_escape(name))
        for word, reading in READINGS.items():
            html = html.replace(word, f"<ruby>{word}<rt>{reading}</rt></ruby>")
        return mark_safe(html)  # noqa: S308 - escaped above; the readings are our own text
    if language.startswith("ja"):
        return conditional_escape(name)
    return _in_japanese(name)


@register.filter
def site_label(site: Any) -> SafeString:
    """A site's name as HTML. Japanese readers see the name on the building's sign; Chinese
    readers too, marked Japanese; everyone else sees the translation and, beside it, the
    sign's Japanese, each marked with its language."""
    language = _page_language()
    if language.startswith("ja"):
        return conditional_escape(site.name)
    if language.startswith("zh") or not site.name_en:
        return _in_japanese(site.name)
    return format_html(
        '<span lang="en">{}</span> (<span lang="ja">{}</span>)', site.name_en, site.name
    )


@register.filter
def muni_label(municipality: Any) -> SafeString:
    """`muniname` as HTML, marked with the language it is written in."""
    if municipality is None:
        return mark_safe("")
    language = _page_language()
    if language.startswith("ja"):
        return conditional_escape(municipality.name)
    if language.startswith("zh") or not municipality.name_en:
        return _in_japanese(municipality.name)
    return format_html('<span lang="en">{}</span>', municipality.name_en)


@register.filter
def html_lang(code: str | None) -> str:
    """A valid BCP 47 tag for <html lang>: "ja-easy" is our code, not a language tag."""
    code = (code or "ja").lower()
    return {"ja-easy": "ja", "zh-hans": "zh-Hans"}.get(code, code)


@register.filter
def site_days(site: Any) -> str:
    """Opening days in words: "Weekdays", "Every day", or the weekdays' short names."""
    from django.utils.translation import gettext as _

    days = sorted(site.open_weekdays or [])
    if days == [0, 1, 2, 3, 4]:
        text = _("Weekdays")
    elif days == list(range(7)):
        text = _("Every day")
    else:
        names = dates.weekday_headers()
        text = " · ".join(names[d][0] for d in days)
    extra = []
    if site.closed_on_public_holidays:
        extra.append(_("closed on public holidays"))
    for n, weekday in site.closed_nth_weekdays or []:
        extra.append(_("closed on %(which)s") % {"which": dates.format_nth_weekday(n, weekday)})
    return ", ".join([text, *extra])


@register.simple_tag
def weekday_names() -> list[tuple[str, str]]:
    return dates.weekday_headers()
