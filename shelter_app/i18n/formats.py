"""Dates, times and numbers as people read them in the current language. The window, the
command line and the read models that speak to people share these (the printed reports bind
their own language, ``reports.fmt``)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from babel.numbers import format_decimal

from shelter_app.i18n import current_language


def short_date(day: datetime.date | None) -> str:
    """28/11/2022 in Indonesian, 2022-11-28 in English; empty for None."""
    if day is None:
        return ""
    return day.strftime("%d/%m/%Y") if current_language() == "id" else day.isoformat()


def local_time(value: datetime.datetime | None) -> str:
    """A stored (naive UTC) time in this laptop's time zone: 23/11/2022 10:31."""
    if value is None:
        return ""
    local = value.replace(tzinfo=datetime.UTC).astimezone()
    return local.strftime("%d/%m/%Y %H:%M") if current_language() == "id" else local.strftime("%Y-%m-%d %H:%M")


def number(value, decimals: int = 0) -> str:
    """1.234,5 in Indonesian, 1,234.5 in English: thousands grouped, at most ``decimals``
    decimals and none when the value is whole; empty for None."""
    if value is None:
        return ""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    if value == value.to_integral_value():
        value = int(value)
    pattern = "#,##0." + "#" * decimals if decimals else "#,##0"
    return format_decimal(value, format=pattern, locale=current_language())


_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_date(text: str | None) -> datetime.date | None:
    """A day written as 2022-11-21 or as 21/11/2022 (also 21-11-2022, 21.11.2022), whatever the
    language; None when the text is no real day."""
    cleaned = (text or "").strip()
    try:
        if match := _ISO.fullmatch(cleaned):
            year, month, day = map(int, match.groups())
            return datetime.date(year, month, day)
        if match := _DAY_FIRST.fullmatch(cleaned):
            day, month, year = map(int, match.groups())
            return datetime.date(year, month, day)
    except ValueError:
        return None
    return None
