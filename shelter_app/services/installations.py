"""Installations at a site and their state over time."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from shelter_app.domain import choices
from shelter_app.domain.errors import RuleViolation
from shelter_app.history import records
from shelter_app.history.records import atomic
from shelter_app.i18n import N_, _
from shelter_app.services import checks
from shelter_app.services.access import requires
from shelter_app.storage.models import Installation, InstallationState, Site

NUMBERS = {
    "quantity": (N_("Quantity"), True),
    "toilets_female": (N_("Toilets for women"), True),
    "toilets_male": (N_("Toilets for men"), True),
    "toilets_accessible": (N_("Accessible toilets"), True),
    "floor_area_m2": (N_("Floor area (m²)"), False),
    "litres_per_day": (N_("Litres per day"), False),
    "power_kw": (N_("Power (kW)"), False),
}


def _fields(data: dict) -> dict:
    out = {}
    if "kind" in data:
        out["kind"] = checks.choice("kind", data["kind"], choices.INSTALLATION_KINDS, "Kind of installation")
    if "subkind" in data:
        out["subkind"] = checks.text("subkind", data["subkind"], "Type", required=False, max_length=30)
        if out.get("kind", data.get("kind")) == "water" and out["subkind"]:
            checks.choice("subkind", out["subkind"], choices.WATER_KINDS, "Type of water installation")
    for name in ("name", "notes"):
        if name in data:
            out[name] = checks.text(
                name,
                data[name],
                N_("Name") if name == "name" else N_("Notes"),
                required=False,
                max_length=200 if name == "name" else 5000,
            )
    for name, (label, integer) in NUMBERS.items():
        if name in data:
            value = checks.number(name, data[name], label, integer=integer)
            out[name] = value if integer else float(value)
    return out


@requires("installations.edit")
@atomic
def add_installation(site_id, kind: str, state: str = "planned", since=None, note: str = "", **details) -> Installation:
    site = records.get(Site, site_id, "site")
    fields = _fields(dict(kind=kind, **details))
    state = checks.choice("state", state, choices.INSTALLATION_STATES, "State")
    day = checks.date("since", since or checks.today(), "Date", site.event.started_on)
    installation = records.create(Installation, site=site, state=state, state_since=day, **fields)
    records.create(InstallationState, installation=installation, state=state, changed_on=day, note=note)
    return installation


@requires("installations.edit")
@atomic
def update_installation(installation_id, **changes) -> Installation:
    """Correct an installation's details (not its state: see ``change_state``)."""
    installation = records.get(Installation, installation_id, "installation")
    return records.update(installation, **_fields(changes))


@requires("installations.edit")
@atomic
def change_state(installation_id, state: str, on, note: str = "") -> Installation:
    """A new state from a date on; every change stays in the history."""
    installation = records.get(Installation, installation_id, "installation")
    state = checks.choice("state", state, choices.INSTALLATION_STATES, "State")
    day = checks.date("on", on, "Date", installation.site.event.started_on)
    if day < installation.state_since:
        raise RuleViolation(
            "on",
            _(
                "The last change was on {date}; a new state cannot start before it.",
                date=installation.state_since.isoformat(),
            ),
        )
    records.create(
        InstallationState,
        installation=installation,
        state=state,
        changed_on=day,
        note=checks.text("note", note, "Note", required=False, max_length=1000),
    )
    return records.update(installation, state=state, state_since=day)


@requires("figures.view")
def state_history(installation_id) -> list[InstallationState]:
    return list(
        InstallationState.select()
        .where(InstallationState.installation == installation_id, records.live(InstallationState))
        .order_by(InstallationState.changed_on, InstallationState.created_at)
    )


@requires("figures.view")
def installations(site_id, include_removed: bool = True) -> list[Installation]:
    query = Installation.select().where(Installation.site == site_id, records.live(Installation))
    if not include_removed:
        query = query.where(Installation.state != "removed")
    return list(query.order_by(Installation.kind, Installation.name))


@requires("figures.view")
def states_on(site_ids, day: datetime.date) -> dict:
    """The state of every installation of these sites on a day, from the history."""
    rows = (
        InstallationState.select(InstallationState.installation, InstallationState.state, InstallationState.changed_on)
        .join(Installation)
        .where(
            Installation.site.in_(list(site_ids)),
            InstallationState.changed_on <= day,
            records.live(InstallationState),
            records.live(Installation),
        )
        .order_by(InstallationState.changed_on, InstallationState.created_at)
        .tuples()
    )
    states = {}
    for installation_id, state, _day in rows:
        states[installation_id] = state  # later rows win
    return states


@dataclass
class Totals:
    """What a site's working installations provide on a day."""

    water_litres_per_day: float = 0
    toilets: int = 0
    toilets_female: int = 0
    toilets_male: int = 0
    toilets_accessible: int = 0
    taps: int = 0
    pallet_area_m2: float = 0
    tent_area_m2: float = 0
    generators_kw: float = 0
    kitchens: int = 0
    broken: int = 0


@requires("figures.view")
def totals(site_ids, day: datetime.date) -> dict:
    """Totals per site id of the installations working on ``day``."""
    site_ids = list(site_ids)
    states = states_on(site_ids, day)
    result = {site_id: Totals() for site_id in site_ids}
    query = Installation.select().where(Installation.site.in_(site_ids), records.live(Installation))
    for inst in query:
        state = states.get(inst.id)
        total = result[inst.site_id]
        if state == "broken":
            total.broken += 1
        if state != "working":
            continue
        if inst.kind == "water":
            total.water_litres_per_day += inst.litres_per_day
        elif inst.kind == "toilet":
            total.toilets_female += inst.toilets_female
            total.toilets_male += inst.toilets_male
            total.toilets_accessible += inst.toilets_accessible
            total.toilets += inst.toilets_female + inst.toilets_male + inst.toilets_accessible
        elif inst.kind == "tap":
            total.taps += inst.quantity
        elif inst.kind == "pallet":
            total.pallet_area_m2 += inst.floor_area_m2
        elif inst.kind == "tent":
            total.tent_area_m2 += inst.floor_area_m2
        elif inst.kind == "generator":
            total.generators_kw += inst.power_kw
        elif inst.kind == "kitchen":
            total.kitchens += inst.quantity
    return result
