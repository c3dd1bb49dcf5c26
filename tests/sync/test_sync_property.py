"""Three laptops make random edits and sync in random orders, through the hub and through
files. Afterwards all three hold exactly the same data, an independent replay of every
operation gives that same data, and every edit either holds, was knowingly replaced, or is
in the conflicts list."""

import datetime
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import psycopg2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shelter_app.domain.errors import RuleViolation
from shelter_app.history import records
from shelter_app.history.operations import MODELS_BY_TABLE, from_json
from shelter_app.services import roster, stays, stock
from shelter_app.storage.models import Person, Site, StockItem
from shelter_app.sync import hub, sync_file
from tests.conftest import examples
from tests.laptops import Laptop, conflicts_dump, dump, presence_dump, setup_operation
from tests.postgres_server import new_database

D = datetime.date
NAMES = ["Siti", "Asep", "Dedi", "Euis", "Ujang"]
VALUES = ["", "a", "b", "c"]

laptop_index = st.integers(0, 2)
edit = st.one_of(
    st.tuples(
        st.just("field"),
        laptop_index,
        st.integers(0, 99),
        st.sampled_from(["phone", "notes"]),
        st.sampled_from(["081200000001", "081200000002", "081200000003"]),
    ),
    st.tuples(st.just("name"), laptop_index, st.integers(0, 99), st.sampled_from(NAMES)),
    st.tuples(st.just("add"), laptop_index, st.integers(0, 99), st.sampled_from(NAMES)),
    st.tuples(st.just("check_in"), laptop_index, st.integers(0, 99)),
    st.tuples(st.just("check_out"), laptop_index, st.integers(0, 99)),
    st.tuples(st.just("stock"), laptop_index, st.integers(-30, 30).filter(bool)),
    st.tuples(st.just("delete"), laptop_index, st.integers(0, 99)),
    st.tuples(st.just("restore"), laptop_index, st.integers(0, 99)),
)
exchange_step = st.one_of(
    st.tuples(st.just("hub"), laptop_index),
    st.tuples(st.just("file"), laptop_index, laptop_index),
)
steps = st.lists(st.one_of(edit, edit, exchange_step), min_size=12, max_size=40)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """An empty, migrated database file: copied for each laptop (each gets its own id)."""
    path = tmp_path_factory.mktemp("template") / "empty.db"
    Laptop(path, "template").close()
    return path


def pick(query, index):
    rows = list(query.order_by(Person.id))
    return rows[index % len(rows)] if rows else None


def do_edit(step) -> None:
    kind = step[0]
    live = Person.select().where(Person.deleted_at.is_null())
    try:
        if kind == "field":
            person = pick(live, step[2])
            if person:
                roster.update_person(person.id, **{step[3]: step[4]})
        elif kind == "name":
            person = pick(live, step[2])
            if person:
                roster.update_person(person.id, name=step[3])
        elif kind == "add":
            person = pick(live, step[2])
            if person:
                roster.add_person(
                    person.household_id,
                    confirmed=True,
                    name=step[3],
                    sex="L",
                    birth_date=D(2010, 1, 1),
                    relationship="child",
                )
        elif kind == "check_in":
            person = pick(live, step[2])
            if person and stays.stay_on(person.id, D(2022, 11, 25)) is None:
                stays.check_in([person.id], Site.select().first().id, D(2022, 11, 25))
        elif kind == "check_out":
            person = pick(live, step[2])
            if person and stays.stay_on(person.id, D(2022, 11, 26)) is not None:
                stays.check_out([person.id], D(2022, 11, 26), "returned_home")
        elif kind == "stock":
            site, item = Site.select().first(), StockItem.select().first()
            if step[2] > 0:
                stock.receive(site.id, item.id, step[2], D(2022, 11, 25))
            else:
                stock.issue(site.id, item.id, -step[2], D(2022, 11, 25))
        elif kind == "delete":
            person = pick(live, step[2])
            if person:
                roster.delete_person(person.id)
        elif kind == "restore":
            person = pick(Person.select().where(Person.deleted_at.is_null(False)), step[2])
            if person:
                records.restore(person)
    except RuleViolation:
        pass  # refused as a volunteer would see it (e.g. stock would go negative): nothing changed


def hub_rows(url) -> list[dict]:
    """Every operation the hub holds, as the plain rows the hub stores."""
    with psycopg2.connect(url) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT node, hlc, tbl, row_id, action, data, bases, at, by FROM hub_op")
        names = ("node", "hlc", "table", "row_id", "action", "data", "bases", "at", "by")
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def sets(row: dict) -> dict:
    """What one operation sets, from the rules written in the README (not the merge's code): an
    insert sets every field; an update its fields and the update stamps; a delete or a restore
    the tombstone and the update stamps."""
    stamps = {"updated_at": row["at"], "updated_by": row["by"]}
    if row["action"] == "insert":
        return {name: value for name, value in row["data"].items() if name != "id"}
    if row["action"] == "update":
        return {**row["data"], **stamps}
    return {"deleted_at": row["at"] if row["action"] == "delete" else None, **stamps}


def latest(row_ops: list[dict]) -> dict[str, dict]:
    """Field -> the operation whose value it must hold: the highest (stamp, laptop) that set it."""
    ranked = sorted(row_ops, key=lambda row: (row["hlc"], row["node"]))
    return {name: row for row in ranked for name in sets(row)}


def by_record(rows: list[dict]) -> dict:
    grouped: dict = {}
    for row in rows:
        grouped.setdefault((row["table"], row["row_id"]), []).append(row)
    return grouped


def plain(value):
    if isinstance(value, Decimal):
        return value.normalize()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "hex") and not isinstance(value, (int, float)):
        return value.hex
    return value


def replay(rows: list[dict]) -> dict:
    """The data every operation implies, computed without the merge code: per field, the
    value of the highest (hlc, node) operation that set it; a record exists once inserted."""
    expected = {model._meta.table_name: {} for model in MODELS_BY_TABLE.values()}
    for (table, row_id), row_ops in by_record(rows).items():
        if not any(row["action"] == "insert" for row in row_ops):
            continue
        model = MODELS_BY_TABLE[table]
        best = latest(row_ops)
        record = {"id": row_id}
        for name in model._meta.fields:
            if name != "id":
                record[name] = plain(from_json(model, name, sets(best[name])[name]))
        expected[table][row_id] = record
    return expected


def check_no_edit_lost(rows: list[dict], listed: set) -> None:
    for (table, row_id), row_ops in by_record(rows).items():
        model = MODELS_BY_TABLE[table]
        best = latest(row_ops)
        for row in row_ops:
            if row["action"] == "insert":
                continue
            for name, value in sets(row).items():
                if name in ("updated_at", "updated_by", "name_key"):
                    continue
                won = best[name] is row or from_json(model, name, value) == from_json(
                    model, name, sets(best[name])[name]
                )
                op_name = f"{row['hlc']}.{row['node']}"
                replaced = any(op_name in (other["bases"] or {}).get(name, []) for other in row_ops)
                kept = (table, row_id, name, row["node"], row["hlc"]) in listed
                assert won or replaced or kept, f"edit {op_name} of {table}.{name} was lost"


@pytest.mark.slow
@settings(
    max_examples=examples(fast=12, ci=40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=steps)
def test_laptops_converge_whatever_the_order_of_edits_and_syncs(plan, template, pg_server):
    folder = Path(tempfile.mkdtemp(prefix="posko-property-"))
    url = new_database(pg_server)
    laptops = []
    try:
        for name in ("Ani", "Budi", "Citra"):
            shutil.copy(template, folder / f"{name}.db")
            laptops.append(Laptop(folder / f"{name}.db", name))
        _site, household, _person, _rice = setup_operation(laptops[0])
        with laptops[0].active():
            for name in NAMES[:3]:
                roster.add_person(
                    household.id, confirmed=True, name=name, sex="P", birth_date=D(2001, 2, 3), relationship="child"
                )
        with laptops[0].active():
            hub.sync(url)
        for laptop in laptops[1:]:
            with laptop.active():
                hub.sync(url)
        files = 0
        for step in plan:
            if step[0] == "hub":
                with laptops[step[1]].active():
                    hub.sync(url)
            elif step[0] == "file":
                files += 1
                path = folder / f"{files}.posko-sync"
                with laptops[step[1]].active():
                    sync_file.export(path)
                with laptops[step[2]].active():
                    sync_file.import_file(path)
            else:
                with laptops[step[1]].active():
                    do_edit(step)
        for _round in range(2):
            for laptop in laptops:
                with laptop.active():
                    hub.sync(url)
        states = []
        for laptop in laptops:
            with laptop.active():
                states.append((dump(), presence_dump(), conflicts_dump()))
        assert states[0] == states[1] == states[2]
        rows = hub_rows(url)
        data = states[0][0]
        expected = replay(rows)
        assert {
            t: {r: {k: v for k, v in row.items()} for r, row in rows.items()} for t, rows in data.items()
        } == expected
        check_no_edit_lost(rows, {c[:5] for c in states[0][2]})
    finally:
        for laptop in laptops:
            laptop.close()
        shutil.rmtree(folder, ignore_errors=True)
