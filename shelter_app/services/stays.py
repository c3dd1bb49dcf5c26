"""Check-in, transfer and check-out: the stays from which every population is computed."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

from shelter_app.domain import choices
from shelter_app.domain.errors import Notice, RuleViolation
from shelter_app.history import records
from shelter_app.history.records import atomic
from shelter_app.i18n import _, ngettext
from shelter_app.services import checks, presence
from shelter_app.services.access import requires
from shelter_app.storage.models import Household, Person, Presence, Site, Stay


@dataclass
class Moved:
    stays: list[Stay] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


def _persons(person_ids) -> list[Person]:
    ids = list(dict.fromkeys(person_ids))
    if not ids:
        raise RuleViolation("persons", _("Choose at least one person."))
    return [records.get(Person, pid, "persons") for pid in ids]


def _open_site(site_id, day: datetime.date, field_name: str = "site") -> Site:
    site = records.get(Site, site_id, field_name)
    if day < site.opened_on or (site.closed_on is not None and day >= site.closed_on):
        raise RuleViolation(
            field_name,
            _("{site} is not open on {date}; reopen it or choose another site.", site=site.name, date=day.isoformat()),
        )
    return site


@requires("roster.view")
def stay_on(person_id, day: datetime.date) -> Stay | None:
    """The stay that covers ``day`` for this person, if any."""
    return (
        Stay.select()
        .where(
            Stay.person == person_id,
            records.live(Stay),
            Stay.arrived_on <= day,
            Stay.left_on.is_null() | (Stay.left_on > day),
        )
        .first()
    )


def _later_stay(person_id, day: datetime.date, exclude=None) -> Stay | None:
    """A stay that covers ``day`` or any day after it."""
    query = Stay.select().where(
        Stay.person == person_id, records.live(Stay), Stay.left_on.is_null() | (Stay.left_on > day)
    )
    if exclude is not None:
        query = query.where(Stay.id != exclude)
    return query.first()


@requires("roster.view")
def residents(site_id, day: datetime.date) -> list[uuid.UUID]:
    """Ids of the persons at a site on a day (computed, never typed)."""
    d = day.toordinal()
    query = Presence.select(Presence.person_id).where(
        Presence.site_id == site_id, Presence.arrived <= d, Presence.left.is_null() | (Presence.left > d)
    )
    return [row[0] for row in query.tuples()]


def _capacity_notice(site: Site, day: datetime.date) -> list[Notice]:
    capacity = site.capacity_night or site.capacity_day
    after = len(residents(site.id, day))
    if capacity and after > capacity:
        return [
            Notice(
                "site",
                ngettext(
                    "{site} holds {n} person on {date}, over its capacity of {capacity}.",
                    "{site} holds {n} persons on {date}, over its capacity of {capacity}.",
                    after,
                    site=site.name,
                    date=day.isoformat(),
                    capacity=capacity,
                ),
                code="over_capacity",
            )
        ]
    return []


def _event_start(site: Site) -> datetime.date:
    return site.event.started_on


@requires("stays.edit")
@atomic
def check_in(person_ids, site_id, arrived_on) -> Moved:
    """Persons arrive at a site. Over capacity is allowed, with a warning."""
    persons = _persons(person_ids)
    site = records.get(Site, site_id, "site")
    day = checks.date("arrived_on", arrived_on, "Arrival date", _event_start(site))
    site = _open_site(site_id, day)
    moved = Moved()
    for person in persons:
        other = _later_stay(person.id, day)
        if other is not None:
            raise RuleViolation(
                "persons",
                _(
                    "{name} is already at {site} from {date}; transfer or check out instead.",
                    name=person.name,
                    site=other.site.name,
                    date=other.arrived_on.isoformat(),
                ),
            )
        moved.stays.append(records.create(Stay, person=person, site=site, arrived_on=day))
    presence.refresh_persons([p.id for p in persons])
    moved.notices += _capacity_notice(site, day)
    return moved


@requires("roster.view")
def find_household(number: str) -> Household:
    """The household of a KK number, or of the person with that NIK (e.g. the mother's)."""
    digits = "".join(ch for ch in str(number or "") if ch.isdigit())
    found = Household.get_or_none((Household.kk == digits) & records.live(Household)) if digits else None
    if found is None and digits:
        person = Person.get_or_none((Person.nik == digits) & records.live(Person))
        found = person.household if person is not None else None
    if found is None:
        raise RuleViolation(
            "household", _("No household has KK or a member with NIK {number}; check the number.", number=number)
        )
    return found


@requires("stays.edit")
@atomic
def record_birth(household_id, site_id, born_on, name: str, sex: str, **facts) -> Moved:
    """A baby born to a household staying at a site: a new member of the household, born on
    ``born_on``, who arrives at the site that day by birth (reported as a birth, not a new
    arrival). Someone of the household must stay at the site that day."""
    from shelter_app.services import roster  # roster imports stays

    site = records.get(Site, site_id, "site")
    day = checks.date("born_on", born_on, "Date of birth", _event_start(site))
    site = _open_site(site_id, day)
    d = day.toordinal()
    family_here = (
        Presence.select()
        .where(
            Presence.household_id == records.get(Household, household_id, "household").id,
            Presence.site_id == site.id,
            Presence.arrived <= d,
            Presence.left.is_null() | (Presence.left > d),
        )
        .exists()
    )
    if not family_here:
        raise RuleViolation(
            "household",
            _(
                "No one of this household stays at {site} on {date}: check the mother in first, or choose her site.",
                site=site.name,
                date=day.isoformat(),
            ),
        )
    facts.setdefault("relationship", "child")
    saved = roster.add_person(household_id, confirmed=True, today=day, name=name, sex=sex, birth_date=day, **facts)
    moved = Moved(notices=list(saved.notices))
    moved.stays.append(records.create(Stay, person=saved.person, site=site, arrived_on=day, arrival_reason="born"))
    presence.refresh_persons([saved.person.id])
    return moved


@requires("stays.edit")
@atomic
def transfer(person_ids, to_site_id, moved_on, note: str = "") -> Moved:
    """Persons move from their current site to another on the same day."""
    persons = _persons(person_ids)
    target = records.get(Site, to_site_id, "to_site")
    day = checks.date("moved_on", moved_on, "Transfer date", _event_start(target))
    target = _open_site(to_site_id, day, "to_site")
    moved = Moved()
    for person in persons:
        current = stay_on(person.id, day)
        if current is None or current.left_on is not None:
            raise RuleViolation(
                "persons",
                _(
                    "{name} is not at any site on {date}; check them in instead.",
                    name=person.name,
                    date=day.isoformat(),
                ),
            )
        if current.site_id == target.id:
            raise RuleViolation("to_site", _("{name} is already at {site}.", name=person.name, site=target.name))
        if current.arrived_on == day:
            raise RuleViolation(
                "moved_on",
                _(
                    "{name} arrived at {site} on {date}; correct that arrival instead of transferring on the same day.",
                    name=person.name,
                    site=current.site.name,
                    date=day.isoformat(),
                ),
            )
        records.update(
            current,
            left_on=day,
            leave_reason="transferred",
            leave_note=checks.text("note", note, "Note", required=False, max_length=1000),
        )
        moved.stays.append(records.create(Stay, person=person, site=target, arrived_on=day, came_from=current.site_id))
    presence.refresh_persons([p.id for p in persons])
    moved.notices += _capacity_notice(target, day)
    return moved


@requires("stays.edit")
@atomic
def check_out(person_ids, left_on, reason: str, note: str = "") -> Moved:
    """Persons leave the site they are at: returned home, relocated, hospital, deceased..."""
    persons = _persons(person_ids)
    reasons = {k: v for k, v in choices.LEAVE_REASONS.items() if k != "transferred"}
    reason = checks.choice("reason", reason, reasons, "Reason for leaving")
    moved = Moved()
    for person in persons:
        current = _later_stay(person.id, datetime.date.min)
        if current is None or current.left_on is not None:
            raise RuleViolation("persons", _("{name} is not staying at any site.", name=person.name))
        day = checks.date("left_on", left_on, "Departure date", current.arrived_on)
        if day == current.arrived_on:
            raise RuleViolation(
                "left_on",
                _(
                    "{name} arrived on {date}; a departure must be at least one day later, or delete the arrival.",
                    name=person.name,
                    date=day.isoformat(),
                ),
            )
        records.update(
            current,
            left_on=day,
            leave_reason=reason,
            leave_note=checks.text("note", note, "Note", required=False, max_length=1000),
        )
        moved.stays.append(current)
    presence.refresh_persons([p.id for p in persons])
    return moved


@requires("stays.edit")
@atomic
def correct_stay(stay_id, arrived_on=None, left_on=None, leave_reason=None) -> Stay:
    """Correct the dates of a stay typed wrongly; the history keeps the old values."""
    stay = records.get(Stay, stay_id, "stay")
    changes = {}
    arrival = (
        checks.date("arrived_on", arrived_on, "Arrival date", _event_start(stay.site))
        if arrived_on
        else stay.arrived_on
    )
    departure = stay.left_on
    if left_on is not None:
        departure = checks.date("left_on", left_on, "Departure date", arrival) if left_on else None
    if departure is not None and departure <= arrival:
        raise RuleViolation("left_on", _("The departure must be after the arrival."))
    overlapping = Stay.select().where(
        Stay.person == stay.person_id,
        Stay.id != stay.id,
        records.live(Stay),
        Stay.left_on.is_null() | (Stay.left_on > arrival),
    )
    if departure is not None:
        overlapping = overlapping.where(Stay.arrived_on < departure)
    if overlapping.exists():
        raise RuleViolation("arrived_on", _("These dates overlap another stay of the same person."))
    changes.update(arrived_on=arrival, left_on=departure)
    if departure is None:
        changes["leave_reason"] = None
    elif leave_reason:
        changes["leave_reason"] = checks.choice(
            "leave_reason", leave_reason, choices.LEAVE_REASONS, "Reason for leaving"
        )
    records.update(stay, **changes)
    presence.refresh_persons([stay.person_id])
    return stay


@requires("roster.view")
def stays_of(person_id) -> list[Stay]:
    return list(Stay.select().where(Stay.person == person_id).order_by(Stay.arrived_on))
