"""How the window writes values: dates, numbers, statuses and a person's facts, in the user's
language. One function for each, used by every page and dialog (the printed reports have their
own, ``reports.fmt``, bound to the report's language)."""

from __future__ import annotations

import datetime

from babel.dates import format_date

from shelter_app.domain import choices, identity
from shelter_app.i18n import N_, current_language, formats, tr, translate
from shelter_app.services.roster_query import VULNERABLE_GROUPS

# --- dates and numbers ------------------------------------------------------------------------


# The same words as the read models use (``i18n.formats``), under the window's names.
fmt_date = formats.short_date
number = formats.number


def stamp(moment: datetime.datetime | None) -> str:
    """2022-11-28 10:31, as recorded (UTC), the same in every language: backups, the outbox."""
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def long_date(day: datetime.date) -> str:
    """28 November 2022, the month in words: for headings."""
    return format_date(day, format="d MMMM yyyy", locale=current_language())


def quantity(value) -> str:
    """A stock quantity: up to two decimals (2,5 kg; 0,25 liter)."""
    return number(value, 2)


def masked(value: str | None, full: bool = False) -> str:
    """A NIK or KK with only its last four digits shown, unless ``full``: ••••0002."""
    return identity.mask(value, full)


# --- ok / short / critical ------------------------------------------------------------------

# As the printed reports say them; the colours are in ``forms.palette``.
STATUS_WORDS = {
    "ok": N_("Enough"),
    "not_recorded": N_("Not recorded"),
    "short": N_("Short"),
    "critical": N_("Critical"),
}


def status_word(code: str | None) -> str:
    """Enough / Short / Critical; empty when no standard applies."""
    return tr(STATUS_WORDS[code]) if code in STATUS_WORDS else ""


# --- a person ---------------------------------------------------------------------------------

SEX_LETTERS = {"L": N_("M"), "P": N_("F")}
NOT_CHECKED_IN = N_("Not checked in")


def sex_word(code: str) -> str:
    return choices.label(choices.SEXES, code)


def sex_letter(code: str) -> str:
    """L / P in Indonesian, M / F in English: for narrow columns."""
    return translate(SEX_LETTERS[code]) if code in SEX_LETTERS else code


def relationship_word(code: str) -> str:
    return choices.label(choices.RELATIONSHIPS, code)


def vulnerable_words(groups) -> str:
    return ", ".join(translate(VULNERABLE_GROUPS[g]) for g in groups)


def age_text(age: int, estimated: bool) -> str:
    return ("±" + str(age)) if estimated else str(age)


def presence_text(row) -> str:
    """Present since 22/11/2022 · Left 25/11/2022 (returned home) · Not checked in."""
    if row.status == "present":
        return tr("Present since {date}", date=fmt_date(row.since))
    if row.status == "left":
        reason = choices.label(choices.LEAVE_REASONS, row.leave_reason) if row.leave_reason else ""
        return (
            tr("Left on {date} ({reason})", date=fmt_date(row.since), reason=reason)
            if reason
            else tr("Left on {date}", date=fmt_date(row.since))
        )
    return translate(NOT_CHECKED_IN)
