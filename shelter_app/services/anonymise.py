"""Keeping less: persons who left before a day lose what names them (name, NIK, phone, health
notes; their household its KK and address once every member is anonymised) and keep their
household, sex, birth date and stays, so every figure stays the same. Each edit is recorded
and syncs like any other; the audit trail says how many persons and up to which day."""

from __future__ import annotations

import datetime

from peewee import fn

from shelter_app.history import records
from shelter_app.services import audit
from shelter_app.services.access import requires
from shelter_app.storage.models import Household, Person, Stay

ANONYMOUS = "Anonim"


def candidates(left_before: datetime.date) -> list[Person]:
    """Persons whose every stay ended before ``left_before`` and who still carry a name."""
    last_left = (
        Stay.select(Stay.person, fn.MAX(Stay.left_on).alias("last"), fn.COUNT(Stay.id).alias("stays"))
        .where(Stay.deleted_at.is_null())
        .group_by(Stay.person)
    )
    open_stays = Stay.select(Stay.person).where(Stay.deleted_at.is_null(), Stay.left_on.is_null())
    gone = [
        row.person_id
        for row in last_left
        if row.last is not None and row.last < left_before  # a stay still open has no end
    ]
    still_here = {row.person_id for row in open_stays}
    ids = [pid for pid in gone if pid not in still_here]
    if not ids:
        return []
    return list(Person.select().where(Person.id.in_(ids), Person.deleted_at.is_null(), Person.name != ANONYMOUS))


@requires("data.anonymise")
def anonymise(left_before: datetime.date) -> int:
    """Anonymise the persons who left before ``left_before``; returns how many."""
    with records.transaction():
        persons = candidates(left_before)
        households = set()
        for person in persons:
            records.update(
                person,
                name=ANONYMOUS,
                name_key=ANONYMOUS.lower(),
                nik=None,
                phone="",
                notes="",
                disability_note="",
            )
            households.add(person.household_id)
        for household in Household.select().where(Household.id.in_(list(households))):
            members = Person.select().where(Person.household == household.id, Person.deleted_at.is_null())
            if all(member.name == ANONYMOUS for member in members):
                records.update(household, kk=None, address="", notes="")
        audit.record("anonymise", persons=len(persons), target=left_before.isoformat())
    return len(persons)
