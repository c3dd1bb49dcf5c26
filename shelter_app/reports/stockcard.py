"""The stock card (*kartu stok*): every movement of one item at one site over a period, with
the opening balance, the running balance and the closing balance."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from shelter_app.domain import choices
from shelter_app.domain.errors import RuleViolation
from shelter_app.history import records
from shelter_app.i18n import _, tr
from shelter_app.reports.common import event_name, language, paragraph, resolve_day, resolve_site
from shelter_app.reports.document import Rendered, Report
from shelter_app.reports.fmt import mask_number
from shelter_app.reports.tables import Col, DataTable, Row, key_values
from shelter_app.services import roster, stock
from shelter_app.services.access import requires
from shelter_app.storage.models import Household, Site, StockItem, StockLot


@dataclass
class CardLine:
    day: datetime.date
    kind: str
    delta: Decimal
    balance: Decimal
    reference: str = ""
    note: str = ""
    reason: str = ""
    other_site: str = ""
    household: str = ""  # the head's name and the masked KK
    lot: str = ""


@dataclass
class StockCardData:
    event: str
    site: str
    item: str
    unit: str
    category: str
    start: datetime.date
    end: datetime.date
    opening: Decimal
    lines: list[CardLine] = field(default_factory=list)

    @property
    def closing(self) -> Decimal:
        return self.lines[-1].balance if self.lines else self.opening

    @property
    def total_in(self) -> Decimal:
        return sum((line.delta for line in self.lines if line.delta > 0), Decimal(0))

    @property
    def total_out(self) -> Decimal:
        return -sum((line.delta for line in self.lines if line.delta < 0), Decimal(0))


def resolve_item(item) -> StockItem:
    if isinstance(item, StockItem):
        return item
    return stock.find_item(str(item))


def collect(site, item, start, end) -> StockCardData:
    site = resolve_site(site)
    item = resolve_item(item)
    start, end = resolve_day(start, "from"), resolve_day(end, "to")
    if end < start:
        raise RuleViolation("to", _("The end date is before the start date."))
    opening, lines = stock.stock_card(site.id, item.id, start, end)
    sites_seen: dict = {}
    households: dict = {}
    lots: dict = {}
    out = []
    for line in lines:
        movement = line.movement
        other = ""
        if movement.other_site_id:
            if movement.other_site_id not in sites_seen:
                sites_seen[movement.other_site_id] = records.get(
                    Site, movement.other_site_id, "site", include_deleted=True
                ).name
            other = sites_seen[movement.other_site_id]
        household = ""
        if movement.household_id:
            if movement.household_id not in households:
                head = roster.head_of(movement.household_id)
                kk = records.get(Household, movement.household_id, "household", include_deleted=True).kk
                households[movement.household_id] = " · ".join(
                    p for p in (head.name if head else "", f"KK {mask_number(kk)}" if kk else "") if p
                )
            household = households[movement.household_id]
        lot = ""
        if movement.lot_id:
            if movement.lot_id not in lots:
                found = records.get(StockLot, movement.lot_id, "lot", include_deleted=True)
                lots[movement.lot_id] = found
            lot_record = lots[movement.lot_id]
            lot = lot_record.code or ""
        out.append(
            CardLine(
                movement.moved_on,
                movement.kind,
                movement.delta,
                line.balance,
                movement.reference,
                movement.note,
                movement.reason,
                other,
                household,
                lot,
            )
        )
    # Movements carry a date, not a time: within a day, what came in is listed before what went
    # out, so the running balance never shows a stock the site did not have. The balance at the
    # end of each day is the service's, whatever the order in which the movements were typed.
    out.sort(key=lambda card_line: (card_line.day, card_line.delta < 0))
    balance = opening
    for card_line in out:
        balance += card_line.delta
        card_line.balance = balance
    return StockCardData(event_name(site), site.name, item.name, item.unit, item.category, start, end, opening, out)


def _details(line: CardLine, fmt) -> str:
    parts = []
    if line.kind == "transfer_out" and line.other_site:
        parts.append(tr("to {site}", site=line.other_site))
    elif line.kind == "transfer_in" and line.other_site:
        parts.append(tr("from {site}", site=line.other_site))
    if line.household:
        parts.append(line.household)
    if line.reason:
        parts.append(fmt.label(choices.ADJUST_REASONS, line.reason))
    for text in (line.reference, line.note):
        if text:
            parts.append(text)
    return " · ".join(parts)


def render(data: StockCardData, lang: str = "id", generated_at=None) -> Rendered:
    with language(lang) as fmt:
        title = tr("Stock card")
        period = f"{fmt.date(data.start, 'medium')} – {fmt.date(data.end, 'medium')}"
        subtitle = f"{data.event} · {data.site} · {data.item} · {period}"
        report = Report(title, subtitle, lang, generated_at=generated_at)
        particulars = [
            (tr("Site"), data.site),
            (tr("Item"), f"{data.item} ({fmt.label(choices.STOCK_CATEGORIES, data.category)})"),
            (tr("Unit"), data.unit),
            (tr("Period"), period),
            (tr("Opening balance"), f"{fmt.n(data.opening)} {data.unit}"),
            (tr("Received (in)"), f"{fmt.n(data.total_in)} {data.unit}"),
            (tr("Issued (out)"), f"{fmt.n(data.total_out)} {data.unit}"),
            (tr("Closing balance"), f"{fmt.n(data.closing)} {data.unit}"),
        ]
        rows = [
            Row([fmt.date(data.start, "short"), tr("Opening balance"), "", "", "", "", fmt.n(data.opening)], bold=True)
        ]
        for line in data.lines:
            rows.append(
                Row(
                    [
                        fmt.date(line.day, "short"),
                        fmt.label(choices.MOVEMENT_KINDS, line.kind),
                        _details(line, fmt),
                        line.lot,
                        fmt.n(line.delta) if line.delta > 0 else "",
                        fmt.n(-line.delta) if line.delta < 0 else "",
                        fmt.n(line.balance),
                    ]
                )
            )
        rows.append(
            Row(
                [
                    fmt.date(data.end, "short"),
                    tr("Closing balance"),
                    "",
                    "",
                    fmt.n(data.total_in),
                    fmt.n(data.total_out),
                    fmt.n(data.closing),
                ],
                kind="total",
            )
        )
        table = DataTable(
            [
                Col(tr("Date"), 0.09),
                Col(tr("Movement"), 0.19),
                Col(tr("Details"), 0.32),
                Col(tr("Lot"), 0.12),
                Col(tr("In"), 0.09, "R"),
                Col(tr("Out"), 0.09, "R"),
                Col(tr("Balance"), 0.1, "R"),
            ],
            rows,
            font_size=7.5,
        )
        story = [paragraph(title, "title"), paragraph(subtitle, "subtitle"), key_values(particulars), table]
        if not data.lines:
            story.append(paragraph(tr("No movements in this period."), "note"))
        return report.build(story)


@requires("reports.aggregate")
def stock_card_report(site, item, start, end, lang: str = "id", out=None, generated_at=None) -> Rendered:
    """The movements of one item at one site from ``start`` to ``end``, with running balance."""
    rendered = render(collect(site, item, start, end), lang, generated_at)
    return rendered.save(out) if out else rendered
