"""The presence index: who was at which site on which days, with what the figures count.

It is derived from stays, persons and households and rebuilt from them at will; services
refresh the rows of the persons they touch in the same transaction, an import adds the rows of
the stays it checks in, a merge refreshes the records it touched. This module is the only one
that writes the index. Reading figures from it is one index scan instead of a join per evacuee.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from peewee import SqliteDatabase

from shelter_app.history.records import insert_rows
from shelter_app.storage.models import Household, Person, Presence, Setting, Stay

FLAG_PREGNANT = 1
FLAG_LACTATING = 2
FLAG_DISABILITY = 4
FLAG_CHRONIC = 8
FLAG_UNACCOMPANIED = 16
FLAG_FEMALE_HEADED = 32  # member of a household whose head is a woman
FLAG_HEAD = 64

PERSON_FLAGS = (
    ("pregnant", FLAG_PREGNANT),
    ("lactating", FLAG_LACTATING),
    ("disability", FLAG_DISABILITY),
    ("chronic_illness", FLAG_CHRONIC),
    ("unaccompanied_child", FLAG_UNACCOMPANIED),
)
CHUNK = 500
REBUILD_ABOVE = 5000  # persons and households touched beyond which the index is rebuilt whole


def person_flags(person: dict, female_headed: bool) -> int:
    flags = sum(bit for name, bit in PERSON_FLAGS if person[name])
    if female_headed:
        flags |= FLAG_FEMALE_HEADED
    if person["relationship"] == "head":
        flags |= FLAG_HEAD
    return flags


def _female_headed(household_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    ids = list(set(household_ids))
    found: set[uuid.UUID] = set()
    for start in range(0, len(ids), CHUNK):
        query = (
            Person.select(Person.household)
            .where(
                Person.household.in_(ids[start : start + CHUNK]),
                Person.relationship == "head",
                Person.sex == "P",
                Person.deleted_at.is_null(),
            )
            .tuples()
        )
        found.update(row[0] for row in query)
    return found


def row(
    stay_id,
    person_id,
    site_id,
    household_id,
    arrived_on,
    left_on,
    leave_reason,
    came_from,
    person: dict,
    female_headed: bool,
) -> dict:
    """One row of the index: a stay with its person's facts (``person``: sex, birth_date,
    relationship and the facts of ``PERSON_FLAGS``)."""
    return {
        "stay_id": stay_id,
        "person_id": person_id,
        "site_id": site_id,
        "household_id": household_id,
        "arrived": arrived_on.toordinal(),
        "left": left_on.toordinal() if left_on else None,
        "leave_reason": leave_reason,
        "came_from": came_from,
        "female": 1 if person["sex"] == "P" else 0,
        "birth": person["birth_date"].toordinal(),
        "flags": person_flags(person, female_headed),
    }


def add_rows(rows: Iterable[dict]) -> int:
    """Write index rows (from ``row``) for stays that have none yet."""
    return insert_rows(Presence, rows)


def rows_for(person_ids: list[uuid.UUID] | None) -> list[dict]:
    """Presence rows computed from the records, for some persons or for everyone."""
    query = (
        Stay.select(
            Stay.id,
            Stay.site,
            Stay.arrived_on,
            Stay.left_on,
            Stay.leave_reason,
            Stay.came_from,
            Person.id,
            Person.household,
            Person.sex,
            Person.birth_date,
            Person.relationship,
            Person.pregnant,
            Person.lactating,
            Person.disability,
            Person.chronic_illness,
            Person.unaccompanied_child,
        )
        .join(Person)
        .where(Stay.deleted_at.is_null(), Person.deleted_at.is_null())
    )
    if person_ids is not None:
        query = query.where(Person.id.in_(person_ids))
    fetched = list(query.tuples())
    female_headed = _female_headed(row[7] for row in fetched)
    rows = []
    for (
        stay_id,
        site_id,
        arrived_on,
        left_on,
        reason,
        came_from,
        person_id,
        household_id,
        sex,
        birth_date,
        relationship,
        *facts,
    ) in fetched:
        person = dict(
            zip([name for name, _bit in PERSON_FLAGS], facts), relationship=relationship, sex=sex, birth_date=birth_date
        )
        rows.append(
            row(
                stay_id,
                person_id,
                site_id,
                household_id,
                arrived_on,
                left_on,
                reason,
                came_from,
                person,
                household_id in female_headed,
            )
        )
    return rows


def refresh_persons(person_ids: Iterable[uuid.UUID]) -> None:
    """Recompute the presence rows of these persons from their records."""
    ids = list(set(person_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        Presence.delete().where(Presence.person_id.in_(chunk)).execute()
        add_rows(rows_for(chunk))


def refresh_households(household_ids: Iterable[uuid.UUID]) -> None:
    ids = list(set(household_ids))
    members = []
    for start in range(0, len(ids), CHUNK):
        members += [
            row[0] for row in Person.select(Person.id).where(Person.household.in_(ids[start : start + CHUNK])).tuples()
        ]
    refresh_persons(members)


def refresh_records(touched: dict[str, set[str]]) -> None:
    """After changes to these records (table name -> ids in hex, as a merge collects them):
    the rows of every household a touched person, stay or household belongs to, or the whole
    index when more than ``REBUILD_ABOVE`` persons and households were touched."""
    persons = {uuid.UUID(i) for i in touched.get(Person._meta.table_name, ())}
    stays = [uuid.UUID(i) for i in touched.get(Stay._meta.table_name, ())]
    for start in range(0, len(stays), CHUNK):
        persons.update(
            found[0] for found in Stay.select(Stay.person).where(Stay.id.in_(stays[start : start + CHUNK])).tuples()
        )
    households = {uuid.UUID(i) for i in touched.get(Household._meta.table_name, ())}
    if len(persons) + len(households) > REBUILD_ABOVE:
        rebuild()
        return
    # A changed head of household changes the figures of every member: refresh whole households.
    ids = list(persons)
    for start in range(0, len(ids), CHUNK):
        households.update(
            found[0]
            for found in Person.select(Person.household).where(Person.id.in_(ids[start : start + CHUNK])).tuples()
        )
    refresh_households(households)


# The same rows as ``rows_for(None)`` in one statement, for SQLite: julianday(d) - 1721424.5
# is Python's date.toordinal().
_SQLITE_REBUILD = f"""
INSERT INTO presence (stay_id, person_id, site_id, household_id, arrived, "left", leave_reason,
                      came_from, female, birth, flags)
SELECT s.id, p.id, s.site_id, p.household_id,
       CAST(julianday(s.arrived_on) - 1721424.5 AS INTEGER),
       CASE WHEN s.left_on IS NULL THEN NULL ELSE CAST(julianday(s.left_on) - 1721424.5 AS INTEGER) END,
       s.leave_reason, s.came_from_id, p.sex = 'P',
       CAST(julianday(p.birth_date) - 1721424.5 AS INTEGER),
       (p.pregnant <> 0) * {FLAG_PREGNANT} + (p.lactating <> 0) * {FLAG_LACTATING} + (p.disability <> 0) * {FLAG_DISABILITY}
       + (p.chronic_illness <> 0) * {FLAG_CHRONIC} + (p.unaccompanied_child <> 0) * {FLAG_UNACCOMPANIED}
       + (fh.household_id IS NOT NULL) * {FLAG_FEMALE_HEADED} + (p.relationship = 'head') * {FLAG_HEAD}
FROM stay s
JOIN person p ON p.id = s.person_id
LEFT JOIN (SELECT DISTINCT household_id FROM person
           WHERE relationship = 'head' AND sex = 'P' AND deleted_at IS NULL) fh ON fh.household_id = p.household_id
WHERE s.deleted_at IS NULL AND p.deleted_at IS NULL
"""


def rebuild() -> int:
    """Recompute the whole index from the records (after a demo, an import or a sync)."""
    db = Presence._meta.database
    with db.atomic():
        Presence.delete().execute()
        if isinstance(db.obj if hasattr(db, "obj") else db, SqliteDatabase):
            db.execute_sql(_SQLITE_REBUILD)
        else:
            person_ids = [row[0] for row in Person.select(Person.id).where(Person.deleted_at.is_null()).tuples()]
            for start in range(0, len(person_ids), CHUNK * 10):
                add_rows(rows_for(person_ids[start : start + CHUNK * 10]))
    return Presence.select().count()


# A long merge (sync) refreshes the index once at its end, not after every batch; each batch
# marks it stale in its own transaction, so a laptop killed in between rebuilds it at the next
# start (``ensure_fresh``) and never shows figures from half a merge.
STALE_KEY = "presence.stale"


def mark_stale() -> None:
    Setting.insert(key=STALE_KEY, value="true").on_conflict_replace().execute()


def is_stale() -> bool:
    return Setting.select().where(Setting.key == STALE_KEY).exists()


def clear_stale() -> None:
    Setting.delete().where(Setting.key == STALE_KEY).execute()


def ensure_fresh() -> bool:
    """Rebuild the index if a merge was interrupted; True when it did."""
    if not is_stale():
        return False
    db = Presence._meta.database
    with db.atomic():
        rebuild()
        clear_stale()
    return True
