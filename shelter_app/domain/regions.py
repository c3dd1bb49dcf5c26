"""The official list of Indonesian regions: provinces, regencies, districts, villages.

Loaded from the CSVs shipped in ``resources/regions`` (idn-area-data). Each level is read only
when first asked for and then kept in memory, so starting the app costs nothing and a NIK check
only loads the small district file. Codes use the dotted form of the files: ``32.03.01.2001``.
"""

from __future__ import annotations

import csv
import heapq
from dataclasses import dataclass
from functools import cache
from typing import Literal

from shelter_app.resources import resource_path

ATTRIBUTION = "Indonesian area data from idn-area-data, ODbL"

Level = Literal["province", "regency", "district", "village"]

_FILES: dict[Level, str] = {
    "province": "provinces.csv",
    "regency": "regencies.csv",
    "district": "districts.csv",
    "village": "villages.csv",
}
_PARENT: dict[Level, Level | None] = {
    "province": None,
    "regency": "province",
    "district": "regency",
    "village": "district",
}


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    parent_code: str | None
    level: Level


@cache
def _table(level: Level) -> dict[str, tuple[str, str | None]]:
    """code -> (name, parent code) for one level.

    Plain tuples, not Region objects: building 83k dataclasses would double the load time,
    and most callers look at a handful of rows.
    """
    with resource_path("regions", _FILES[level]).open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)  # header
        if level == "province":
            return {code: (name, None) for code, name in rows}
        return {code: (name, parent_code) for code, parent_code, name in rows}


@cache
def _children(level: Level) -> dict[str, list[str]]:
    """parent code -> codes of the regions of ``level`` under it."""
    index: dict[str, list[str]] = {}
    for code, (_name, parent_code) in _table(level).items():
        index.setdefault(parent_code or "", []).append(code)
    return index


@cache
def _village_names() -> list[tuple[str, str, str]]:
    """(lower-case name, code, district code) of every village, for the picker's search."""
    return [(name.casefold(), code, p or "") for code, (name, p) in _table("village").items()]


def _get(level: Level, code: str) -> Region | None:
    row = _table(level).get(code)
    return Region(code, row[0], row[1], level) if row else None


def province(code: str) -> Region | None:
    return _get("province", code)


def regency(code: str) -> Region | None:
    return _get("regency", code)


def district(code: str) -> Region | None:
    return _get("district", code)


def village(code: str) -> Region | None:
    return _get("village", code)


def district_from_compact(six_digits: str) -> Region | None:
    """District from the undotted form found in NIK and KK numbers: "320301" -> 32.03.01."""
    if len(six_digits) != 6 or not six_digits.isdigit():
        return None
    return district(f"{six_digits[:2]}.{six_digits[2:4]}.{six_digits[4:]}")


def _children_of(level: Level, parent_code: str) -> list[Region]:
    regions = [_get(level, code) for code in _children(level).get(parent_code, [])]
    return sorted((r for r in regions if r), key=lambda r: (r.name.casefold(), r.code))


def regencies_of_province(code: str) -> list[Region]:
    return _children_of("regency", code)


def districts_of_regency(code: str) -> list[Region]:
    return _children_of("district", code)


def villages_of_district(code: str) -> list[Region]:
    return _children_of("village", code)


def parent(region: Region) -> Region | None:
    parent_level = _PARENT[region.level]
    return _get(parent_level, region.parent_code) if parent_level and region.parent_code else None


def full_name(region: Region) -> str:
    """ "Village, District, Regency, Province": the same village name recurs across the
    country (there are dozens of Sukamaju), so pickers must show where it lies."""
    names: list[str] = []
    current: Region | None = region
    while current:
        names.append(current.name)
        current = parent(current)
    return ", ".join(names)


def search_villages(text: str, limit: int = 20) -> list[Region]:
    """Villages whose name contains ``text`` (case-insensitive), names starting with it first.

    Extra comma-separated terms narrow by the places above: "sukamanah, cugenang" finds the
    Sukamanah in Kecamatan Cugenang among the many Sukamanah.
    """
    terms = [t.strip().casefold() for t in text.split(",") if t.strip()]
    if not terms or limit <= 0:
        return []
    first, rest = terms[0], terms[1:]
    # Narrow by district first: 7k district names are cheap to test, 83k villages are not.
    districts: set[str] | None = None
    if rest:
        districts = set()
        for code, (name, regency_code) in _table("district").items():
            place = full_name(Region(code, name, regency_code, "district")).casefold()
            if all(t in place for t in rest):
                districts.add(code)
    candidates = (
        (not name.startswith(first), name, code)
        for name, code, district_code in _village_names()
        if first in name and (districts is None or district_code in districts)
    )
    hits = heapq.nsmallest(limit, candidates)  # prefix matches first, then by name
    return [r for _p, _n, code in hits if (r := _get("village", code))]


def is_valid_village_code(code: str) -> bool:
    return code in _table("village")


# Indonesia's three time zones by province code (the first two digits of a region code):
# WIB (UTC+7) Sumatra, Java, West and Central Kalimantan; WITA (UTC+8) Bali, Nusa Tenggara,
# South, East and North Kalimantan, Sulawesi; WIT (UTC+9) Maluku and Papua.
_WITA_PROVINCES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT_PROVINCES = {"81", "82", "91", "92", "93", "94", "95", "96", "97"}
TIME_ZONE_OFFSETS = {"WIB": 7, "WITA": 8, "WIT": 9}


def time_zone(code: str) -> str:
    """WIB, WITA or WIT of a region code (any level); WIB when the code is empty."""
    province_code = (code or "").split(".")[0][:2]
    if province_code in _WIT_PROVINCES:
        return "WIT"
    if province_code in _WITA_PROVINCES:
        return "WITA"
    return "WIB"
