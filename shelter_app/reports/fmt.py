"""Numbers, dates and identity numbers as a report prints them, in the report's language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from shelter_app.domain import choices, identity
from shelter_app.i18n import N_, tr, translate

STATUS_WORDS = {
    "ok": N_("Enough"),
    "not_recorded": N_("Not recorded"),
    "short": N_("Short"),
    "critical": N_("Critical"),
}
UNIT_LABELS = {
    "L/day": N_("L/day"),
    "toilets": N_("toilets"),
    "taps": N_("taps"),
    "m2": N_("m²"),
    "kg/day": N_("kg/day"),
    "kg": N_("kg"),
}


class Formatter:
    """Babel formatting bound to one language: ``id`` (default) or ``en``."""

    def __init__(self, lang: str):
        self.lang = lang

    def n(self, value) -> str:
        """A count or a measure: thousands grouped, at most two decimals, as stats rounds them."""
        if value is None:
            return "–"
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, Decimal) and value == value.to_integral_value():
            value = int(value)
        return format_decimal(value, format="#,##0.##", locale=self.lang)

    def signed(self, value) -> str:
        """A stock movement: + for what comes in, − for what goes out."""
        if not value:
            return self.n(0)
        return ("+" if value > 0 else "−") + self.n(abs(value))

    def percent(self, ratio) -> str:
        if ratio is None:
            return "–"
        return format_decimal(ratio * 100, format="#,##0.#", locale=self.lang) + " %"

    def date(self, day: dt.date | None, width: str = "long") -> str:
        return format_date(day, format=width, locale=self.lang) if day else "–"

    def datetime(self, moment: dt.datetime) -> str:
        return format_datetime(moment, format="medium", locale=self.lang)

    def status(self, code: str) -> str:
        return translate(STATUS_WORDS.get(code, code), self.lang)

    def unit(self, code: str) -> str:
        return translate(UNIT_LABELS[code], self.lang) if code in UNIT_LABELS else code

    def label(self, table: dict, code: str | None) -> str:
        return choices.label(table, code, self.lang) if code else "–"

    def sex(self, code: str) -> str:
        return tr("M") if code == "L" else tr("F")


def mask_number(number: str | None, full: bool = False) -> str:
    """A NIK or KK with only its last four digits showing, unless ``full`` is asked for."""
    return identity.mask(number, full, keep_length=True) or "–"
