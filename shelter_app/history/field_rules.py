"""The field rules every way in passes: typed entry, import, demo and undo (``history.records``)
and every merged operation from a sync file or the hub (``sync.merge``).

One declaration per synced model (``RULES``) adds what the column types cannot say: choices,
ranges, NIK/KK structure, plausible dates, length limits of free text. The column types give
the rest: a whole number is an integer (not ``"abc"``, not ``true``), a decimal is finite, a
yes/no is ``true`` or ``false`` (never the text ``"false"``), a date is YYYY-MM-DD, a key is 32
hexadecimal digits. Text is normalised where that is harmless (NFC, zero-width characters and
direction marks removed, look-alike Cyrillic and Greek letters in names folded to Latin, so
duplicate detection sees them) and refused where it is not (other control characters).

Values are checked in their JSON form (what the history and sync carry): ``clean`` returns the
normalised value or raises RuleViolation naming the field and the fix.
"""

from __future__ import annotations

import datetime
import decimal
import json
import math
import re
import unicodedata
from dataclasses import dataclass

from peewee import (
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    TextField,
    UUIDField,
)

from shelter_app.domain import choices, identity, names
from shelter_app.domain.errors import RuleViolation
from shelter_app.history.clock import FUTURE_MARGIN, MAX_STAMP
from shelter_app.i18n import Labels, _
from shelter_app.storage import models as m

IMMUTABLE = ("id", "created_at", "created_by")
TEXT_LIMIT = 5000  # a TextField without its own limit
OLDEST_AGE = 120  # years: an older birth date is refused, as an age over 120 is
EARLIEST_DAY = datetime.date(1990, 1, 1)  # dates of the operation: events, stays, stock...
LATER_DAYS = 366  # ... up to a year ahead (a planned end, an activity)
SHELF_LIFE_YEARS = 30  # expiry dates of stock lots

# Removed without a word: they change nothing a person reads.
_INVISIBLE = dict.fromkeys(
    map(
        ord,
        "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c",
    ),
    None,
)
# Cyrillic and Greek letters drawn like Latin ones (Unicode confusables): folded in names.
_LOOKALIKES = str.maketrans(
    "АВСЕНІЈКМОРЅТХУаеіјорсуѕхһԁԛԝѡΑΒΕΖΗΙΚΜΝΟΡΤΥΧοινρτυχ",
    "ABCEHIJKMOPSTXYaeijopcysxhdqwwABEZHIKMNOPTYXoivptux",
)
_BAD_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}
_HEX32 = re.compile(r"^[0-9a-f]{32}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Rule:
    """What a field declares beyond its column type; every part optional."""

    choices: dict | None = None
    low: float | None = None
    high: float | None = None
    max_length: int | None = None
    kind: str = ""  # "nik", "kk", "name" (folded look-alikes), "birth", "day", "expiry", "json"


NAME = Rule(kind="name")
DAY = Rule(kind="day")
COUNT = Rule(low=0, high=1_000_000)

RULES: dict[type, dict[str, Rule]] = {
    m.Event: {
        "name": NAME,
        "kind": Rule(choices=choices.EVENT_KINDS),
        "started_on": DAY,
        "ended_on": DAY,
        "notes": Rule(max_length=5000),
    },
    m.Site: {
        "name": NAME,
        "managing_agency": Rule(max_length=200),
        "land_ownership": Rule(choices={"": "", **choices.LAND_OWNERSHIP}),
        "kind": Rule(choices=choices.SITE_KINDS),
        "status": Rule(choices=choices.SITE_STATUSES),
        "latitude": Rule(low=-90, high=90),
        "longitude": Rule(low=-180, high=180),
        "capacity_day": COUNT,
        "capacity_night": COUNT,
        "covered_area_m2": Rule(low=0, high=10_000_000),
        "opened_on": DAY,
        "closed_on": DAY,
        "address": Rule(max_length=1000),
        "contact_name": NAME,
    },
    m.Installation: {
        "kind": Rule(choices=choices.INSTALLATION_KINDS),
        "state": Rule(choices=choices.INSTALLATION_STATES),
        "quantity": COUNT,
        "floor_area_m2": Rule(low=0, high=10_000_000),
        "litres_per_day": Rule(low=0, high=1_000_000_000),
        "toilets_female": COUNT,
        "toilets_male": COUNT,
        "toilets_accessible": COUNT,
        "power_kw": Rule(low=0, high=1_000_000),
        "state_since": DAY,
    },
    m.InstallationState: {"state": Rule(choices=choices.INSTALLATION_STATES), "changed_on": DAY},
    m.Household: {"kk": Rule(kind="kk"), "address": Rule(max_length=1000)},
    m.Person: {
        "nik": Rule(kind="nik"),
        "name": NAME,
        "name_key": NAME,
        "sex": Rule(choices=choices.SEXES),
        "birth_date": Rule(kind="birth"),
        "relationship": Rule(choices=choices.RELATIONSHIPS),
    },
    m.Stay: {
        "arrived_on": DAY,
        "left_on": DAY,
        "leave_reason": Rule(choices=choices.LEAVE_REASONS),
        "leave_note": Rule(max_length=2000),
        "arrival_reason": Rule(choices={"": "", "born": "born"}),
    },
    m.StockItem: {
        "name": NAME,
        "category": Rule(choices=choices.STOCK_CATEGORIES),
        "per_person_per_day": Rule(low=0, high=1_000_000),
        "low_stock_level": Rule(low=0, high=1_000_000_000),
    },
    m.StockLot: {
        "year": Rule(low=1990, high=2200),
        "expires_on": Rule(kind="expiry"),
        "source": Rule(choices={"": "", **choices.STOCK_SOURCES}),
    },
    m.StockMovement: {
        "kind": Rule(choices=choices.MOVEMENT_KINDS),
        "delta": Rule(low=-1_000_000_000, high=1_000_000_000),
        "moved_on": DAY,
        "reason": Rule(choices={"": "", **choices.ADJUST_REASONS}),
        "note": Rule(max_length=2000),
    },
    m.Activity: {
        "kind": Rule(choices=choices.ACTIVITY_KINDS),
        "held_on": DAY,
        "ends_on": DAY,
        "facilitator": NAME,
    },
    m.KitchenMeals: {"served_on": DAY, "morning": COUNT, "midday": COUNT, "evening": COUNT},
    m.SiteDay: {
        "day": DAY,
        "urgent_needs": Rule(max_length=20_000, kind="json"),
        "obstacles": Rule(max_length=5000),
        "follow_up": Rule(max_length=5000),
    },
    m.OperationSetting: {"value": Rule(max_length=20_000, kind="json")},
}
STAMP_RULES = {"created_by": NAME, "updated_by": NAME}


def _bad(table: str, name: str, message) -> RuleViolation:
    return RuleViolation(f"{table}.{name}", message)


def clean_text(value: str, single_line: bool, fold: bool = False) -> str:
    """NFC, invisible characters removed, look-alikes folded (``fold``); a ValueError names
    the first character that cannot stay."""
    text = unicodedata.normalize("NFC", value.translate(_INVISIBLE))
    if single_line:
        text = text.replace("\t", " ").replace("\r", " ").replace("\n", " ")
    if fold:
        text = text.translate(_LOOKALIKES)
    for ch in text:
        if ch in "\t\r\n":
            continue
        if unicodedata.category(ch) in _BAD_CATEGORIES:
            raise ValueError(f"U+{ord(ch):04X}")
    return text


def _today() -> datetime.date:
    return datetime.date.today()


def _day_range(rule: Rule, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    if rule.kind == "birth":
        try:
            oldest = today.replace(year=today.year - OLDEST_AGE - 1)
        except ValueError:
            oldest = today.replace(year=today.year - OLDEST_AGE - 1, day=28)
        return oldest + datetime.timedelta(days=1), today + datetime.timedelta(days=1)
    if rule.kind == "expiry":
        return EARLIEST_DAY, today.replace(year=today.year + SHELF_LIFE_YEARS, day=min(today.day, 28))
    return EARLIEST_DAY, today + datetime.timedelta(days=LATER_DAYS)


def clean(model, name: str, value, today: datetime.date | None = None):
    """The value of one field (JSON form), normalised; RuleViolation when it breaks a rule."""
    table = model._meta.table_name
    field = model._meta.fields.get(name)
    if field is None:
        raise _bad(table, name, _("There is no field {field} in {table}.", field=name, table=table))
    rule = RULES.get(model, {}).get(name) or STAMP_RULES.get(name) or Rule()
    if value is None:
        if field.null or (rule.kind in ("nik", "kk")):
            return None
        raise _bad(table, name, _("{field} is required; give it a value.", field=name))
    target = field.rel_field if isinstance(field, ForeignKeyField) else field
    if isinstance(target, UUIDField):
        text = value.replace("-", "").lower() if isinstance(value, str) else ""
        if not _HEX32.match(text):
            raise _bad(table, name, _("{field} must be a record key (32 hexadecimal digits).", field=name))
        return text
    if isinstance(target, BooleanField):
        if value in (True, False) and not isinstance(value, float):
            return bool(value)
        raise _bad(table, name, _("{field} must be yes or no (true or false).", field=name))
    if isinstance(target, (IntegerField, BigIntegerField)) and not isinstance(target, DecimalField):
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad(table, name, _("{field} must be a whole number.", field=name))
        _check_range(table, name, rule, value, -(2**31), 2**31 - 1)
        return value
    if isinstance(target, FloatField):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise _bad(table, name, _("{field} must be a number.", field=name))
        _check_range(table, name, rule, value, -1e12, 1e12)
        return value
    if isinstance(target, DecimalField):
        return _clean_decimal(table, name, target, rule, value)
    if isinstance(target, DateTimeField):
        try:
            parsed = datetime.datetime.fromisoformat(value) if isinstance(value, str) and len(value) <= 40 else None
        except ValueError:
            parsed = None
        if parsed is None or not 1990 <= parsed.year <= _today().year + 1:
            raise _bad(table, name, _("{field} must be a date and time (YYYY-MM-DDTHH:MM:SS).", field=name))
        return value
    if isinstance(target, DateField):
        return _clean_day(table, name, rule, value, today or _today())
    if isinstance(target, (CharField, TextField)):
        return _clean_string(table, name, target, rule, value)
    return value


def _check_range(table: str, name: str, rule: Rule, value, low, high) -> None:
    low = rule.low if rule.low is not None else low
    high = rule.high if rule.high is not None else high
    if not low <= value <= high:
        raise _bad(table, name, _("{field} must be between {low} and {high}.", field=name, low=low, high=high))


def _clean_decimal(table: str, name: str, field: DecimalField, rule: Rule, value):
    if isinstance(value, bool) or not isinstance(value, (str, int, float)) or len(str(value)) > 40:
        raise _bad(table, name, _("{field} must be a number.", field=name))
    try:
        number = decimal.Decimal(str(value).strip())
    except decimal.InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise _bad(table, name, _("{field} must be a number.", field=name))
    limit = 10 ** (field.max_digits - field.decimal_places)
    _check_range(table, name, rule, number, -limit + 1, limit - 1)
    return str(number)


def _clean_day(table: str, name: str, rule: Rule, value, today: datetime.date):
    try:
        day = datetime.date.fromisoformat(value) if isinstance(value, str) and _DAY.match(value) else None
    except ValueError:
        day = None
    if day is None:
        raise _bad(
            table,
            name,
            _('{field}: "{value}" is not a date; write it as YYYY-MM-DD.', field=name, value=str(value)[:40]),
        )
    low, high = _day_range(rule, today)
    if not low <= day <= high:
        raise _bad(
            table,
            name,
            _(
                "{field} {date} is not plausible: it must be between {low} and {high}.",
                field=name,
                date=value,
                low=low.isoformat(),
                high=high.isoformat(),
            ),
        )
    return value


def _clean_string(table: str, name: str, field, rule: Rule, value):
    if not isinstance(value, str):
        raise _bad(table, name, _("{field} must be text.", field=name))
    limit = rule.max_length or getattr(field, "max_length", None) or TEXT_LIMIT
    if len(value) > limit * 4:  # refused before any work on it
        raise _bad(table, name, _("{field} is too long: at most {n} characters.", field=name, n=limit))
    try:
        text = clean_text(value, single_line=isinstance(field, CharField), fold=rule.kind == "name")
    except ValueError as error:
        raise _bad(
            table,
            name,
            _(
                "{field} holds a control character ({code}) that cannot be stored; remove it and type the text again.",
                field=name,
                code=str(error),
            ),
        ) from None
    if len(text) > limit:
        raise _bad(table, name, _("{field} is too long: at most {n} characters.", field=name, n=limit))
    if rule.choices is not None and text not in rule.choices:
        options = Labels(tuple((code, label) for code, label in rule.choices.items() if code))
        raise _bad(
            table,
            name,
            _(
                '{field}: unknown value "{value}". Choose one of: {options}.',
                field=name,
                value=text[:40],
                options=options,
            ),
        )
    if rule.kind in ("nik", "kk") and text:
        if rule.kind == "nik":
            return identity.parse_nik(text, f"{table}.{name}").nik
        return identity.parse_kk(text, f"{table}.{name}")
    if rule.kind in ("nik", "kk"):
        return None
    if rule.kind == "json":
        try:
            json.loads(text)
        except ValueError:
            raise _bad(table, name, _("{field} must be a JSON value.", field=name)) from None
    return text


def clean_row(model, row: dict, complete: bool, today: datetime.date | None = None) -> dict:
    """Every field of ``row`` cleaned (JSON values); with ``complete`` (an insert) the fields
    without a default must be there, and the rules between fields hold."""
    out = {name: clean(model, name, value, today) for name, value in row.items()}
    if model is m.Person and "name" in out:
        out["name_key"] = names.name_key(out["name"])  # the one key of search and duplicates
    if complete:
        for name, field in model._meta.fields.items():
            if name not in out and not field.null and field.default is None and name != "id":
                raise _bad(model._meta.table_name, name, _("{field} is required; give it a value.", field=name))
        check_between(model, out)
    return out


def check_between(model, row: dict) -> None:
    """Rules between the fields of one record (JSON values of a whole record)."""
    if model is m.Person:
        if (row.get("pregnant") or row.get("lactating")) and row.get("sex") != "P":
            raise _bad(
                "person", "pregnant", _("Only a woman can be recorded as pregnant or breast-feeding; check the sex.")
            )


def check_stamp(hlc, wall: int) -> None:
    """A received operation's stamp: an integer in the 64-bit range, at most a day ahead."""
    if isinstance(hlc, bool) or not isinstance(hlc, int) or not 0 < hlc <= MAX_STAMP:
        raise RuleViolation("hlc", _("The change carries a time stamp outside the valid range."))
    if hlc > wall + FUTURE_MARGIN:
        raise RuleViolation(
            "hlc",
            _(
                "The change is stamped more than a day ahead of this laptop's clock; check the clock of "
                "the laptop that made it."
            ),
        )
