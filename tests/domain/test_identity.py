"""NIK and KK rules: what a registration clerk sees when a number is typed."""

import csv
import re
from datetime import date

import pytest
from babel.messages.extract import extract_from_file
from hypothesis import given
from hypothesis import strategies as st

from shelter_app.domain import identity, regions
from shelter_app.domain.errors import RuleViolation
from shelter_app.domain.identity import (
    NikInfo,
    check_nik,
    make_kk,
    make_nik,
    normalize_number,
    parse_kk,
    parse_nik,
)
from shelter_app.i18n import catalog
from shelter_app.resources import resource_path

TODAY = date.today()  # fixed once, so a run across midnight cannot flip a century

with resource_path("regions", "districts.csv").open(encoding="utf-8", newline="") as _f:
    DISTRICTS = sorted(row["code"] for row in csv.DictReader(_f))
COMPACT_DISTRICTS = {code.replace(".", "") for code in DISTRICTS}

CUGENANG = "32.03.11"
districts = st.sampled_from(DISTRICTS)
sexes = st.sampled_from(["L", "P"])
serials = st.integers(min_value=1, max_value=9999)
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)


def nik_date(birth_date: date) -> date:
    """What a NIK can say: two-digit years, read as the latest century not in the future."""
    if birth_date.year >= 2000:
        return birth_date
    later = birth_date.replace(year=birth_date.year + 100)
    return later if later <= TODAY else birth_date


def raw_nik(district6: str, ddmmyy: str, serial: str = "0001") -> str:
    return f"{district6}{ddmmyy}{serial}"


def refused(text: str, **kwargs) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        check_nik(text, today=TODAY, **kwargs)
    return caught.value


# --- valid numbers -------------------------------------------------------------------------


@given(districts, birth_dates, sexes, serials)
def test_any_real_district_birth_date_and_sex_round_trip(district_code, birth_date, sex, serial):
    nik = make_nik(district_code, birth_date, sex, serial)
    info = parse_nik(nik, today=TODAY)
    assert info.nik == nik
    assert info.district_code == district_code
    assert info.sex == sex
    assert info.serial == f"{serial:04d}"
    assert info.birth_date == nik_date(birth_date)
    # Entered beside it, the exact birth date (even 1920 for a "20") and sex are accepted as is.
    checked, notices = check_nik(nik, birth_date=birth_date, sex=sex, today=TODAY)
    assert checked == NikInfo(nik, district_code, birth_date, sex, f"{serial:04d}")
    assert notices == []


@pytest.mark.parametrize(
    "ddmmyy, born",
    [
        ("120580", date(1980, 5, 12)),
        ("120515", date(2015, 5, 12)),
        ("281126", date(2026, 11, 28)),  # born today
        ("151226", date(1926, 12, 15)),  # this year's digits, but later in the year
    ],
)
def test_two_digit_year_takes_the_latest_century_not_in_the_future(ddmmyy, born):
    assert parse_nik(raw_nik("320311", ddmmyy), today=date(2026, 11, 28)).birth_date == born


def test_women_have_forty_added_to_the_day():
    info = parse_nik(raw_nik("320311", "520390"), today=TODAY)
    assert (info.sex, info.birth_date) == ("P", date(1990, 3, 12))
    assert make_nik(CUGENANG, date(1990, 3, 12), "P", 1)[6:12] == "520390"
    assert parse_nik(raw_nik("320311", "710190"), today=TODAY).birth_date == date(1990, 1, 31)


def test_leap_day():
    assert parse_nik(raw_nik("320311", "290200"), today=TODAY).birth_date == date(2000, 2, 29)
    err = refused(raw_nik("320311", "290201"))
    assert "290201" in err.text("en")


# --- refused numbers -----------------------------------------------------------------------


@given(st.integers(0, 999_999).map("{:06d}".format).filter(lambda d: d not in COMPACT_DISTRICTS), birth_dates, sexes)
def test_unknown_district_is_refused(district6, birth_date, sex):
    nik = make_nik(district6, birth_date, sex, 1)
    err = refused(nik)
    assert err.field == "nik"
    assert district6 in err.text("en")
    assert "district" in err.text("en")


@given(
    districts, st.one_of(st.just(0), st.integers(32, 40), st.integers(72, 99)), st.integers(1, 12), st.integers(0, 99)
)
def test_impossible_day_is_refused(district_code, dd, mm, yy):
    nik = raw_nik(district_code.replace(".", ""), f"{dd:02d}{mm:02d}{yy:02d}")
    err = refused(nik)
    assert err.field == "nik"
    assert f"{dd:02d}" in err.text("en") and "41-71" in err.text("en")


@given(
    districts,
    st.integers(1, 71).filter(lambda d: not 31 < d < 41),
    st.one_of(st.just(0), st.integers(13, 99)),
    st.integers(0, 99),
)
def test_impossible_month_is_refused(district_code, dd, mm, yy):
    nik = raw_nik(district_code.replace(".", ""), f"{dd:02d}{mm:02d}{yy:02d}")
    err = refused(nik)
    assert err.field == "nik"
    assert f"are {mm:02d}, which is not a month" in err.text("en")


@pytest.mark.parametrize("ddmmyy", ["310490", "710490", "300290", "700290", "310690", "311190"])
def test_day_that_does_not_exist_in_its_month_is_refused(ddmmyy):
    err = refused(raw_nik("320311", ddmmyy))
    assert err.field == "nik"
    assert ddmmyy in err.text("en") and "does not exist" in err.text("en")


@given(districts, birth_dates, sexes)
def test_sex_disagreeing_with_the_nik_is_refused(district_code, birth_date, sex):
    other = "P" if sex == "L" else "L"
    err = refused(make_nik(district_code, birth_date, sex, 7), sex=other)
    assert err.field == "nik"
    says = "female" if sex == "P" else "male"
    assert f"The NIK says {says}" in err.text("en")
    assert "check the NIK or the sex" in err.text("en")


def same_nik_date(a: date, b: date) -> bool:
    return (a.day, a.month, a.year % 100) == (b.day, b.month, b.year % 100)


@given(districts, birth_dates, birth_dates, sexes)
def test_exact_birth_date_disagreeing_is_refused(district_code, in_nik, entered, sex):
    nik = make_nik(district_code, in_nik, sex, 3)
    if same_nik_date(in_nik, entered):
        assert check_nik(nik, birth_date=entered, sex=sex, today=TODAY)[1] == []
        return
    err = refused(nik, birth_date=entered, sex=sex)
    assert err.field == "nik"
    assert entered.isoformat() in err.text("en")
    assert in_nik.strftime("-%m-%d") in err.text("en")


@given(districts, birth_dates, birth_dates, sexes)
def test_estimated_birth_date_disagreeing_gives_a_notice(district_code, in_nik, estimated, sex):
    nik = make_nik(district_code, in_nik, sex, 3)
    info, notices = check_nik(nik, birth_date=estimated, sex=sex, birth_date_estimated=True, today=TODAY)
    if same_nik_date(in_nik, estimated):
        assert notices == [] and info.birth_date == estimated
        return
    [notice] = notices
    assert (notice.field, notice.code) == ("nik", "nik_birth_date_differs")
    assert info.birth_date.isoformat() in notice.text("en")
    assert estimated.isoformat() in notice.text("en")
    assert same_nik_date(info.birth_date, in_nik)


def test_estimated_date_picks_the_century_nearest_the_estimate():
    # A very old evacuee: estimated 1925, NIK says 01-07-20 -> 1920, not 2020.
    nik = make_nik(CUGENANG, date(1920, 7, 1), "L", 1)
    info, [notice] = check_nik(nik, birth_date=date(1925, 1, 1), birth_date_estimated=True, today=date(2026, 11, 28))
    assert info.birth_date == date(1920, 7, 1)
    assert "1920-07-01" in notice.text("en")


# --- typing and pasting --------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "3203111205900001",
        "  3203111205900001\t",
        "3203 1112 0590 0001",
        "3203.1112.0590.0001",
        "3203-1112-0590-0001",
        "'3203111205900001",
        " '3203 1112 0590 0001 ",
        "3203\u00a01112\u00a00590\u00a00001",  # non-breaking spaces from a web page
    ],
)
def test_separators_and_excel_apostrophe_are_ignored(typed):
    assert normalize_number(typed) == "3203111205900001"
    assert parse_nik(typed, today=TODAY).nik == "3203111205900001"


def test_normalize_changes_nothing_else():
    assert normalize_number("32O3x") == "32O3x"
    assert normalize_number("12'34") == "12'34"


@pytest.mark.parametrize("typed", ["3.20301E+15", "3,20301E+15", "'3.20311E+15", "3.2E15", "3E+15"])
def test_scientific_notation_from_a_spreadsheet_is_explained(typed):
    for check, field in ((parse_nik, "nik"), (parse_kk, "kk")):
        with pytest.raises(RuleViolation) as caught:
            check(typed)
        err = caught.value
        assert err.field == field
        assert "spreadsheet" in err.text("en") and "as text" in err.text("en")
        assert "teks" in err.text("id")


@pytest.mark.parametrize("typed, count", [("320311120590001", 15), ("32031112059000011", 17), ("3203", 4), ("", 0)])
def test_wrong_length_says_how_many_digits(typed, count):
    err = refused(typed)
    assert err.field == "nik"
    assert f"16 digits, but it has {count}." in err.text("en")
    assert f"{count} digit" in err.text("id")


def test_letters_are_named():
    err = refused("32031112O5900001")  # letter O for zero
    assert err.field == "nik"
    assert '"O"' in err.text("en")


def test_field_name_is_passed_through():
    with pytest.raises(RuleViolation) as caught:
        parse_nik("123", field="head_nik")
    assert caught.value.field == "head_nik"


# --- KK -------------------------------------------------------------------------------------


@given(districts, st.dates(min_value=date(1970, 1, 1), max_value=TODAY), serials)
def test_kk_round_trip(district_code, issued, serial):
    kk = make_kk(district_code, issued, serial)
    assert len(kk) == 16
    assert kk[:6] == district_code.replace(".", "")
    assert kk[6:12] == issued.strftime("%d%m%y")
    assert parse_kk(f" '{kk[:4]} {kk[4:8]} {kk[8:12]} {kk[12:]}") == kk


def test_kk_with_unknown_district_is_refused():
    with pytest.raises(RuleViolation) as caught:
        parse_kk(make_kk("99.99.99", date(2020, 1, 1), 1))
    err = caught.value
    assert err.field == "kk"
    assert "KK number" in err.text("en") and "999999" in err.text("en")
    assert err.text("id").startswith("Enam digit pertama Nomor KK")


def test_make_rejects_bad_parts():
    with pytest.raises(ValueError):
        make_nik(CUGENANG, date(1990, 1, 1), "M", 1)
    with pytest.raises(ValueError):
        make_nik("32.03", date(1990, 1, 1), "L", 1)
    with pytest.raises(ValueError):
        make_kk(CUGENANG, date(2020, 1, 1), 10_000)


# --- Indonesian -----------------------------------------------------------------------------


def test_indonesian_error_differs_and_has_its_placeholders_filled():
    err = refused(make_nik("99.99.99", date(1990, 1, 1), "L", 1))
    en, id_ = err.text("en"), err.text("id")
    assert en != id_
    assert "999999" in id_ and "kecamatan" in id_ and "NIK" in id_
    assert "{" not in en and "{" not in id_

    err = refused(make_nik(CUGENANG, date(1990, 1, 1), "L", 1), birth_date=date(1991, 2, 3))
    assert "1990-01-01" in err.text("id") and "1991-02-03" in err.text("id")
    assert "tanggal lahir" in err.text("id")

    err = refused(make_nik(CUGENANG, date(1990, 1, 1), "P", 1), sex="L")
    assert "perempuan" in err.text("id") and "laki-laki" in err.text("id")
    assert "jenis kelamin" in err.text("id")


@pytest.mark.parametrize("module", [identity, regions])
def test_every_message_has_an_indonesian_translation_with_the_same_placeholders(module):
    translations = catalog("id")
    placeholders = re.compile(r"\{(\w+)\}")
    for _line, msgid, _comments, _context in extract_from_file("python", module.__file__):
        assert msgid in translations, msgid
        assert set(placeholders.findall(translations[msgid])) == set(placeholders.findall(msgid))


def test_nik_check_does_not_need_the_village_list():
    # Only the small district file is read for a NIK; registration must stay instant.
    regions._table.cache_clear()
    parse_nik(make_nik(CUGENANG, date(1990, 1, 1), "L", 1), today=TODAY)
    assert regions._table.cache_info().currsize == 1
