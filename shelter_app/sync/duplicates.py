"""The same person registered on two laptops: two records with one NIK after a merge.

A merge never joins them silently: ``same_nik()`` lists them for a coordinator, who merges
one into the other (``merge_persons``). The stays and activity places of the second move to
the first unless they cover the same days (the same stay entered twice), the first keeps its
own values and takes the second's where it had none, and the second becomes a tombstone that
points at the first. Every step is an ordinary change: it travels to the other laptops, and
can be undone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from peewee import fn

from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import _
from shelter_app.services import presence, records
from shelter_app.storage.models import ActivityParticipant, Person, Stay

FILLABLE = ("phone", "notes", "disability_note")  # taken from the second when the first has none
FLAGS = ("pregnant", "lactating", "disability", "chronic_illness", "unaccompanied_child")


@dataclass(frozen=True)
class SamePerson:
    nik: str
    persons: list[Person]  # oldest record first: the one to keep by default


def same_nik() -> list[SamePerson]:
    shared = (Person.select(Person.nik).where(records.live(Person), Person.nik.is_null(False), Person.nik != "")
              .group_by(Person.nik).having(fn.COUNT(Person.id) > 1))
    groups: dict[str, list[Person]] = {}
    for person in (Person.select().where(records.live(Person), Person.nik.in_(shared))
                   .order_by(Person.nik, Person.created_at, Person.id)):
        groups.setdefault(person.nik, []).append(person)
    return [SamePerson(nik, persons) for nik, persons in groups.items()]


def count() -> int:
    return sum(len(group.persons) - 1 for group in same_nik())


def _overlaps(stay: Stay, others: list[Stay]) -> bool:
    end = stay.left_on or datetime.date.max
    return any(stay.arrived_on < (other.left_on or datetime.date.max) and other.arrived_on < end for other in others)


@records.atomic
def merge_persons(keep_id, other_id) -> Person:
    """Merge the person ``other_id`` into ``keep_id`` (both with the same NIK)."""
    keep = records.get(Person, keep_id, "person")
    other = records.get(Person, other_id, "person")
    if keep.id == other.id:
        raise RuleViolation("person", _("Choose two different records to merge."))
    if not keep.nik or keep.nik != other.nik:
        raise RuleViolation("person", _("Only two records with the same NIK can be merged."))
    kept_stays = list(Stay.select().where(Stay.person == keep.id, records.live(Stay)))
    for stay in Stay.select().where(Stay.person == other.id, records.live(Stay)):
        if _overlaps(stay, kept_stays):
            records.delete(stay, note=f"merged into {keep.id.hex}")
        else:
            records.update(stay, person=keep.id)
            kept_stays.append(stay)
    activities = {row.activity_id for row in ActivityParticipant.select().where(
        ActivityParticipant.person == keep.id, records.live(ActivityParticipant))}
    for place in ActivityParticipant.select().where(ActivityParticipant.person == other.id,
                                                    records.live(ActivityParticipant)):
        if place.activity_id in activities:
            records.delete(place, note=f"merged into {keep.id.hex}")
        else:
            records.update(place, person=keep.id)
    filled = {name: getattr(other, name) for name in FILLABLE if not getattr(keep, name) and getattr(other, name)}
    filled.update({name: True for name in FLAGS if getattr(other, name) and not getattr(keep, name)})
    if filled:
        records.update(keep, **filled)
    records.delete(other, note=f"merged into {keep.id.hex}")
    presence.refresh_households({keep.household_id, other.household_id})
    return keep
