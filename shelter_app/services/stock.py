"""The social stockpile (lumbung sosial): catalogue, lots and movements per site.

Stock on hand is the sum of signed movements and is never typed. An outgoing movement is
refused when it would make the balance negative on its day or on any later day.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from peewee import JOIN, fn

from shelter_app.domain import choices, lumbung
from shelter_app.domain.errors import RuleViolation
from shelter_app.history import records
from shelter_app.history.records import atomic
from shelter_app.i18n import N_, _
from shelter_app.services import checks
from shelter_app.services.access import requires
from shelter_app.storage.models import Household, Site, StockItem, StockLot, StockMovement

ZERO = Decimal(0)


# --- catalogue --------------------------------------------------------------------------


def _item_fields(data: dict, current: StockItem | None = None) -> dict:
    out = {}
    if "name" in data:
        out["name"] = checks.text("name", data["name"], "Item name")
        clash = StockItem.select().where(fn.LOWER(StockItem.name) == out["name"].lower(), records.live(StockItem))
        if current is not None:
            clash = clash.where(StockItem.id != current.id)
        if clash.exists():
            raise RuleViolation("name", _('An item named "{name}" is already in the catalogue.', name=out["name"]))
    if "category" in data:
        out["category"] = checks.choice("category", data["category"], choices.STOCK_CATEGORIES, "Category")
    if "unit" in data:
        out["unit"] = checks.text("unit", data["unit"], "Unit", max_length=20)
    if "has_expiry" in data:
        out["has_expiry"] = bool(data["has_expiry"])
    if "standard" in data:
        out["standard"] = checks.text("standard", data["standard"], "Standard", required=False, max_length=20)
    if "per_person_per_day" in data:
        out["per_person_per_day"] = checks.number(
            "per_person_per_day", data["per_person_per_day"], "Use per person per day"
        )
    if "low_stock_level" in data:
        out["low_stock_level"] = checks.number("low_stock_level", data["low_stock_level"], "Low-stock level")
    if "notes" in data:
        out["notes"] = checks.text("notes", data["notes"], "Notes", required=False, max_length=5000)
    return out


@requires("stock.edit")
@atomic
def add_item(name: str, category: str, unit: str, **details) -> StockItem:
    return records.create(StockItem, **_item_fields(dict(name=name, category=category, unit=unit, **details)))


@requires("stock.edit")
@atomic
def update_item(item_id, **changes) -> StockItem:
    item = records.get(StockItem, item_id, "item")
    return records.update(item, **_item_fields(changes, item))


@requires("stock.edit")
@atomic
def add_starting_catalogue() -> list[StockItem]:
    """The lumbung sosial catalogue (``domain.lumbung``), named in the current language, when
    the catalogue holds no item yet (a new operation); nothing otherwise."""
    if StockItem.select().where(records.live(StockItem)).exists():
        return []
    return [
        add_item(
            _(spec.name).text(),
            spec.category,
            _(spec.unit).text(),
            has_expiry=spec.has_expiry,
            standard=spec.standard,
            per_person_per_day=Decimal(spec.per_person_per_day),
            low_stock_level=Decimal(spec.low_stock_level),
        )
        for spec in lumbung.CATALOGUE
    ]


@requires("stock.view")
def items() -> list[StockItem]:
    return list(StockItem.select().where(records.live(StockItem)).order_by(StockItem.name))


@requires("stock.view")
def find_item(name_or_id: str) -> StockItem:
    wanted = " ".join(name_or_id.split()).lower()
    matches = [item for item in items() if item.name.lower() == wanted or item.id.hex == wanted]
    if len(matches) == 1:
        return matches[0]
    raise RuleViolation("item", _('No item is named "{name}" in the catalogue.', name=name_or_id))


@requires("stock.edit")
@atomic
def add_lot(item_id, code: str = "", year=None, expires_on=None, source: str = "") -> StockLot:
    item = records.get(StockItem, item_id, "item")
    if source:
        checks.choice("source", source, choices.STOCK_SOURCES, "Source")
    expiry = None
    if expires_on:
        expiry = datetime.date.fromisoformat(expires_on) if isinstance(expires_on, str) else expires_on
    elif item.has_expiry:
        raise RuleViolation("expires_on", _("{item} expires: enter the expiry date of this lot.", item=item.name))
    return records.create(
        StockLot,
        item=item,
        code=checks.text("code", code, "Lot code", required=False, max_length=60),
        year=checks.number("year", year, "Year", integer=True) if year else None,
        expires_on=expiry,
        source=source,
    )


# --- balances ---------------------------------------------------------------------------


@requires("stock.view")
def on_hand(site_id, item_id, day: datetime.date | None = None, lot_id=None) -> Decimal:
    query = StockMovement.select(fn.COALESCE(fn.SUM(StockMovement.delta), 0)).where(
        StockMovement.site == site_id, StockMovement.item == item_id, records.live(StockMovement)
    )
    if day is not None:
        query = query.where(StockMovement.moved_on <= day)
    if lot_id is not None:
        query = query.where(StockMovement.lot == lot_id)
    return Decimal(str(query.scalar() or 0))


@requires("stock.view")
def balances(site_ids, day: datetime.date) -> dict:
    """{(site_id, item_id): on hand} on a day, for several sites at once."""
    query = (
        StockMovement.select(StockMovement.site, StockMovement.item, fn.SUM(StockMovement.delta))
        .where(StockMovement.site.in_(list(site_ids)), StockMovement.moved_on <= day, records.live(StockMovement))
        .group_by(StockMovement.site, StockMovement.item)
        .tuples()
    )
    return {(site, item): Decimal(str(total)) for site, item, total in query}


def _ensure_never_negative(site: Site, item: StockItem, day: datetime.date, lot_id=None) -> None:
    """The balance on ``day`` and on every later day with a movement must stay >= 0."""
    checkpoints = [day] + [
        row[0]
        for row in StockMovement.select(StockMovement.moved_on)
        .distinct()
        .where(
            StockMovement.site == site.id,
            StockMovement.item == item.id,
            StockMovement.moved_on > day,
            records.live(StockMovement),
        )
        .tuples()
    ]
    for checkpoint in checkpoints:
        for lot in [None, lot_id] if lot_id else [None]:
            balance = on_hand(site.id, item.id, checkpoint, lot)
            if balance < 0:
                raise RuleViolation(
                    "quantity",
                    _(
                        "Not enough {item} at {site}: this would leave {balance} {unit} on {date}. "
                        "Record the delivery first or enter a smaller quantity.",
                        item=item.name,
                        site=site.name,
                        balance=_fmt(balance),
                        unit=item.unit,
                        date=checkpoint.isoformat(),
                    ),
                )


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")


def _movement(site_id, item_id, kind: str, delta: Decimal, moved_on, lot_id=None, **extra) -> StockMovement:
    site = records.get(Site, site_id, "site")
    item = records.get(StockItem, item_id, "item")
    day = checks.date("moved_on", moved_on, "Date", site.event.started_on)
    lot = None
    if lot_id:
        lot = records.get(StockLot, lot_id, "lot")
        if lot.item_id != item.id:
            raise RuleViolation("lot", _("This lot belongs to another item."))
    for name in ("reference", "note"):
        if name in extra:
            extra[name] = checks.text(
                name,
                extra[name],
                N_("Reference") if name == "reference" else N_("Note"),
                required=False,
                max_length=200 if name == "reference" else 2000,
            )
    movement = records.create(
        StockMovement, site=site, item=item, lot=lot, kind=kind, delta=delta, moved_on=day, **extra
    )
    if delta < 0:
        _ensure_never_negative(site, item, day, lot.id if lot else None)
    return movement


@requires("stock.edit")
@atomic
def receive(site_id, item_id, quantity, moved_on, lot_id=None, reference: str = "", note: str = "") -> StockMovement:
    qty = checks.positive("quantity", quantity, "Quantity")
    return _movement(site_id, item_id, "received", qty, moved_on, lot_id, reference=reference, note=note)


@requires("stock.edit")
@atomic
def issue(site_id, item_id, quantity, moved_on, lot_id=None, reference: str = "", note: str = "") -> StockMovement:
    """Stock used at the site as a whole (the community kitchen, a generator's fuel)."""
    qty = checks.positive("quantity", quantity, "Quantity")
    return _movement(site_id, item_id, "issued", -qty, moved_on, lot_id, reference=reference, note=note)


@requires("stock.edit")
@atomic
def distribute(site_id, item_id, quantity, moved_on, household_id, lot_id=None, note: str = "") -> StockMovement:
    household = records.get(Household, household_id, "household")
    qty = checks.positive("quantity", quantity, "Quantity")
    return _movement(site_id, item_id, "distributed", -qty, moved_on, lot_id, household=household, note=note)


@requires("stock.edit")
@atomic
def transfer(
    from_site_id, to_site_id, item_id, quantity, moved_on, lot_id=None, note: str = ""
) -> tuple[StockMovement, StockMovement]:
    if str(from_site_id) == str(to_site_id):
        raise RuleViolation("to_site", _("Choose another site to transfer to."))
    qty = checks.positive("quantity", quantity, "Quantity")
    link = uuid.uuid4()
    out = _movement(
        from_site_id,
        item_id,
        "transfer_out",
        -qty,
        moved_on,
        lot_id,
        other_site=records.get(Site, to_site_id, "to_site"),
        transfer_id=link,
        note=note,
    )
    into = _movement(
        to_site_id, item_id, "transfer_in", qty, moved_on, lot_id, other_site=out.site, transfer_id=link, note=note
    )
    return out, into


@requires("stock.edit")
@atomic
def adjust(site_id, item_id, quantity, moved_on, reason: str, lot_id=None, note: str = "") -> StockMovement:
    """A signed correction: negative for lost, damaged or expired stock, positive for a count."""
    reason = checks.choice("reason", reason, choices.ADJUST_REASONS, "Reason")
    delta = checks.number("quantity", quantity, "Quantity", minimum=-(10**12))
    if delta == 0:
        raise RuleViolation("quantity", _("Quantity must not be zero."))
    return _movement(site_id, item_id, "adjusted", delta, moved_on, lot_id, reason=reason, note=note)


@requires("stock.edit")
@atomic
def cancel_movement(movement_id, note: str = "") -> StockMovement:
    """Cancel a movement typed in error (both legs of a transfer); refused if stock would go negative."""
    movement = records.get(StockMovement, movement_id, "movement")
    legs = [movement]
    if movement.transfer_id:
        legs = list(
            StockMovement.select().where(StockMovement.transfer_id == movement.transfer_id, records.live(StockMovement))
        )
    for leg in legs:
        records.delete(leg, note)
    for leg in legs:
        _ensure_never_negative(leg.site, leg.item, leg.moved_on)
    return movement


# --- history and warnings ---------------------------------------------------------------


@dataclass
class CardLine:
    movement: StockMovement
    balance: Decimal


@requires("stock.view")
def stock_card(site_id, item_id, start: datetime.date, end: datetime.date) -> tuple[Decimal, list[CardLine]]:
    """Opening balance on the day before ``start`` and every movement to ``end`` with the running balance."""
    opening = on_hand(site_id, item_id, start - datetime.timedelta(days=1))
    lines, balance = [], opening
    query = (
        StockMovement.select()
        .where(
            StockMovement.site == site_id,
            StockMovement.item == item_id,
            records.live(StockMovement),
            StockMovement.moved_on.between(start, end),
        )
        .order_by(StockMovement.moved_on, StockMovement.created_at)
    )
    for movement in query:
        balance += movement.delta
        lines.append(CardLine(movement, balance))
    return opening, lines


@requires("stock.view")
def low_stock(site_id, day: datetime.date) -> list[tuple[StockItem, Decimal]]:
    found = []
    held = balances([site_id], day)
    for item in items():
        amount = held.get((site_id if not isinstance(site_id, str) else uuid.UUID(site_id), item.id), ZERO)
        if item.low_stock_level and amount < item.low_stock_level:
            found.append((item, amount))
    return found


@requires("stock.view")
def expiring_lots(site_id, day: datetime.date, within_days: int = 30) -> list[tuple[StockLot, Decimal]]:
    """Lots still held at the site that expire within ``within_days`` (or have expired)."""
    limit = day + datetime.timedelta(days=within_days)
    query = (
        StockMovement.select(StockMovement.lot, fn.SUM(StockMovement.delta))
        .join(StockLot)
        .where(
            StockMovement.site == site_id,
            StockMovement.moved_on <= day,
            records.live(StockMovement),
            StockLot.expires_on.is_null(False),
            StockLot.expires_on <= limit,
        )
        .group_by(StockMovement.lot)
        .tuples()
    )
    return [(StockLot.get_by_id(lot), Decimal(str(total))) for lot, total in query if Decimal(str(total)) > 0]


def received_on(site_id, day: datetime.date, kinds=("received", "transfer_in")) -> list[StockMovement]:
    """What arrived at a site on a day (received, transferred in), with its item and lot."""
    query = (
        StockMovement.select(StockMovement, StockItem, StockLot)
        .join(StockItem)
        .switch(StockMovement)
        .join(StockLot, JOIN.LEFT_OUTER)
        .where(
            StockMovement.site == site_id,
            StockMovement.moved_on == day,
            StockMovement.kind.in_(list(kinds)),
            records.live(StockMovement),
        )
        .order_by(StockItem.name, StockMovement.created_at)
    )
    return list(query)
