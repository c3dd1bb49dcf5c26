"""The operation summary: every site on one day, the sites most short of water, toilets and
space first, with totals. Every figure comes from ``stats.figures(day)``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from reportlab.platypus import PageBreak

from shelter_app.domain.standards import PROFILES, STATUS_SEVERITY, status_of
from shelter_app.i18n import ntr, tr, translate
from shelter_app.reports import charts
from shelter_app.reports.common import language, paragraph, resolve_day, section
from shelter_app.reports.document import Rendered, Report
from shelter_app.reports.parts import (
    NEED_LABELS,
    VULNERABLE_LABELS,
    age_pyramid,
    band_range,
    food_table,
    movements_table,
    needs_table,
    population_tables,
    side_by_side,
    vital_events,
)
from shelter_app.reports.style import FRAME_WIDTH
from shelter_app.reports.tables import Col, DataTable, Row, Status
from shelter_app.services import settings, stats
from shelter_app.services import sites as site_service
from shelter_app.services.access import requires

CHART_SITES = 20  # a chart shows at most this many sites; the tables show them all
SHORTAGE_NEEDS = ("water", "toilets", "covered_area")


@dataclass
class SummaryData:
    day: datetime.date
    events: list[str]
    standards_profile: str
    sites: list[dict]  # stats.figures(day)["sites"], most short first
    total: dict
    age_bands: list[str] = field(default_factory=list)


def shortage(entry: dict) -> tuple:
    """How short a site is of water, toilets and space: worst status, then the share missing."""
    needs = entry["needs"]
    worst = max(STATUS_SEVERITY[needs[name]["status"]] for name in SHORTAGE_NEEDS)
    missing = sum(needs[name]["gap"] / needs[name]["required"] for name in SHORTAGE_NEEDS if needs[name]["required"])
    return (-worst, -missing, entry["name"])


def collect(day) -> SummaryData:
    day = resolve_day(day)
    figures = stats.figures(day)
    events = [event.name for event in site_service.events()]
    return SummaryData(
        day,
        events,
        figures["standards_profile"],
        sorted(figures["sites"], key=shortage),
        figures["total"],
        [band.name for band in settings.age_bands()],
    )


def _status(fmt, code: str) -> Status:
    return Status(code, fmt.status(code))


def render(data: SummaryData, lang: str = "id", generated_at=None) -> Rendered:
    with language(lang) as fmt:
        title = tr("Operation summary")
        total = data.total
        open_sites = sum(1 for entry in data.sites if entry["status"] == "open")
        subtitle = ntr(
            "{events} · {date} · {n} site",
            "{events} · {date} · {n} sites",
            len(data.sites),
            events=", ".join(data.events) or "–",
            date=fmt.date(data.day),
            n=fmt.n(len(data.sites)),
        )
        report = Report(title, subtitle, lang, generated_at=generated_at)
        profile = PROFILES.get(data.standards_profile, PROFILES["bnpb"])
        story: list = [
            paragraph(title, "title"),
            paragraph(subtitle, "subtitle"),
            paragraph(
                ntr(
                    "{open} of {n} site open on this day. Standards: {profile}.",
                    "{open} of {n} sites open on this day. Standards: {profile}.",
                    len(data.sites),
                    open=fmt.n(open_sites),
                    n=fmt.n(len(data.sites)),
                    profile=translate(profile.label),
                ),
                "note",
            ),
        ]
        key, ages, groups, _movements = population_tables(total, data.age_bands, fmt)
        story += section(tr("1. The whole operation"), key)
        story.append(side_by_side(ages, age_pyramid(total, data.age_bands, FRAME_WIDTH * 0.44 - 6, fmt), share=0.56))
        story.append(side_by_side(groups, movements_table(total, fmt), share=0.56))
        story.append(paragraph(vital_events(total, fmt), "note"))
        story += section(tr("Needs and gaps of all sites"), needs_table(total["needs"], data.standards_profile, fmt))
        story.append(food_table(total["needs"]["rice"], data.standards_profile, fmt))
        story.append(balance_table(total, fmt))
        story.append(
            paragraph(
                tr(
                    "The gap of the operation is the sum of the sites' gaps: a surplus at one site does not cover "
                    "a shortage at another. The net balance is everything available less everything needed, as if "
                    "it could all be moved; a need is short at a site when its gap there is above 0."
                ),
                "note",
            )
        )

        story.append(PageBreak())
        story += section(tr("2. Sites most short of water, toilets and space"), shortage_table(data, fmt))
        story += charts_of(data, fmt)
        story += section(tr("3. Evacuees by site"), population_by_site(data, fmt))
        story += section(tr("4. Age bands and sex by site"), ages_by_site(data, fmt))
        story += section(tr("5. Vulnerable groups by site"), vulnerable_by_site(data, fmt))
        story += section(tr("6. Needs by site"), needs_by_site(data, fmt))
        return report.build(story)


BALANCE_NEEDS = ("water", "toilets", "taps", "covered_area", "rice")


def balance_table(total: dict, fmt) -> DataTable:
    """Per need: the sum of the sites' shortfalls, the net balance and how many sites are short."""
    rows = []
    for name in BALANCE_NEEDS:
        need = total["needs"].get(name)
        if need is None:
            continue
        rows.append(
            Row(
                [
                    translate(NEED_LABELS[name]),
                    fmt.n(need["gap"]),
                    fmt.signed(need.get("net_balance", 0)),
                    fmt.unit(need["unit"]),
                    fmt.n(need.get("sites_short", 0)),
                    _status(fmt, need["status"]),
                ]
            )
        )
    return DataTable(
        [
            Col(tr("Need"), 0.22),
            Col(tr("Sum of the sites' gaps"), 0.17, "R"),
            Col(tr("Net balance"), 0.17, "R"),
            Col(tr("Unit"), 0.12),
            Col(tr("Sites short"), 0.16, "R"),
            Col(tr("Status"), 0.16, "C"),
        ],
        rows,
        zebra=False,
    )


def shortage_table(data: SummaryData, fmt) -> DataTable:
    rows = []
    for rank, entry in enumerate(data.sites, 1):
        needs = entry["needs"]
        rice = needs["rice"]
        rows.append(
            Row(
                [
                    fmt.n(rank),
                    entry["name"],
                    fmt.n(entry["persons"]),
                    fmt.n(needs["water"]["gap"]),
                    _status(fmt, needs["water"]["status"]),
                    fmt.n(needs["toilets"]["gap"]),
                    _status(fmt, needs["toilets"]["status"]),
                    fmt.n(needs["covered_area"]["gap"]),
                    _status(fmt, needs["covered_area"]["status"]),
                    fmt.n(rice["days_of_supply"]) if rice.get("days_of_supply") is not None else "–",
                    _status(fmt, rice["status"]),
                ]
            )
        )
    needs = data.total["needs"]
    rows.append(
        Row(
            [
                "",
                tr("Total"),
                fmt.n(data.total["persons"]),
                fmt.n(needs["water"]["gap"]),
                _status(fmt, needs["water"]["status"]),
                fmt.n(needs["toilets"]["gap"]),
                _status(fmt, needs["toilets"]["status"]),
                fmt.n(needs["covered_area"]["gap"]),
                _status(fmt, needs["covered_area"]["status"]),
                fmt.n(needs["rice"]["days_of_supply"]) if needs["rice"].get("days_of_supply") is not None else "–",
                _status(fmt, needs["rice"]["status"]),
            ],
            kind="total",
        )
    )
    columns = [
        Col("#", 0.04, "R"),
        Col(tr("Site"), 0.2),
        Col(tr("Persons"), 0.07, "R"),
        Col(tr("Water short (L/day)"), 0.1, "R"),
        Col(tr("Water"), 0.08, "C"),
        Col(tr("Toilets short"), 0.08, "R"),
        Col(tr("Toilets"), 0.08, "C"),
        Col(tr("Space short (m²)"), 0.09, "R"),
        Col(tr("Space"), 0.08, "C"),
        Col(tr("Rice (days)"), 0.08, "R"),
        Col(tr("Rice"), 0.1, "C"),
    ]
    return DataTable(columns, rows, font_size=7.5)


def charts_of(data: SummaryData, fmt) -> list:
    def water_short(entry):
        need = entry["needs"]["water"]
        return (
            -STATUS_SEVERITY[need["status"]],
            -(need["gap"] / need["required"] if need["required"] else 0),
            entry["name"],
        )

    shown = sorted(data.sites, key=water_short)[:CHART_SITES]
    water = [
        charts.Bar(
            entry["name"],
            entry["needs"]["water"]["available"],
            entry["needs"]["water"]["required"],
            f"{fmt.n(entry['needs']['water']['available'])} / {fmt.n(entry['needs']['water']['required'])} {fmt.unit('L/day')}",
            entry["needs"]["water"]["status"],
        )
        for entry in shown
    ]
    busiest = sorted(data.sites, key=lambda e: (-(e["occupancy"] or 0), e["name"]))[:CHART_SITES]
    occupancy = [
        charts.Bar(
            entry["name"],
            entry["persons"],
            entry["capacity"],
            f"{fmt.n(entry['persons'])} / {fmt.n(entry['capacity'])}",
            status_of(entry["capacity"], entry["persons"]),
        )
        for entry in busiest
    ]
    many = len(data.sites) > CHART_SITES
    water_title = (
        tr("Water installed against water needed, the {n} sites most short", n=CHART_SITES)
        if many
        else tr("Water installed against water needed")
    )
    occupancy_title = (
        tr("Persons against capacity, the {n} fullest sites", n=CHART_SITES) if many else tr("Persons against capacity")
    )
    return [
        charts.bullets(water, FRAME_WIDTH, tr("Installed"), tr("Needed"), title=water_title, label_width=170),
        charts.bullets(occupancy, FRAME_WIDTH, tr("Persons"), tr("Capacity"), title=occupancy_title, label_width=170),
    ]


def _total_row(cells: list) -> Row:
    return Row(cells, kind="total")


def population_by_site(data: SummaryData, fmt) -> DataTable:
    keys = ("persons", "households", "male", "female", "capacity")
    moves = ("arrivals", "departures", "transfers_in", "transfers_out")

    def cells(entry, name):
        return [
            name,
            *(fmt.n(entry[k]) for k in keys),
            fmt.percent(entry["occupancy"]),
            *(fmt.n(entry[k]) for k in moves),
        ]

    rows = [Row(cells(entry, entry["name"])) for entry in sorted(data.sites, key=lambda e: e["name"])]
    rows.append(_total_row(cells(data.total, tr("Total"))))
    columns = [
        Col(tr("Site"), 0.17),
        Col(tr("Persons"), 0.07, "R"),
        Col(tr("Households"), 0.08, "R"),
        Col(tr("Male"), 0.075, "R"),
        Col(tr("Female"), 0.09, "R"),
        Col(tr("Capacity"), 0.08, "R"),
        Col(tr("Occupancy"), 0.085, "R"),
        Col(tr("Arrivals"), 0.095, "R"),
        Col(tr("Departures"), 0.09, "R"),
        Col(tr("Transferred in"), 0.08, "R"),
        Col(tr("Transferred out"), 0.085, "R"),
    ]
    return DataTable(columns, rows, font_size=7.5)


def ages_by_site(data: SummaryData, fmt) -> DataTable:
    bands = data.age_bands

    def cells(entry, name):
        out = [name]
        for band in bands:
            out += [fmt.n(entry["age_bands"][band]["male"]), fmt.n(entry["age_bands"][band]["female"])]
        return out

    rows = [Row(cells(entry, entry["name"])) for entry in sorted(data.sites, key=lambda e: e["name"])]
    rows.append(_total_row(cells(data.total, tr("Total"))))
    share = 0.78 / (2 * len(bands))
    columns = [Col(tr("Site"), 1 - share * 2 * len(bands))]
    for band in bands:
        columns += [
            Col(f"{band_range(band)}\n{tr('M')}", share, "R"),
            Col(f"{band_range(band)}\n{tr('F')}", share, "R"),
        ]
    table = DataTable(columns, rows, font_size=7.5)
    return table


def vulnerable_by_site(data: SummaryData, fmt) -> DataTable:
    names = list(VULNERABLE_LABELS)

    def cells(entry, name):
        return [name, *(fmt.n(entry["vulnerable"][key]) for key in names)]

    rows = [Row(cells(entry, entry["name"])) for entry in sorted(data.sites, key=lambda e: e["name"])]
    rows.append(_total_row(cells(data.total, tr("Total"))))
    columns = [Col(tr("Site"), 0.28)] + [Col(translate(VULNERABLE_LABELS[key]), 0.12, "R") for key in names]
    return DataTable(columns, rows, font_size=7.5)


def needs_by_site(data: SummaryData, fmt) -> DataTable:
    def cells(entry, name):
        needs = entry["needs"]
        out = [name]
        for key in ("water", "toilets", "covered_area", "rice"):
            out += [fmt.n(needs[key]["required"]), fmt.n(needs[key]["available"])]
        return out

    rows = [Row(cells(entry, entry["name"])) for entry in sorted(data.sites, key=lambda e: e["name"])]
    rows.append(_total_row(cells(data.total, tr("Total"))))
    columns = [Col(tr("Site"), 0.2)]
    for label in (tr("Water (L/day)"), tr("Toilets"), tr("Space (m²)")):
        columns += [Col(f"{label}\n{tr('needed')}", 0.1, "R"), Col(f"{label}\n{tr('available')}", 0.1, "R")]
    # Rice: a need a day beside stock on hand, said so (not one unit for both).
    columns += [Col(tr("Rice needed (kg/day)"), 0.1, "R"), Col(tr("Rice on hand (kg)"), 0.1, "R")]
    return DataTable(columns, rows, font_size=7.5)


@requires("reports.aggregate")
def operation_summary(day, lang: str = "id", out=None, generated_at=None) -> Rendered:
    """Every site's figures on ``day``, most short first, with totals; written to ``out`` when given."""
    rendered = render(collect(day), lang, generated_at)
    return rendered.save(out) if out else rendered
