"""Exporting the roster: the residents of the sites on a day, one row per person, as CSV, XLSX
or HXL (CSV with a row of hashtags under the header).

The file re-imports losslessly (``roster_import`` reads its headers, values and the hashtag
row): the household column carries the household's id, so households without a KK stay
together and an import into the same operation matches everyone instead of duplicating.
NIK and KK show only their last four digits unless ``full_nik`` is asked for; a masked number
is read back as "not given", and matching then goes by household, name and birth date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from shelter_app.domain import choices, identity
from shelter_app.domain.errors import RuleViolation
from shelter_app.exchange.tables import write_rows
from shelter_app.history import records
from shelter_app.i18n import _, current_language, translate
from shelter_app.services import audit
from shelter_app.services.access import require, requires
from shelter_app.storage.models import Household, Person, Site, Stay

FORMATS = ("csv", "xlsx", "hxl")
COLUMNS = (
    "site",
    "household",
    "kk",
    "nik",
    "name",
    "sex",
    "birth_date",
    "birth_date_estimated",
    "relationship",
    "pregnant",
    "lactating",
    "disability",
    "disability_note",
    "chronic_illness",
    "unaccompanied_child",
    "arrival_date",
    "origin_village_code",
    "address",
    "phone",
    "notes",
)
HEADERS_ID = {
    "site": "lokasi",
    "household": "rumah_tangga",
    "kk": "no_kk",
    "nik": "nik",
    "name": "nama",
    "sex": "jenis_kelamin",
    "birth_date": "tanggal_lahir",
    "birth_date_estimated": "tanggal_lahir_perkiraan",
    "relationship": "hubungan",
    "pregnant": "hamil",
    "lactating": "menyusui",
    "disability": "disabilitas",
    "disability_note": "keterangan_disabilitas",
    "chronic_illness": "penyakit_kronis",
    "unaccompanied_child": "anak_tanpa_pendamping",
    "arrival_date": "tanggal_datang",
    "origin_village_code": "kode_desa_asal",
    "address": "alamat",
    "phone": "telepon",
    "notes": "catatan",
}
HXL_TAGS = {
    "site": "#loc+name",
    "household": "#meta+household+id",
    "kk": "#meta+household+kk",
    "nik": "#meta+nik",
    "name": "#affected+idps+name",
    "sex": "#affected+idps+sex",
    "birth_date": "#date+birth",
    "birth_date_estimated": "#date+birth+estimated",
    "relationship": "#affected+idps+relationship",
    "pregnant": "#affected+idps+pregnant",
    "lactating": "#affected+idps+lactating",
    "disability": "#affected+idps+disabled",
    "disability_note": "#description+disability",
    "chronic_illness": "#affected+idps+chronic",
    "unaccompanied_child": "#affected+idps+unaccompanied",
    "arrival_date": "#date+arrived",
    "origin_village_code": "#adm4+code+origin",
    "address": "#loc+address+origin",
    "phone": "#contact+phone",
    "notes": "#description+notes",
}
BOOLEAN_COLUMNS = {
    "birth_date_estimated",
    "pregnant",
    "lactating",
    "disability",
    "chronic_illness",
    "unaccompanied_child",
}
YES_NO = {"id": ("ya", "tidak"), "en": ("yes", "no")}


@dataclass
class Exported:
    path: Path
    rows: int
    households: int


def headers(lang: str) -> list[str]:
    return [HEADERS_ID[c] if lang == "id" else c for c in COLUMNS]


def resident_rows(day, site=None, full_nik: bool = False, lang: str | None = None) -> list[list]:
    """One row per person staying at a site on ``day`` (every site, or one), head of household first."""
    lang = lang or current_language()
    yes, no = YES_NO.get(lang, YES_NO["en"])
    relationship_labels = {code: translate(label, lang) for code, label in choices.RELATIONSHIPS.items()}
    order = {code: index for index, code in enumerate(choices.RELATIONSHIPS)}
    query = (
        Stay.select(
            Site.name,
            Household.id,
            Household.kk,
            Person.nik,
            Person.name,
            Person.sex,
            Person.birth_date,
            Person.birth_date_estimated,
            Person.relationship,
            Person.pregnant,
            Person.lactating,
            Person.disability,
            Person.disability_note,
            Person.chronic_illness,
            Person.unaccompanied_child,
            Stay.arrived_on,
            Household.origin_village_code,
            Household.address,
            Person.phone,
            Person.notes,
        )
        .join(Person)
        .join(Household)
        .switch(Stay)
        .join(Site)
        .where(
            records.live(Stay),
            records.live(Person),
            Stay.arrived_on <= day,
            Stay.left_on.is_null() | (Stay.left_on > day),
        )
    )
    if site is not None:
        query = query.where(Stay.site == site.id)
    rows = []
    for values in query.tuples():
        row = dict(zip(COLUMNS, values))
        row["household"] = row["household"].hex
        row["kk"] = identity.mask(row["kk"], full_nik, keep_length=True)
        row["nik"] = identity.mask(row["nik"], full_nik, keep_length=True)
        for name in BOOLEAN_COLUMNS:
            row[name] = yes if row[name] else no
        row["_order"] = order.get(row["relationship"], 99)
        row["relationship"] = relationship_labels.get(row["relationship"], row["relationship"])
        rows.append(row)
    rows.sort(
        key=lambda r: (r["site"].lower(), r["kk"] or "~", r["household"], r["_order"], r["birth_date"], r["name"])
    )
    return [[r[c] for c in COLUMNS] for r in rows]


@requires("export.personal")
def export_roster(
    out: str | Path,
    fmt: str,
    day: datetime.date | None = None,
    site=None,
    full_nik: bool = False,
    lang: str | None = None,
) -> Exported:
    """Write the residents of ``day`` (default today) as csv, xlsx or hxl (coordinators: personal
    data; full NIK and KK only with ``full_nik``). Recorded in the audit trail."""
    if full_nik:
        require("identity.full")
    if fmt not in FORMATS:
        raise RuleViolation(
            "format", _('Unknown format "{value}"; choose one of: {options}.', value=fmt, options=", ".join(FORMATS))
        )
    lang = lang or current_language()
    day = day or datetime.date.today()
    if fmt == "hxl":
        # HXL is for sharing on HDX, which takes no personal data: the population of each site
        # by sex, age band and vulnerable group, with its admin codes. Rosters stay CSV/XLSX.
        from shelter_app.exchange import sites_export

        path, persons, households = sites_export.population_aggregates(out, day, site)
        return Exported(path, persons, households)
    rows = resident_rows(day, site, full_nik, lang)
    if fmt == "hxl":
        # Machine-readable: English headers, ISO dates, under them the hashtags.
        column_headers = list(COLUMNS)
    else:
        column_headers = headers(lang)
    if fmt != "xlsx":
        rows = [[v.isoformat() if isinstance(v, datetime.date) else v for v in row] for row in rows]
    text_columns = {
        COLUMNS.index("kk"),
        COLUMNS.index("nik"),
        COLUMNS.index("phone"),
        COLUMNS.index("origin_village_code"),
    }
    path = write_rows(
        out,
        column_headers,
        rows,
        fmt,
        hxl_tags=[HXL_TAGS[c] for c in COLUMNS] if fmt == "hxl" else None,
        text_columns=text_columns,
        sheet_title="Pengungsi" if lang == "id" else "Evacuees",
    )
    households = len({row[COLUMNS.index("household")] for row in rows})
    audit.record("export", persons=len(rows), target=str(path), format=fmt, full_nik=full_nik)
    return Exported(path, len(rows), households)
