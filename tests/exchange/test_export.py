"""Exports: the roster back in losslessly (CSV, XLSX), population aggregates and sites as HXL, and RFC 7946 GeoJSON."""

import csv
import datetime
import json
import re

import hxl
import pytest

from shelter_app.cli.main import main
from shelter_app.demo.generator import build_demo
from shelter_app.exchange import roster_export, roster_import, sites_export
from shelter_app.history import records
from shelter_app.services import sites, stats
from shelter_app.storage.models import Change, Household, Person, Site, Stay, database
from shelter_app.storage.session import open_database

DAY = datetime.date(2022, 11, 30)
TODAY = datetime.date(2023, 1, 15)


# libhxl wraps the file it is given in a reader it never closes.
LIBHXL_LEAK = pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.fixture
def demo(db):
    build_demo(persons=300, seed=11)
    return db


def same_sites_in(path, source_sites):
    """A fresh operation with the same event and sites (by name), as another laptop would have."""
    database.close()
    db = open_database(str(path))
    records.set_operator("Relawan Lain")
    event = sites.create_event("Gempa Cianjur", "earthquake", datetime.date(2022, 11, 21))
    for site in source_sites:
        sites.create_site(event.id, site["name"], site["kind"], site["opened_on"])
    return db


def counts():
    return Household.select().count(), Person.select().count(), Stay.select().count()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_roster_export_reimports_losslessly(demo, tmp_path, fmt):
    first = tmp_path / f"first.{fmt}"
    exported = roster_export.export_roster(first, fmt, DAY, full_nik=True, lang="id")
    assert exported.rows > 200
    source_sites = [{"name": s.name, "kind": s.kind, "opened_on": s.opened_on} for s in Site.select()]
    # Into the same operation: everyone is matched, nothing is created.
    before, history = counts(), Change.select().count()
    again = roster_import.import_roster(first, today=TODAY)
    assert again.problems == [] and not again.imported
    assert again.summary.persons_matched == exported.rows and counts() == before
    assert Change.select().count() == history
    # Into another laptop's copy: the same rows come out again, household ids included.
    same_sites_in(tmp_path / "other.db", source_sites)
    result = roster_import.import_roster(first, today=TODAY)
    assert result.problems == [] and result.summary.persons_created == exported.rows
    assert result.summary.households_created == exported.households
    second = tmp_path / f"second.{fmt}"
    roster_export.export_roster(second, fmt, DAY, full_nik=True, lang="id")
    assert rows_of(first) == rows_of(second)


def rows_of(path):
    table = roster_import.read_table(path)
    return table.headers, sorted(tuple(roster_import.cell_text(v) for v in cells) for _n, cells in table.rows)


def test_nik_and_kk_are_masked_unless_asked_and_a_masked_file_still_matches(demo, tmp_path):
    out = tmp_path / "masked.csv"
    roster_export.export_roster(out, "csv", DAY, lang="en")
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    niks = [r["nik"] for r in rows if r["nik"]]
    assert niks and all(n[6:12] == "\u2022" * 6 and n[:6].isdigit() and n[-4:].isdigit() for n in niks)
    assert all(not r["kk"] or r["kk"][6:12] == "\u2022" * 6 for r in rows)
    before = counts()
    result = roster_import.import_roster(out, today=TODAY)
    assert result.problems == [] and counts() == before
    assert result.summary.persons_matched == len(rows)


def test_a_roster_of_one_site_in_english(demo, tmp_path):
    site = Site.select().order_by(Site.name).first()
    out = tmp_path / "site.xlsx"
    done = roster_export.export_roster(out, "xlsx", DAY, site=site, lang="en")
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["site", "household", "kk", "nik", "name"]
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(values) == done.rows == stats.figures(DAY, site.id)["sites"][0]["persons"]
    assert {v[0] for v in values} == {site.name}
    assert isinstance(values[0][header.index("birth_date")], datetime.datetime)  # a real date cell
    assert sheet.cell(row=2, column=4).number_format == "@"  # NIK stays text in Excel


@LIBHXL_LEAK
def test_the_hxl_roster_is_population_aggregates_that_pass_libhxl_validation(demo, tmp_path):
    out = tmp_path / "roster.hxl.csv"
    done = roster_export.export_roster(out, "hxl", DAY, full_nik=True)
    figures = stats.figures(DAY)
    errors = []
    with out.open(encoding="utf-8") as handle:
        schema = hxl.schema(callback=errors.append)  # libhxl's default schema, as hxlvalidate uses
        valid = schema.validate(hxl.data(handle, hxl.InputOptions(allow_local=True)))
    assert valid and errors == []
    text = out.read_text(encoding="utf-8")
    assert not any(p.name in text for p in Person.select()) and not re.search(r"\d{16}", text)  # no person
    with out.open(encoding="utf-8") as handle:
        rows = list(hxl.data(handle, hxl.InputOptions(allow_local=True)))
    assert len(rows) == len(figures["sites"]) and done.rows == figures["total"]["persons"]
    assert sum(int(row.get("#affected+idps+ind-f-m")) for row in rows) == figures["total"]["persons"]
    assert (
        sum(int(row.get("#affected+idps+ind+f+elderly")) for row in rows)
        == (figures["total"]["age_bands"]["lansia"]["female"])
    )
    assert all(row.get("#adm4+code") and row.get("#adm1+code") == "32" for row in rows)


@LIBHXL_LEAK
def test_sites_as_hxl_with_figures_by_sex_and_age_band(demo, tmp_path):
    out = tmp_path / "sites.hxl.csv"
    done = sites_export.export_sites(out, "hxl", DAY)
    figures = stats.figures(DAY)
    assert done.sites == len(figures["sites"])
    with out.open(encoding="utf-8") as handle:
        rows = list(hxl.data(handle, hxl.InputOptions(allow_local=True)))
    assert len(rows) == done.sites
    total = sum(int(row.get("#affected+idps+ind-f-m")) for row in rows)
    assert total == figures["total"]["persons"]
    female = sum(int(row.get("#affected+idps+ind+f-infants-children-adults-elderly")) for row in rows)
    assert female == figures["total"]["female"]
    elderly_f = sum(int(row.get("#affected+idps+ind+f+elderly")) for row in rows)
    assert elderly_f == figures["total"]["age_bands"]["lansia"]["female"]
    assert sum(int(row.get("#affected+idps+hh-f")) for row in rows) == figures["total"]["households"]
    first = rows[0]
    assert first.get("#adm2+code") == "32.03" and first.get("#adm1+name")
    assert first.get("#date+reported") == DAY.isoformat()
    assert -7.0 < float(first.get("#geo+lat")) < -6.5 and 106.9 < float(first.get("#geo+lon")) < 107.3


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_sites_as_csv_and_xlsx(demo, tmp_path, fmt):
    out = tmp_path / f"sites.{fmt}"
    sites_export.export_sites(out, fmt, DAY)
    table = roster_import.read_table(out)
    assert table.hxl_row is None
    assert table.headers[:3] == ["date", "site_id", "site"]
    persons = sum(int(roster_import.cell_text(cells[table.headers.index("persons")])) for _n, cells in table.rows)
    assert persons == stats.figures(DAY)["total"]["persons"]


def test_sites_as_geojson_follow_rfc_7946(demo, tmp_path):
    out = tmp_path / "sites.geojson"
    sites_export.export_sites(out, "geojson", DAY)
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # RFC 7946: UTF-8 without a byte-order mark
    collection = json.loads(raw)
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    by_name = {s.name: s for s in Site.select()}
    figures = {s["name"]: s for s in stats.figures(DAY)["sites"]}
    assert len(collection["features"]) == len(figures)
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        assert geometry["type"] == "Point" and len(geometry["coordinates"]) == 2
        lon, lat = geometry["coordinates"]
        assert all(isinstance(v, float) for v in (lon, lat))
        site = by_name[feature["properties"]["site"]]
        assert (lon, lat) == (round(site.longitude, 6), round(site.latitude, 6))  # longitude first
        assert -180 <= lon <= 180 and -90 <= lat <= 90 and lon > 100 > lat
        properties = feature["properties"]
        assert properties["persons"] == figures[site.name]["persons"]
        assert all(isinstance(properties[k], int) for k in ("persons", "households", "female", "male"))


def test_a_site_without_coordinates_has_a_null_geometry(db, operation, tmp_path):
    out = tmp_path / "sites.geojson"
    sites_export.export_sites(out, "geojson", datetime.date(2022, 11, 22))
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert [f["geometry"] for f in features] == [None, None]


def test_export_commands(demo, tmp_path, capsys):
    demo.close()
    target = str(tmp_path / "posko.db")
    code = main(
        [
            "export",
            "roster",
            "--db",
            target,
            "--format",
            "csv",
            "--out",
            str(tmp_path / "r.csv"),
            "--date",
            DAY.isoformat(),
            "--lang",
            "en",
        ]
    )
    assert code == 0 and "persons in" in capsys.readouterr().out
    code = main(
        [
            "export",
            "sites",
            "--db",
            target,
            "--format",
            "geojson",
            "--out",
            str(tmp_path / "s.geojson"),
            "--date",
            DAY.isoformat(),
            "--lang",
            "id",
        ]
    )
    assert code == 0 and "lokasi ditulis" in capsys.readouterr().out
    code = main(
        [
            "export",
            "roster",
            "--db",
            target,
            "--format",
            "csv",
            "--out",
            str(tmp_path / "r.csv"),
            "--site",
            "Nowhere",
            "--lang",
            "en",
        ]
    )
    assert code == 2 and "Nowhere" in capsys.readouterr().err
    code = main(
        [
            "export",
            "sites",
            "--db",
            str(tmp_path / "missing.db"),
            "--format",
            "csv",
            "--out",
            str(tmp_path / "x.csv"),
            "--lang",
            "en",
        ]
    )
    assert code == 2 and "no database" in capsys.readouterr().err
    assert not (tmp_path / "missing.db").exists()
    with pytest.raises(SystemExit) as stop:
        main(["export", "sites", "--db", target, "--format", "pdf", "--out", "x"])
    assert stop.value.code == 2


@LIBHXL_LEAK
def test_sites_carry_the_dtm_and_cccm_core_fields_and_pass_libhxl_validation(demo, tmp_path):
    out = tmp_path / "sites.hxl.csv"
    sites_export.export_sites(out, "hxl", DAY)
    errors = []
    with out.open(encoding="utf-8") as handle:
        assert hxl.schema(callback=errors.append).validate(hxl.data(handle, hxl.InputOptions(allow_local=True)))
    assert errors == []
    figures = {entry["name"]: entry for entry in stats.figures(DAY)["sites"]}
    with out.open(encoding="utf-8") as handle:
        rows = list(hxl.data(handle, hxl.InputOptions(allow_local=True)))
    for row in rows:
        entry = figures[row.get("#loc+name")]
        site = sites.find_site(entry["name"])
        assert row.get("#crisis+code") == "EQ-2022-000191-IDN"
        assert row.get("#loc+type+dtm") in ("collective_centre", "planned_camp", "self_settled_camp", "host_families")
        assert row.get("#date+opened") == site.opened_on.isoformat() and row.get("#org+managing")
        assert int(row.get("#indicator+num+toilets+f")) == entry["needs"]["toilets"]["female"]
        assert int(row.get("#indicator+num+taps")) == entry["installations"]["taps"]
        if entry["persons"]:
            expected = round(entry["installations"]["water_litres_per_day"] / entry["persons"], 1)
            assert float(row.get("#indicator+num+water_lppd")) == expected
            assert row.get("#adm4+name+origin")
