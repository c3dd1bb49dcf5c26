"""Disaster events and evacuation sites."""

from __future__ import annotations

import datetime
import re
from collections import Counter

from shelter_app.domain import choices, regions
from shelter_app.domain.errors import RuleViolation
from shelter_app.history import records
from shelter_app.history.records import atomic
from shelter_app.i18n import N_, _, ngettext
from shelter_app.services import checks
from shelter_app.services.access import requires
from shelter_app.storage.models import Event, Household, Presence, Site


def _region_code(field: str, code: str) -> str:
    code = (code or "").strip()
    if code and not (
        regions.regency(code) or regions.district(code) or regions.village(code) or regions.province(code)
    ):
        raise RuleViolation(
            field, _("Region code {code} is not in the official list; pick the region from the list.", code=code)
        )
    return code


def _event_fields(data: dict) -> dict:
    out = {}
    if "name" in data:
        out["name"] = checks.text("name", data["name"], "Event name")
    if "kind" in data:
        out["kind"] = checks.choice("kind", data["kind"], choices.EVENT_KINDS, "Kind of disaster")
    if "started_on" in data:
        out["started_on"] = checks.date("started_on", data["started_on"], "Start date")
    if "ended_on" in data and data["ended_on"]:
        out["ended_on"] = checks.date("ended_on", data["ended_on"], "End date")
    if "region_code" in data:
        out["region_code"] = _region_code("region_code", data["region_code"])
    if "notes" in data:
        out["notes"] = checks.text("notes", data["notes"], "Notes", required=False, max_length=5000)
    if "glide" in data:
        glide = checks.text("glide", data["glide"], "GLIDE number", required=False, max_length=30).upper()
        if glide and not re.fullmatch(r"[A-Z]{2}-\d{4}-\d{6}-[A-Z]{3}", glide):
            raise RuleViolation("glide", _("Write the GLIDE number as EQ-2022-000191-IDN."))
        out["glide"] = glide
    return out


@requires("sites.edit")
@atomic
def create_event(name: str, kind: str, started_on, region_code: str = "", notes: str = "", glide: str = "") -> Event:
    fields = _event_fields(
        dict(name=name, kind=kind, started_on=started_on, region_code=region_code, notes=notes, glide=glide)
    )
    return records.create(Event, **fields)


@requires("sites.edit")
@atomic
def update_event(event_id, **changes) -> Event:
    event = records.get(Event, event_id, "event")
    return records.update(event, **_event_fields(changes))


@requires("figures.view")
def events() -> list[Event]:
    return list(Event.select().where(records.live(Event)).order_by(Event.started_on.desc()))


SITE_TEXT = {
    "name": (N_("Site name"), True, 200),
    "address": (N_("Address"), False, 1000),
    "contact_name": (N_("Contact person"), False, 200),
    "contact_phone": (N_("Contact phone"), False, 30),
    "notes": (N_("Notes"), False, 5000),
    "managing_agency": (N_("Managing agency"), False, 200),
}


def _site_fields(data: dict, event: Event) -> dict:
    out = {}
    for name, (label, required, length) in SITE_TEXT.items():
        if name in data:
            out[name] = checks.text(name, data[name], label, required=required, max_length=length)
    if "kind" in data:
        out["kind"] = checks.choice("kind", data["kind"], choices.SITE_KINDS, "Kind of site")
    if "land_ownership" in data:
        out["land_ownership"] = (
            checks.choice("land_ownership", data["land_ownership"], choices.LAND_OWNERSHIP, "Land ownership")
            if data["land_ownership"]
            else ""
        )
    if "village_code" in data and data["village_code"]:
        if not regions.village(data["village_code"].strip()):
            raise RuleViolation(
                "village_code",
                _(
                    "Village code {code} is not in the official list; pick the village from the list.",
                    code=data["village_code"],
                ),
            )
        out["village_code"] = data["village_code"].strip()
    for name, label, low, high in (("latitude", N_("Latitude"), -90, 90), ("longitude", N_("Longitude"), -180, 180)):
        if name in data:
            value = data[name]
            if value in (None, ""):
                out[name] = None
                continue
            parsed = float(checks.number(name, value, label, minimum=low))
            if parsed > high:
                raise RuleViolation(
                    name, _("{label} must be between {low} and {high}.", label=_(label), low=low, high=high)
                )
            out[name] = parsed
    for name, label in (("capacity_day", N_("Capacity by day")), ("capacity_night", N_("Capacity by night"))):
        if name in data:
            out[name] = checks.number(name, data[name], label, integer=True)
    if "covered_area_m2" in data:
        out["covered_area_m2"] = float(checks.number("covered_area_m2", data["covered_area_m2"], "Covered floor area"))
    if "opened_on" in data:
        out["opened_on"] = checks.date("opened_on", data["opened_on"], "Opening date", event.started_on)
    return out


@requires("sites.edit")
@atomic
def create_site(event_id, name: str, kind: str, opened_on, **details) -> Site:
    event = records.get(Event, event_id, "event")
    fields = _site_fields(dict(name=name, kind=kind, opened_on=opened_on, **details), event)
    clash = Site.select().where(Site.event == event, Site.name == fields["name"], records.live(Site)).exists()
    if clash:
        raise RuleViolation(
            "name", _('A site named "{name}" already exists in this event; give it another name.', name=fields["name"])
        )
    return records.create(Site, event=event, status="open", **fields)


@requires("sites.edit")
@atomic
def update_site(site_id, **changes) -> Site:
    site = records.get(Site, site_id, "site")
    fields = _site_fields(changes, site.event)
    if "name" in fields and fields["name"] != site.name:
        clash = (
            Site.select()
            .where(Site.event == site.event_id, Site.name == fields["name"], Site.id != site.id, records.live(Site))
            .exists()
        )
        if clash:
            raise RuleViolation(
                "name",
                _('A site named "{name}" already exists in this event; give it another name.', name=fields["name"]),
            )
    return records.update(site, **fields)


@requires("sites.edit")
@atomic
def close_site(site_id, closed_on) -> Site:
    """Close a site once nobody is left there on that day."""
    from shelter_app.services import stays  # stays imports sites

    site = records.get(Site, site_id, "site")
    day = checks.date("closed_on", closed_on, "Closing date", site.opened_on)
    remaining = stays.residents(site.id, day)
    if remaining:
        raise RuleViolation(
            "closed_on",
            ngettext(
                "{n} person is still at this site on {date}; check them out or transfer them first.",
                "{n} persons are still at this site on {date}; check them out or transfer them first.",
                len(remaining),
                date=day.isoformat(),
            ),
        )
    return records.update(site, status="closed", closed_on=day)


@requires("sites.edit")
@atomic
def reopen_site(site_id) -> Site:
    site = records.get(Site, site_id, "site")
    return records.update(site, status="open", closed_on=None)


@requires("figures.view")
def sites(event_id=None, include_closed: bool = True) -> list[Site]:
    query = Site.select().where(records.live(Site))
    if event_id:
        query = query.where(Site.event == event_id)
    if not include_closed:
        query = query.where(Site.status == "open")
    return list(query.order_by(Site.name))


@requires("figures.view")
def find_site(name_or_id: str) -> Site:
    """A site by exact name (case-insensitive) or id, for the command line."""
    wanted = " ".join(name_or_id.split()).lower()
    matches = [site for site in sites() if site.name.lower() == wanted or site.id.hex == wanted]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(site.name for site in sites()) or "-"
    raise RuleViolation("site", _('No site is named "{name}". Known sites: {known}.', name=name_or_id, known=known))


def is_open_on(site: Site, day: datetime.date) -> bool:
    return site.opened_on <= day and (site.closed_on is None or site.closed_on > day)


def main_origins(day: datetime.date, most: int = 3) -> dict:
    """{site id: [(village code, households), ...]}: the villages the households present on
    ``day`` come from, most first (DTM's "main places of origin")."""
    d = day.toordinal()
    rows = (
        Presence.select(Presence.site_id, Household.origin_village_code)
        .join(Household, on=(Household.id == Presence.household_id))
        .where(
            Presence.arrived <= d, Presence.left.is_null() | (Presence.left > d), Household.origin_village_code != ""
        )
        .distinct()
        .tuples()
    )
    counted: dict = {}
    for site_id, code in rows:
        counted.setdefault(site_id, Counter())[code] += 1
    return {site_id: counter.most_common(most) for site_id, counter in counted.items()}
