"""The figures of every site on a day: population, households, vulnerable groups, arrivals
and departures, and needs and gaps against the standards profile.

These are the numbers the window, the reports and the sync checks rely on. Populations are
computed from stays (through the presence index), never typed.
"""

from __future__ import annotations

import datetime
import uuid
from concurrent.futures import ThreadPoolExecutor

from peewee import SQL, Case, SqliteDatabase, fn

from shelter_app.domain.standards import AgeBand, Profile, status_of, supply_status
from shelter_app.history import records
from shelter_app.services import installations, presence, settings, stock
from shelter_app.services.sites import is_open_on
from shelter_app.storage.models import Presence, Site, StockItem

VULNERABLE_FLAGS = (
    ("pregnant", presence.FLAG_PREGNANT),
    ("lactating", presence.FLAG_LACTATING),
    ("disability", presence.FLAG_DISABILITY),
    ("chronic_illness", presence.FLAG_CHRONIC),
    ("unaccompanied_child", presence.FLAG_UNACCOMPANIED),
)
COUNT_KEYS = ("persons", "households", "male", "female", "arrivals", "departures", "transfers_in", "transfers_out")


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


def _need(required: float, available: float, unit: str) -> dict:
    return {
        "required": round(required, 2),
        "available": round(available, 2),
        "gap": round(max(required - available, 0), 2),
        "unit": unit,
        "status": status_of(available, required),
    }


def _supply(required_per_day: float, on_hand: float, unit: str, profile: Profile) -> dict:
    days = (on_hand / required_per_day) if required_per_day > 0 else None
    need = _need(required_per_day, on_hand, unit)
    need["days_of_supply"] = round(days, 1) if days is not None else None
    need["status"] = supply_status(days, profile.supply_days_target)
    return need


def needs(
    figures: dict,
    totals: installations.Totals,
    covered_area: float,
    held: dict,
    consumables: list[StockItem],
    profile: Profile,
) -> tuple[dict, list[dict]]:
    """Needs and gaps of one site: water, toilets, taps, covered space, rice and other supplies."""
    persons = figures["persons"]
    out = {
        "water": _need(persons * profile.water_litres_per_person, totals.water_litres_per_day, "L/day"),
        "toilets": _need(persons / profile.persons_per_toilet if persons else 0, totals.toilets, "toilets"),
        "covered_area": _need(persons * profile.covered_m2_per_person, covered_area, "m2"),
    }
    if covered_area <= 0:  # the floor area was never entered: say so, never "critical"
        out["covered_area"].update(gap=0, status="not_recorded")
    if profile.persons_per_tap:
        out["taps"] = _need(persons / profile.persons_per_tap if persons else 0, totals.taps, "taps")
    out["toilets"]["required"] = float(-(-out["toilets"]["required"] // 1))  # whole toilets, rounded up
    out["toilets"].update(
        gap=max(out["toilets"]["required"] - totals.toilets, 0),
        status=status_of(totals.toilets, out["toilets"]["required"]),
    )
    mothers = figures["vulnerable"]["pregnant"] + figures["vulnerable"]["lactating"]
    rice_required = persons * profile.rice_kg_per_person + mothers * profile.extra_rice_kg_pregnant_lactating
    rice_held = sum(float(held.get(item.id, 0)) for item in consumables if item.standard == "rice")
    out["rice"] = _supply(rice_required, rice_held, "kg/day", profile)
    supplies = []
    for item in consumables:
        per_day = float(item.per_person_per_day) * persons
        supply = _supply(per_day, float(held.get(item.id, 0)), item.unit, profile)
        supplies.append({"item": item.name, **supply})
    return out, supplies


def figures(day: datetime.date, site_id=None) -> dict:
    """The ``stats --json`` object: ``date``, ``sites`` and ``total``."""
    profile, bands = settings.profile(), settings.age_bands()
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
        site_needs, supplies = needs(site_figures, working[site.id], covered, site_held, consumables, profile)
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
    total["occupancy"] = round(total["persons"] / total["capacity"], 3) if total["capacity"] else None
    total["supplies"] = sorted(total["supplies"].values(), key=lambda s: s["item"])
    return {"date": day.isoformat(), "standards_profile": profile.code, "sites": sites_out, "total": total}


def _add_into(total: dict, entry: dict) -> None:
    for key in (*COUNT_KEYS, "capacity", "capacity_day", "capacity_night"):
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
    """Totals add the sites' gaps: a surplus at one site does not feed another."""
    for key in ("required", "available", "gap"):
        into[key] = round(into[key] + need[key], 2)
    worst = {"ok": 0, "not_recorded": 0.5, "short": 1, "critical": 2}
    into["status"] = max(into.get("status", "ok"), need["status"], key=worst.__getitem__)
    if "days_of_supply" in need:
        into["days_of_supply"] = round(into["available"] / into["required"], 1) if into["required"] else None


def age_band_of(birth_date: datetime.date, day: datetime.date, bands=None) -> str:
    """The band of one person on a day, computed in Python (for rosters and recounts)."""
    from shelter_app.services.roster import age_on

    age = age_on(birth_date, day)
    for band in sorted(bands or settings.age_bands(), key=lambda b: b.min_years):
        if band.max_years is None or age < band.max_years:
            return band.name
    return sorted(bands or settings.age_bands(), key=lambda b: b.min_years)[-1].name
