"""Small reads (and the first-run setup) the dashboard needs besides ``stats.figures``."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

from peewee import fn

from shelter_app.domain.errors import RuleViolation
from shelter_app.domain.standards import STATUS_SEVERITY
from shelter_app.history import records
from shelter_app.services import settings, sites, stats, stock
from shelter_app.services.access import requires
from shelter_app.storage.models import Event, Presence, Site, database


def has_event() -> bool:
    """Whether the database holds any (not deleted) event: false on the very first run."""
    return Event.select().where(records.live(Event)).exists()


def latest_movement_day() -> datetime.date | None:
    """The last day on which anyone arrived at or left a site; None when nobody ever stayed.

    Read from the presence index, whose ``arrived`` and ``left`` columns are indexed.
    """
    arrived = Presence.select(fn.MAX(Presence.arrived)).scalar()
    left = Presence.select(fn.MAX(Presence.left)).scalar()
    days = [d for d in (arrived, left) if d is not None]
    return datetime.date.fromordinal(max(days)) if days else None


@requires("sites.edit")
def create_first_site(event: dict, site: dict) -> Site:
    """Create an event and its first site together: a mistake in the site leaves no lone event.

    ``event`` holds ``sites.create_event``'s arguments, ``site`` those of ``create_site`` without
    the event id. A broken rule of the event is raised with its field prefixed ``event_``
    (``event_name``, ``event_started_on``), since both forms have a name and a kind.
    """
    with database.atomic():
        try:
            created = sites.create_event(**event)
        except RuleViolation as error:
            raise RuleViolation(f"event_{error.field}", error.message) from None
        first = sites.create_site(created.id, **site)
        stock.add_starting_catalogue()  # a new operation starts with the lumbung sosial items
        return first


# --- the dashboard's rows -------------------------------------------------------------------

NEED_KEYS = ("water", "toilets", "covered_area", "rice")
YOUNG_UNTIL = 5  # bands ending at or before this age count as infants and young children
OLDER_FROM = 60  # bands starting at or after this age count as older people


@dataclass(frozen=True, order=True)
class NeedCell:
    """One needs-and-gaps line of a site; sorts by severity, then by how large the gap is."""

    rank: int  # 0 ok, 1 short, 2 critical
    shortfall: float  # share of the need not met, 0..1
    status: str = field(compare=False)
    need: dict = field(compare=False, repr=False)

    @classmethod
    def of(cls, need: dict | None) -> NeedCell:
        need = need or {"required": 0, "available": 0, "gap": 0, "unit": "", "status": "ok"}
        status = need.get("status", "ok")
        share = need["gap"] / need["required"] if need.get("required") else 0.0
        return cls(STATUS_SEVERITY.get(status, 0), round(share, 4), status, need)


@dataclass(eq=False)
class SiteRow:
    """One site (or the whole operation) on a day, as the dashboard's table shows it."""

    site_id: uuid.UUID | None  # None for the operation's totals
    name: str
    status: str  # open / closed on that day ("" for the totals)
    persons: int
    households: int
    capacity: int | None
    occupancy: float | None
    arrivals: int
    departures: int
    pregnant: int
    lactating: int
    disability: int
    young: int
    older: int
    water: NeedCell
    toilets: NeedCell
    covered_area: NeedCell
    rice: NeedCell
    entry: dict = field(repr=False)  # the figures of stats.figures, for charts and tooltips

    @property
    def movements(self) -> tuple[int, int]:
        """Arrivals and departures of the day, shown and sorted together."""
        return self.arrivals, self.departures

    @property
    def mothers(self) -> tuple[int, int]:
        """Pregnant and breast-feeding women."""
        return self.pregnant, self.lactating

    @property
    def is_total(self) -> bool:
        return self.site_id is None

    @property
    def over_capacity(self) -> bool:
        return self.occupancy is not None and self.occupancy > 1

    def needs(self) -> list[NeedCell]:
        return [self.water, self.toilets, self.covered_area, self.rice]

    def needs_at(self, status: str) -> list[str]:
        """The needs (``NEED_KEYS``) in this state: ``needs_at("critical")`` -> ["water"]."""
        return [key for key, cell in zip(NEED_KEYS, self.needs()) if cell.status == status]

    def severity(self) -> tuple:
        """Larger is worse: critical needs, then over capacity, then short needs, then fullness."""
        ranks = [cell.rank for cell in self.needs()]
        return (ranks.count(2), self.over_capacity, ranks.count(1), self.occupancy or 0)


def _band_sum(entry: dict, bands, wanted) -> int:
    return sum(entry["age_bands"].get(band.name, {}).get("total", 0) for band in bands if wanted(band))


def row_of(entry: dict, bands, site_id: uuid.UUID | None) -> SiteRow:
    vulnerable = entry["vulnerable"]
    needs = entry.get("needs", {})
    capacity = entry.get("capacity") or None
    occupancy = entry.get("occupancy")
    if occupancy is None and capacity:
        occupancy = round(entry["persons"] / capacity, 3)
    return SiteRow(
        site_id=site_id,
        name=entry.get("name", ""),
        status=entry.get("status", ""),
        persons=entry["persons"],
        households=entry["households"],
        capacity=capacity,
        occupancy=occupancy,
        arrivals=entry["arrivals"],
        departures=entry["departures"],
        pregnant=vulnerable["pregnant"],
        lactating=vulnerable["lactating"],
        disability=vulnerable["disability"],
        young=_band_sum(entry, bands, lambda b: b.max_years is not None and b.max_years <= YOUNG_UNTIL),
        older=_band_sum(entry, bands, lambda b: b.min_years >= OLDER_FROM),
        water=NeedCell.of(needs.get("water")),
        toilets=NeedCell.of(needs.get("toilets")),
        covered_area=NeedCell.of(needs.get("covered_area")),
        rice=NeedCell.of(needs.get("rice")),
        entry=entry,
    )


@requires("figures.view")
def dashboard_rows(figures: dict, bands) -> tuple[list[SiteRow], SiteRow]:
    """The sites of ``stats.figures``, worst first (critical needs, over capacity...), and the totals."""
    rows = [row_of(entry, bands, uuid.UUID(entry["id"])) for entry in figures["sites"]]
    rows.sort(key=lambda row: row.name.lower())
    rows.sort(key=SiteRow.severity, reverse=True)
    return rows, row_of(figures["total"], bands, None)


@dataclass(frozen=True)
class DayOverview:
    """What the dashboard computes off the window's thread for one day."""

    day: datetime.date
    figures: dict
    rows: list[SiteRow]
    total: SiteRow
    bands: tuple
    latest_day: datetime.date | None


@requires("figures.view")
def day_overview(day: datetime.date) -> DayOverview:
    figures = stats.figures(day)
    bands = tuple(settings.age_bands())
    rows, total = dashboard_rows(figures, bands)
    return DayOverview(day, figures, rows, total, bands, latest_movement_day())
