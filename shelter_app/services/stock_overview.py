"""Read-only views of the stockpile for the window: on hand with warnings, lots, stock cards.

Built on ``services.stock``; rows are small dataclasses a table model can show directly.
"""

from __future__ import annotations

import datetime
import json
import uuid
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from peewee import Case, fn

from shelter_app.domain import choices
from shelter_app.domain.errors import RuleViolation
from shelter_app.history import records
from shelter_app.history.records import atomic
from shelter_app.i18n import _
from shelter_app.services import roster, settings, stats, stays, stock
from shelter_app.services.access import requires
from shelter_app.storage.models import Household, Person, Presence, Site, StockItem, StockLot, StockMovement

ZERO = Decimal(0)
NEAR_EXPIRY_DAYS = 30

# Warning codes, worst first; the window shows each with a colour and a word.
EXPIRED, LOW, EXPIRING, EMPTY, OK = "expired", "low", "expiring", "empty", "ok"


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def fmt_quantity(value) -> str:
    """A quantity without trailing zeros: 100, 2.5."""
    if value is None:
        return ""
    value = Decimal(str(value))
    if value == value.to_integral_value():
        return format(value.quantize(Decimal(1)), "f")
    return format(value.normalize(), "f")


# --- catalogue --------------------------------------------------------------------------


@dataclass
class CatalogueRow:
    id: uuid.UUID
    name: str
    category: str
    unit: str
    has_expiry: bool
    per_person_per_day: Decimal
    low_stock_level: Decimal
    standard: str
    notes: str


def catalogue() -> list[CatalogueRow]:
    return [
        CatalogueRow(
            item.id,
            item.name,
            item.category,
            item.unit,
            item.has_expiry,
            Decimal(str(item.per_person_per_day)),
            Decimal(str(item.low_stock_level)),
            item.standard,
            item.notes,
        )
        for item in stock.items()
    ]


# --- on hand ------------------------------------------------------------------------------


@dataclass
class OnHandRow:
    item_id: uuid.UUID
    name: str
    category: str
    unit: str
    on_hand: Decimal
    low_stock_level: Decimal
    use_per_day: Decimal  # at this site's population on the day; 0 when the item has no norm
    days_of_supply: Decimal | None
    nearest_expiry: datetime.date | None  # of the lots held that expire within 30 days
    status: str  # EXPIRED / LOW / EXPIRING / EMPTY / OK


@requires("roster.view")
def persons_at(site_id, day: datetime.date) -> int:
    """How many persons stay at the site on the day (counted, not listed: sites hold thousands)."""
    d = day.toordinal()
    return (
        Presence.select()
        .where(Presence.site_id == _uuid(site_id), Presence.arrived <= d, Presence.left.is_null() | (Presence.left > d))
        .count()
    )


def on_hand_table(site_id, day: datetime.date, within_days: int = NEAR_EXPIRY_DAYS) -> list[OnHandRow]:
    """Every catalogue item at a site on a day, with days of supply and its worst warning."""
    site_id = _uuid(site_id)
    held = stock.balances([site_id], day)
    figures = stats.population(day, [site_id]).get(site_id) or {
        "persons": 0,
        "vulnerable": {"pregnant": 0, "lactating": 0},
    }
    persons, mothers, profile = figures["persons"], stats.mothers_of(figures), settings.profile()
    nearest: dict[uuid.UUID, datetime.date] = {}
    expired: set[uuid.UUID] = set()
    for lot, _amount in stock.expiring_lots(site_id, day, within_days):
        if lot.expires_on < day:
            expired.add(lot.item_id)
        if lot.item_id not in nearest or lot.expires_on < nearest[lot.item_id]:
            nearest[lot.item_id] = lot.expires_on
    rows = []
    for item in stock.items():
        amount = held.get((site_id, item.id), ZERO)
        level = Decimal(str(item.low_stock_level))
        # The one computation of a need (rice with the extra for mothers), as stats and reports.
        per_day = Decimal(str(round(stats.need_per_day(item, persons, mothers, profile), 4)))
        days = (amount / per_day).quantize(Decimal("0.1"), rounding=ROUND_FLOOR) if per_day > 0 else None
        if item.id in expired:
            status = EXPIRED
        elif level and amount < level:
            status = LOW
        elif item.id in nearest:
            status = EXPIRING
        elif amount <= 0:  # none held, and no low-stock level says that matters
            status = EMPTY
        else:
            status = OK
        rows.append(
            OnHandRow(
                item.id, item.name, item.category, item.unit, amount, level, per_day, days, nearest.get(item.id), status
            )
        )
    return rows


# --- lots ---------------------------------------------------------------------------------


@dataclass
class LotRow:
    lot_id: uuid.UUID
    item_id: uuid.UUID
    item_name: str
    unit: str
    code: str
    year: int | None
    expires_on: datetime.date | None
    source: str
    on_hand: Decimal | None  # at the site on the day; None when listing an item's lots
    days_left: int | None
    status: str  # EXPIRED / EXPIRING / OK


def _lot_row(lot: StockLot, day: datetime.date, amount: Decimal | None, within_days: int) -> LotRow:
    days_left = (lot.expires_on - day).days if lot.expires_on else None
    status = OK
    if days_left is not None:
        status = EXPIRED if days_left < 0 else EXPIRING if days_left <= within_days else OK
    return LotRow(
        lot.id,
        lot.item_id,
        lot.item.name,
        lot.item.unit,
        lot.code,
        lot.year,
        lot.expires_on,
        lot.source,
        amount,
        days_left,
        status,
    )


def near_expiry(site_id, day: datetime.date, within_days: int = NEAR_EXPIRY_DAYS) -> list[LotRow]:
    """Lots held at the site that expire within ``within_days`` or have expired, soonest first."""
    found = [
        _lot_row(lot, day, amount, within_days) for lot, amount in stock.expiring_lots(_uuid(site_id), day, within_days)
    ]
    return sorted(found, key=lambda row: (row.expires_on, row.item_name))


def lots_of(item_id, day: datetime.date | None = None) -> list[LotRow]:
    """Every lot of an item, newest expiry first (to receive more of an existing lot)."""
    day = day or datetime.date.today()
    lots = StockLot.select().where(StockLot.item == _uuid(item_id), records.live(StockLot))
    rows = [_lot_row(lot, day, None, NEAR_EXPIRY_DAYS) for lot in lots]
    return sorted(rows, key=lambda row: (row.expires_on or datetime.date.max, row.code), reverse=True)


def lots_held(site_id, item_id, day: datetime.date) -> list[LotRow]:
    """Lots of an item with stock at the site on the day, soonest expiry first (issue those first)."""
    site_id, item_id = _uuid(site_id), _uuid(item_id)
    rows = []
    for lot in StockLot.select().where(StockLot.item == item_id, records.live(StockLot)):
        amount = stock.on_hand(site_id, item_id, day, lot.id)
        if amount > 0:
            rows.append(_lot_row(lot, day, amount, NEAR_EXPIRY_DAYS))
    return sorted(rows, key=lambda row: (row.expires_on or datetime.date.max, row.code))


def parse_expiry(text) -> datetime.date | None:
    """An expiry date as printed on a pack: 31/05/2023, 31-05-2023, 2023-05-31, or 05/2023 (end of May)."""
    if isinstance(text, datetime.date) or text is None:
        return text
    cleaned = text.strip().replace("-", "/").replace(".", "/")
    if not cleaned:
        return None
    parts = cleaned.split("/")
    try:
        if len(parts) == 3 and len(parts[0]) == 4:
            return datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))
        if len(parts) == 3:
            return datetime.date(int(parts[2]), int(parts[1]), int(parts[0]))
        if len(parts) == 2:
            month, year = int(parts[0]), int(parts[1])
            first_of_next = datetime.date(year + month // 12, month % 12 + 1, 1)
            return first_of_next - datetime.timedelta(days=1)
    except ValueError:
        pass
    raise RuleViolation(
        "expires_on", _('Expiry date "{value}" is not a date; write it as 31/05/2023 or 05/2023.', value=text)
    )


@atomic
def receive_new_lot(
    site_id,
    item_id,
    quantity,
    moved_on,
    code: str = "",
    year=None,
    expires_on=None,
    source: str = "",
    reference: str = "",
    note: str = "",
):
    """Record a new lot and its delivery together: a refused delivery leaves no empty lot behind."""
    lot = stock.add_lot(item_id, code=code, year=year, expires_on=parse_expiry(expires_on), source=source)
    return stock.receive(site_id, item_id, quantity, moved_on, lot_id=lot.id, reference=reference, note=note)


# --- stock card ---------------------------------------------------------------------------


@dataclass
class CardRow:
    movement_id: uuid.UUID
    moved_on: datetime.date
    kind: str
    lot: str
    received: Decimal | None
    given: Decimal | None
    balance: Decimal
    party: str  # household, other site, reference: who gave or got it
    reason: str
    note: str
    by: str
    cancelled: bool = False  # typed in error and cancelled: shown, not counted


def _chunks(ids: list, size: int = 500):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _names_of(lines: list[tuple]) -> tuple[dict, dict, dict]:
    """Lot names, households (head's name and KK) and site names of many movements, in a few queries.

    A busy site's card has thousands of distributions: one query per line would take seconds.
    """
    lot_ids = list({line[4] for line in lines if line[4]})
    household_ids = list({line[5] for line in lines if line[5]})
    lots, households, heads = {}, {}, {}
    for chunk in _chunks(lot_ids):
        for lot_id, code, year in (
            StockLot.select(StockLot.id, StockLot.code, StockLot.year).where(StockLot.id.in_(chunk)).tuples()
        ):
            lots[lot_id] = code or (str(year) if year else "—")
    for chunk in _chunks(household_ids):
        households.update(Household.select(Household.id, Household.kk).where(Household.id.in_(chunk)).tuples())
        heads.update(
            Person.select(Person.household, Person.name)
            .where(Person.household.in_(chunk), Person.relationship == "head", records.live(Person))
            .tuples()
        )
    parties = {
        hid: " · ".join(part for part in (heads.get(hid, ""), f"KK ••••{kk[-4:]}" if kk else "") if part) or hid.hex[:8]
        for hid, kk in households.items()
    }
    site_names = dict(Site.select(Site.id, Site.name).tuples())
    return lots, parties, site_names


CARD_SORT = {  # sortable columns of the stock card and whether "ascending" runs the other way
    "moved_on": (StockMovement.moved_on, False),
    "kind": (StockMovement.kind, False),
    "received": (StockMovement.delta, False),
    "given": (StockMovement.delta, True),  # the biggest issue is the most negative delta
    "balance": (None, False),  # the running balance follows the order of entry
    "reason": (StockMovement.reason, False),
    "note": (StockMovement.note, False),
    "by": (StockMovement.created_by, False),
}


def _card_query(site_id, item_id, start: datetime.date, end: datetime.date, with_cancelled: bool = False):
    M = StockMovement
    query = M.select().where(M.site == _uuid(site_id), M.item == _uuid(item_id), M.moved_on.between(start, end))
    return query if with_cancelled else query.where(records.live(M))


@dataclass
class CardTotals:
    opening: Decimal
    received: Decimal
    given: Decimal
    closing: Decimal
    lines: int
    cancelled: int


def card_totals(site_id, item_id, start: datetime.date, end: datetime.date) -> CardTotals:
    M = StockMovement
    opening = stock.on_hand(_uuid(site_id), _uuid(item_id), start - datetime.timedelta(days=1))
    received, given, lines = (
        _card_query(site_id, item_id, start, end)
        .select(
            fn.SUM(Case(None, [(M.delta > 0, M.delta)], 0)),
            fn.SUM(Case(None, [(M.delta < 0, 0 - M.delta)], 0)),
            fn.COUNT(M.id),
        )
        .tuples()
        .get()
    )
    received, given = _exact(received), _exact(given)
    cancelled = _card_query(site_id, item_id, start, end, True).where(M.deleted_at.is_null(False)).count()
    return CardTotals(opening, received, given, opening + received - given, lines or 0, cancelled)


def _exact(value) -> Decimal:
    """Sums come back as floats on SQLite; quantities have three decimals at most."""
    return Decimal(str(value or 0)).quantize(Decimal("0.001")).normalize() + 0


def card_rows(
    site_id,
    item_id,
    start: datetime.date,
    end: datetime.date,
    offset: int = 0,
    limit: int = 200,
    sort_key: str | None = None,
    descending: bool = False,
) -> list[CardRow]:
    """One page of the stock card, each line with the running balance after it.

    The running balance is a window sum over the lines in order of entry, computed by the
    database: a busy site's rice card has tens of thousands of lines and opens a page at a time.
    Cancelled movements stay on the card (a correction never erases history) but count for nothing.
    """
    M = StockMovement
    opening = stock.on_hand(_uuid(site_id), _uuid(item_id), start - datetime.timedelta(days=1))
    # Order of entry; what came in on a day before what went out when entered at the same moment.
    chronological = [(M.moved_on, False), (M.created_at, False), (M.delta, True), (M.id, False)]
    counted = Case(None, [(M.deleted_at.is_null(), M.delta)], 0)
    running = fn.SUM(counted).over(order_by=[key.desc() if down else key.asc() for key, down in chronological])
    field, flipped = CARD_SORT.get(sort_key or "moved_on", (None, False))
    order = [field.desc() if descending != flipped else field.asc()] if field is not None else []
    order += [key.desc() if descending != down else key.asc() for key, down in chronological]
    lines = list(
        _card_query(site_id, item_id, start, end, with_cancelled=True)
        .select(
            M.id,
            M.moved_on,
            M.kind,
            M.delta,
            M.lot,
            M.household,
            M.other_site,
            M.reason,
            M.reference,
            M.note,
            M.created_by,
            M.deleted_at,
            running.alias("running"),
        )
        .order_by(*order)
        .offset(offset)
        .limit(limit)
        .tuples()
    )
    lots, parties, site_names = _names_of(lines)
    rows = []
    for (
        movement_id,
        moved_on,
        kind,
        delta,
        lot_id,
        household_id,
        other_site_id,
        reason,
        reference,
        note,
        by,
        deleted,
        total,
    ) in lines:
        delta = Decimal(str(delta))
        if household_id:
            party = parties.get(household_id, "")
        elif other_site_id:
            party = site_names.get(other_site_id, "")
        else:
            party = reference
        if deleted is not None:
            why = _cancel_note(movement_id)
            note = " · ".join(part for part in (note, why) if part)
        rows.append(
            CardRow(
                movement_id,
                moved_on,
                kind,
                lots.get(lot_id, ""),
                delta if delta > 0 else None,
                -delta if delta < 0 else None,
                opening + _exact(total),
                party,
                reason,
                note,
                by,
                deleted is not None,
            )
        )
    return rows


def _cancel_note(movement_id) -> str:
    """Why a movement was cancelled, as typed when cancelling it (kept in the change history)."""
    for change in reversed(records.history(movement_id)):
        if change.action == "delete":
            return str(json.loads(change.data or "{}").get("note") or "")
    return ""


def movement_kind_label(code: str) -> str:
    return choices.label(choices.MOVEMENT_KINDS, code)


# --- households to distribute to ----------------------------------------------------------


@dataclass
class HouseholdMatch:
    household_id: uuid.UUID
    kk: str
    head: str  # the head's name, else the first member found
    members: int
    site: str  # where the found member stays on the day
    site_id: uuid.UUID | None
    found: str  # the member whose name, NIK or KK matched


def _match(household: Household, person, day: datetime.date) -> HouseholdMatch:
    members = roster.members(household.id)
    head = next((p for p in members if p.relationship == "head"), None)
    staying = person or (members[0] if members else None)
    stay = stays.stay_on(staying.id, day) if staying else None
    return HouseholdMatch(
        household.id,
        household.kk or "",
        (head or staying).name if (head or staying) else "",
        len(members),
        stay.site.name if stay else "",
        stay.site_id if stay else None,
        person.name if person else "",
    )


@requires("roster.view")
def find_households(text: str, day: datetime.date, limit: int = 20, site_id=None) -> list[HouseholdMatch]:
    """Households by a member's name, NIK or KK, or by the household id a scanner types.

    Households staying at ``site_id`` on the day come first: that is where the goods are given.
    """
    cleaned = (text or "").strip()
    if not cleaned:
        return []
    try:
        household_id = uuid.UUID(cleaned)
    except ValueError:
        household_id = None
    if household_id is not None:
        household = Household.get_or_none(Household.id == household_id, Household.deleted_at.is_null())
        return [_match(household, None, day)] if household else []
    found: dict[uuid.UUID, HouseholdMatch] = {}
    for person in roster.search(cleaned, limit=limit * 3):
        if person.household_id not in found:
            found[person.household_id] = _match(person.household, person, day)
        if len(found) >= limit:
            break
    matches = list(found.values())
    if site_id is not None:
        matches.sort(key=lambda match: match.site_id != _uuid(site_id))
    return matches


def item(item_id) -> StockItem:
    return records.get(StockItem, item_id, "item")
