"""What a merge of two laptops' data can double, for a coordinator to settle.

The same person registered on two laptops: two records with one NIK after a merge. A merge
never joins them silently: ``same_nik()`` lists them for a coordinator, who merges one into
the other (``merge_persons``). The stays and activity places of the second move to the first
unless they cover the same days (the same stay entered twice), the first keeps its own
values and takes the second's where it had none, and the second becomes a tombstone that
points at the first.

The same person at two places at once: one laptop checks a person in at one site while
another, not yet synced, checks them in at another (or at the same one). Each laptop kept
the rule "one site per person at a time" (``services.stays``), but after the merge the
person has two live stays that overlap and the figures count them twice. ``two_places()``
lists each such pair for a coordinator, who keeps the stay that is right (``keep_stay``):
the other is deleted.

Every step is an ordinary change: it travels to the other laptops, and can be undone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from peewee import JOIN, fn

from shelter_app.domain.errors import RuleViolation
from shelter_app.history import records
from shelter_app.i18n import _
from shelter_app.services import presence
from shelter_app.services.access import requires
from shelter_app.storage.models import ActivityParticipant, Household, Person, Site, Stay

FILLABLE = ("phone", "notes", "disability_note")  # taken from the second when the first has none
FLAGS = ("pregnant", "lactating", "disability", "chronic_illness", "unaccompanied_child")


@dataclass(frozen=True)
class SamePerson:
    nik: str
    persons: list[Person]  # oldest record first: the one to keep by default


def same_nik() -> list[SamePerson]:
    shared = (
        Person.select(Person.nik)
        .where(records.live(Person), Person.nik.is_null(False), Person.nik != "")
        .group_by(Person.nik)
        .having(fn.COUNT(Person.id) > 1)
    )
    groups: dict[str, list[Person]] = {}
    for person in (
        Person.select(Person, Household)
        .join(Household)  # each person's KK, in the same query
        .where(records.live(Person), Person.nik.in_(shared))
        .order_by(Person.nik, Person.created_at, Person.id)
    ):
        groups.setdefault(person.nik, []).append(person)
    return [SamePerson(nik, persons) for nik, persons in groups.items()]


def count() -> int:
    return sum(len(group.persons) - 1 for group in same_nik())


@dataclass(frozen=True)
class TwoPlaces:
    """A person with two live stays that overlap in time."""

    person: Person
    stays: tuple[Stay, Stay]  # oldest arrival first (then by id: the same order on every laptop)


def two_places() -> list[TwoPlaces]:
    """Every pair of live stays of one (live) person that overlap, in one query: by person name,
    then arrival. A person with three overlapping stays gives three pairs."""
    Other = Stay.alias("other")
    OtherSite = Site.alias("other_site")
    first_is_older = (Stay.arrived_on < Other.arrived_on) | (
        (Stay.arrived_on == Other.arrived_on) & (Stay.id < Other.id)
    )
    overlapping = (Other.left_on.is_null() | (Stay.arrived_on < Other.left_on)) & (
        Stay.left_on.is_null() | (Other.arrived_on < Stay.left_on)
    )
    # Person and sites always exist (required foreign keys): outer joins only so that SQLite
    # looks them up for the few pairs found, not for every stay (twice as fast on 100,000).
    query = (
        Stay.select(Stay, Other, Person, Site, OtherSite)
        .join(Other, on=((Other.person == Stay.person) & first_is_older & overlapping), attr="other")
        .switch(Stay)
        .join(Person, JOIN.LEFT_OUTER)
        .switch(Stay)
        .join(Site, JOIN.LEFT_OUTER)
        .join_from(Other, OtherSite, JOIN.LEFT_OUTER, on=(Other.site == OtherSite.id), attr="site")
        .where(records.live(Stay), Other.deleted_at.is_null(), records.live(Person))
        .order_by(Person.name, Person.id, Stay.arrived_on, Stay.id, Other.arrived_on, Other.id)
    )
    found = []
    for stay in query:
        other = stay.other
        other.person = stay.person
        found.append(TwoPlaces(stay.person, (stay, other)))
    return found


def two_places_count() -> int:
    """How many persons are at two places at once (a person with three overlapping stays counts once)."""
    return len({pair.person.id for pair in two_places()})


def _overlap(stay: Stay, other: Stay) -> bool:
    return stay.arrived_on < (other.left_on or datetime.date.max) and other.arrived_on < (
        stay.left_on or datetime.date.max
    )


@requires("sync.settle")
@records.atomic
def keep_stay(stay_id, drop_stay_id) -> Stay:
    """Keep one of two overlapping stays of a person and delete the other (the person was at
    one place at a time); the figures count the person once again."""
    keep = records.get(Stay, stay_id, "stay", include_deleted=True)
    drop = records.get(Stay, drop_stay_id, "stay", include_deleted=True)
    if keep.id == drop.id:
        raise RuleViolation("stay", _("Choose two different stays: one to keep, one to delete."))
    if keep.deleted_at is not None or drop.deleted_at is not None:
        raise RuleViolation(
            "stay", _("One of these stays was already deleted, perhaps on another laptop; reload the list.")
        )
    if keep.person_id != drop.person_id:
        raise RuleViolation(
            "stay", _("These two stays belong to different persons; only two stays of the same person can be settled.")
        )
    if not _overlap(keep, drop):
        raise RuleViolation(
            "stay", _("These two stays do not overlap: the person was at one place at a time, and both stays are kept.")
        )
    records.delete(drop, note=f"at two places at once: kept {keep.id.hex}")
    person = Person.get_by_id(keep.person_id)
    presence.refresh_households({person.household_id})
    return keep


def _overlaps(stay: Stay, others: list[Stay]) -> bool:
    return any(_overlap(stay, other) for other in others)


@requires("sync.settle")
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
    activities = {
        row.activity_id
        for row in ActivityParticipant.select().where(
            ActivityParticipant.person == keep.id, records.live(ActivityParticipant)
        )
    }
    for place in ActivityParticipant.select().where(
        ActivityParticipant.person == other.id, records.live(ActivityParticipant)
    ):
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
