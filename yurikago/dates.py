"""Dates and times in each language's own convention, for the pages and the messages alike
(an email says the date the way her booking page does).

Data, not translations: gettext cannot express "2026年12月3日(木)" versus "Thu 3 December 2026",
and translators should not have to. Times are 24-hour everywhere (what Japanese offices use).
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import get_language

# Monday first, as date.weekday() counts.
WEEKDAYS_SHORT = {
    "ja": ["月", "火", "水", "木", "金", "土", "日"],
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    "zh-hans": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
    "ko": ["월", "화", "수", "목", "금", "토", "일"],
    "vi": ["T2", "T3", "T4", "T5", "T6", "T7", "CN"],
    "ne": ["सोम", "मङ्गल", "बुध", "बिहि", "शुक्र", "शनि", "आइत"],
    "tl": ["Lun", "Mar", "Miy", "Huw", "Biy", "Sab", "Lin"],
}
WEEKDAYS_LONG = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "vi": ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"],
    "ne": ["सोमबार", "मङ्गलबार", "बुधबार", "बिहिबार", "शुक्रबार", "शनिबार", "आइतबार"],
    "tl": ["Lunes", "Martes", "Miyerkoles", "Huwebes", "Biyernes", "Sabado", "Linggo"],
}
MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "ne": [
        "जनवरी",
        "फेब्रुअरी",
        "मार्च",
        "अप्रिल",
        "मे",
        "जुन",
        "जुलाई",
        "अगस्ट",
        "सेप्टेम्बर",
        "अक्टोबर",
        "नोभेम्बर",
        "डिसेम्बर",
    ],
    "tl": [
        "Enero",
        "Pebrero",
        "Marso",
        "Abril",
        "Mayo",
        "Hunyo",
        "Hulyo",
        "Agosto",
        "Setyembre",
        "Oktubre",
        "Nobyembre",
        "Disyembre",
    ],
}
DEVANAGARI_DIGITS = str.maketrans("0123456789", "०१२३४५६७८९")


def language_for(language: str | None) -> str:
    """The key of the tables here: ja-easy writes dates as ja does; unknown codes as en."""
    code = (language or get_language() or "ja").lower()
    if code.startswith("ja"):
        return "ja"
    return code if code in WEEKDAYS_SHORT else "en"


def _ne(text: str) -> str:
    return text.translate(DEVANAGARI_DIGITS)


def format_date(day: dt.date, language: str | None = None) -> str:
    """The full date with weekday: 2026年12月3日(木), Thu 3 December 2026, …"""
    lang = language_for(language)
    wd = day.weekday()
    if lang == "ja":
        return f"{day.year}年{day.month}月{day.day}日({WEEKDAYS_SHORT['ja'][wd]})"
    if lang == "zh-hans":
        return f"{day.year}年{day.month}月{day.day}日（{WEEKDAYS_SHORT[lang][wd]}）"
    if lang == "ko":
        return f"{day.year}년 {day.month}월 {day.day}일 ({WEEKDAYS_SHORT['ko'][wd]})"
    if lang == "vi":
        return f"{WEEKDAYS_LONG['vi'][wd]}, {day.day:02d}/{day.month:02d}/{day.year}"
    if lang == "ne":
        return _ne(f"{day.year} {MONTHS['ne'][day.month - 1]} {day.day}, {WEEKDAYS_LONG['ne'][wd]}")
    if lang == "tl":
        return f"{WEEKDAYS_LONG['tl'][wd]}, {MONTHS['tl'][day.month - 1]} {day.day}, {day.year}"
    return f"{WEEKDAYS_SHORT['en'][wd]} {day.day} {MONTHS['en'][day.month - 1]} {day.year}"


def format_day_short(day: dt.date, language: str | None = None) -> str:
    """Month, day and weekday without the year: 12月3日(木), Thu 3 Dec, …"""
    lang = language_for(language)
    wd = day.weekday()
    if lang == "ja":
        return f"{day.month}月{day.day}日({WEEKDAYS_SHORT['ja'][wd]})"
    if lang == "zh-hans":
        return f"{day.month}月{day.day}日（{WEEKDAYS_SHORT[lang][wd]}）"
    if lang == "ko":
        return f"{day.month}월 {day.day}일 ({WEEKDAYS_SHORT['ko'][wd]})"
    if lang == "vi":
        return f"{WEEKDAYS_LONG['vi'][wd]}, {day.day:02d}/{day.month:02d}"
    if lang == "ne":
        return _ne(f"{MONTHS['ne'][day.month - 1]} {day.day}, {WEEKDAYS_LONG['ne'][wd]}")
    if lang == "tl":
        return f"{WEEKDAYS_SHORT['tl'][wd]}, {MONTHS['tl'][day.month - 1][:3]} {day.day}"
    return f"{WEEKDAYS_SHORT['en'][wd]} {day.day} {MONTHS['en'][day.month - 1][:3]}"


def format_month(day: dt.date, language: str | None = None) -> str:
    lang = language_for(language)
    if lang in ("ja", "zh-hans"):
        return f"{day.year}年{day.month}月"
    if lang == "ko":
        return f"{day.year}년 {day.month}월"
    if lang == "vi":
        return f"Tháng {day.month}/{day.year}"
    if lang == "ne":
        return _ne(f"{day.year} {MONTHS['ne'][day.month - 1]}")
    if lang == "tl":
        return f"{MONTHS['tl'][day.month - 1]} {day.year}"
    return f"{MONTHS['en'][day.month - 1]} {day.year}"


def format_time(moment: dt.datetime, tz: dt.tzinfo) -> str:
    local = moment.astimezone(tz)
    return f"{local.hour}:{local.minute:02d}"


def weekday_headers(language: str | None = None) -> list[tuple[str, str]]:
    """(short, long) weekday names for the calendar's column headers, Monday first."""
    lang = language_for(language)
    short = WEEKDAYS_SHORT[lang]
    long = WEEKDAYS_LONG.get(lang, short)
    if lang == "ja":
        long = [f"{d}曜日" for d in short]
    return list(zip(short, long, strict=True))


def format_nth_weekday(n: int, weekday: int, language: str | None = None) -> str:
    """The 2nd Sunday of a month: 第2日曜日, the 2nd Sunday, 每月第2个周日, …"""
    lang = language_for(language)
    if lang == "ja":
        return f"第{n}{WEEKDAYS_SHORT['ja'][weekday]}曜日"
    if lang == "zh-hans":
        return f"每月第{n}个{WEEKDAYS_SHORT[lang][weekday]}"
    if lang == "ko":
        return f"매월 제{n} {WEEKDAYS_SHORT['ko'][weekday]}요일"
    if lang == "vi":
        return f"{WEEKDAYS_LONG['vi'][weekday]} thứ {n} hằng tháng"
    if lang == "ne":
        return _ne(f"हरेक महिनाको {n} औं {WEEKDAYS_LONG['ne'][weekday]}")
    if lang == "tl":
        return f"ika-{n} na {WEEKDAYS_LONG['tl'][weekday]} ng buwan"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(n, "th")
    return f"the {n}{suffix} {WEEKDAYS_LONG['en'][weekday]} of the month"
