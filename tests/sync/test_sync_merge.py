"""Two laptops merging through sync files: fields, conflicts, tombstones, stock, populations."""

import datetime
from decimal import Decimal

import pytest

from shelter_app.domain.errors import RuleViolation
from shelter_app.history import conflicts, records
from shelter_app.services import roster, stats, stays, stock
from shelter_app.storage.models import Person, Stay
from shelter_app.sync import settling, sync_file
from tests.laptops import Laptop, conflicts_dump, dump, exchange, presence_dump, setup_operation

D = datetime.date


@pytest.fixture
def pair(tmp_path):
    a = Laptop(tmp_path / "a.db", "Ani")
    b = Laptop(tmp_path / "b.db", "Budi")
    yield a, b
    a.close()
    b.close()


def state(laptop):
    with laptop.active():
        return dump(), presence_dump(), conflicts_dump()


def test_edits_to_different_fields_both_survive_and_laptops_converge(pair, tmp_path):
    a, b = pair
    site, household, person, _rice = setup_operation(a)
    exchange(a, b, tmp_path)
    with a.active():
        roster.update_person(person.id, phone="081234567890")
    with b.active():
        roster.update_person(person.id, notes="asma")
    exchange(a, b, tmp_path)
    assert state(a) == state(b)
    with a.active():
        merged = Person.get_by_id(person.id)
        assert (merged.phone, merged.notes) == ("081234567890", "asma")
        assert conflicts.count() == 0


def test_same_field_edited_on_both_keeps_the_loser_in_the_conflicts_list(pair, tmp_path):
    a, b = pair
    _site, _household, person, _rice = setup_operation(a)
    exchange(a, b, tmp_path)
    with a.active():
        roster.update_person(person.id, name="Siti Aminah Binti Ahmad")
    with b.active():
        roster.update_person(person.id, name="Siti Aminah Ahmad")  # later stamp: wins
    exchange(a, b, tmp_path)
    assert state(a) == state(b)
    with a.active():
        assert Person.get_by_id(person.id).name == "Siti Aminah Ahmad"
        [conflict] = conflicts.listed()
        assert (conflict.field, conflict.lost_value, conflict.lost_by) == ("name", "Siti Aminah Binti Ahmad", "Ani")
        assert conflict.current_value == "Siti Aminah Ahmad"
        settling.resolve(conflict.id, restore=True)
        assert Person.get_by_id(person.id).name == "Siti Aminah Binti Ahmad"
        assert conflicts.count() == 0
    exchange(a, b, tmp_path)
    assert state(a) == state(b)
    with b.active():
        assert conflicts.count() == 0
        assert Person.get_by_id(person.id).name == "Siti Aminah Binti Ahmad"


def test_sequential_edits_are_not_conflicts(pair, tmp_path):
    a, b = pair
    _site, _household, person, _rice = setup_operation(a)
    exchange(a, b, tmp_path)
    with b.active():
        roster.update_person(person.id, name="Siti A.")
    exchange(a, b, tmp_path)
    with a.active():
        roster.update_person(person.id, name="Siti Aminah")
    exchange(a, b, tmp_path)
    assert state(a) == state(b)
    with b.active():
        assert conflicts.count() == 0
        assert Person.get_by_id(person.id).name == "Siti Aminah"


def test_deletions_propagate_and_an_edit_elsewhere_survives_underneath(pair, tmp_path):
    a, b = pair
    _site, _household, person, _rice = setup_operation(a)
    exchange(a, b, tmp_path)
    with a.active():
        roster.delete_person(person.id, note="tercatat dua kali")
    with b.active():
        roster.update_person(person.id, phone="081298765432")
    exchange(a, b, tmp_path)
    assert state(a) == state(b)
    with b.active():
        merged = Person.get_by_id(person.id)
        assert merged.deleted_at is not None and merged.phone == "081298765432"
        records.restore(merged)
    exchange(a, b, tmp_path)
    with a.active():
        assert Person.get_by_id(person.id).deleted_at is None


def test_stock_issued_on_both_laptops_is_counted_twice_and_populations_merge(pair, tmp_path):
    a, b = pair
    site, household, person, rice = setup_operation(a)
    exchange(a, b, tmp_path)
    with a.active():
        stock.issue(site.id, rice.id, 30, D(2022, 11, 23))
    with b.active():
        stock.issue(site.id, rice.id, 20, D(2022, 11, 23))
        child = roster.add_person(
            household.id, confirmed=True, name="Rina", sex="P", birth_date=D(2018, 3, 1), relationship="child"
        ).person
        stays.check_in([child.id], site.id, D(2022, 11, 23))
    exchange(a, b, tmp_path)
    assert state(a) == state(b)
    with a.active():
        assert stock.on_hand(site.id, rice.id, D(2022, 11, 24)) == Decimal(50)
        figures = stats.figures(D(2022, 11, 24), site.id)
        assert figures["total"]["persons"] == 2


def test_importing_the_same_file_twice_changes_nothing(pair, tmp_path):
    a, b = pair
    setup_operation(a)
    path = tmp_path / "a.posko-sync"
    with a.active():
        exported = sync_file.export(path)
    with b.active():
        first = sync_file.import_file(path)
        before = dump(), conflicts_dump()
        again = sync_file.import_file(path)
        assert (first.new, again.new) == (exported.operations, 0)
        assert (dump(), conflicts_dump()) == before
    with a.active():  # its own file back: nothing new either
        assert sync_file.import_file(path).new == 0


@pytest.mark.parametrize("damage", ["truncate", "flip", "foreign", "empty"])
def test_damaged_or_foreign_files_are_refused_with_nothing_applied(pair, tmp_path, damage):
    a, b = pair
    setup_operation(a)
    path = tmp_path / "a.posko-sync"
    with a.active():
        sync_file.export(path)
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        path.write_bytes(data[:40] + bytes([data[40] ^ 0xFF]) + data[41:])
    elif damage == "foreign":
        path.write_bytes(b"nik,nama\n3203012503770011,Siti\n")
    else:
        path.write_bytes(b"")
    with b.active():
        before = dump()
        with pytest.raises(RuleViolation) as refused:
            sync_file.import_file(path)
        assert "a.posko-sync" in str(refused.value.message)
        assert dump() == before


def test_undo_of_a_received_change_travels_back(pair, tmp_path):
    a, b = pair
    _site, _household, person, _rice = setup_operation(a)
    exchange(a, b, tmp_path)
    with a.active():
        roster.update_person(person.id, phone="081234567890")
    exchange(a, b, tmp_path)
    with b.active():
        received = records.history(person.id)[-1]
        assert received.by == "Ani" and received.source.startswith("file:")
        records.undo(received.seq)
    exchange(a, b, tmp_path)
    assert state(a) == state(b)
    with a.active():
        assert Person.get_by_id(person.id).phone == ""


def test_the_same_nik_registered_on_two_laptops_is_flagged_then_merged(pair, tmp_path):
    from shelter_app.sync import duplicates

    a, b = pair
    site, _household, _person, _rice = setup_operation(a)
    exchange(a, b, tmp_path)
    details = dict(
        confirmed=True,
        nik="3203010107800002",
        name="Ujang Suherman",
        sex="L",
        birth_date=D(1980, 7, 1),
        relationship="head",
    )
    with a.active():
        first = roster.add_person(roster.register_household(kk="3203012503770044").id, **details).person
        stays.check_in([first.id], site.id, D(2022, 11, 24))
    with b.active():
        second = roster.add_person(
            roster.register_household(kk="3203012503770044").id, **{**details, "name": "Ujang S."}
        ).person
        roster.update_person(second.id, phone="081311112222")
        stays.check_in([second.id], site.id, D(2022, 11, 24))
    exchange(a, b, tmp_path)
    with a.active():
        [group] = duplicates.same_nik()
        assert {p.id for p in group.persons} == {first.id, second.id}
        assert stats.figures(D(2022, 11, 25), site.id)["total"]["persons"] == 3  # counted twice until merged
        duplicates.merge_persons(group.persons[0].id, group.persons[1].id)
        assert duplicates.same_nik() == []
        assert stats.figures(D(2022, 11, 25), site.id)["total"]["persons"] == 2
    exchange(a, b, tmp_path)
    assert state(a) == state(b)
    with b.active():
        assert duplicates.same_nik() == []
        kept = Person.get_by_id(group.persons[0].id)
        assert kept.phone == "081311112222"
        assert Stay.select().where(Stay.person == kept.id, Stay.deleted_at.is_null()).count() == 1


def test_a_merge_killed_before_its_final_refresh_leaves_the_index_to_rebuild_at_next_start(pair, tmp_path):
    from shelter_app.cli.main import main
    from shelter_app.services import presence
    from shelter_app.sync import merge

    a, b = pair
    site, _household, _person, _rice = setup_operation(a)
    path = tmp_path / "a.posko-sync"
    with a.active():
        sync_file.export(path)
        expected = presence_dump()
    with b.active():
        _header, ops = sync_file.read(path)
        merge.apply(ops, source="file:test", touched={})  # committed; the process dies here
        assert presence.is_stale() and presence_dump() != expected
    b.close()
    assert main(["info", "--db", str(b.path)]) == 0  # any start rebuilds it
    b = Laptop(b.path, "Budi")
    with b.active():
        assert not presence.is_stale()
        assert presence_dump() == expected
        assert stats.figures(D(2022, 11, 23), site.id)["total"]["persons"] == 1
    b.close()


def test_a_person_checked_in_at_two_sites_on_two_laptops_is_flagged_then_one_stay_kept(pair, tmp_path):
    from shelter_app.services import sites
    from shelter_app.sync import duplicates

    a, b = pair
    site, household, _person, _rice = setup_operation(a)
    with a.active():
        mosque = sites.create_site(site.event_id, "Masjid Al-Ikhlas", "mosque", D(2022, 11, 21))
        child = roster.add_person(
            household.id, confirmed=True, name="Rina", sex="P", birth_date=D(2018, 3, 1), relationship="child"
        ).person
    exchange(a, b, tmp_path)
    with a.active():  # each laptop keeps the rule "one site per person at a time"...
        stays.check_in([child.id], site.id, D(2022, 11, 23))
        assert duplicates.two_places() == []
    with b.active():
        stays.check_in([child.id], mosque.id, D(2022, 11, 24))
    exchange(a, b, tmp_path)  # ...but after the merge Rina is at two places at once
    assert state(a) == state(b)
    listed = {}
    for laptop in (a, b):
        with laptop.active():
            [pair_found] = duplicates.two_places()
            assert pair_found.person.id == child.id
            listed[laptop.operator] = [(s.id, s.site.name, s.arrived_on, s.created_by) for s in pair_found.stays]
            assert duplicates.two_places_count() == 1
            assert duplicates.count() == 0  # not a NIK registered twice
            day = D(2022, 11, 25)
            assert stats.figures(day, None)["total"]["persons"] == 3  # counted twice until settled
    assert listed["Ani"] == listed["Budi"]  # the same pair, the oldest arrival first
    (school_stay, _s, _d, by_ani), (mosque_stay, _m, _e, by_budi) = listed["Ani"]
    assert (by_ani, by_budi) == ("Ani", "Budi")

    with b.active():
        with pytest.raises(RuleViolation):  # a stay against itself
            duplicates.keep_stay(mosque_stay, mosque_stay)
        duplicates.keep_stay(mosque_stay, school_stay)  # she is at the mosque
        assert duplicates.two_places() == []
        assert Stay.get_by_id(school_stay).deleted_at is not None
        assert str(mosque_stay.hex) in records.history(school_stay)[-1].data  # the note names the kept stay
        assert stats.figures(D(2022, 11, 25), None)["total"]["persons"] == 2
        assert stats.figures(D(2022, 11, 25), mosque.id)["total"]["persons"] == 1
        with pytest.raises(RuleViolation) as settled:  # settled already: nothing more to do
            duplicates.keep_stay(mosque_stay, school_stay)
        assert "dihapus" in settled.value.message.text("id")
    exchange(a, b, tmp_path)
    assert state(a) == state(b)
    with a.active():
        assert duplicates.two_places() == [] and duplicates.two_places_count() == 0
        assert stats.figures(D(2022, 11, 25), None)["total"]["persons"] == 2
        assert stats.figures(D(2022, 11, 25), site.id)["total"]["persons"] == 1  # only Siti at the school
        assert stays.stay_on(child.id, D(2022, 11, 25)).site_id == mosque.id


def test_keep_stay_refuses_stays_that_do_not_overlap_or_belong_to_two_persons(pair):
    from shelter_app.sync import duplicates

    a, _b = pair
    site, household, person, _rice = setup_operation(a)
    with a.active():
        first = Stay.get(Stay.person == person.id)
        stays.check_out([person.id], D(2022, 11, 24), "returned_home")
        later = stays.check_in([person.id], site.id, D(2022, 11, 26)).stays[0]
        with pytest.raises(RuleViolation) as apart:
            duplicates.keep_stay(later.id, first.id)
        assert "tidak bertumpang tindih" in apart.value.message.text("id")
        child = roster.add_person(
            household.id, confirmed=True, name="Rina", sex="P", birth_date=D(2018, 3, 1), relationship="child"
        ).person
        hers = stays.check_in([child.id], site.id, D(2022, 11, 26)).stays[0]
        with pytest.raises(RuleViolation) as others:
            duplicates.keep_stay(later.id, hers.id)
        assert "different persons" in others.value.message.text("en")
        assert Stay.select().where(Stay.deleted_at.is_null()).count() == 3  # nothing deleted


def test_the_same_value_typed_on_both_laptops_is_no_conflict_even_once_changed(pair, tmp_path):
    a, b = pair
    _site, _household, person, _rice = setup_operation(a)
    exchange(a, b, tmp_path)
    with a.active():
        roster.update_person(person.id, name="Siti Aminah Ahmad")
    with b.active():
        roster.update_person(person.id, name="Siti Aminah Ahmad")
    exchange(a, b, tmp_path)
    with a.active():
        assert conflicts.count() == 0
        # The user saw that value, whoever typed it: replacing it loses nobody's edit.
        roster.update_person(person.id, name="Siti A.")
        assert conflicts.count() == 0
    exchange(a, b, tmp_path)
    assert state(a) == state(b)
    with b.active():
        assert conflicts.count() == 0 and Person.get_by_id(person.id).name == "Siti A."
