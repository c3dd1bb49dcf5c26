"""The daily site report (*laporan harian posko*): one site, one day, signed and handed on.

``collect`` gathers plain data from the services (``stats.figures`` for every figure);
``render`` draws it. ``daily_report`` does both.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from reportlab.platypus import Spacer, Table, TableStyle
from reportlab.platypus.flowables import KeepTogether

from shelter_app.domain import choices
from shelter_app.domain.errors import RuleViolation
from shelter_app.domain.standards import PROFILES
from shelter_app.i18n import _, ntr, tr, translate
from shelter_app.reports import charts
from shelter_app.reports.common import (
    event_name,
    heading,
    language,
    paragraph,
    place_of,
    resolve_day,
    resolve_site,
    section,
)
from shelter_app.reports.document import Rendered, Report
from shelter_app.reports.parts import age_pyramid, need_bars, needs_table, population_tables, side_by_side
from shelter_app.reports.style import FRAME_WIDTH
from shelter_app.reports.tables import Col, DataTable, Row, Status, key_values
from shelter_app.services import activities, installations, settings, stats, stock
from shelter_app.services.access import requires


@dataclass
class InstallationLine:
    kind: str
    subkind: str
    name: str
    quantity: int
    litres_per_day: float
    toilets_female: int
    toilets_male: int
    toilets_accessible: int
    floor_area_m2: float
    power_kw: float
    state: str
    since: datetime.date


@dataclass
class StockLine:
    item: str
    unit: str
    opening: Decimal
    received: Decimal  # received and transferred in
    out: Decimal  # issued, distributed to households and transferred out
    adjusted: Decimal  # signed
    closing: Decimal
    days_of_supply: float | None = None
    status: str | None = None


@dataclass
class ActivityLine:
    kind: str
    title: str
    facilitator: str
    participants: int


@dataclass
class DailyData:
    event: str
    site: str
    site_kind: str
    place: str
    address: str
    contact: str
    day: datetime.date
    standards_profile: str
    figures: dict  # the site's entry of stats.figures(day, site_id)
    installations: list[InstallationLine] = field(default_factory=list)
    stock: list[StockLine] = field(default_factory=list)
    activities: list[ActivityLine] = field(default_factory=list)
    age_bands: list[str] = field(default_factory=list)
    prepared_by: str = ""
    notes: str = ""


IN_KINDS = ("received", "transfer_in")
OUT_KINDS = ("issued", "distributed", "transfer_out")


def collect(site, day, prepared_by: str = "", notes: str = "") -> DailyData:
    site = resolve_site(site)
    day = resolve_day(day)
    all_figures = stats.figures(day, site.id)
    entry = all_figures["sites"][0] if all_figures["sites"] else None
    if entry is None:
        raise RuleViolation("date", _("{site} was not open yet on {date}.", site=site.name, date=day.isoformat()))
    states = installations.states_on([site.id], day)
    lines = []
    for inst in installations.installations(site.id):
        state = states.get(inst.id)
        if state is None or state == "removed":
            continue
        since = max(
            (change.changed_on for change in installations.state_history(inst.id) if change.changed_on <= day),
            default=inst.state_since,
        )
        lines.append(
            InstallationLine(
                inst.kind,
                inst.subkind,
                inst.name,
                inst.quantity,
                inst.litres_per_day,
                inst.toilets_female,
                inst.toilets_male,
                inst.toilets_accessible,
                inst.floor_area_m2,
                inst.power_kw,
                state,
                since,
            )
        )
    supplies = {supply["item"]: supply for supply in entry["supplies"]}
    stock_lines = []
    for item in stock.items():
        opening, card = stock.stock_card(site.id, item.id, day, day)
        if not opening and not card:
            continue
        line = StockLine(item.name, item.unit, opening, Decimal(0), Decimal(0), Decimal(0), opening)
        for card_line in card:
            movement = card_line.movement
            if movement.kind in IN_KINDS:
                line.received += movement.delta
            elif movement.kind in OUT_KINDS:
                line.out -= movement.delta
            else:
                line.adjusted += movement.delta
            line.closing = card_line.balance
        supply = supplies.get(item.name)
        if supply is not None:
            line.days_of_supply, line.status = supply["days_of_supply"], supply["status"]
        stock_lines.append(line)
    activity_lines = [
        ActivityLine(activity.kind, activity.title, activity.facilitator, activities.participant_count(activity.id))
        for activity in activities.activities(site.id, on=day)
    ]
    contact = " · ".join(part for part in (site.contact_name, site.contact_phone) if part)
    return DailyData(
        event=event_name(site),
        site=site.name,
        site_kind=site.kind,
        place=place_of(site),
        address=site.address,
        contact=contact,
        day=day,
        standards_profile=all_figures["standards_profile"],
        figures=entry,
        installations=lines,
        stock=stock_lines,
        activities=activity_lines,
        age_bands=[band.name for band in settings.age_bands()],
        prepared_by=prepared_by,
        notes=notes,
    )


# --- render ---------------------------------------------------------------------------------


def _installation_details(line: InstallationLine, fmt) -> str:
    if line.kind == "water":
        kind = fmt.label(choices.WATER_KINDS, line.subkind) if line.subkind else ""
        return ", ".join(p for p in (kind, f"{fmt.n(line.litres_per_day)} {fmt.unit('L/day')}") if p)
    if line.kind == "toilet":
        return tr(
            "{female} for women, {male} for men, {accessible} accessible",
            female=fmt.n(line.toilets_female),
            male=fmt.n(line.toilets_male),
            accessible=fmt.n(line.toilets_accessible),
        )
    units = ntr("{n} unit", "{n} units", line.quantity, n=fmt.n(line.quantity))
    if line.kind in ("pallet", "tent"):
        return f"{units} · {fmt.n(line.floor_area_m2)} m²"
    if line.kind == "generator":
        return f"{units} · {fmt.n(line.power_kw)} kW"
    return units


def render(data: DailyData, lang: str = "id", generated_at=None) -> Rendered:
    with language(lang) as fmt:
        figures = data.figures
        title = tr("Daily site report")
        subtitle = f"{data.event} · {data.site} · {fmt.date(data.day)}"
        report = Report(title, subtitle, lang, generated_at=generated_at)
        status_word = fmt.label(choices.SITE_STATUSES, figures["status"])
        particulars = [
            (tr("Event"), data.event),
            (tr("Site"), f"{data.site} ({fmt.label(choices.SITE_KINDS, data.site_kind)})"),
            (tr("Address"), location(data)),
            (tr("Date"), fmt.date(data.day, "full")),
            (tr("Status of the site"), status_word),
            (tr("Capacity (day / night)"), f"{fmt.n(figures['capacity_day'])} / {fmt.n(figures['capacity_night'])}"),
            (tr("Contact person"), data.contact or "–"),
            (tr("Prepared by"), data.prepared_by or "–"),
            (tr("Standards"), translate(PROFILES.get(data.standards_profile, PROFILES["bnpb"]).label)),
        ]
        story: list = [paragraph(title, "title"), key_values(particulars)]

        key, ages, groups, movements = population_tables(figures, data.age_bands, fmt)
        story += section(tr("1. Evacuees"), key)
        story.append(side_by_side(ages, age_pyramid(figures, data.age_bands, FRAME_WIDTH * 0.44 - 6, fmt), share=0.56))
        story.append(side_by_side(groups, movements, share=0.56))

        needs = needs_table(figures["needs"], data.standards_profile, fmt)
        bars = charts.bullets(need_bars(figures, fmt), FRAME_WIDTH, tr("Available"), tr("Needed"))
        story += section(tr("2. Needs and gaps against the standard"), needs)
        story.append(KeepTogether([bars]))

        inst_rows = [
            Row(
                [
                    fmt.label(choices.INSTALLATION_KINDS, line.kind),
                    line.name or "–",
                    _installation_details(line, fmt),
                    Status(
                        {"working": "ok", "planned": "short", "broken": "critical"}.get(line.state, "short"),
                        fmt.label(choices.INSTALLATION_STATES, line.state),
                    ),
                    fmt.date(line.since, "medium"),
                ]
            )
            for line in data.installations
        ]
        if inst_rows:
            table = DataTable(
                [
                    Col(tr("Kind"), 0.2),
                    Col(tr("Name"), 0.3),
                    Col(tr("Details"), 0.26),
                    Col(tr("State"), 0.11, "C"),
                    Col(tr("Since"), 0.13),
                ],
                inst_rows,
            )
            story += section(tr("3. Installations"), table)
        else:
            story += section(tr("3. Installations"), paragraph(tr("No installations recorded."), "note"))

        stock_rows = []
        for line in data.stock:
            status = Status(line.status, fmt.status(line.status)) if line.status else ""
            stock_rows.append(
                Row(
                    [
                        line.item,
                        line.unit,
                        fmt.n(line.opening),
                        fmt.n(line.received),
                        fmt.n(line.out),
                        fmt.signed(line.adjusted) if line.adjusted else "",
                        fmt.n(line.closing),
                        fmt.n(line.days_of_supply) if line.days_of_supply is not None else "",
                        status,
                    ]
                )
            )
        if stock_rows:
            table = DataTable(
                [
                    Col(tr("Item"), 0.2),
                    Col(tr("Unit"), 0.08),
                    Col(tr("Opening stock"), 0.09, "R"),
                    Col(tr("Received"), 0.09, "R"),
                    Col(tr("Distributed or used"), 0.11, "R"),
                    Col(tr("Adjusted"), 0.12, "R"),
                    Col(tr("On hand at the end of the day"), 0.09, "R"),
                    Col(tr("Days of supply"), 0.1, "R"),
                    Col(tr("Status"), 0.12, "C"),
                ],
                stock_rows,
                font_size=7.5,
            )
            story += section(tr("4. Stock on hand, received and distributed today"), table)
        else:
            story += section(
                tr("4. Stock on hand, received and distributed today"), paragraph(tr("No stock at this site."), "note")
            )

        activity_rows = [
            Row([fmt.label(choices.ACTIVITY_KINDS, a.kind), a.title, a.facilitator or "–", fmt.n(a.participants)])
            for a in data.activities
        ]
        if activity_rows:
            table = DataTable(
                [
                    Col(tr("Kind"), 0.22),
                    Col(tr("Activity"), 0.4),
                    Col(tr("Facilitator"), 0.24),
                    Col(tr("Participants"), 0.14, "R"),
                ],
                activity_rows,
            )
            story += section(tr("5. Activities of the day"), table)
        else:
            story += section(tr("5. Activities of the day"), paragraph(tr("No activities on this day."), "note"))

        if data.notes.strip():
            notes = DataTable([Col("", 1.0)], [Row([data.notes.strip()])], font_size=8.5, header=False, zebra=False)
        else:
            notes = DataTable([Col("", 1.0)], [Row([" "]) for _ in range(3)], font_size=10, header=False, zebra=False)
        # The notes stay with the signatures: they are what the signatories vouch for.
        story.append(KeepTogether([heading(tr("6. Problems, needs and notes")), notes, *signature_block(data, fmt)]))
        return report.build(story, author=data.prepared_by)


def location(data: DailyData) -> str:
    village = data.place.split(",")[0].strip()
    if data.address and (not village or village.lower() in data.address.lower()):
        return data.address
    return ", ".join(p for p in (data.address, data.place) if p) or "–"


def signature_block(data: DailyData, fmt) -> list:
    place = data.place.split(",")[0] if data.place else ""
    dated = ", ".join(p for p in (place, fmt.date(data.day)) if p)
    left = [
        paragraph(dated),
        paragraph(tr("Prepared by,")),
        Spacer(1, 32),
        paragraph(f"( {data.prepared_by} )" if data.prepared_by else "( ........................................ )"),
    ]
    right = [
        Spacer(1, 11.5),
        paragraph(tr("Acknowledged by the site coordinator,")),
        Spacer(1, 32),
        paragraph("( ........................................ )"),
    ]
    table = Table([[left, right]], colWidths=[FRAME_WIDTH / 2] * 2)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [Spacer(1, 4), heading(tr("Signatures")), table]


@requires("reports.aggregate")
def daily_report(
    site, day, lang: str = "id", prepared_by: str = "", notes: str = "", out=None, generated_at=None
) -> Rendered:
    """The daily report of one site on one day; written to ``out`` when it is given."""
    rendered = render(collect(site, day, prepared_by, notes), lang, generated_at)
    return rendered.save(out) if out else rendered
