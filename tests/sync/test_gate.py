"""One gate for every way in: a sync file or a hub row is held to the rules of typed entry.

Each case of issue 10 (items 1-5) is fed in as a hand-made sync file next to a valid
operation: the bad one is quarantined with the reason, the valid one is applied, the data
stays valid and later changes still save."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest

from shelter_app.cli.main import main
from shelter_app.domain.errors import RuleViolation
from shelter_app.history import clock, records
from shelter_app.services import roster, stays
from shelter_app.services.changes import undo
from shelter_app.storage.models import Account, Change, Person, Site, StockMovement, SyncQuarantine
from shelter_app.sync import quarantine, sync_file
from tests.sync.gate_tools import Stamps, figures_follow, insert_of, intact, wire, write_sync_file

D = datetime.date
DAY = D(2022, 11, 25)


@pytest.fixture
def held(operation):
    """The operation of conftest with one household of two checked in at the school."""
    _event, tent, school = operation
    household = roster.register_household(kk="3203012503770011")
    head = roster.add_person(
        household.id, confirmed=True, name="Siti Aminah", sex="P", birth_date=D(1980, 5, 1), relationship="head"
    ).person
    child = roster.add_person(
        household.id, confirmed=True, name="Budi", sex="L", birth_date=D(2012, 3, 4), relationship="child"
    ).person
    stays.check_in([head.id, child.id], school.id, D(2022, 11, 22))
    return household, head, child, school


def a_new_person(in_household, **changes) -> tuple[str, dict]:
    """A valid insert of a new person in ``household`` (from another laptop), with ``changes``."""
    base = insert_of("person", Person.get(Person.household == in_household.id, Person.name == "Budi").id)
    data = dict(base["d"])
    row_id = uuid.uuid4().hex
    data.update({"id": row_id, "name": "Rina", "name_key": "rina", **changes})
    return row_id, data


BAD_PERSON_VALUES = [
    ("nik", "ABCDEFGHIJKLMNOP"),
    ("sex", "X"),
    ("birth_date", "2099-01-01"),
    ("birth_date", "1800-01-01"),
    ("birth_date", "0001-01-01"),
    ("birth_date", "not-a-date"),
    ("relationship", "emperor"),
    ("pregnant", "false"),
    ("name", "Ri\x00na"),
    ("name", "x" * 100_000),
    ("household", "ff" * 16),
]


@pytest.mark.parametrize(
    ("field", "value"), BAD_PERSON_VALUES, ids=[f"{f}={str(v)[:12]!r}" for f, v in BAD_PERSON_VALUES]
)
def test_a_merged_person_that_breaks_a_rule_is_quarantined_and_the_rest_goes_on(held, tmp_path, field, value):
    household, *_ = held
    stamp = Stamps()
    bad_id, bad = a_new_person(household, **{field: value})
    good_id, good = a_new_person(household, name="Dewi", name_key="dewi")
    path = write_sync_file(
        tmp_path / "in.posko-sync",
        [wire("person", bad_id, "insert", bad, stamp()), wire("person", good_id, "insert", good, stamp())],
    )
    imported = sync_file.import_file(path)
    assert (imported.new, imported.quarantined) == (1, 1)
    assert Person.get_or_none(Person.id == bad_id) is None
    assert Person.get_by_id(good_id).name == "Dewi"
    kept = quarantine.listed(lang="en")
    assert [(k.table, k.row_id, k.source) for k in kept] == [("person", bad_id, "file:" + "ab" * 16)]
    assert kept[0].field.endswith(field) and kept[0].reason
    # Importing the file again changes nothing and keeps the quarantine entry once.
    again = sync_file.import_file(path)
    assert again.new == 0 and SyncQuarantine.select().count() == 1
    intact()
    roster.update_person(good_id, notes="still saves")
    figures_follow(DAY)


def test_updates_that_break_a_rule_are_quarantined(held, tmp_path):
    household, head, child, school = held
    stamp = Stamps()
    movement_id = "cd" * 16
    site_insert = insert_of("site", school.id)
    bad = [
        wire("site", school.id.hex, "update", {"capacity_night": "abc"}, stamp()),
        wire("person", child.id.hex, "update", {"sex": "X"}, stamp()),
        wire("person", head.id.hex, "update", {"id": "12" * 16}, stamp()),
        wire("person", head.id.hex, "update", {"created_by": "someone else"}, stamp()),
        wire("person", head.id.hex, "update", {"created_at": "2001-01-01T00:00:00"}, stamp()),
        wire("person", child.id.hex, "update", {"pregnant": "false"}, stamp()),
        wire("person", child.id.hex, "update", {"pregnant": True}, stamp()),  # a boy
        wire("site", "ee" * 16, "insert", {**site_insert["d"], "id": "ef" * 16}, stamp()),
        wire(
            "stock_movement",
            movement_id,
            "insert",
            {"site": school.id.hex, "item": "99" * 16, "kind": "receive", "delta": "NaN", "moved_on": "2022-11-23"},
            stamp(),
        ),
        wire("setting", "aa" * 16, "insert", {"key": "x", "value": "1"}, stamp()),
        wire("person", child.id.hex, "update", {"notes": "a"}, 2**63 - 1),
        wire("person", child.id.hex, "update", {"notes": "b"}, clock.wall() + (3 * 24 * 3600 * 1000 << 16)),
    ]
    path = write_sync_file(
        tmp_path / "in.posko-sync", bad + [wire("person", child.id.hex, "update", {"notes": "ok"}, stamp())]
    )
    imported = sync_file.import_file(path)
    assert imported.quarantined == len(bad) and imported.new == 1
    assert Site.get_by_id(school.id).capacity_night == 100
    kid = Person.get_by_id(child.id)
    assert (kid.sex, kid.pregnant, kid.notes) == ("L", False, "ok")
    mother = Person.get_by_id(head.id)
    assert mother.created_by == "Relawan Uji"
    assert not StockMovement.select().where(StockMovement.id == movement_id).exists()
    # The clock was not pushed: the next change is stamped and saved.
    roster.update_person(child.id, notes="after")
    assert Change.select().order_by(Change.seq.desc()).get().hlc < clock.MAX_STAMP
    intact()
    figures_follow(DAY)


def test_the_quarantine_is_listed_by_the_command_line(held, tmp_path, capsys):
    household, *_ = held
    bad_id, bad = a_new_person(household, sex="X")
    path = write_sync_file(tmp_path / "in.posko-sync", [wire("person", bad_id, "insert", bad, Stamps()())])
    db_path = str(tmp_path / "posko.db")
    assert main(["sync", "import", str(path), "--db", db_path, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "1 change broke a rule and was not applied" in out
    assert main(["sync", "quarantine", "--db", db_path, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert f"person.sex  {bad_id}" in out and "1 change kept aside." in out
    assert main(["sync", "quarantine", "--db", db_path, "--lang", "id"]) == 0
    assert "1 perubahan" in capsys.readouterr().out


@pytest.mark.slow
def test_a_damaged_file_applies_nothing_and_a_backup_comes_first(held, tmp_path):
    household, *_ = held
    stamp = Stamps()
    wires = []
    for n in range(2500):
        row_id, data = a_new_person(household, name=f"Orang {n}", name_key=f"orang {n}")
        wires.append(wire("person", row_id, "insert", data, stamp()))
    path = write_sync_file(tmp_path / "in.posko-sync", wires)
    raw = path.read_bytes()
    broken = tmp_path / "broken.posko-sync"
    broken.write_bytes(raw[: len(raw) - 40])
    before = Person.select().count()
    with pytest.raises(RuleViolation):
        sync_file.import_file(broken)
    assert Person.select().count() == before
    imported = sync_file.import_file(path)
    assert imported.new == 2500 and imported.backup is not None and imported.backup.exists()
    assert Person.select().count() == before + 2500


def test_names_are_normalised_so_duplicates_are_seen(held, tmp_path):
    household, head, *_ = held
    saved = roster.add_person(
        household.id, confirmed=True, name="Ѕiti\u200b Аminah\u202e", sex="P", birth_date=D(1950, 1, 1)
    ).person
    assert saved.name == "Siti Aminah" and saved.name_key == "siti aminah"
    assert saved.name_key == Person.get_by_id(head.id).name_key
    with pytest.raises(RuleViolation) as refused:
        roster.add_person(household.id, confirmed=True, name="Ri\x00na", sex="P", birth_date=D(1990, 1, 1))
    assert "U+0000" in refused.value.text("en")
    with pytest.raises(RuleViolation):
        roster.add_person(household.id, confirmed=True, name="Tua", sex="P", birth_date=D(1800, 1, 1))


def test_undo_keeps_every_figure_right(held, tmp_path):
    household, head, child, school = held
    figures_follow(DAY)
    stays.check_out([child.id], D(2022, 11, 24), "returned_home")
    checkout = Change.select().where(Change.table == "stay").order_by(Change.seq.desc()).get()
    assert stats_persons(school, DAY) == 1
    undo(checkout.seq)
    assert stats_persons(school, DAY) == 2
    figures_follow(DAY)
    # A bulk creation (as an import makes) undone: the figures drop to what they were.
    people = records.bulk_create(
        Person,
        [
            dict(household=household.id, name=f"P{n}", name_key=f"p{n}", sex="L", birth_date=D(2000, 1, 1))
            for n in range(3)
        ],
    )
    stays.check_in(people, school.id, D(2022, 11, 23))
    assert stats_persons(school, DAY) == 5
    bulk = Change.select().where(Change.action == "bulk_insert").order_by(Change.seq.desc()).get()
    undo(bulk.seq)
    assert stats_persons(school, DAY) == 2
    figures_follow(DAY)


def stats_persons(site, day) -> int:
    from shelter_app.services import stats

    return next(s for s in stats.figures(day)["sites"] if s["id"] == site.id.hex)["persons"]


def test_a_merged_person_counts_in_the_figures_and_merge_keeps_them_right(held, tmp_path):
    household, *_ = held
    row_id, data = a_new_person(household)
    path = write_sync_file(tmp_path / "in.posko-sync", [wire("person", row_id, "insert", data, Stamps()())])
    sync_file.import_file(path)
    assert Person.get_by_id(row_id).name == "Rina"
    figures_follow(DAY)


def test_a_hub_row_for_an_unknown_table_is_quarantined_and_the_pull_moves_on(held, hub_url):
    import psycopg2
    from psycopg2.extras import Json

    from shelter_app.sync import hub

    household, head, child, school = held
    coordinator = Account.id_for("koordinator").hex  # the account the valid row claims
    hub.sync(hub_url)
    connection = psycopg2.connect(hub_url)
    with connection, connection.cursor() as cursor:
        for table, hlc, data in (
            ("setting", Stamps()(), {"key": "hub.url", "value": '"x"'}),
            ("person", 2**63 - 1, {"notes": "poison"}),
            ("person", Stamps()() + 5, {"notes": "after the bad ones"}),
        ):
            cursor.execute(
                "INSERT INTO hub_op (node, hlc, tbl, row_id, action, data, at, by, account) "
                "VALUES (%s, %s, %s, %s, 'update', %s, %s, 'X', %s)",
                ("cd" * 16, hlc, table, child.id.hex, Json(data), "2022-11-25T10:00:00", coordinator),
            )
    connection.close()
    synced = hub.sync(hub_url)
    assert (synced.pulled, synced.new, synced.quarantined) == (3, 1, 2)
    assert Person.get_by_id(child.id).notes == "after the bad ones"
    assert {k.table for k in quarantine.listed()} == {"setting", "person"}
    assert hub.sync(hub_url).pulled == 0
    roster.update_person(child.id, notes="later")
    assert Change.select().order_by(Change.seq.desc()).get().hlc < clock.MAX_STAMP


def test_a_sync_file_with_a_huge_line_or_deep_nesting_is_refused_as_damaged(db, tmp_path, monkeypatch):
    import gzip

    monkeypatch.setattr(sync_file, "LINE_LIMIT", 10_000)
    header = json.dumps({"format": "posko-sync", "version": 1, "node": "ab" * 16}).encode() + b"\n"
    huge = tmp_path / "huge.posko-sync"
    with gzip.open(huge, "wb") as packed:
        packed.write(header + b"a" * 1_000_000)
    deep = tmp_path / "deep.posko-sync"
    with gzip.open(deep, "wb") as packed:
        packed.write(header + b"[" * 9_000 + b"]" * 9_000 + b"\n" + b'{"end": true}\n')
    for path in (huge, deep):
        with pytest.raises(RuleViolation) as refused:
            sync_file.import_file(path)
        assert "damaged" in refused.value.text("en")


def test_sync_conflicts_shows_a_masked_nik(tmp_path, capsys):
    from shelter_app.domain.identity import make_nik
    from tests.laptops import Laptop, exchange, setup_operation

    a, b = Laptop(tmp_path / "a.db", "Ani"), Laptop(tmp_path / "b.db", "Budi")
    try:
        _site, _household, person, _rice = setup_operation(a)
        exchange(a, b, tmp_path)
        first, second = (make_nik("32.03.01", D(1980, 5, 1), "P", n) for n in (1, 2))
        with a.active():
            roster.update_person(person.id, nik=first)
        with b.active():
            roster.update_person(person.id, nik=second)
        exchange(a, b, tmp_path)
        with a.active():
            assert main(["sync", "conflicts", "--db", str(tmp_path / "a.db"), "--lang", "en"]) == 0
    finally:
        a.close()
        b.close()
    out = capsys.readouterr().out
    assert "1 conflict." in out
    assert first not in out and second not in out
    assert first[-4:] in out or second[-4:] in out
