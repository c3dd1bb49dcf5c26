"""The residents of a site on a day, grouped by household, as plain data for printouts.

Read in one pass from the presence index that ``stats.figures`` counts, so a printed
roster's totals are the figures' totals, and a site of 5,000 residents costs one query
instead of thousands of per-household round trips.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

from shelter_app.history import records
from shelter_app.services import presence
from shelter_app.services.access import requires
from shelter_app.storage.models import Household, Person, Presence

RELATIONSHIP_ORDER = (
    "head",
    "husband",
    "wife",
    "child",
    "child_in_law",
    "grandchild",
    "parent",
    "parent_in_law",
    "relative",
    "helper",
    "other",
)
FACT_FLAGS = (
    ("pregnant", presence.FLAG_PREGNANT),
    ("lactating", presence.FLAG_LACTATING),
    ("disability", presence.FLAG_DISABILITY),
    ("chronic_illness", presence.FLAG_CHRONIC),
    ("unaccompanied_child", presence.FLAG_UNACCOMPANIED),
)


@dataclass(slots=True)
class Resident:
    name: str
    nik: str | None
    sex: str  # L / P
    birth_date: datetime.date
    birth_date_estimated: bool
    relationship: str
    facts: tuple[str, ...] = ()  # pregnant, lactating, disability, chronic_illness, unaccompanied_child


@dataclass
class ResidentHousehold:
    id: uuid.UUID
    kk: str | None
    address: str
    members: list[Resident] = field(default_factory=list)  # present at the site on the day, head first

    @property
    def head(self) -> Resident | None:
        return next((m for m in self.members if m.relationship == "head"), None)


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


@requires("roster.view")
def residents_by_household(site_id, day: datetime.date) -> list[ResidentHousehold]:
    """The households with members at a site on a day, ordered by the name of their head."""
    d = day.toordinal()
    site_key = _uuid(site_id)
    # Facts, sex and birth come from the presence row as small integers; the household id as
    # its stored text, turned into a UUID once per household rather than once per person.
    query = (
        Presence.select(
            Presence.flags,
            Presence.female,
            Presence.birth,
            Person.name,
            Person.nik,
            Person.birth_date_estimated,
            Person.relationship,
            Household.id.cast("text"),
            Household.kk,
            Household.address,
        )
        .join(Person, on=(Presence.person_id == Person.id))
        .join(Household, on=(Person.household == Household.id))
        .where(
            Presence.site_id == site_key,
            Presence.arrived <= d,
            Presence.left.is_null() | (Presence.left > d),
            records.live(Person),
        )
    )
    households: dict = {}
    facts_of: dict[int, tuple[str, ...]] = {}
    # Plain rows from the cursor (text and small integers), converted here once: for 5,000
    # residents the model layer's per-value conversions cost more than the query itself.
    cursor = Presence._meta.database.execute(query)
    for flags, female, birth, name, nik, estimated, relationship, household_key, kk, address in cursor:
        facts = facts_of.get(flags)
        if facts is None:
            facts = facts_of[flags] = tuple(fact for fact, bit in FACT_FLAGS if flags & bit)
        household = households.get(household_key)
        if household is None:
            household = households[household_key] = ResidentHousehold(_uuid(household_key), kk, address)
        household.members.append(
            Resident(
                name,
                nik,
                "P" if female else "L",
                datetime.date.fromordinal(birth),
                bool(estimated),
                relationship,
                facts,
            )
        )
    rank = {code: index for index, code in enumerate(RELATIONSHIP_ORDER)}
    for household in households.values():
        household.members.sort(key=lambda m: (rank.get(m.relationship, len(rank)), m.birth_date, m.name))
    return sorted(households.values(), key=lambda h: (h.members[0].name.lower(), h.id.hex))
