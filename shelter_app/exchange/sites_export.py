"""Exporting the sites with their figures of a day: CSV, XLSX, HXL and GeoJSON.

HXL (hxlstandard.org) puts a row of hashtags under the header so that HDX, OCHA tools and
libhxl can read the columns without knowing Posko: ``#loc+name``, ``#adm1+code`` ...
``#geo+lat``, ``#affected+idps+ind+f+children``. GeoJSON follows RFC 7946: a FeatureCollection
of Points in WGS 84 with [longitude, latitude] in that order, the figures as plain properties
(QGIS and InaSAFE open it as a layer); a site without coordinates has a null geometry.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from shelter_app.domain import choices, regions
from shelter_app.domain.errors import RuleViolation
from shelter_app.domain.standards import STATUS_SEVERITY
from shelter_app.exchange.tables import write_rows
from shelter_app.files import write_atomically
from shelter_app.history import records
from shelter_app.i18n import _
from shelter_app.services import settings, stats
from shelter_app.services import sites as site_service
from shelter_app.services.access import requires
from shelter_app.storage.models import Site

FORMATS = ("csv", "xlsx", "hxl", "geojson")
COORDINATE_DECIMALS = 6  # about 10 cm: RFC 7946 recommends no more
# HXL attributes for the default age bands; other bands get +ageN_M.
BAND_ATTRIBUTES = {
    "bayi": "+infants",
    "balita": "+children+age1_4",
    "anak": "+children+age5_17",
    "dewasa": "+adults",
    "lansia": "+elderly",
}
VULNERABLE = (
    "pregnant",
    "lactating",
    "disability",
    "chronic_illness",
    "unaccompanied_child",
    "female_headed_households",
)
VULNERABLE_TAGS = {
    "pregnant": "#affected+idps+ind+pregnant",
    "lactating": "#affected+idps+ind+lactating",
    "disability": "#affected+idps+ind+disabled",
    "chronic_illness": "#affected+idps+ind+chronic",
    "unaccompanied_child": "#affected+idps+ind+children+unaccompanied",
    "female_headed_households": "#affected+idps+hh+f+head",
}


@dataclass
class Exported:
    path: Path
    sites: int


def _band_attribute(band) -> str:
    if band.name in BAND_ATTRIBUTES:
        return BAND_ATTRIBUTES[band.name]
    if band.max_years is None:
        return f"+age{band.min_years}plus"
    return f"+age{band.min_years}_{band.max_years - 1}"


def columns() -> list[tuple[str, str]]:
    """(header, HXL hashtag) of every column, in order."""
    out = [
        ("date", "#date+reported"),
        ("site_id", "#loc+code"),
        ("site", "#loc+name"),
        ("kind", "#loc+type"),
        ("dtm_site_type", "#loc+type+dtm"),
        ("status", "#status"),
        ("opened_on", "#date+opened"),
        ("closed_on", "#date+closed"),
        ("managing_agency", "#org+managing"),
        ("land_ownership", "#meta+land_ownership"),
        ("glide", "#crisis+code"),
        ("adm1_code", "#adm1+code"),
        ("adm1_name", "#adm1+name"),
        ("adm2_code", "#adm2+code"),
        ("adm2_name", "#adm2+name"),
        ("adm3_code", "#adm3+code"),
        ("adm3_name", "#adm3+name"),
        ("adm4_code", "#adm4+code"),
        ("adm4_name", "#adm4+name"),
        ("latitude", "#geo+lat"),
        ("longitude", "#geo+lon"),
        ("capacity", "#capacity"),
        ("persons", "#affected+idps+ind"),
        ("households", "#affected+idps+hh"),
        ("female", "#affected+idps+ind+f"),
        ("male", "#affected+idps+ind+m"),
        ("origin_village_codes", "#adm4+code+origin"),
        ("origin_villages", "#adm4+name+origin"),
        ("water_litres_per_person", "#indicator+num+water_lppd"),
        ("toilets_female", "#indicator+num+toilets+f"),
        ("toilets_male", "#indicator+num+toilets+m"),
        ("toilets_accessible", "#indicator+num+toilets+accessible"),
        ("taps", "#indicator+num+taps"),
        ("needs_status", "#status+needs"),
    ]
    for band in settings.age_bands():
        attribute = _band_attribute(band)
        out += [
            (f"{band.name}_female", f"#affected+idps+ind+f{attribute}"),
            (f"{band.name}_male", f"#affected+idps+ind+m{attribute}"),
            (f"{band.name}_total", f"#affected+idps+ind{attribute}"),
        ]
    out += [(name, VULNERABLE_TAGS[name]) for name in VULNERABLE]
    out += [
        ("arrivals", "#affected+idps+ind+arrived"),
        ("departures", "#affected+idps+ind+departed"),
        ("contact_name", "#contact+name"),
        ("contact_phone", "#contact+phone"),
    ]
    return out


def _regions(village_code: str) -> dict:
    """adm1..adm4 codes and names from a village code 32.03.11.2002 (province .. village)."""
    out = {}
    parts = village_code.split(".") if village_code else []
    lookups = (regions.province, regions.regency, regions.district, regions.village)
    for level, lookup in enumerate(lookups, start=1):
        code = ".".join(parts[:level]) if len(parts) >= level else ""
        region = lookup(code) if code else None
        out[f"adm{level}_code"] = code if region else ""
        out[f"adm{level}_name"] = region.name if region else ""
    return out


def _village_name(code: str) -> str:
    village = regions.village(code)
    return village.name if village else code


def site_records(day: datetime.date) -> list[dict]:
    """One flat record per site open by ``day``: place, coordinates and the figures of that day."""
    figures = stats.figures(day)
    by_id = {site.id.hex: site for site in Site.select().where(records.live(Site))}
    origins = site_service.main_origins(day)
    out = []
    for entry in figures["sites"]:
        site = by_id[entry["id"]]
        record = {
            "date": day.isoformat(),
            "site_id": entry["id"],
            "site": entry["name"],
            "kind": entry["kind"],
            "dtm_site_type": choices.DTM_SITE_TYPES.get(entry["kind"], "other"),
            "status": entry["status"],
            "opened_on": site.opened_on.isoformat(),
            "closed_on": site.closed_on.isoformat() if site.closed_on else "",
            "managing_agency": site.managing_agency,
            "land_ownership": site.land_ownership,
            "glide": site.event.glide,
            **_regions(entry["village_code"]),
            "latitude": round(site.latitude, COORDINATE_DECIMALS) if site.latitude is not None else None,
            "longitude": round(site.longitude, COORDINATE_DECIMALS) if site.longitude is not None else None,
            "capacity": entry["capacity"],
            "persons": entry["persons"],
            "households": entry["households"],
            "female": entry["female"],
            "male": entry["male"],
            "origin_village_codes": " ".join(code for code, _n in origins.get(site.id, [])),
            "origin_villages": "; ".join(_village_name(code) for code, _n in origins.get(site.id, [])),
            "water_litres_per_person": (
                round(entry["installations"]["water_litres_per_day"] / entry["persons"], 1) if entry["persons"] else ""
            ),
            "toilets_female": entry["needs"]["toilets"]["female"],
            "toilets_male": entry["needs"]["toilets"]["male"],
            "toilets_accessible": entry["needs"]["toilets"]["accessible"],
            "taps": entry["installations"]["taps"],
            "needs_status": max((need["status"] for need in entry["needs"].values()), key=STATUS_SEVERITY.__getitem__),
            "arrivals": entry["arrivals"],
            "departures": entry["departures"],
            "contact_name": site.contact_name,
            "contact_phone": site.contact_phone,
        }
        for band, cell in entry["age_bands"].items():
            record[f"{band}_female"], record[f"{band}_male"] = cell["female"], cell["male"]
            record[f"{band}_total"] = cell["total"]
        for name in VULNERABLE:
            record[name] = entry["vulnerable"][name]
        out.append(record)
    return out


# The population aggregates shared as HXL (``export roster --format hxl``): figures only, no
# person and no contact, since HDX does not take personal data.
AGGREGATE_EXCLUDED = ("status", "capacity", "contact_name", "contact_phone")


def aggregate_columns() -> list[tuple[str, str]]:
    return [(name, tag) for name, tag in columns() if name not in AGGREGATE_EXCLUDED]


def population_aggregates(out: str | Path, day: datetime.date, site=None) -> tuple[Path, int, int]:
    """Persons and households of each site on ``day`` by sex and age band, with the vulnerable
    groups and the admin codes, as HXL: (path, persons, households)."""
    wanted = aggregate_columns()
    rows = [r for r in site_records(day) if site is None or r["site_id"] == site.id.hex]
    path = write_rows(
        out,
        [name for name, _tag in wanted],
        [[record.get(name) for name, _tag in wanted] for record in rows],
        "hxl",
        hxl_tags=[tag for _name, tag in wanted],
        text_columns={i for i, (name, _tag) in enumerate(wanted) if name.endswith("_code")},
    )
    return path, sum(r["persons"] for r in rows), sum(r["households"] for r in rows)


def geojson(day: datetime.date) -> dict:
    """The sites as an RFC 7946 FeatureCollection."""
    features = []
    for record in site_records(day):
        lat, lon = record["latitude"], record["longitude"]
        geometry = {"type": "Point", "coordinates": [lon, lat]} if lat is not None and lon is not None else None
        properties = {key: value for key, value in record.items() if key not in ("latitude", "longitude")}
        features.append({"type": "Feature", "id": record["site_id"], "geometry": geometry, "properties": properties})
    return {"type": "FeatureCollection", "features": features}


@requires("export.sites")
def export_sites(out: str | Path, fmt: str, day: datetime.date | None = None) -> Exported:
    if fmt not in FORMATS:
        raise RuleViolation(
            "format", _('Unknown format "{value}"; choose one of: {options}.', value=fmt, options=", ".join(FORMATS))
        )
    day = day or datetime.date.today()
    path = Path(out).expanduser()
    if fmt == "geojson":
        collection = geojson(day)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, json.dumps(collection, ensure_ascii=False, indent=1).encode("utf-8"))
        except OSError as error:
            raise RuleViolation(
                "out",
                _(
                    "Cannot write {path}: {reason}. Choose another file or folder.",
                    path=str(path),
                    reason=error.strerror or str(error),
                ),
            ) from None
        return Exported(path, len(collection["features"]))
    spec = columns()
    site_list = site_records(day)
    rows = [[record.get(header) for header, _tag in spec] for record in site_list]
    write_rows(
        path,
        [h for h, _t in spec],
        rows,
        fmt,
        hxl_tags=[t for _h, t in spec] if fmt == "hxl" else None,
        text_columns={i for i, (h, _t) in enumerate(spec) if h.endswith("_code") or h == "contact_phone"},
        sheet_title="Posko",
    )
    return Exported(path, len(rows))
