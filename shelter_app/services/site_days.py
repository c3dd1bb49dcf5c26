"""The recorded fields of a site's day for its daily report: urgent needs (item, quantity,
unit, priority), obstacles (*kendala*) and follow-up (*rencana tindak lanjut*).

One ``SiteDay`` record per site and day, written through ``history.records`` (who, when,
undoable, synced); recording the day again corrects it.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field

from shelter_app.domain.errors import RuleViolation
from shelter_app.history import records
from shelter_app.history.records import atomic
from shelter_app.i18n import N_, _
from shelter_app.services import checks
from shelter_app.storage.models import Site, SiteDay

PRIORITIES = {"high": N_("High"), "medium": N_("Medium"), "low": N_("Low")}


@dataclass
class UrgentNeed:
    item: str
    quantity: float
    unit: str
    priority: str  # PRIORITIES


@dataclass
class DayFields:
    urgent_needs: list[UrgentNeed] = field(default_factory=list)
    obstacles: str = ""
    follow_up: str = ""


def _needs(needs) -> list[dict]:
    out = []
    for number, need in enumerate(needs or [], 1):
        where = f"urgent_needs.{number}"
        item = checks.text(where + ".item", need.get("item"), "Item")
        quantity = checks.positive(where + ".quantity", need.get("quantity"), "Quantity")
        unit = checks.text(where + ".unit", need.get("unit"), "Unit", max_length=30)
        priority = checks.choice(where + ".priority", need.get("priority") or "high", PRIORITIES, "Priority")
        out.append({"item": item, "quantity": float(quantity), "unit": unit, "priority": priority})
    return out


def _current(site_id, day: datetime.date) -> SiteDay | None:
    return (
        SiteDay.select()
        .where(SiteDay.site == site_id, SiteDay.day == day, records.live(SiteDay))
        .order_by(SiteDay.created_at)
        .first()
    )


@atomic
def record_day(site_id, day, urgent_needs=None, obstacles: str | None = None, follow_up: str | None = None) -> SiteDay:
    """Record (or correct) the day's urgent needs, obstacles and follow-up of a site; a field
    left as None keeps what was recorded."""
    site = records.get(Site, site_id, "site")
    day = checks.date("day", day, "Date", site.opened_on)
    if site.closed_on is not None and day > site.closed_on:
        raise RuleViolation("day", _("{site} was closed on {date}.", site=site.name, date=site.closed_on.isoformat()))
    fields = {}
    if urgent_needs is not None:
        fields["urgent_needs"] = json.dumps(_needs(urgent_needs), ensure_ascii=False)
    if obstacles is not None:
        fields["obstacles"] = checks.text("obstacles", obstacles, "Obstacles", required=False, max_length=5000)
    if follow_up is not None:
        fields["follow_up"] = checks.text("follow_up", follow_up, "Follow-up", required=False, max_length=5000)
    current = _current(site.id, day)
    if current is None:
        return records.create(SiteDay, site=site, day=day, **fields)
    return records.update(current, **fields) if fields else current


def day_fields(site_id, day: datetime.date) -> DayFields:
    current = _current(site_id, day)
    if current is None:
        return DayFields()
    return DayFields(
        [UrgentNeed(**need) for need in json.loads(current.urgent_needs or "[]")],
        current.obstacles,
        current.follow_up,
    )
