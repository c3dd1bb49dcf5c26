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

from shelter_app.domain import choices, regions
from shelter_app.domain.errors import RuleViolation
from shelter_app.domain.standards import PROFILES
from shelter_app.history import field_rules
from shelter_app.i18n import N_, _, ntr, tr, translate
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
from shelter_app.reports.parts import (
    age_pyramid,
    food_table,
    movements_table,
    need_bars,
    needs_table,
    population_tables,
    side_by_side,
    vital_events,
)
from shelter_app.reports.style import FRAME_WIDTH
from shelter_app.reports.tables import Col, DataTable, Row, Status, key_values
from shelter_app.services import activities, installations, settings, site_days, stats, stock
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
    need_per_day: float | None = None  # stats' one computation of the need
    gap: float | None = None  # short of the target days of supply


@dataclass
class ActivityLine:
    kind: str
    title: str
    facilitator: str
    participants: int


@dataclass
class AidLine:
    item: str
    quantity: Decimal
    unit: str
    source: str  # domain.choices.STOCK_SOURCES code of the lot, "" when unknown
    reference: str  # delivery note, donor or sender, as the stock card keeps it
    from_site: str = ""  # a transfer from another site


@dataclass
class MealLine:
    kitchen: str
    morning: int
    midday: int
    evening: int


@dataclass
class RegionLine:
    level: str  # village, district, regency, province
    code: str
    name: str


@dataclass
class Responsible:
    """Who answers for the report: printed with the signature line."""

    name: str = ""
    position: str = ""  # jabatan
    agency: str = ""  # instansi
    phone: str = ""


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
    regions: list[RegionLine] = field(default_factory=list)
    latitude: float | None = None
    longitude: float | None = None
    report_number: int = 0
    site_code: str = ""
    time_zone: str = "WIB"
    cutoff_hour: int = 7
    aid: list[AidLine] = field(default_factory=list)
    meals: list[MealLine] = field(default_factory=list)
    urgent_needs: list = field(default_factory=list)  # site_days.UrgentNeed
    obstacles: str = ""
    follow_up: str = ""
    responsible: Responsible = field(default_factory=Responsible)


IN_KINDS = ("received", "transfer_in")
OUT_KINDS = ("issued", "distributed", "transfer_out")


NOTES_LIMIT = 2000  # characters: the notes stay on one page with the signatures
PREPARED_BY_LIMIT = 200


def _free_text(field: str, text: str, limit: int) -> str:
    """Notes and the preparer's name as the rules of every record hold them: no control
    characters, within a length that fits the page."""
    try:
        cleaned = field_rules.clean_text(text or "", single_line=field == "prepared_by")
    except ValueError as error:
        raise RuleViolation(
            field,
            _(
                "{field} holds a control character ({code}) that cannot be stored; remove it and type the text again.",
                field=field,
                code=str(error),
            ),
        ) from None
    if len(cleaned) > limit:
        raise RuleViolation(
            field,
            _("The notes are too long for the report: at most {n} characters; shorten them.", n=limit)
            if field == "notes"
            else _("{field} is too long: at most {n} characters.", field=field, n=limit),
        )
    return cleaned


def region_lines(code: str) -> list[RegionLine]:
    """The village, district, regency and province of a village code, with their Kemendagri codes."""
    found = []
    village = regions.village(code) if code else None
    for level, region in (
        ("village", village),
        ("district", regions.district(village.parent_code) if village else None),
    ):
        if region is not None:
            found.append(RegionLine(level, region.code, region.name))
    if found:
        district = regions.district(found[-1].code)
        regency = regions.regency(district.parent_code) if district else None
        province = regions.province(regency.parent_code) if regency else None
        for level, region in (("regency", regency), ("province", province)):
            if region is not None:
                found.append(RegionLine(level, region.code, region.name))
    return found


def aid_received(site_id, day) -> list[AidLine]:
    """What arrived at the site that day, with where it came from (the stock card's record)."""
    query = stock.received_on(site_id, day, IN_KINDS)
    lines = []
    for movement in query:
        lot = movement.lot if movement.lot_id else None
        other = movement.other_site.name if movement.kind == "transfer_in" and movement.other_site_id else ""
        lines.append(
            AidLine(
                movement.item.name,
                movement.delta,
                movement.item.unit,
                lot.source if lot is not None else "",
                movement.reference,
                other,
            )
        )
    return lines


def collect(site, day, prepared_by: str = "", notes: str = "", responsible: Responsible | None = None) -> DailyData:
    notes = _free_text("notes", notes, NOTES_LIMIT)
    prepared_by = _free_text("prepared_by", prepared_by, PREPARED_BY_LIMIT)
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
            line.need_per_day, line.gap = supply["need_per_day"], supply["gap"]
        stock_lines.append(line)
    activity_lines = [
        ActivityLine(activity.kind, activity.title, activity.facilitator, activities.participant_count(activity.id))
        for activity in activities.activities(site.id, on=day)
    ]
    contact = " · ".join(part for part in (site.contact_name, site.contact_phone) if part)
    recorded = site_days.day_fields(site.id, day)
    if responsible is not None and not responsible.name:
        responsible.name = prepared_by
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
        regions=region_lines(site.village_code),
        latitude=site.latitude,
        longitude=site.longitude,
        # Sequential per site (one site, one event): the site's day number, the same on every reprint.
        report_number=(day - site.opened_on).days + 1,
        site_code=site.id.hex[:6].upper(),
        time_zone=regions.time_zone(site.village_code or site.event.region_code),
        cutoff_hour=int(settings.value("report_cutoff_hour")),
        aid=aid_received(site.id, day),
        meals=[
            MealLine(activity.title, meals.morning, meals.midday, meals.evening)
            for activity, meals in activities.meals_served(site.id, day)
        ],
        urgent_needs=recorded.urgent_needs,
        obstacles=recorded.obstacles,
        follow_up=recorded.follow_up,
        responsible=responsible or Responsible(prepared_by),
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
            (
                tr("Report number"),
                tr(
                    "{number} (day {day} of the site)",
                    number=f"{data.report_number:03d}",
                    day=fmt.n(data.report_number),
                ),
            ),
            (
                tr("Data cut-off"),
                tr(
                    "{date}, data up to {hour} {zone}",
                    date=fmt.date(data.day, "full"),
                    hour=f"{data.cutoff_hour:02d}.00",
                    zone=data.time_zone,
                ),
            ),
            (tr("Event"), data.event),
            (tr("Site"), data.site),
            (tr("Kind of site"), fmt.label(choices.SITE_KINDS, data.site_kind)),
            (tr("Address"), data.address or "–"),
            *[(translate(REGION_LEVELS[line.level]), f"{line.name} ({line.code})") for line in data.regions],
            (tr("Coordinates"), coordinates(data)),
            (tr("Status of the site"), status_word),
            (tr("Capacity (day / night)"), f"{fmt.n(figures['capacity_day'])} / {fmt.n(figures['capacity_night'])}"),
            (tr("Contact person"), data.contact or "–"),
            (tr("Standards"), translate(PROFILES.get(data.standards_profile, PROFILES["bnpb"]).label)),
        ]
        story: list = [paragraph(title, "title"), key_values(particulars)]

        key, ages, groups, _movements = population_tables(figures, data.age_bands, fmt)
        story += section(tr("1. Evacuees"), key)
        story.append(side_by_side(ages, age_pyramid(figures, data.age_bands, FRAME_WIDTH * 0.44 - 6, fmt), share=0.56))
        story.append(side_by_side(groups, movements_table(figures, fmt), share=0.56))
        story.append(paragraph(vital_events(figures, fmt), "note"))

        needs = needs_table(figures["needs"], data.standards_profile, fmt)
        bars = charts.bullets(need_bars(figures, fmt), FRAME_WIDTH, tr("Available"), tr("Needed"))
        story += section(tr("2. Needs and gaps against the standard"), needs)
        story.append(food_table(figures["needs"]["rice"], data.standards_profile, fmt))
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
                        fmt.n(line.need_per_day) if line.need_per_day else "",
                        fmt.n(line.days_of_supply) if line.days_of_supply is not None else "",
                        fmt.n(line.gap) if line.need_per_day else "",
                        status,
                    ]
                )
            )
        if stock_rows:
            table = DataTable(
                [
                    Col(tr("Item"), 0.15),
                    Col(tr("Unit"), 0.08),
                    Col(tr("Opening stock"), 0.075, "R"),
                    Col(tr("Received"), 0.075, "R"),
                    Col(tr("Distributed or used"), 0.1, "R"),
                    Col(tr("Adjusted"), 0.09, "R"),
                    Col(tr("On hand at the end of the day"), 0.08, "R"),
                    Col(tr("Need per day"), 0.09, "R"),
                    Col(tr("Days of supply"), 0.075, "R"),
                    Col(tr("Short of the target"), 0.075, "R"),
                    Col(tr("Status"), 0.10, "C"),
                ],
                stock_rows,
                font_size=7.5,
            )
            story += section(tr("4. Stock on hand, received and distributed today"), table)
        else:
            story += section(
                tr("4. Stock on hand, received and distributed today"), paragraph(tr("No stock at this site."), "note")
            )

        story += section(tr("5. Aid received today"), aid_table(data, fmt))

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
            story += section(tr("6. Activities of the day"), table)
        else:
            story += section(tr("6. Activities of the day"), paragraph(tr("No activities on this day."), "note"))
        story += section(tr("7. Meals served by the community kitchen"), meals_table(data, fmt))

        story += section(tr("8. Urgent needs"), urgent_table(data, fmt))
        recorded = [
            Row([tr("Obstacles"), data.obstacles or "–"]),
            Row([tr("Follow-up"), data.follow_up or "–"]),
        ]
        if data.notes.strip():
            recorded.append(Row([tr("Notes"), data.notes.strip()]))
        else:
            recorded.append(Row([tr("Notes"), "\n\n"]))
        notes = DataTable([Col("", 0.2, bold=True), Col("", 0.8)], recorded, font_size=8.5, header=False, zebra=False)
        # What was recorded stays with the signatures: it is what the signatories vouch for.
        story.append(
            KeepTogether([heading(tr("9. Obstacles, follow-up and notes")), notes, *signature_block(data, fmt)])
        )
        return report.build(story, author=data.prepared_by)


def location(data: DailyData) -> str:
    village = data.place.split(",")[0].strip()
    if data.address and (not village or village.lower() in data.address.lower()):
        return data.address
    return ", ".join(p for p in (data.address, data.place) if p) or "–"


def signature_block(data: DailyData, fmt) -> list:
    place = data.place.split(",")[0] if data.place else ""
    dated = ", ".join(p for p in (place, fmt.date(data.day)) if p)
    person = data.responsible
    details = [p for p in (person.position, person.agency) if p]
    left = [
        paragraph(dated),
        paragraph(tr("Prepared by,")),
        Spacer(1, 32),
        paragraph(f"( {person.name} )" if person.name else "( ........................................ )"),
        *[paragraph(text) for text in details],
        *([paragraph(tr("Phone: {phone}", phone=person.phone))] if person.phone else []),
    ]
    right = [
        Spacer(1, 11.5),
        paragraph(tr("Acknowledged by the site coordinator,")),
        Spacer(1, 32),
        paragraph("( ........................................ )"),
        paragraph(tr("Position:") + " ...................................."),
    ]
    table = Table([[left, right]], colWidths=[FRAME_WIDTH / 2] * 2)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [Spacer(1, 4), heading(tr("Signatures")), table, paragraph(tr("Stamp (cap)"), "note")]


REGION_LEVELS = {
    "village": N_("Village (kelurahan/desa)"),
    "district": N_("District (kecamatan)"),
    "regency": N_("Regency or city"),
    "province": N_("Province"),
}
PRIORITY_STATUS = {"high": "critical", "medium": "short", "low": "ok"}


def coordinates(data: DailyData) -> str:
    if data.latitude is None or data.longitude is None:
        return "–"
    return f"{data.latitude:.5f}, {data.longitude:.5f}"


def aid_table(data: DailyData, fmt):
    if not data.aid:
        return paragraph(tr("No aid received on this day."), "note")
    rows = [
        Row(
            [
                line.item,
                fmt.n(line.quantity),
                line.unit,
                fmt.label(choices.STOCK_SOURCES, line.source) if line.source else "–",
                line.reference or (tr("from {site}", site=line.from_site) if line.from_site else "–"),
            ]
        )
        for line in data.aid
    ]
    return DataTable(
        [
            Col(tr("Item"), 0.26),
            Col(tr("Quantity"), 0.12, "R"),
            Col(tr("Unit"), 0.1),
            Col(tr("Source"), 0.2),
            Col(tr("Donor or sender, delivery note"), 0.32),
        ],
        rows,
    )


def meals_table(data: DailyData, fmt):
    if not data.meals:
        return paragraph(tr("No meals recorded on this day."), "note")
    rows = [
        Row([m.kitchen, fmt.n(m.morning), fmt.n(m.midday), fmt.n(m.evening), fmt.n(m.morning + m.midday + m.evening)])
        for m in data.meals
    ]
    if len(rows) > 1:
        rows.append(
            Row(
                [
                    tr("Total"),
                    *(fmt.n(sum(getattr(m, meal) for m in data.meals)) for meal in ("morning", "midday", "evening")),
                    fmt.n(sum(m.morning + m.midday + m.evening for m in data.meals)),
                ],
                kind="total",
            )
        )
    return DataTable(
        [
            Col(tr("Kitchen"), 0.4),
            Col(tr("Morning"), 0.15, "R"),
            Col(tr("Midday"), 0.15, "R"),
            Col(tr("Evening"), 0.15, "R"),
            Col(tr("Portions"), 0.15, "R"),
        ],
        rows,
    )


def urgent_table(data: DailyData, fmt):
    if not data.urgent_needs:
        return paragraph(tr("No urgent needs recorded for this day."), "note")
    rows = [
        Row(
            [
                fmt.n(number),
                need.item,
                fmt.n(need.quantity),
                need.unit,
                Status(PRIORITY_STATUS.get(need.priority, "short"), translate(site_days.PRIORITIES[need.priority])),
            ]
        )
        for number, need in enumerate(data.urgent_needs, 1)
    ]
    return DataTable(
        [
            Col("#", 0.06, "R"),
            Col(tr("Item"), 0.46),
            Col(tr("Quantity"), 0.16, "R"),
            Col(tr("Unit"), 0.14),
            Col(tr("Priority"), 0.18, "C"),
        ],
        rows,
    )


@requires("reports.aggregate")
def daily_report(
    site,
    day,
    lang: str = "id",
    prepared_by: str = "",
    notes: str = "",
    out=None,
    generated_at=None,
    position: str = "",
    agency: str = "",
    phone: str = "",
) -> Rendered:
    """The daily report of one site on one day; written to ``out`` when it is given. The
    person responsible (``prepared_by``, ``position``, ``agency``, ``phone``) signs it."""
    responsible = Responsible(prepared_by, position, agency, phone)
    rendered = render(collect(site, day, prepared_by, notes, responsible), lang, generated_at)
    return rendered.save(out) if out else rendered
