"""Importing rosters as they reach a posko: messy CSV and Excel files, written here by the tests."""

import datetime
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from shelter_app.cli.main import main
from shelter_app.domain import identity
from shelter_app.domain.errors import RuleViolation
from shelter_app.exchange import roster_import as ri
from shelter_app.exchange.tables import read_table
from shelter_app.i18n import set_language
from shelter_app.services import presence, roster, stays
from shelter_app.storage.models import Change, Household, Person, Presence, Stay

D = datetime.date
TODAY = D(2023, 1, 15)
NIK_ASEP = identity.make_nik("32.03.11", D(1980, 5, 1), "L", 1)
NIK_SITI = identity.make_nik("32.03.11", D(1984, 7, 9), "P", 2)
NIK_EUIS = identity.make_nik("32.03.01", D(1990, 2, 3), "P", 3)
KK_1 = identity.make_kk("32.03.11", D(2015, 1, 1), 1)
KK_2 = identity.make_kk("32.03.01", D(2016, 2, 2), 2)


def write(tmp_path, text, name="roster.csv", encoding="utf-8", bom=False):
    path = tmp_path / name
    data = textwrap.dedent(text).lstrip("\n").encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def run(path, **options):
    options.setdefault("today", TODAY)
    return ri.import_roster(path, **options)


def counts():
    live = Person.deleted_at.is_null()
    return (Household.select().count(), Person.select().where(live).count(), Stay.select().count())


def texts(result, lang="en"):
    return [p.text(lang) for p in result.problems]


# --- files and headers ----------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding,bom,delimiter",
    [
        ("utf-8", True, ";"),
        ("utf-8", False, ","),
        ("cp1252", False, ";"),
        ("cp1252", False, ","),
    ],
)
def test_csv_with_any_separator_bom_and_encoding(db, operation, tmp_path, encoding, bom, delimiter):
    header = delimiter.join(
        [" Nama ", "JENIS KELAMIN", "Tanggal Lahir", "No. KK", "hubungan", "Lokasi", "tanggal_datang"]
    )
    row1 = delimiter.join(["Siti Nur\u2019aini", "P", "09/07/1984", KK_1, "Istri", "SDN Cugenang 1", "21/11/2022"])
    row2 = delimiter.join(["Asep Hidayat", "L", "01-05-1980", KK_1, "kepala keluarga", "sdn cugenang 1", "2022-11-21"])
    path = write(tmp_path, f"{header}\n{row1}\n{row2}\n", encoding=encoding, bom=bom)
    result = run(path)
    assert result.problems == [] and result.imported
    assert result.summary.persons_created == 2 and result.summary.households_created == 1
    names = sorted(p.name for p in Person.select())
    assert names == ["Asep Hidayat", "Siti Nur\u2019aini"]  # the curly apostrophe survives Windows-1252
    assert Household.get().kk == KK_1


def test_english_headers_and_blank_rows_and_kobo_groups(db, operation, tmp_path):
    path = write(
        tmp_path,
        f"""
        group_hh/name,group_hh/sex,group_hh/age,Site,KK
        Ujang,m,7,SDN Cugenang 1,{KK_1}
        ,,,,
        Neng,female,5,SDN Cugenang 1,{KK_1}
        """,
    )
    result = run(path, arrival_date=D(2022, 11, 22))
    assert result.problems == []
    assert result.summary.rows == 2
    child = Person.get(Person.name == "Ujang")
    assert child.birth_date_estimated and roster.age_on(child.birth_date, TODAY) == 7
    assert Stay.get(Stay.person == child).arrived_on == D(2022, 11, 22)


def test_unknown_headers_are_mapped_and_the_mapping_saved(db, operation, tmp_path):
    path = write(
        tmp_path,
        """
        Nama Pengungsi KK,Gender,Umur Tahun,Desa
        Asep,L,40,x
        """,
    )
    with pytest.raises(RuleViolation) as caught:
        run(path, site="SDN Cugenang 1")
    assert "Nama Pengungsi KK" in caught.value.text("en")
    ri.save_mapping({"Nama Pengungsi KK": "name", "Umur Tahun": "age", "Desa": ""})
    result = run(path, site="SDN Cugenang 1", arrival_date="2022-11-21")
    assert result.problems == [] and Person.get().name == "Asep"
    assert result.ignored_columns == ["Desa"]


def test_two_columns_for_one_field_are_refused(db, operation, tmp_path):
    path = write(tmp_path, "nama,name,sex\nA,B,L\n")
    with pytest.raises(RuleViolation) as caught:
        run(path)
    assert caught.value.field == "mapping"


def test_xlsx_with_dates_serials_text_and_mangled_numbers(db, operation, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["nama", "jenis_kelamin", "nik", "no_kk", "tanggal_lahir", "hubungan", "menyusui", "tanggal_datang", "telepon"]
    )
    sheet.append(
        [
            "Asep Hidayat",
            "Laki-laki",
            f"'{NIK_ASEP}",
            KK_1,
            datetime.datetime(1980, 5, 1),
            "Kepala Keluarga",
            0,
            44886,
            81234567890,
        ]
    )
    sheet.append(
        [
            "Siti Aminah",
            "Perempuan",
            NIK_SITI,
            KK_1,
            "1984-07-09",
            "Istri",
            True,
            datetime.datetime(2022, 11, 21),
            "0812-3456-7891",
        ]
    )
    sheet.append(["Euis", "P", float(NIK_EUIS), KK_1, "03/02/1990", "Anak", "tidak", 44886, ""])
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    result = run(path, site="SDN Cugenang 1", valid_only=True)
    assert [p.row for p in result.problems] == [4] and result.problems[0].column == "nik"
    assert "turned into a number" in result.problems[0].text("en")
    assert "3.20301E+15" in result.problems[0].text("en")
    asep = Person.get(Person.name == "Asep Hidayat")
    assert asep.nik == NIK_ASEP and asep.phone == "081234567890"
    assert Stay.get(Stay.person == asep).arrived_on == D(2022, 11, 21)  # Excel serial 44886
    assert Person.get(Person.name == "Siti Aminah").lactating


def test_not_a_spreadsheet_and_old_excel_are_refused(db, tmp_path):
    (tmp_path / "a.xlsx").write_bytes(b"not a zip")
    (tmp_path / "b.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    for name in ("a.xlsx", "b.xls", "missing.csv"):
        with pytest.raises(RuleViolation) as caught:
            read_table(tmp_path / name)
        assert caught.value.field == "file"


# --- values as people type them -------------------------------------------------------


@pytest.mark.parametrize(
    "typed,code",
    [
        ("L", "L"),
        ("p", "P"),
        ("Laki-laki", "L"),
        ("PEREMPUAN", "P"),
        ("M", "L"),
        ("F", "P"),
        ("male", "L"),
        ("Female", "P"),
    ],
)
def test_sex_as_typed(typed, code):
    assert ri.parse_sex(typed) == code


@pytest.mark.parametrize(
    "typed,value",
    [
        ("ya", True),
        ("Tidak", False),
        ("y", True),
        ("n", False),
        ("1", True),
        ("0", False),
        ("TRUE", True),
        ("false", False),
        ("", False),
        (1, True),
    ],
)
def test_yes_no_as_typed(typed, value):
    assert ri.parse_yes_no("pregnant", typed) is value


@pytest.mark.parametrize(
    "typed",
    [
        "2022-11-21",
        "21/11/2022",
        "21-11-2022",
        "21.11.2022",
        "44886",
        44886,
        "21 November 2022",
        "21 Nov 2022",
        "2022-11-21 00:00:00",
        datetime.datetime(2022, 11, 21, 0, 0),
    ],
)
def test_dates_as_typed(typed):
    assert ri.parse_date("arrival_date", typed) == D(2022, 11, 21)


@pytest.mark.parametrize(
    "typed,words",
    [
        ("11/21/2022", "day/month/year"),
        ("1980", "only a year"),
        ("kemarin", "not a date"),
        ("31/02/2022", "not a real date"),
    ],
)
def test_bad_dates_are_explained(typed, words):
    with pytest.raises(RuleViolation) as caught:
        ri.parse_date("birth_date", typed)
    assert words in caught.value.text("en")


def test_nik_and_kk_with_spaces_dots_apostrophe_are_read(db, operation, tmp_path):
    spaced = f"'{NIK_ASEP[:6]} {NIK_ASEP[6:12]} {NIK_ASEP[12:]}"
    dotted = ".".join([KK_1[:6], KK_1[6:12], KK_1[12:]])
    path = write(
        tmp_path,
        f"""
        nama;jenis_kelamin;nik;no_kk;lokasi;tanggal_datang
        Asep;L;{spaced};{dotted};SDN Cugenang 1;21/11/2022
        """,
    )
    result = run(path)
    assert result.problems == []
    assert Person.get().nik == NIK_ASEP and Household.get().kk == KK_1


@pytest.mark.parametrize("typed", ["3.20301E+15", "3,20301E+15", "3.20301e15"])
def test_nik_mangled_by_excel_is_refused_with_an_explanation(db, operation, tmp_path, typed):
    path = write(tmp_path, f"nama;jenis_kelamin;nik;tanggal_lahir;lokasi\nAsep;L;{typed};1980-05-01;SDN Cugenang 1\n")
    result = run(path)
    assert not result.imported and Person.select().count() == 0
    [problem] = result.problems
    assert problem.row == 2 and problem.column == "nik"
    assert "spreadsheet" in problem.text("en") and "spreadsheet" in problem.text("id")


# --- the rules of typed entry ---------------------------------------------------------


def test_every_row_passes_the_rules_of_typed_entry(db, operation, tmp_path):
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    path = write(
        tmp_path,
        f"""
        nama,jenis_kelamin,tanggal_lahir,umur,nik,hamil,lokasi,tanggal_datang,kode_desa_asal,telepon,hubungan
        ,L,1980-01-01,,,,SDN Cugenang 1,2022-11-21,,,
        Asep,L,1980-01-01,,,ya,SDN Cugenang 1,2022-11-21,,,
        Siti,P,1984-07-10,,{NIK_SITI},,SDN Cugenang 1,2022-11-21,,,
        Euis,P,,,,,SDN Cugenang 1,2022-11-21,,,
        Ujang,L,,130,,,SDN Cugenang 1,2022-11-21,,,
        Dede,L,2010-01-01,,,,SDN Cugenang 1,2020-01-01,,,
        Ade,L,2010-01-01,,,,Posko Entah,2022-11-21,,,
        Iis,P,2010-01-01,,,,SDN Cugenang 1,{future},,,
        Tati,P,2010-01-01,,,,SDN Cugenang 1,2022-11-21,99.99.99.9999,,
        Oman,L,2010-01-01,,,,SDN Cugenang 1,2022-11-21,,12ab,
        Odang,L,2010-01-01,,,,SDN Cugenang 1,2022-11-21,,,sepupu jauh
        """,
    )
    result = run(path)
    assert not result.imported and counts() == (0, 0, 0)
    by_row = {p.row: (p.column, p.text("en")) for p in result.problems}
    assert by_row[2][0] == "nama" and "required" in by_row[2][1]
    assert by_row[3][0] == "hamil" and "Only a woman" in by_row[3][1]
    assert by_row[4][0] == "nik" and "birth date" in by_row[4][1]
    assert by_row[5][0] == "tanggal_lahir" and "age in years" in by_row[5][1]
    assert by_row[6][0] == "umur" and "not plausible" in by_row[6][1]
    assert by_row[7][0] == "tanggal_datang" and "before the disaster" in by_row[7][1]
    assert by_row[8][0] == "lokasi" and "Posko Entah" in by_row[8][1]
    assert by_row[9][0] == "tanggal_datang" and "future" in by_row[9][1]
    assert by_row[10][0] == "kode_desa_asal"
    assert by_row[11][0] == "telepon"
    assert by_row[12][0] == "hubungan" and "sepupu jauh" in by_row[12][1]
    assert result.summary.rows_rejected == 11


def test_a_closed_site_and_a_second_head_are_refused(db, operation, tmp_path):
    from shelter_app.services import sites

    _event, tent, _school = operation
    sites.close_site(tent.id, D(2022, 11, 25))
    path = write(
        tmp_path,
        f"""
        nama,jenis_kelamin,umur,no_kk,hubungan,lokasi,tanggal_datang
        Asep,L,40,{KK_1},Kepala Keluarga,SDN Cugenang 1,2022-11-21
        Dadang,L,45,{KK_1},kepala keluarga,SDN Cugenang 1,2022-11-21
        Ujang,L,30,,,Posko Lapangan Gasol,2022-11-26
        """,
    )
    result = run(path)
    by_row = {p.row: p.text("en") for p in result.problems}
    assert "already has a head (Asep)" in by_row[3]
    assert "not open on 2022-11-26" in by_row[4]


def test_a_row_breaking_a_rule_gets_the_message_typed_entry_gives(db, operation, tmp_path):
    path = write(
        tmp_path,
        """
        nama,jenis_kelamin,umur,hamil,lokasi
        Asep,L,40,ya,SDN Cugenang 1
        """,
    )
    result = run(path)
    with pytest.raises(RuleViolation) as typed:
        roster.add_person(roster.register_household().id, name="Asep", sex="L", age_years=40, pregnant=True)
    assert [p.message.text("en") for p in result.problems] == [typed.value.text("en")]


# --- households and matching ----------------------------------------------------------


def test_rows_become_households_by_kk_or_household_column(db, operation, tmp_path):
    path = write(
        tmp_path,
        f"""
        nama,jenis_kelamin,umur,no_kk,keluarga,hubungan,lokasi
        Asep,L,40,{KK_1},,kepala keluarga,SDN Cugenang 1
        Siti,P,38,{KK_1},,istri,SDN Cugenang 1
        Dadang,L,50,,A,kepala keluarga,SDN Cugenang 1
        Euis,P,45,,A,istri,SDN Cugenang 1
        Ujang,L,12,,A,anak,SDN Cugenang 1
        Oman,L,70,,,,SDN Cugenang 1
        Ade,L,30,{KK_2},,,SDN Cugenang 1
        """,
    )
    result = run(path, arrival_date="2022-11-21")
    assert result.problems == [] and result.summary.households_created == 4
    sizes = sorted(len(roster.members(h.id)) for h in Household.select())
    assert sizes == [1, 1, 2, 3]
    dadang = Person.get(Person.name == "Dadang")
    assert {p.name for p in roster.members(dadang.household_id)} == {"Dadang", "Euis", "Ujang"}


def test_one_kk_in_two_households_and_two_kks_in_one_are_refused(db, operation, tmp_path):
    path = write(
        tmp_path,
        f"""
        nama,jenis_kelamin,umur,no_kk,rumah_tangga,lokasi
        Asep,L,40,{KK_1},A,SDN Cugenang 1
        Siti,P,38,{KK_2},A,SDN Cugenang 1
        Dadang,L,50,{KK_1},B,SDN Cugenang 1
        """,
    )
    result = run(path, arrival_date="2022-11-21")
    assert {p.row for p in result.problems} == {3, 4}
    assert all(p.column == "no_kk" for p in result.problems)


def test_persons_on_the_roster_are_matched_not_duplicated(db, operation, tmp_path):
    _event, _tent, school = operation
    household = roster.register_household(kk=KK_1)
    asep = roster.add_person(
        household.id, name="Asep Hidayat", sex="L", birth_date=D(1980, 5, 1), relationship="head", nik=NIK_ASEP
    ).person
    siti = roster.add_person(
        household.id, name="Siti Aminah", sex="P", birth_date=D(1984, 7, 9), relationship="wife"
    ).person
    stays.check_in([asep.id], school.id, D(2022, 11, 21))
    path = write(
        tmp_path,
        f"""
        nama,jenis_kelamin,tanggal_lahir,nik,no_kk,hubungan,lokasi,tanggal_datang
        ASEP  HIDAYAT,L,1980-05-01,{NIK_ASEP},,kepala keluarga,SDN Cugenang 1,2022-11-22
        Siti Aminah,P,09/07/1984,,{KK_1},istri,SDN Cugenang 1,2022-11-22
        Ujang,L,2015-03-03,,{KK_1},anak,SDN Cugenang 1,2022-11-22
        """,
    )
    result = run(path)
    assert result.problems == []
    s = result.summary
    assert (s.persons_created, s.persons_matched, s.households_created, s.households_matched) == (1, 2, 0, 1)
    assert s.stays_created == 2  # Siti and Ujang checked in; Asep was already there
    assert Person.select().count() == 3
    assert stays.stay_on(siti.id, D(2022, 11, 22)).site_id == school.id
    assert Person.get(Person.name == "Ujang").household_id == household.id


def test_a_probable_duplicate_is_refused_like_in_typed_entry(db, operation, tmp_path):
    household = roster.register_household(kk=KK_1)
    roster.add_person(household.id, name="Siti Aminah", sex="P", birth_date=D(1984, 7, 9))
    path = write(
        tmp_path,
        "nama,jenis_kelamin,tanggal_lahir,lokasi,tanggal_datang\nSiti Aminah,P,1984-07-09,SDN Cugenang 1,2022-11-21\n",
    )
    result = run(path)
    [problem] = result.problems
    assert problem.column == "nama" and "may already be on the roster" in problem.text("en")


def test_a_person_at_another_site_is_refused(db, operation, tmp_path):
    _event, tent, _school = operation
    household = roster.register_household(kk=KK_1)
    asep = roster.add_person(household.id, name="Asep", sex="L", birth_date=D(1980, 5, 1), nik=NIK_ASEP).person
    stays.check_in([asep.id], tent.id, D(2022, 11, 21))
    path = write(
        tmp_path, f"nama,jenis_kelamin,nik,lokasi,tanggal_datang\nAsep,L,{NIK_ASEP},SDN Cugenang 1,2022-11-22\n"
    )
    result = run(path)
    assert "already at Posko Lapangan Gasol" in result.problems[0].text("en")


def test_the_same_person_twice_in_a_file_is_refused(db, operation, tmp_path):
    path = write(
        tmp_path,
        f"""
        nama,jenis_kelamin,nik,tanggal_lahir,umur,no_kk,lokasi
        Asep,L,{NIK_ASEP},,,,SDN Cugenang 1
        Asep H,L,{NIK_ASEP},,,,SDN Cugenang 1
        Siti,P,,1990-01-01,,{KK_1},SDN Cugenang 1
        Siti,P,,1990-01-01,,{KK_2},SDN Cugenang 1
        Ujang,L,,,7,{KK_1},SDN Cugenang 1
        Ujang,L,,,7,{KK_2},SDN Cugenang 1
        """,
    )
    result = run(path, arrival_date="2022-11-21")
    assert [p.row for p in result.problems] == [3, 5]
    assert "row 2" in result.problems[0].text("en") and "row 4" in result.problems[1].text("en")
    # Two boys of 7 called Ujang in two families: ages are not birth dates, both are kept.


def messy_roster(tmp_path):
    return write(
        tmp_path,
        f"""
        Nama;Jenis Kelamin;NIK;No KK;Tanggal Lahir;Umur;Hubungan;Hamil;Lokasi;Tanggal Datang
        Asep Hidayat;L;{NIK_ASEP};{KK_1};01/05/1980;;Kepala Keluarga;tidak;SDN Cugenang 1;21/11/2022
        Siti Aminah;P;{NIK_SITI};{KK_1};;;Istri;ya;SDN Cugenang 1;21/11/2022
        Ujang;L;;{KK_1};;7;Anak;;SDN Cugenang 1;22/11/2022
        Salah;X;3.20301E+15;{KK_1};;;;;SDN Cugenang 1;
        Euis;P;{NIK_EUIS};{KK_2};03-02-1990;;kepala keluarga;;Posko Lapangan Gasol;44887
        """,
        bom=True,
    )


def test_importing_the_same_file_twice_creates_nothing_the_second_time(db, operation, tmp_path):
    path = messy_roster(tmp_path)
    first = run(path, valid_only=True)
    assert first.imported and first.summary.persons_created == 4
    before = counts()
    history = Change.select().count()
    second = run(path, valid_only=True)
    assert counts() == before and not second.imported
    assert Change.select().count() == history
    assert (second.summary.persons_created, second.summary.persons_matched) == (0, 4)
    assert (second.summary.households_created, second.summary.households_matched) == (0, 2)


def test_dry_run_changes_nothing_and_reports(db, operation, tmp_path):
    path = messy_roster(tmp_path)
    result = run(path, dry_run=True, valid_only=True)
    assert not result.imported and counts() == (0, 0, 0)
    assert result.summary.persons_created == 4 and result.summary.rows_rejected == 1
    assert not (tmp_path / "backups").exists()


def test_one_bad_row_means_nothing_is_imported_unless_valid_only(db, operation, tmp_path):
    path = messy_roster(tmp_path)
    result = run(path)
    assert not result.imported and counts() == (0, 0, 0)
    assert result.summary.rows_rejected == 1 and [p.row for p in result.problems] == [5, 5]
    result = run(path, valid_only=True)
    assert result.imported and counts() == (2, 4, 4)
    assert result.backup is not None and result.backup.exists()


def test_the_errors_file_names_row_column_and_problem_in_the_users_language(db, operation, tmp_path):
    result = run(messy_roster(tmp_path), valid_only=True)
    out = ri.write_errors(result, tmp_path / "rejected.csv", "id")
    table = read_table(out)
    assert table.headers[-3:] == ["baris", "kolom", "masalah"]
    [(_number, cells)] = table.rows
    assert cells[0] == "Salah" and cells[-3] == "5"
    assert cells[-2] == "Jenis Kelamin; NIK"
    assert "Jenis kelamin" in cells[-1] and "spreadsheet" in cells[-1]
    assert "is not understood" not in cells[-1]  # Indonesian, not English
    # Corrected and imported again, the row joins its household.
    text = out.read_text(encoding="utf-8-sig").replace(f"Salah;X;3.20301E+15;{KK_1};;;", f"Salah;L;;{KK_1};;30;")
    (tmp_path / "fixed.csv").write_text(text, encoding="utf-8")
    again = run(tmp_path / "fixed.csv", arrival_date="2022-11-21")
    assert again.problems == [] and again.summary.persons_created == 1
    assert roster.members(Person.get(Person.name == "Salah").household_id)[0].household.kk == KK_1


def test_presence_index_matches_a_full_rebuild(db, operation, tmp_path):
    _event, _tent, school = operation
    household = roster.register_household(kk=KK_2)
    roster.add_person(household.id, name="Oman", sex="L", birth_date=D(1950, 1, 1))
    path = write(
        tmp_path,
        f"""
        nama,jenis_kelamin,umur,tanggal_lahir,no_kk,hubungan,hamil,disabilitas,lokasi
        Euis,P,40,,{KK_1},kepala keluarga,ya,,SDN Cugenang 1
        Ujang,L,10,,{KK_1},anak,,ya,SDN Cugenang 1
        Imas,P,60,,{KK_2},kepala keluarga,,,SDN Cugenang 1
        Oman,L,,1950-01-01,{KK_2},suami,,,Posko Lapangan Gasol
        """,
    )
    result = run(path, arrival_date="2022-11-21")
    assert result.problems == [] and result.summary.persons_matched == 1  # Oman, now under a female head
    stored = sorted(tuple(sorted(row.items())) for row in Presence.select().dicts())
    presence.rebuild()
    rebuilt = sorted(tuple(sorted(row.items())) for row in Presence.select().dicts())
    assert stored == rebuilt and len(stored) == 4


def test_cancel_leaves_nothing_and_progress_is_reported(db, operation, tmp_path):
    lines = ["nama,jenis_kelamin,umur,lokasi"] + [f"Orang {i},L,{i % 80 + 1},SDN Cugenang 1" for i in range(3000)]
    path = write(tmp_path, "\n".join(lines) + "\n")
    seen = []

    def cancelled():
        return bool(seen) and seen[-1][0] >= 2 * 3000 + 500  # in the middle of writing

    with pytest.raises(ri.ImportCancelled):
        run(
            path,
            arrival_date="2022-11-21",
            progress=lambda done, total: seen.append((done, total)),
            cancelled=cancelled,
        )
    assert counts() == (0, 0, 0) and Presence.select().count() == 0
    assert seen[0][1] == 3 * 3000 + 1
    seen.clear()
    result = run(path, arrival_date="2022-11-21", progress=lambda done, total: seen.append((done, total)))
    assert result.summary.persons_created == 3000 and seen[-1] == (9001, 9001)
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)


def test_an_import_is_one_undoable_history_entry_per_table(db, operation, tmp_path):
    run(messy_roster(tmp_path), valid_only=True)
    bulk = list(Change.select().where(Change.action == "bulk_insert"))
    assert sorted(c.table for c in bulk) == ["household", "person", "stay"]
    assert all(c.by == "Relawan Uji" for c in bulk)


# --- the command ----------------------------------------------------------------------


def test_command_import_roster(db, operation, tmp_path, capsys):
    db.close()
    path = messy_roster(tmp_path)
    target = str(tmp_path / "posko.db")
    code = main(["import", "roster", str(path), "--db", target, "--dry-run", "--lang", "en"])
    out, err = capsys.readouterr()
    assert code == 2 and "Row 5" in err and "Dry run" in out
    code = main(["import", "roster", str(path), "--db", target, "--lang", "id"])
    out, err = capsys.readouterr()
    assert code == 2 and "Tidak ada yang diimpor" in err
    code = main(["import", "roster", str(path), "--db", target, "--valid-only", "--lang", "en"])
    out, err = capsys.readouterr()
    assert code == 0 and "Persons: 4 created" in out
    assert (tmp_path / "roster.rejected.csv").exists()
    code = main(["import", "roster", str(tmp_path / "nothing.csv"), "--db", target, "--lang", "en"])
    assert code == 2 and "does not exist" in capsys.readouterr().err
    code = main(["import", "roster", str(path), "--db", target, "--site", "Nowhere", "--lang", "en"])
    assert code == 2 and "Nowhere" in capsys.readouterr().err


def test_new_commands_have_help_in_both_languages(capsys):
    commands = (
        ["import"],
        ["import", "roster"],
        ["export"],
        ["export", "roster"],
        ["export", "sites"],
        ["backup"],
        ["restore"],
    )
    for command in commands:
        for lang, word in (("id", "bantuan"), ("en", "help")):
            with pytest.raises(SystemExit) as stop:
                main([*command, "--help", "--lang", lang])
            assert stop.value.code == 0
            out = capsys.readouterr().out
            assert word in out.lower(), (command, lang)
    with pytest.raises(SystemExit):
        main(["import", "roster", "--help", "--lang", "id"])
    assert "tanggal kedatangan" in capsys.readouterr().out.lower()
    set_language("id")


# --- killed in the middle -------------------------------------------------------------


KILL_DRIVER = """
import datetime, sys
from shelter_app.exchange import roster_import
from shelter_app.history import records
from shelter_app.storage.session import open_database
open_database(sys.argv[1])
records.set_operator("kill test")
from shelter_app.domain.permissions import Actor
records.set_actor(Actor("0" * 32, "koordinator", "coordinator"))  # signed in, as the CLI would be
def progress(done, total):
    print(done, total, flush=True)
roster_import.import_roster(sys.argv[2], arrival_date=datetime.date(2022, 11, 21), progress=progress)
print("done", flush=True)
"""


@pytest.mark.slow
@pytest.mark.parametrize("phase", ["checking", "writing"])
def test_an_import_killed_at_any_moment_leaves_all_or_nothing(db, operation, tmp_path, phase):
    db.close()
    rows = 20000
    lines = ["nama,jenis_kelamin,umur,no_kk,hubungan,lokasi"]
    for i in range(rows):
        kk = identity.make_kk("32.03.11", D(2010, 1, 1) + datetime.timedelta(days=i // 4 // 10000), (i // 4) % 10000)
        lines.append(
            f"Orang {i},{'LP'[i % 2]},{i % 90 + 1},{kk},{'kepala keluarga' if i % 4 == 0 else 'anak'},SDN Cugenang 1"
        )
    csv_path = tmp_path / "big.csv"
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with sqlite3.connect(tmp_path / "posko.db") as raw:
        changes_before = raw.execute("SELECT COUNT(*) FROM change").fetchone()[0]
    driver = tmp_path / "driver.py"
    driver.write_text(KILL_DRIVER)
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    process = subprocess.Popen(
        [sys.executable, str(driver), str(tmp_path / "posko.db"), str(csv_path)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    threshold = rows // 2 if phase == "checking" else 2 * rows + rows // 4
    for line in process.stdout:
        if line.startswith("done"):
            break
        done, _total = map(int, line.split())
        if done >= threshold:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=120)
    process.stdout.close()
    assert process.returncode == -signal.SIGKILL
    with sqlite3.connect(tmp_path / "posko.db") as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        counts = tuple(
            raw.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("household", "person", "stay", "presence")
        )
        new_changes = raw.execute("SELECT COUNT(*) FROM change").fetchone()[0] - changes_before
    # Every kind of row the import writes, households included: all of them or none.
    households = rows // 4
    assert counts in ((0, 0, 0, 0), (households, rows, rows, rows))
    assert (new_changes == 0) == (counts[0] == 0)


def test_ages_are_on_the_rows_date_not_on_the_day_of_the_import(db, operation, tmp_path):
    path = write(
        tmp_path,
        f"""
        nama,jk,umur,lokasi,kk,tanggal_datang
        Ujang,L,30,SDN Cugenang 1,{KK_1},2022-11-22
        Asep,L,40,SDN Cugenang 1,{KK_2},
        """,
    )
    later = D(2026, 12, 3)  # the file is imported four years on
    result = run(path, arrival_date=D(2022, 11, 25), today=later)
    assert result.problems == []
    ujang, asep = Person.get(Person.name == "Ujang"), Person.get(Person.name == "Asep")
    assert roster.age_on(ujang.birth_date, D(2022, 11, 22)) == 30  # its arrival date
    assert roster.age_on(asep.birth_date, D(2022, 11, 25)) == 40  # the import's --date
    assert roster.age_on(ujang.birth_date, later) >= 33
