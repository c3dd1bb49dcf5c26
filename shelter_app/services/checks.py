"""Checks shared by the services; each raises RuleViolation naming the field and the fix."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from shelter_app.domain.errors import RuleViolation
from shelter_app.history import field_rules
from shelter_app.i18n import Labels, _, ngettext


def today() -> datetime.date:
    return datetime.date.today()


def text(field: str, value, label: str, required: bool = True, max_length: int = 200) -> str:
    raw = str(value or "")
    if len(raw) > max_length * 4:  # refused before any work on it
        raw = raw[: max_length * 4 + 1]
    try:
        raw = field_rules.clean_text(raw, single_line=False)  # NFC, invisible characters removed
    except ValueError as error:
        raise RuleViolation(
            field,
            _(
                "{label} holds a control character ({code}) that cannot be stored; remove it and type the text again.",
                label=_(label),
                code=str(error),
            ),
        ) from None
    cleaned = " ".join(raw.split())
    if required and not cleaned:
        raise RuleViolation(field, _("{label} is required.", label=_(label)))
    if len(cleaned) > max_length:
        raise RuleViolation(
            field,
            ngettext(
                "{label} is too long: at most {n} character.",
                "{label} is too long: at most {n} characters.",
                max_length,
                label=_(label),
            ),
        )
    return cleaned


def choice(field: str, value: str, choices: dict[str, str], label: str) -> str:
    if value not in choices:
        options = Labels(tuple(choices.items()))
        raise RuleViolation(
            field,
            _(
                '{label}: unknown value "{value}". Choose one of: {options}.',
                label=_(label),
                value=value,
                options=options,
            ),
        )
    return value


def date(field: str, value, label: str, earliest: datetime.date | None = None) -> datetime.date:
    """A date that is not in the future and not before ``earliest`` (the event's start)."""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise RuleViolation(
                field, _('{label}: "{value}" is not a date; write it as YYYY-MM-DD.', label=_(label), value=value)
            ) from None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        raise RuleViolation(field, _("{label} is required.", label=_(label)))
    if value > today():
        raise RuleViolation(
            field,
            _("{label} {date} is in the future; enter the day it happened.", label=_(label), date=value.isoformat()),
        )
    if earliest and value < earliest:
        raise RuleViolation(
            field,
            _(
                "{label} {date} is before the disaster started ({start}); check the date.",
                label=_(label),
                date=value.isoformat(),
                start=earliest.isoformat(),
            ),
        )
    return value


def number(field: str, value, label: str, minimum: float = 0, integer: bool = False):
    try:
        parsed = Decimal(str(value).strip().replace(",", ".")) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        raise RuleViolation(field, _('{label}: "{value}" is not a number.', label=_(label), value=value)) from None
    if integer and parsed != parsed.to_integral_value():
        raise RuleViolation(field, _("{label} must be a whole number.", label=_(label)))
    if parsed < Decimal(str(minimum)):
        raise RuleViolation(field, _("{label} cannot be less than {minimum}.", label=_(label), minimum=minimum))
    return int(parsed) if integer else parsed


def positive(field: str, value, label: str) -> Decimal:
    parsed = number(field, value, label)
    if parsed <= 0:
        raise RuleViolation(field, _("{label} must be more than zero.", label=_(label)))
    return parsed
