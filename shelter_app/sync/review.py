"""What a coordinator reviews after a sync, in words, as the Sync page lists it: edits that lost
to another edit of the same field (conflicts), persons registered twice with one NIK, and
persons at two places at once. Each list is read in a fixed number of queries, whatever its
length."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from shelter_app.domain import identity
from shelter_app.history import conflicts, records
from shelter_app.i18n import tr
from shelter_app.i18n.formats import short_date
from shelter_app.storage.models import Site, Stay
from shelter_app.sync import duplicates
from shelter_app.sync.record_words import describe, field_label, value_text, who_when

CONFLICTS_SHOWN = 500  # the newest; the count says how many wait in all


@dataclass(frozen=True)
class ConflictLine:
    id: int
    record: str
    field: str
    current: str
    current_by: str
    lost: str
    lost_by: str


@dataclass(frozen=True)
class TwiceLine:
    """One person of a group sharing a NIK; the group's first record is the one kept."""

    nik: str  # masked
    person_id: object
    keep_id: object  # the group's first record
    second_id: object  # the group's second record: merged when the first row is chosen
    name: str
    kk: str
    site: str
    registered: str
    role: str


@dataclass(frozen=True)
class PlaceLine:
    """One stay of a pair of overlapping stays of one person; "keep" deletes the other."""

    stay_id: object
    other_id: object  # the other stay of the pair: deleted when this one is kept
    person_id: object
    name: str
    site: str
    arrived: str
    left: str
    recorded: str
    role: str
    other_site: str
    other_arrived: str


def conflict_lines(limit: int = CONFLICTS_SHOWN) -> list[ConflictLine]:
    lines = []
    for conflict in conflicts.listed(limit=limit):
        lines.append(
            ConflictLine(
                conflict.id,
                describe(conflict.record),
                field_label(conflict.table, conflict.field),
                value_text(conflict.table, conflict.field, conflict.current_value),
                who_when(conflict.current_by, conflict.current_at),
                value_text(conflict.table, conflict.field, conflict.lost_value),
                who_when(conflict.lost_by, conflict.lost_at),
            )
        )
    return lines


def where_they_are(person_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Person -> "SDN Cugenang 1 (since 24/11/2022)" from their latest stay, in one query."""
    latest: dict[uuid.UUID, Stay] = {}
    query = (
        Stay.select(Stay, Site)
        .join(Site)
        .where(Stay.person.in_(person_ids), records.live(Stay))
        .order_by(Stay.arrived_on, Stay.id)
    )
    for stay in query:
        latest[stay.person_id] = stay  # ordered by arrival: the last one seen is the latest
    texts = {}
    for person_id in person_ids:
        stay = latest.get(person_id)
        if stay is None:
            texts[person_id] = tr("not checked in")
        elif stay.left_on:
            texts[person_id] = tr("{site} (left {date})", site=stay.site.name, date=short_date(stay.left_on))
        else:
            texts[person_id] = tr("{site} (since {date})", site=stay.site.name, date=short_date(stay.arrived_on))
    return texts


def twice_lines() -> list[TwiceLine]:
    groups = duplicates.same_nik()
    places = where_they_are([person.id for group in groups for person in group.persons])
    lines = []
    for group in groups:
        keep, second = group.persons[0], group.persons[1]
        for person in group.persons:
            kk = person.household.kk
            role = tr("kept") if person is keep else tr("merged into {name}", name=keep.name)
            lines.append(
                TwiceLine(
                    identity.mask(group.nik),
                    person.id,
                    keep.id,
                    second.id,
                    person.name,
                    identity.mask(kk) if kk else tr("no KK"),
                    places[person.id],
                    who_when(person.created_by, person.created_at),
                    role,
                )
            )
    return lines


def place_lines() -> list[PlaceLine]:
    """Each pair of overlapping stays as two rows, the older arrival first."""
    lines = []
    for pair in duplicates.two_places():
        for stay, other in (pair.stays, pair.stays[::-1]):
            lines.append(
                PlaceLine(
                    stay.id,
                    other.id,
                    pair.person.id,
                    pair.person.name,
                    stay.site.name,
                    short_date(stay.arrived_on),
                    short_date(stay.left_on) if stay.left_on else tr("still there"),
                    who_when(stay.created_by, stay.created_at),
                    tr(
                        "the stay at {site} from {date} is deleted",
                        site=other.site.name,
                        date=short_date(other.arrived_on),
                    ),
                    other.site.name,
                    short_date(other.arrived_on),
                )
            )
    return lines
