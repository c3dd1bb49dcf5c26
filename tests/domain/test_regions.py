"""The official region list: what pickers and the NIK check rely on."""

import dataclasses
import time

import pytest

from shelter_app.domain import regions
from shelter_app.domain.regions import (
    ATTRIBUTION,
    Region,
    district,
    district_from_compact,
    districts_of_regency,
    full_name,
    is_valid_village_code,
    province,
    regencies_of_province,
    regency,
    search_villages,
    village,
    villages_of_district,
)


def test_lookups_of_real_codes():
    assert province("32") == Region("32", "Jawa Barat", None, "province")
    assert regency("32.03") == Region("32.03", "Kabupaten Cianjur", "32", "regency")
    assert district("32.03.01") == Region("32.03.01", "Cianjur", "32.03", "district")
    assert district("32.03.11") == Region("32.03.11", "Cugenang", "32.03", "district")
    assert village("32.03.11.2001") == Region("32.03.11.2001", "Sukamanah", "32.03.11", "village")


@pytest.mark.parametrize(
    "lookup, code",
    [
        (province, "99"),
        (regency, "32.99"),
        (district, "32.03.99"),
        (district, "320311"),  # lookups take the dotted form only
        (district, ""),
        (village, "32.03.11.9999"),
        (village, "32.03.11"),  # a district code is not a village
    ],
)
def test_unknown_codes_give_none(lookup, code):
    assert lookup(code) is None


def test_region_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        regency("32.03").name = "Cianjur"  # type: ignore[misc]


def test_district_from_compact():
    assert district_from_compact("320311") == district("32.03.11")
    assert district_from_compact("110101").name == "Bakongan"
    for bad in ("999999", "32031", "3203111", "32.03.11", "32O311", ""):
        assert district_from_compact(bad) is None


def test_children_are_sorted_by_name_and_belong_to_the_parent():
    cugenang = villages_of_district("32.03.11")
    names = [v.name for v in cugenang]
    assert len(cugenang) == 16
    assert names == sorted(names, key=str.casefold)
    assert {"Sukamanah", "Cijedil", "Gasol"} <= set(names)
    assert all(v.parent_code == "32.03.11" and v.level == "village" for v in cugenang)

    cianjur = districts_of_regency("32.03")
    assert {"Cianjur", "Cugenang"} <= {d.name for d in cianjur}
    assert [d.name for d in cianjur] == sorted((d.name for d in cianjur), key=str.casefold)

    jawa_barat = regencies_of_province("32")
    assert regency("32.03") in jawa_barat
    assert len(jawa_barat) == 27

    assert villages_of_district("99.99.99") == []


def test_full_name_for_pickers():
    sukamanah = village("32.03.11.2001")
    assert full_name(sukamanah) == "Sukamanah, Cugenang, Kabupaten Cianjur, Jawa Barat"
    assert full_name(district("32.03.11")) == "Cugenang, Kabupaten Cianjur, Jawa Barat"
    assert full_name(province("32")) == "Jawa Barat"


def test_search_villages_is_case_insensitive_substring():
    found = search_villages("JEDIL")
    assert village("32.03.11.2003") in found  # Cijedil, Cugenang
    assert all("jedil" in v.name.casefold() for v in found)
    assert all(v.level == "village" for v in found)


def test_search_villages_narrows_by_place_and_respects_limit():
    # Sukamanah is a common name; adding the district picks the one in Cugenang.
    many = search_villages("sukamanah", limit=50)
    assert len(many) > 1
    assert search_villages("Sukamanah, Cugenang") == [village("32.03.11.2001")]
    in_cugenang = search_villages("suka, cugenang, cianjur")
    assert {v.name for v in in_cugenang} == {"Sukamanah", "Sukajaya", "Sukamulya"}
    assert len(search_villages("a", limit=5)) == 5
    assert search_villages("") == []
    assert search_villages("   ") == []
    assert search_villages("no such village xyz") == []


def test_search_puts_names_starting_with_the_text_first():
    found = search_villages("cibeureum", limit=200)
    starts = [v.name.casefold().startswith("cibeureum") for v in found]
    assert starts == sorted(starts, reverse=True)


def test_is_valid_village_code():
    assert is_valid_village_code("32.03.11.2016")
    assert not is_valid_village_code("32.03.11.2017")
    assert not is_valid_village_code("3203112016")


def test_attribution_required_by_the_odbl():
    assert ATTRIBUTION == "Indonesian area data from idn-area-data, ODbL"


def test_loading_all_villages_is_fast():
    # 83k villages; the picker must not freeze the window. Generous bound for slow machines.
    regions._table.cache_clear()
    regions._village_names.cache_clear()
    start = time.perf_counter()
    assert village("32.03.11.2001") is not None
    assert time.perf_counter() - start < 1.0
