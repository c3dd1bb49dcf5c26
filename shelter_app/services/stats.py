"""The figures of every site on a day: population, households, vulnerable groups, arrivals
and departures, and needs and gaps against the standards profile.

These are the numbers the window, the reports and the sync checks rely on. Populations are
computed from stays (through the presence index), never typed.
"""

from __future__ import annotations

import datetime
import math
import uuid
from concurrent.futures import ThreadPoolExecutor

from peewee import SQL, Case, SqliteDatabase, fn

from shelter_app.domain.standards import (
    STATUS_SEVERITY,
    AgeBand,
    Profile,
    persons_per_toilet,
    rice_need,
    status_of,
    supply_gap,
    supply_status,
    whole,
)
from shelter_app.history import records
from shelter_app.services import installations, presence, settings, stock
from shelter_app.services.sites import is_open_on
from shelter_app.storage.models import Presence, Site, Stay, StockItem

VULNERABLE_FLAGS = (
    ("pregnant", presence.FLAG_PREGNANT),
    ("lactating", presence.FLAG_LACTATING),
    ("disability", presence.FLAG_DISABILITY),
    ("chronic_illness", presence.FLAG_CHRONIC),
    ("unaccompanied_child", presence.FLAG_UNACCOMPANIED),
)
COUNT_KEYS = ("persons", "households", "male", "female", "arrivals", "departures", "transfers_in", "transfers_out")
# Arrivals and departures of a day by reason; each set sums to its total.
ARRIVAL_REASONS = ("new", "transferred", "born", "returned_from_hospital")
DEPARTURE_REASONS = ("returned_home", "relocated", "transferred", "hospital", "deceased", "other")


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def band_limits(day: datetime.date, bands: tuple[AgeBand, ...]) -> list[tuple[str, int | None]]:
    """Bands youngest first, each with the birth ordinal its members are born after
    (age < max <=> born after ``day`` minus max years); None for the open last band."""
    ordered = sorted(bands, key=lambda band: band.min_years)
    return [
        (band.name, years_before(day, band.max_years).toordinal() if band.max_years is not None else None)
        for band in ordered
    ]


def _present(day_number: int):
    return (Presence.arrived <= day_number) & (Presence.left.is_null() | (Presence.left > day_number))


def _empty(bands) -> dict:
    figures = {key: 0 for key in COUNT_KEYS}
    figures["age_bands"] = {band.name: {"male": 0, "female": 0, "total": 0} for band in bands}
    figures["vulnerable"] = {name: 0 for name, _bit in VULNERABLE_FLAGS}
    figures["vulnerable"]["female_headed_households"] = 0
    figures["arrivals_by_reason"] = {reason: 0 for reason in ARRIVAL_REASONS}
    figures["departures_by_reason"] = {reason: 0 for reason in DEPARTURE_REASONS}
    return figures


def population(day: datetime.date, site_ids: list | None = None, bands=None) -> dict:
    """{site_id: figures} for the persons present on ``day`` (all sites with anyone present).

    One index scan grouped by site and sex counts the age bands as "born after" sums (no
    sorting of rows); a second one, in household order and at the same time, the households.
    """
    bands = bands or settings.age_bands()
    d = day.toordinal()
    where = _present(d)
    if site_ids is not None:
        where &= Presence.site_id.in_(site_ids)
    limits = band_limits(day, bands)
    born_after = [fn.SUM(Case(None, [(Presence.birth > limit, 1)], 0)) for _name, limit in limits if limit is not None]
    flag_sums = [fn.SUM(Presence.flags.bin_and(bit)) for _name, bit in VULNERABLE_FLAGS]
    rows_query = (
        Presence.select(Presence.site_id, Presence.female, fn.COUNT(SQL("*")), *born_after, *flag_sums)
        .where(where)
        .group_by(Presence.site_id, Presence.female)
        .tuples()
    )
    per_household = (
        Presence.select(Presence.site_id, fn.MAX(Presence.flags.bin_and(presence.FLAG_FEMALE_HEADED)).alias("fh"))
        .where(where)
        .group_by(Presence.site_id, Presence.household_id)
    )
    households_query = (
        Presence.select(per_household.c.site_id, fn.COUNT(SQL("*")), fn.SUM(per_household.c.fh))
        .from_(per_household)
        .group_by(per_household.c.site_id)
        .tuples()
    )
    rows, households = _both(lambda: list(rows_query), lambda: list(households_query))
    result: dict = {}
    for site_id, female, count, *sums in rows:
        figures = result.setdefault(site_id, _empty(bands))
        sex = "female" if female else "male"
        figures["persons"] += count
        figures[sex] += count
        younger = 0  # persons counted in the younger bands so far
        for (name, _limit), born in zip(limits, [*sums[: len(born_after)], count]):
            cell = figures["age_bands"][name]
            cell[sex] += int(born) - younger
            cell["total"] += int(born) - younger
            younger = int(born)
        for (name, bit), value in zip(VULNERABLE_FLAGS, sums[len(born_after) :]):
            figures["vulnerable"][name] += int(value or 0) // bit
    for site_id, count, female_count in households:
        figures = result.setdefault(site_id if isinstance(site_id, uuid.UUID) else uuid.UUID(site_id), _empty(bands))
        figures["households"] = count
        figures["vulnerable"]["female_headed_households"] = int(female_count or 0) // presence.FLAG_FEMALE_HEADED
    _movements_of_the_day(d, site_ids, result, bands)
    return result


def _both(first, second):
    """Two read-only queries at once, on two connections and two cores: SQLite readers do not
    block each other in WAL mode. Inside a transaction (whose writes only its own connection
    sees) or on another database they run one after the other."""
    db = Presence._meta.database.obj
    if not isinstance(db, SqliteDatabase) or db.database == ":memory:" or db.in_transaction():
        return first(), second()

    def on_own_connection():
        try:
            return second()
        finally:
            db.close()  # this thread's connection only

    with ThreadPoolExecutor(max_workers=1) as pool:
        later = pool.submit(on_own_connection)
        return first(), later.result()


def _movements_of_the_day(d: int, site_ids, result: dict, bands) -> None:
    transferred = Presence.came_from.is_null(False)
    arrivals = Presence.select(
        Presence.site_id, fn.COUNT(Presence.stay_id), fn.SUM(Case(None, [(transferred, 1)], 0))
    ).where(Presence.arrived == d)
    moved_out = Presence.leave_reason == "transferred"
    departures = Presence.select(
        Presence.site_id, fn.COUNT(Presence.stay_id), fn.SUM(Case(None, [(moved_out, 1)], 0))
    ).where(Presence.left == d)
    if site_ids is not None:
        arrivals = arrivals.where(Presence.site_id.in_(site_ids))
        departures = departures.where(Presence.site_id.in_(site_ids))
    for site_id, count, transfers in arrivals.group_by(Presence.site_id).tuples():
        figures = result.setdefault(site_id, _empty(bands))
        figures["arrivals"], figures["transfers_in"] = count, int(transfers or 0)
    for site_id, count, transfers in departures.group_by(Presence.site_id).tuples():
        figures = result.setdefault(site_id, _empty(bands))
        figures["departures"], figures["transfers_out"] = count, int(transfers or 0)
    by_reason = Presence.select(Presence.site_id, Presence.leave_reason, fn.COUNT(Presence.stay_id)).where(
        Presence.left == d
    )
    if site_ids is not None:
        by_reason = by_reason.where(Presence.site_id.in_(site_ids))
    for site_id, reason, count in by_reason.group_by(Presence.site_id, Presence.leave_reason).tuples():
        key = reason if reason in DEPARTURE_REASONS else "other"
        result[site_id]["departures_by_reason"][key] += count
    _arrivals_by_reason(d, site_ids, result)


def _arrivals_by_reason(d: int, site_ids, result: dict) -> None:
    """New, transferred in, born at the site, or back from hospital (the person's last stay
    before ended with a hospital referral)."""
    day = datetime.date.fromordinal(d)
    query = Stay.select(Stay.site, Stay.person, Stay.came_from, Stay.arrival_reason).where(
        Stay.arrived_on == day, records.live(Stay)
    )
    if site_ids is not None:
        query = query.where(Stay.site.in_(site_ids))
    arrivals = list(query.tuples())
    plain = [person for _site, person, came_from, reason in arrivals if came_from is None and reason != "born"]
    last_reason: dict = {}
    if plain:
        earlier = (
            Stay.select(Stay.person, Stay.leave_reason)
            .where(Stay.person.in_(plain), Stay.left_on <= day, records.live(Stay))
            .order_by(Stay.left_on)
            .tuples()
        )
        for person, reason in earlier:
            last_reason[person] = reason  # the latest stay before wins
    for site, person, came_from, reason in arrivals:
        if came_from is not None:
            key = "transferred"
        elif reason == "born":
            key = "born"
        elif last_reason.get(person) == "hospital":
            key = "returned_from_hospital"
        else:
            key = "new"
        figures = result.get(site)
        if figures is not None:
            figures["arrivals_by_reason"][key] += 1


def _need(required: float, available: float, unit: str) -> dict:
    return {
        "required": round(required, 2),
        "available": round(available, 2),
        "gap": round(max(required - available, 0), 2),
        "unit": unit,
        "status": status_of(available, required),
    }


def _count_need(required: float, available: int, unit: str) -> dict:
    """A need counted in things (toilets, taps): whole, rounded up."""
    return _need(whole(required), available, unit)


def _supply(per_day: float, on_hand: float, unit: str, profile: Profile) -> dict:
    """Stock against its use: on hand (``available``, in the item's unit), need per day
    (``required``), days of supply, and the shortfall to the target days as the ``gap``.
    The gap is above 0 exactly when the status is not ok: one rule (``supply_status``)."""
    target = profile.supply_days_target
    days = (on_hand / per_day) if per_day > 0 else None
    status = supply_status(days, target)
    gap = supply_gap(per_day, on_hand, target) if status != "ok" else 0.0
    return {
        "required": round(per_day, 2),
        "available": round(on_hand, 2),
        "gap": math.ceil(gap * 100 - 1e-6) / 100 if gap else 0.0,
        "unit": unit,
        "status": status,
        "on_hand": round(on_hand, 2),
        "need_per_day": round(per_day, 2),
        "unit_per_day": f"{unit}/day",
        "days_of_supply": math.floor(days * 10) / 10 if days is not None else None,
        "target_days": target,
    }


def need_per_day(item: StockItem, persons: int, mothers: int, profile: Profile) -> float:
    """What a site uses of a consumable a day: the one computation of every stock need
    (rice by the standards profile, with the extra for pregnant and breast-feeding women)."""
    if item.standard == "rice":
        return rice_need(persons, mothers, profile).total_kg
    return float(item.per_person_per_day) * persons


def mothers_of(figures: dict) -> int:
    return figures["vulnerable"]["pregnant"] + figures["vulnerable"]["lactating"]


def needs(
    figures: dict,
    totals: installations.Totals,
    covered_area: float,
    held: dict,
    consumables: list[StockItem],
    profile: Profile,
    toilet_ratio: float | None = None,
) -> tuple[dict, list[dict]]:
    """Needs and gaps of one site: water, toilets, taps, covered space, rice and other supplies."""
    persons = figures["persons"]
    ratio = toilet_ratio or profile.persons_per_toilet
    out = {
        "water": _need(persons * profile.water_litres_per_person, totals.water_litres_per_day, "L/day"),
        "toilets": _count_need(persons / ratio, totals.toilets, "toilets"),
        "covered_area": _need(persons * profile.covered_m2_per_person, covered_area, "m2"),
    }
    out["toilets"]["persons_per_toilet"] = ratio
    out["toilets"].update(female=totals.toilets_female, male=totals.toilets_male, accessible=totals.toilets_accessible)
    if profile.female_toilets_per_male:
        # Sphere: 3 toilets for women to 1 for men (accessible ones count for both).
        out["toilets"]["female_male_ratio_ok"] = (
            totals.toilets_female >= profile.female_toilets_per_male * totals.toilets_male
        )
    if profile.check_accessible_toilets:
        out["toilets"]["accessible_ok"] = totals.toilets_accessible > 0 or persons == 0
    if covered_area <= 0:  # the floor area was never entered: say so, never "critical"
        out["covered_area"].update(gap=0, status="not_recorded")
    if profile.persons_per_tap:
        out["taps"] = _count_need(persons / profile.persons_per_tap, totals.taps, "taps")
    rice = rice_need(persons, mothers_of(figures), profile)
    rice_item = next((item for item in consumables if item.standard == "rice"), None)
    rice_held = sum(float(held.get(item.id, 0)) for item in consumables if item.standard == "rice")
    out["rice"] = _supply(rice.total_kg, rice_held, rice_item.unit if rice_item else "kg", profile)
    out["rice"].update(
        persons=persons,
        pregnant_lactating=rice.mothers,
        base_kg_per_day=round(rice.base_kg, 2),
        extra_kg_per_day=round(rice.extra_kg, 2),
    )
    supplies = []
    for item in consumables:
        per_day = need_per_day(item, persons, rice.mothers, profile)
        supply = _supply(per_day, float(held.get(item.id, 0)), item.unit, profile)
        supplies.append({"item": item.name, **supply})
    return out, supplies


def figures(day: datetime.date, site_id=None) -> dict:
    """The ``stats --json`` object: ``date``, ``sites`` and ``total``."""
    profile, bands = settings.profile(), settings.age_bands()
    first_phase_days = int(settings.value("sphere_toilet_first_phase_days"))
    query = Site.select().where(records.live(Site), Site.opened_on <= day).order_by(Site.name)
    if site_id is not None:
        query = query.where(Site.id == site_id)
    site_list = list(query)
    ids = [site.id for site in site_list]
    people = population(day, ids if site_id is not None else None, bands)
    working = installations.totals(ids, day)
    held = stock.balances(ids, day)
    consumables = list(
        StockItem.select()
        .where(records.live(StockItem), (StockItem.per_person_per_day > 0) | (StockItem.standard != ""))
        .order_by(StockItem.name)
    )
    sites_out = []
    total = _empty(bands)
    total.update(capacity=0, capacity_day=0, capacity_night=0, needs={}, supplies={})
    for site in site_list:
        site_figures = people.get(site.id) or _empty(bands)
        site_held = {item: amount for (sid, item), amount in held.items() if sid == site.id}
        covered = site.covered_area_m2 + working[site.id].tent_area_m2
        ratio = persons_per_toilet(profile, (day - site.opened_on).days, first_phase_days)
        site_needs, supplies = needs(site_figures, working[site.id], covered, site_held, consumables, profile, ratio)
        capacity = site.capacity_night or site.capacity_day
        entry = {
            "id": site.id.hex,
            "name": site.name,
            "kind": site.kind,
            "village_code": site.village_code,
            "status": "open" if is_open_on(site, day) else "closed",
            "capacity": capacity,
            "capacity_day": site.capacity_day,
            "capacity_night": site.capacity_night,
            "occupancy": round(site_figures["persons"] / capacity, 3) if capacity else None,
            **site_figures,
            "needs": site_needs,
            "supplies": supplies,
            "installations": {
                "water_litres_per_day": working[site.id].water_litres_per_day,
                "toilets": working[site.id].toilets,
                "taps": working[site.id].taps,
                "pallet_area_m2": working[site.id].pallet_area_m2,
                "covered_area_m2": covered,
                "broken": working[site.id].broken,
            },
        }
        sites_out.append(entry)
        _add_into(total, entry)
    if not sites_out:  # an event with no site yet: every need is there, at zero
        total["needs"], _supplies = needs(_empty(bands), installations.Totals(), 0, {}, consumables, profile)
    total["occupancy"] = round(total["persons"] / total["capacity"], 3) if total["capacity"] else None
    total["supplies"] = sorted(total["supplies"].values(), key=lambda s: s["item"])
    # A household whose members stay at two sites is one household of the operation.
    total["households"] = distinct_households(day, ids if site_id is not None else None)
    total["sites_open"] = sum(1 for entry in sites_out if entry["status"] == "open")
    return {"date": day.isoformat(), "standards_profile": profile.code, "sites": sites_out, "total": total}


def distinct_households(day: datetime.date, site_ids=None) -> int:
    """Households with anyone present on ``day``, each counted once whatever its sites."""
    where = _present(day.toordinal())
    if site_ids is not None:
        where &= Presence.site_id.in_(site_ids)
    return Presence.select(fn.COUNT(fn.DISTINCT(Presence.household_id))).where(where).scalar() or 0


TOTAL_RULE = "gap_is_sum_of_site_shortfalls"


def _add_into(total: dict, entry: dict) -> None:
    for key in COUNT_KEYS:
        total[key] += entry[key]
    for movement in ("arrivals_by_reason", "departures_by_reason"):
        for reason, count in entry[movement].items():
            total[movement][reason] += count
    if entry["status"] == "open":  # a closed site holds no one: its capacity is not the operation's
        for key in ("capacity", "capacity_day", "capacity_night"):
            total[key] += entry[key]
    for band, cell in entry["age_bands"].items():
        for sex, count in cell.items():
            total["age_bands"][band][sex] += count
    for name, count in entry["vulnerable"].items():
        total["vulnerable"][name] += count
    for name, need in entry["needs"].items():
        _sum_need(
            total["needs"].setdefault(name, {"required": 0, "available": 0, "gap": 0, "unit": need["unit"]}), need
        )
    for supply in entry["supplies"]:
        _sum_need(
            total["supplies"].setdefault(
                supply["item"],
                {"item": supply["item"], "required": 0, "available": 0, "gap": 0, "unit": supply["unit"]},
            ),
            supply,
        )


def _sum_need(into: dict, need: dict) -> None:
    """Totals add the sites' gaps: a surplus at one site does not feed another. Beside the
    gap, the net balance (everything available less everything required, as if it could be
    moved) and the number of sites short say what the gap is not; the status is the worst
    site's, so the total is not ok exactly when its gap is above 0."""
    for key in ("required", "available", "gap"):
        into[key] = round(into[key] + need[key], 2)
    for key in ("on_hand", "need_per_day", "persons", "pregnant_lactating", "base_kg_per_day", "extra_kg_per_day"):
        if key in need:
            into[key] = round(into.get(key, 0) + need[key], 2)
    for key in ("unit_per_day", "target_days", "persons_per_toilet"):
        if key in need:
            into[key] = need[key]
    worst = STATUS_SEVERITY
    into["status"] = max(into.get("status", "ok"), need["status"], key=worst.__getitem__)
    into["sites_short"] = into.get("sites_short", 0) + (need["status"] != "ok")
    # Stock: on hand less what the target days need; others: available less required.
    into["net_balance"] = round(into["available"] - into["required"] * into.get("target_days", 1), 2)
    into["rule"] = TOTAL_RULE
    if "days_of_supply" in need:
        into["days_of_supply"] = (
            math.floor(into["available"] / into["required"] * 10) / 10 if into["required"] else None
        )


def age_band_of(birth_date: datetime.date, day: datetime.date, bands=None) -> str:
    """The band of one person on a day, computed in Python (for rosters and recounts)."""
    from shelter_app.services.roster import age_on

    age = age_on(birth_date, day)
    for band in sorted(bands or settings.age_bands(), key=lambda b: b.min_years):
        if band.max_years is None or age < band.max_years:
            return band.name
    return sorted(bands or settings.age_bands(), key=lambda b: b.min_years)[-1].name
