"""The one normalised key of Indonesian names: what a volunteer types finds what was written."""

import pytest

from shelter_app.domain import identity, names


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("Muhammad Rizki", "M. Rizki"),
        ("Muhamad Rizki", "Mohammad Rizki"),
        ("Moh. Rizki", "Mochammad Rizki"),
        ("Siti Aminah", "St. Aminah"),
        ("Nur Aini", "Noor Aini"),
        ("Nurul Aini", "Nur Aini"),
        ("Abdul Gani", "Abd. Gani"),
        ("Soekarno", "Sukarno"),
        ("Djaja Soepardi", "Jaya Supardi"),
        ("Tjahjo", "Cahyo"),
        ("Sjarifuddin", "Syarifudin"),
        ("Chairul Anwar", "Khairul Anwar"),
        ("Hj. Euis Kurniasih", "Euis Kurniasih"),
        ("H. Ujang Saepudin", "Bpk. Ujang Saepudin"),
        ("Ibu Entin", "Entin"),
        ("Yusuf", "Jusuf"),
    ],
)
def test_variants_of_one_name_have_one_key(written, typed):
    assert names.name_key(written) == names.name_key(typed)


def test_different_names_keep_different_keys():
    assert names.name_key("Siti Aminah") != names.name_key("Siti Aisyah")
    assert names.name_key("Hadi") == "hadi"  # a name is not a title


def test_a_typed_m_still_finds_names_that_start_with_m():
    assert names.query_words("m") == [("m", "muhamad=")]
    assert names.query_words("M. riz") == [("muhamad=",), ("riz",)]
    assert names.query_words("nur") == [("nur",)]  # Nurhayati too: a start, not a whole word


def test_the_digits_the_mask_shows_are_searched_by_the_mask_rule():
    nik = "3203010101900002"
    shown = identity.mask(nik)
    assert shown.endswith(names.shown_digits(nik)) and names.shown_digits(nik)
    assert names.shown_digits(nik) in names.search_keys("Siti", nik)
