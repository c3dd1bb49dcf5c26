"""Read-only views of sites for the window: the site list with today's population, a site's
residents (a page at a time), its stock on hand, its activities, its installations and their
state history.

Built on ``services.sites``, ``stays`` (the presence index), ``installations``, ``stock`` and
``activities``; rows are small dataclasses a table model shows directly. Labels that depend on
the language are properties, so they follow the language the window speaks when shown.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from peewee import SQL, Case, fn

from shelter_app.domain import choices, regions
from shelter_app.history import records
from shelter_app.services import activities, installations, stock
from shelter_app.services.access import requires
from shelter_app.services.roster import age_on
from shelter_app.services.sites import is_open_on
from shelter_app.storage.models import ActivityParticipant, Household, Person, Presence, Site

ZERO = Decimal(0)


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _present_on(day: datetime.date):
    d = day.toordinal()
    return (Presence.arrived <= d) & (Presence.left.is_null() | (Presence.left > d))


def village_label(code: str) -> str:
    """ "Gasol, Cugenang": the village and its district, short enough for a table cell."""
    village = regions.village(code) if code else None
    if village is None:
        return code or ""
    district = regions.parent(village)
    return f"{village.name}, {district.name}" if district else village.name


# --- sites ----------------------------------------------------------------------------------


@dataclass
class SiteRow:
    id: uuid.UUID
    name: str
    kind: str
    village_code: str
    village: str
    status: str  # open / closed on the day
    opened_on: datetime.date
    closed_on: datetime.date | None
    capacity_day: int
    capacity_night: int
    persons: int
    occupancy: float | None  # persons / capacity (night, else day); None without a capacity

    @property
    def kind_label(self) -> str:
        return choices.label(choices.SITE_KINDS, self.kind)

    @property
    def status_label(self) -> str:
        return choices.label(choices.SITE_STATUSES, self.status)


def persons_per_site(day: datetime.date, site_ids=None) -> dict[uuid.UUID, int]:
    """How many persons each site holds on a day: one grouped scan of the presence index."""
    query = Presence.select(Presence.site_id, fn.COUNT(Presence.stay_id)).where(_present_on(day))
    if site_ids is not None:
        query = query.where(Presence.site_id.in_([_uuid(s) for s in site_ids]))
    return {site_id: count for site_id, count in query.group_by(Presence.site_id).tuples()}


def site_rows(day: datetime.date) -> list[SiteRow]:
    """Every site with its population and occupancy on a day."""
    counts = persons_per_site(day)
    rows = []
    for site in Site.select().where(records.live(Site)).order_by(Site.name):
        persons = counts.get(site.id, 0)
        capacity = site.capacity_night or site.capacity_day
        rows.append(
            SiteRow(
                site.id,
                site.name,
                site.kind,
                site.village_code,
                village_label(site.village_code),
                "open" if is_open_on(site, day) else "closed",
                site.opened_on,
                site.closed_on,
                site.capacity_day,
                site.capacity_night,
                persons,
                (persons / capacity) if capacity else None,
            )
        )
    return rows


def site(site_id) -> Site:
    """One site (with its event) for the details panel and the edit dialog."""
    return records.get(Site, _uuid(site_id), "site")


# --- residents ------------------------------------------------------------------------------


@dataclass
class ResidentRow:
    person_id: uuid.UUID
    household_id: uuid.UUID
    name: str
    sex: str
    age: int
    age_estimated: bool
    relationship: str
    nik: str
    kk: str
    household: str  # the head's name; the KK when nobody is marked as head
    arrived_on: datetime.date

    @property
    def sex_label(self) -> str:
        return choices.label(choices.SEXES, self.sex)

    @property
    def relationship_label(self) -> str:
        return choices.label(choices.RELATIONSHIPS, self.relationship)

    @property
    def age_text(self) -> str:
        return f"±{self.age}" if self.age_estimated else str(self.age)


@requires("roster.view")
def resident_summary(site_id, day: datetime.date) -> tuple[int, int]:
    """(persons, households) at a site on a day."""
    site_id = _uuid(site_id)
    persons, households = (
        Presence.select(fn.COUNT(Presence.stay_id), fn.COUNT(Presence.household_id.distinct()))
        .where(Presence.site_id == site_id, _present_on(day))
        .tuples()
        .get()
    )
    return int(persons or 0), int(households or 0)


def _head_name():
    head = Person.alias("head")
    return (
        head.select(head.name)
        .where(head.household == Person.household, head.relationship == "head", head.deleted_at.is_null())
        .order_by(head.created_at)
        .limit(1)
    )


RESIDENT_SORTS = {
    "household": None,  # head's name, household, head first, name
    "name": Person.name_key,
    "sex": Person.sex,
    "sex_label": Person.sex,
    "age_text": Person.birth_date,  # older first when ascending is reversed below
    "age": Person.birth_date,
    "relationship_label": Person.relationship,
    "relationship": Person.relationship,
    "nik": Person.nik,
    "kk": Household.kk,
    "arrived_on": Presence.arrived,
}


def _resident_order(sort_key: str | None, descending: bool) -> list:
    head_first = Case(None, [(Person.relationship == "head", 0)], 1)
    key = sort_key if sort_key in RESIDENT_SORTS else "household"
    if key == "household":
        head_name = SQL("head_name")
        return [head_name.desc() if descending else head_name.asc(), Person.household, head_first, Person.name_key]
    field = RESIDENT_SORTS[key]
    if key in ("age", "age_text"):
        descending = not descending  # ascending age = latest birth date first
    return [field.desc() if descending else field.asc(), Person.name_key, Person.id]


@requires("roster.view")
def resident_ids(
    site_id, day: datetime.date, sort_key: str | None = "household", descending: bool = False
) -> list[uuid.UUID]:
    """The ids of the persons at a site on a day, in the order asked for.

    One sorted query; the window keeps the list and loads the rows of each page by id, so
    scrolling through 20,000 residents never sorts them again.
    """
    site_id = _uuid(site_id)
    columns = [Person.id]
    if (sort_key if sort_key in RESIDENT_SORTS else "household") == "household":
        columns.append(_head_name().alias("head_name"))
    query = (
        Person.select(*columns)
        .join(Presence, on=(Presence.person_id == Person.id))
        .switch(Person)
        .join(Household)
        .where(Presence.site_id == site_id, _present_on(day))
        .order_by(*_resident_order(sort_key, descending))
        .tuples()
    )
    return [row[0] for row in query]


@requires("roster.view")
def resident_rows(site_id, day: datetime.date, person_ids: list) -> list[ResidentRow]:
    """The rows of these residents (a page of ``resident_ids``), in the same order."""
    site_id = _uuid(site_id)
    if not person_ids:
        return []
    query = (
        Person.select(
            Person.id,
            Person.household,
            Person.name,
            Person.sex,
            Person.birth_date,
            Person.birth_date_estimated,
            Person.relationship,
            Person.nik,
            Household.kk,
            _head_name().alias("head_name"),
            Presence.arrived,
        )
        .join(Presence, on=(Presence.person_id == Person.id))
        .switch(Person)
        .join(Household)
        .where(Person.id.in_(list(person_ids)), Presence.site_id == site_id, _present_on(day))
        .tuples()
    )
    found = {}
    for person_id, household_id, name, sex, birth, estimated, relationship, nik, kk, head, arrived in query:
        found[person_id] = ResidentRow(
            person_id,
            household_id,
            name,
            sex,
            age_on(birth, day),
            bool(estimated),
            relationship,
            nik or "",
            kk or "",
            head or (kk or ""),
            datetime.date.fromordinal(arrived),
        )
    return [found[pid] for pid in person_ids if pid in found]


# --- stock ----------------------------------------------------------------------------------


@dataclass
class StockRow:
    item_id: uuid.UUID
    name: str
    category: str
    unit: str
    on_hand: Decimal
    low_stock_level: Decimal

    @property
    def low(self) -> bool:
        return bool(self.low_stock_level) and self.on_hand < self.low_stock_level

    @property
    def category_label(self) -> str:
        return choices.label(choices.STOCK_CATEGORIES, self.category)


def stock_rows(site_id, day: datetime.date) -> list[StockRow]:
    """Items held at a site on a day, and items below their low-stock level (even at zero)."""
    site_id = _uuid(site_id)
    held = stock.balances([site_id], day)
    rows = []
    for item in stock.items():
        amount = held.get((site_id, item.id), ZERO)
        level = Decimal(str(item.low_stock_level or 0))
        if amount or (level and amount < level):
            rows.append(StockRow(item.id, item.name, item.category, item.unit, amount, level))
    return rows


# --- activities -----------------------------------------------------------------------------


@dataclass
class ActivityRow:
    id: uuid.UUID
    kind: str
    title: str
    held_on: datetime.date
    ends_on: datetime.date | None
    facilitator: str
    participants: int

    @property
    def kind_label(self) -> str:
        return choices.label(choices.ACTIVITY_KINDS, self.kind)


def activity_rows(site_id) -> list[ActivityRow]:
    found = activities.activities(_uuid(site_id))
    counts = (
        dict(
            ActivityParticipant.select(ActivityParticipant.activity, fn.COUNT(ActivityParticipant.id))
            .where(ActivityParticipant.activity.in_([a.id for a in found]), records.live(ActivityParticipant))
            .group_by(ActivityParticipant.activity)
            .tuples()
        )
        if found
        else {}
    )
    return [ActivityRow(a.id, a.kind, a.title, a.held_on, a.ends_on, a.facilitator, counts.get(a.id, 0)) for a in found]


# --- installations --------------------------------------------------------------------------


@dataclass
class InstallationRow:
    id: uuid.UUID
    kind: str
    name: str
    subkind: str
    quantity: int
    litres_per_day: float
    toilets_female: int
    toilets_male: int
    toilets_accessible: int
    floor_area_m2: float
    power_kw: float
    state: str  # now
    state_since: datetime.date
    state_on_day: str | None  # on the day asked for; None when it did not exist yet
    notes: str

    @property
    def kind_label(self) -> str:
        return choices.label(choices.INSTALLATION_KINDS, self.kind)

    @property
    def subkind_label(self) -> str:
        return choices.label(choices.WATER_KINDS, self.subkind) if self.subkind else ""

    @property
    def state_label(self) -> str:
        return choices.label(choices.INSTALLATION_STATES, self.state)

    @property
    def state_on_day_label(self) -> str:
        return choices.label(choices.INSTALLATION_STATES, self.state_on_day) if self.state_on_day else "–"

    @property
    def toilets(self) -> str:
        if self.kind != "toilet":
            return ""
        return f"{self.toilets_female} / {self.toilets_male} / {self.toilets_accessible}"


def installation_rows(site_id, day: datetime.date | None = None) -> list[InstallationRow]:
    site_id = _uuid(site_id)
    found = installations.installations(site_id)
    on_day = installations.states_on([site_id], day) if day else {}
    return [
        InstallationRow(
            i.id,
            i.kind,
            i.name,
            i.subkind,
            i.quantity,
            i.litres_per_day,
            i.toilets_female,
            i.toilets_male,
            i.toilets_accessible,
            i.floor_area_m2,
            i.power_kw,
            i.state,
            i.state_since,
            on_day.get(i.id) if day else i.state,
            i.notes,
        )
        for i in found
    ]


@dataclass
class StateRow:
    changed_on: datetime.date
    state: str
    note: str
    recorded_by: str
    recorded_at: datetime.datetime

    @property
    def state_label(self) -> str:
        return choices.label(choices.INSTALLATION_STATES, self.state)


def state_rows(installation_id) -> list[StateRow]:
    """Every state an installation went through, oldest first; corrections never erase one."""
    return [
        StateRow(s.changed_on, s.state, s.note, s.created_by, s.created_at)
        for s in installations.state_history(_uuid(installation_id))
    ]
