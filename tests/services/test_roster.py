"""Registering households and persons: the rules a volunteer meets at the registration desk."""

import datetime

import pytest

from shelter_app.domain.errors import RuleViolation
from shelter_app.domain.identity import make_kk, make_nik
from shelter_app.history import records
from shelter_app.services import roster
from shelter_app.storage.models import Change, Person

D = datetime.date


def household(kk=None):
    return roster.register_household(kk=kk, origin_village_code="32.03.11.2002", address="Kp. Gasol RT 02/05")


def test_person_with_valid_nik_is_registered_and_recorded_in_history(db):
    hh = household(make_kk("32.03.11", D(2015, 5, 1), 12))
    nik = make_nik("32.03.11", D(1984, 7, 9), "P", 3)
    saved = roster.add_person(
        hh.id,
        name="  Euis   Kurniasih ",
        sex="P",
        birth_date=D(1984, 7, 9),
        nik=f"{nik[:6]} {nik[6:12]}.{nik[12:]}",
        relationship="head",
    )
    person = Person.get_by_id(saved.person.id)
    assert person.name == "Euis Kurniasih" and person.nik == nik
    assert person.created_by == "Relawan Uji"
    assert [c.action for c in records.history(person.id)] == ["insert"]


def test_same_nik_twice_is_refused(db):
    nik = make_nik("32.03.11", D(1990, 1, 5), "L", 1)
    roster.add_person(household().id, name="Asep", sex="L", birth_date=D(1990, 1, 5), nik=nik)
    with pytest.raises(RuleViolation) as caught:
        roster.add_person(household().id, name="Asep Saepudin", sex="L", birth_date=D(1990, 1, 5), nik=nik)
    assert caught.value.field == "nik"
    assert "Asep" in caught.value.text("id")


def test_same_name_and_birth_date_is_a_probable_duplicate_until_confirmed(db):
    roster.add_person(household().id, name="Dedi Mulyadi", sex="L", birth_date=D(1979, 2, 2))
    other = household()
    with pytest.raises(roster.ProbableDuplicate) as caught:
        roster.add_person(other.id, name="dedi  mulyadi", sex="L", birth_date=D(1979, 2, 2))
    assert caught.value.candidates[0].name == "Dedi Mulyadi"
    assert Person.select().count() == 1
    roster.add_person(other.id, name="dedi mulyadi", sex="L", birth_date=D(1979, 2, 2), confirmed=True)
    assert Person.select().count() == 2


def test_same_name_in_same_kk_is_a_probable_duplicate(db):
    hh = household(make_kk("32.03.11", D(2015, 5, 1), 7))
    roster.add_person(hh.id, name="Rina", sex="P", birth_date=D(2010, 1, 1), relationship="child")
    with pytest.raises(roster.ProbableDuplicate):
        roster.add_person(hh.id, name="Rina", sex="P", age_years=12, relationship="child")


def test_nik_disagreeing_with_sex_is_refused_and_nothing_is_saved(db):
    nik = make_nik("32.03.11", D(1990, 1, 5), "L", 1)
    before = Change.select().count()
    with pytest.raises(RuleViolation) as caught:
        roster.add_person(household().id, name="Neng", sex="P", birth_date=D(1990, 1, 5), nik=nik)
    assert caught.value.field == "nik"
    assert Person.select().count() == 0
    assert Change.select().count() == before + 1  # only the household


def test_an_age_with_a_nik_takes_the_nik_birth_date_and_a_disagreeing_age_is_a_notice(db):
    nik = make_nik("32.03.11", D(1960, 3, 3), "L", 1)
    saved = roster.add_person(household().id, name="Abah Ujang", sex="L", age_years=70, nik=nik, today=D(2022, 11, 22))
    assert (saved.person.birth_date, saved.person.birth_date_estimated) == (D(1960, 3, 3), False)
    assert [n.code for n in saved.notices] == ["age_differs_from_nik"]
    # The man: NIK born 1960-04-06, "Umur 62" on the day: the NIK's date, no notice.
    nik = make_nik("32.03.11", D(1960, 4, 6), "L", 2)
    saved = roster.add_person(household().id, name="Pak Dadang", sex="L", age_years=62, nik=nik, today=D(2022, 11, 30))
    assert (saved.person.birth_date, saved.person.birth_date_estimated, saved.notices) == (D(1960, 4, 6), False, [])


def test_age_only_gives_an_estimated_birth_date_of_that_age(db):
    saved = roster.add_person(household().id, name="Ujang", sex="L", age_years=7, today=D(2022, 11, 22))
    assert roster.age_on(saved.person.birth_date, D(2022, 11, 22)) == 7
    assert saved.person.birth_date_estimated


def test_birth_date_comes_from_nik_when_not_typed(db):
    nik = make_nik("32.03.11", D(2001, 12, 24), "P", 9)
    saved = roster.add_person(household().id, name="Lilis", sex="P", nik=nik)
    assert saved.person.birth_date == D(2001, 12, 24) and not saved.person.birth_date_estimated


@pytest.mark.parametrize(
    "fields, field",
    [
        (dict(name="", sex="L", age_years=30), "name"),
        (dict(name="X", sex="Z", age_years=30), "sex"),
        (dict(name="X", sex="L"), "birth_date"),
        (dict(name="X", sex="L", birth_date=D(2999, 1, 1)), "birth_date"),
        (dict(name="X", sex="L", age_years=30, pregnant=True), "pregnant"),
        (dict(name="X", sex="P", age_years=6, lactating=True), "lactating"),
        (dict(name="X", sex="P", age_years=30, unaccompanied_child=True), "unaccompanied_child"),
        (dict(name="X", sex="P", age_years=30, phone="12ab"), "phone"),
        (dict(name="X", sex="P", age_years=30, relationship="cousin"), "relationship"),
        (dict(name="X", sex="P", age_years=30, nik="3.20301E+15"), "nik"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(db, fields, field):
    hh = household()
    with pytest.raises(RuleViolation) as caught:
        roster.add_person(hh.id, **fields)
    assert caught.value.field == field
    assert caught.value.text("id") != caught.value.text("en")
    assert Person.select().count() == 0


def test_a_household_has_one_head(db):
    hh = household()
    roster.add_person(hh.id, name="Kepala", sex="L", age_years=40, relationship="head")
    with pytest.raises(RuleViolation) as caught:
        roster.add_person(hh.id, name="Kepala Dua", sex="P", age_years=38, relationship="head")
    assert caught.value.field == "relationship"


def test_duplicate_kk_is_refused(db):
    kk = make_kk("32.03.11", D(2015, 5, 1), 1)
    household(kk)
    with pytest.raises(RuleViolation) as caught:
        household(kk)
    assert caught.value.field == "kk"


def test_correction_keeps_old_value_and_can_be_undone(db):
    person = roster.add_person(household().id, name="Ade", sex="L", age_years=20).person
    roster.update_person(person.id, name="Ade Sukmana")
    change = records.history(person.id)[-1]
    assert change.action == "update" and "Ade" in change.data
    records.undo(change.seq)
    assert Person.get_by_id(person.id).name == "Ade"
    assert Person.get_by_id(person.id).name_key == "ade"


def test_search_by_name_prefix_nik_and_kk(db):
    kk = make_kk("32.03.11", D(2015, 5, 1), 44)
    hh = household(kk)
    nik = make_nik("32.03.11", D(1984, 7, 9), "P", 3)
    roster.add_person(hh.id, name="Euis Kurniasih", sex="P", birth_date=D(1984, 7, 9), nik=nik, relationship="head")
    roster.add_person(hh.id, name="Eko", sex="L", age_years=12, relationship="child")
    roster.add_person(household().id, name="Entin", sex="P", age_years=50)
    assert [p.name for p in roster.search("eu")] == ["Euis Kurniasih"]
    assert [p.name for p in roster.search("E")] == ["Eko", "Entin", "Euis Kurniasih"]
    assert [p.name for p in roster.search(nik[:10])] == ["Euis Kurniasih"]
    assert {p.name for p in roster.search(kk)} == {"Euis Kurniasih", "Eko"}
    assert roster.search("zz") == []


def test_deleted_person_is_a_tombstone_not_found_by_search(db):
    person = roster.add_person(household().id, name="Tono", sex="L", age_years=33).person
    roster.delete_person(person.id)
    assert roster.search("tono") == []
    assert Person.get_by_id(person.id).deleted_at is not None


def test_search_finds_any_word_of_the_name_variants_and_the_digits_shown(db):
    kk = make_kk("32.03.11", D(2015, 5, 1), 44)
    nik = make_nik("32.03.11", D(1984, 7, 9), "P", 2)
    hh = household(kk)
    roster.add_person(hh.id, name="Hj. Siti Nurhayati", sex="P", birth_date=D(1984, 7, 9), nik=nik, relationship="head")
    roster.add_person(hh.id, name="Ujang Saepudin", sex="L", age_years=40, relationship="husband")
    roster.add_person(household().id, name="Muhammad Rizki", sex="L", age_years=30)
    roster.add_person(household().id, name="Maryam", sex="P", age_years=30)
    assert [p.name for p in roster.search("nurhayati")] == ["Hj. Siti Nurhayati"]
    assert [p.name for p in roster.search("saepudin")] == ["Ujang Saepudin"]
    assert [p.name for p in roster.search("St. Nurh")] == ["Hj. Siti Nurhayati"]
    assert [p.name for p in roster.search("hj")] == []  # titles find nobody by themselves
    assert [p.name for p in roster.search("Moh. Rizki")] == ["Muhammad Rizki"]
    assert [p.name for p in roster.search("m")] == ["Maryam", "Muhammad Rizki"]
    shown = nik[-4:]
    assert [p.name for p in roster.search(shown)] == ["Hj. Siti Nurhayati"]
    assert {p.name for p in roster.search(kk[-4:])} == {"Hj. Siti Nurhayati", "Ujang Saepudin"}


def test_search_follows_a_renamed_person_and_a_corrected_kk(db):
    hh = household()
    person = roster.add_person(hh.id, name="Dadang", sex="L", age_years=40).person
    roster.update_person(person.id, name="Dadang Sumarna")
    assert [p.name for p in roster.search("sumarna")] == ["Dadang Sumarna"]
    assert roster.search("dad")[0].name == "Dadang Sumarna"
    kk = make_kk("32.03.11", D(2015, 5, 1), 77)
    roster.update_household(hh.id, kk=kk)
    assert [p.name for p in roster.search(kk[-4:])] == ["Dadang Sumarna"]


def test_duplicates_are_found_across_spelling_variants(db):
    roster.add_person(household().id, name="Muhammad Soleh", sex="L", birth_date=D(1970, 1, 1))
    with pytest.raises(roster.ProbableDuplicate):
        roster.add_person(household().id, name="H. Moh. Soleh", sex="L", birth_date=D(1970, 1, 1))
