"""NIK (national identity number) and KK (family card number) rules.

A NIK is PPRRDD DDMMYY SSSS: the district (kecamatan) code of the registered address, the birth
date with 40 added to the day for women, and a serial. So a typed NIK can be checked against the
region list and against the birth date and sex entered beside it. A KK number starts with the
district code too. Both are optional for a person; these rules apply once one is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from shelter_app.domain import regions
from shelter_app.domain.errors import Notice, RuleViolation
from shelter_app.i18n import Msg, _

NUMBER_LENGTH = 16
FEMALE_DAY_OFFSET = 40

# Excel shows a long number as 3.20301E+15 (3,20301E+15 in an Indonesian locale) and keeps only
# 15 significant digits, so the real number cannot be recovered from it.
_SCIENTIFIC = re.compile(r"^'?\d+(?:[.,]\d+)?[eE][+-]?\d+$")
# Separators people type or paste: spaces (also non-breaking), dots, dashes.
_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015]")


@dataclass(frozen=True)
class NikInfo:
    nik: str  # normalised, 16 digits
    district_code: str  # dotted, e.g. "32.03.01"
    birth_date: date
    sex: str  # "L" laki-laki (male) or "P" perempuan (female)
    serial: str  # last four digits


def normalize_number(text: str) -> str:
    """Remove what people and spreadsheets add around a number; change nothing else."""
    text = text.strip()
    if text.startswith("'"):  # Excel's "store as text" marker
        text = text[1:]
    return _SEPARATORS.sub("", text)


def _digits(text: str, field: str, label: Msg) -> str:
    """The normalised 16 digits, or a RuleViolation saying exactly what is wrong."""
    raw = text.strip()
    if _SCIENTIFIC.match(raw.replace(" ", "")):
        raise RuleViolation(
            field,
            _(
                'The {label} "{text}" was turned into a number by a spreadsheet, which lost its '
                "last digits. Format the column as text and type all 16 digits again.",
                label=label,
                text=raw,
            ),
        )
    number = normalize_number(text)
    bad = sorted({ch for ch in number if not ("0" <= ch <= "9")})
    if bad:
        raise RuleViolation(
            field,
            _(
                "The {label} may contain only digits; remove {characters}.",
                label=label,
                characters=" ".join(f'"{ch}"' for ch in bad),
            ),
        )
    if len(number) != NUMBER_LENGTH:
        raise RuleViolation(
            field, _("The {label} must have 16 digits, but it has {count}.", label=label, count=len(number))
        )
    if regions.district_from_compact(number[:6]) is None:
        raise RuleViolation(
            field,
            _(
                "The first six digits of the {label}, {code}, are not a district (kecamatan) code "
                "in the official list. Check the {label}.",
                label=label,
                code=number[:6],
            ),
        )
    return number


def _dotted(six_digits: str) -> str:
    return f"{six_digits[:2]}.{six_digits[2:4]}.{six_digits[4:6]}"


def _birth_dates(day: int, month: int, yy: int, today: date) -> list[date]:
    """The dates DD-MM-YY can mean, latest first: 20YY and 19YY, never in the future."""
    found: list[date] = []
    for year in (2000 + yy, 1900 + yy):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= today:
            found.append(candidate)
    return found


def _parse(text: str, field: str, today: date) -> tuple[NikInfo, list[date]]:
    nik = _digits(text, field, _("NIK"))
    raw_day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = raw_day > FEMALE_DAY_OFFSET
    day = raw_day - FEMALE_DAY_OFFSET if female else raw_day
    if not 1 <= day <= 31:
        raise RuleViolation(
            field,
            _(
                "Digits 7-8 of the NIK are {day}, which is not a day of birth: it must be 01-31 "
                "for a man or 41-71 for a woman (day + 40). Check the NIK.",
                day=nik[6:8],
            ),
        )
    if not 1 <= month <= 12:
        raise RuleViolation(
            field,
            _("Digits 9-10 of the NIK are {month}, which is not a month (01-12). Check the NIK.", month=nik[8:10]),
        )
    candidates = _birth_dates(day, month, yy, today)
    if not candidates:
        raise RuleViolation(
            field,
            _(
                "The birth date in the NIK ({date_part}) gives day {day} of month {month}, which "
                "does not exist. Check the NIK.",
                date_part=nik[6:12],
                day=day,
                month=nik[8:10],
            ),
        )
    info = NikInfo(nik, _dotted(nik[:6]), candidates[0], "P" if female else "L", nik[12:])
    return info, candidates


def parse_nik(text: str, field: str = "nik", today: date | None = None) -> NikInfo:
    """Read a typed NIK, refusing it with a message that names the fix.

    The year has two digits: the century is the latest one that does not put the birth in the
    future (so "15" is 2015 and "80" is 1980).
    """
    return _parse(text, field, today or date.today())[0]


def check_nik(
    text: str,
    birth_date: date | None = None,
    sex: str | None = None,
    birth_date_estimated: bool = False,
    field: str = "nik",
    today: date | None = None,
) -> tuple[NikInfo, list[Notice]]:
    """Parse a NIK and compare it with the birth date and sex entered for the same person.

    A differing sex or exact birth date is refused: one of them was mistyped. An estimated
    birth date only earns a notice, since the NIK is probably the better source.
    """
    info, candidates = _parse(text, field, today or date.today())
    if sex is not None and sex.upper() != info.sex:
        if info.sex == "P":
            message = _(
                "The NIK says female (day part 41-71) but the person is entered as male; check the NIK or the sex."
            )
        else:
            message = _(
                "The NIK says male (day part 01-31) but the person is entered as female; check the NIK or the sex."
            )
        raise RuleViolation(field, message)
    notices: list[Notice] = []
    if birth_date is not None:
        if birth_date in candidates:
            # Same DD-MM-YY: the entered date settles the century (someone born in 1920).
            return replace(info, birth_date=birth_date), notices
        # The century nearest to the entered date is the one the user most likely means.
        nik_date = min(candidates, key=lambda d: abs(d - birth_date))
        info = replace(info, birth_date=nik_date)
        dates = {"nik_date": nik_date.isoformat(), "entered_date": birth_date.isoformat()}
        if not birth_date_estimated:
            raise RuleViolation(
                field,
                _(
                    "The NIK gives the birth date {nik_date}, but the birth date entered is "
                    "{entered_date}; check the NIK or the birth date.",
                    **dates,
                ),
            )
        notices.append(
            Notice(
                field,
                _(
                    "The NIK gives the birth date {nik_date}, but the estimated birth date is "
                    "{entered_date}; consider using the date from the NIK.",
                    **dates,
                ),
                code="nik_birth_date_differs",
            )
        )
    return info, notices


def parse_kk(text: str, field: str = "kk") -> str:
    """Read a typed KK (Kartu Keluarga) number: 16 digits starting with a real district."""
    return _digits(text, field, _("KK number"))


def _compact_district(district_code: str) -> str:
    compact = district_code.replace(".", "")
    if len(compact) != 6 or not compact.isdigit():
        raise ValueError(f"district code must be PP.RR.DD, got {district_code!r}")
    return compact


def _serial(serial: int | str) -> str:
    value = int(serial)
    if not 0 <= value <= 9999:
        raise ValueError(f"serial must be 0..9999, got {serial!r}")
    return f"{value:04d}"


def make_nik(district_code: str, birth_date: date, sex: str, serial: int | str) -> str:
    """Build a NIK from its parts (demo data, tests). The district is not checked."""
    if sex not in ("L", "P"):
        raise ValueError(f"sex must be 'L' or 'P', got {sex!r}")
    day = birth_date.day + (FEMALE_DAY_OFFSET if sex == "P" else 0)
    return f"{_compact_district(district_code)}{day:02d}{birth_date:%m}{birth_date.year % 100:02d}{_serial(serial)}"


def make_kk(district_code: str, issue_date: date, serial: int | str) -> str:
    """Build a KK number: district, issue date DDMMYY, serial."""
    return f"{_compact_district(district_code)}{issue_date:%d%m}{issue_date.year % 100:02d}{_serial(serial)}"


MASK = "\u2022"  # •
SHOWN_DIGITS = 4  # the serial, at the end
SHOWN_PREFIX = 6  # the district of the registered address, at the start


def mask(number: str | None, full: bool = False, keep_length: bool = False) -> str:
    """A NIK or KK with its birth (or issue) date hidden, unless ``full``: the district code
    (first six digits) and the serial (last four) show, so a volunteer can compare it with
    the card in hand and tell apart people born the same day (the serial alone is 0001 for
    most). On screen in short (320311••0002), on paper and in files one dot per hidden digit
    (320311••••••0002). A number too short to have a middle shows only its last four. Empty
    for no number."""
    if not number:
        return ""
    if full:
        return number
    if len(number) < SHOWN_PREFIX + SHOWN_DIGITS + 2:
        hidden = max(len(number) - SHOWN_DIGITS, 0) if keep_length else SHOWN_DIGITS
        return MASK * hidden + number[-SHOWN_DIGITS:]
    middle = len(number) - SHOWN_PREFIX - SHOWN_DIGITS if keep_length else 2
    return number[:SHOWN_PREFIX] + MASK * middle + number[-SHOWN_DIGITS:]


def masked_parts(text: str) -> tuple[str, str] | None:
    """What a person typed from a masked number (320311••0002, 320311**0002, 320311 0002,
    3203110002): (the digits before the hidden part, the digits after), for a search; None
    when the text is not a masked number."""
    compact = re.sub(r"[\s.\-]", "", text or "")
    match = re.fullmatch(r"(\d{6})[\u2022*xX]*(\d{4})", compact)
    if match is None:
        return None
    return match.group(1), match.group(2)
