"""Parts shared by the daily report and the operation summary: population, needs, charts."""

from __future__ import annotations

from reportlab.platypus import Table, TableStyle

from shelter_app.domain.standards import AGE_BAND_LABELS, PROFILES, status_of
from shelter_app.i18n import N_, ntr, tr, translate
from shelter_app.reports import charts
from shelter_app.reports.style import FRAME_WIDTH
from shelter_app.reports.tables import Col, DataTable, Row, Status
from shelter_app.services import settings

VULNERABLE_LABELS = {
    "pregnant": N_("Pregnant women"),
    "lactating": N_("Breast-feeding women"),
    "disability": N_("Persons with disabilities"),
    "chronic_illness": N_("Chronically ill"),
    "unaccompanied_child": N_("Unaccompanied or separated children"),
    "female_headed_households": N_("Female-headed households"),
}
NEED_LABELS = {
    "water": N_("Clean water"),
    "toilets": N_("Toilets"),
    "covered_area": N_("Covered living space"),
    "taps": N_("Taps"),
    "rice": N_("Rice"),
}


ARRIVAL_LABELS = {
    "new": N_("New arrivals"),
    "transferred": N_("Transferred in from another site"),
    "born": N_("Born at the site"),
    "returned_from_hospital": N_("Back from hospital"),
}
DEPARTURE_LABELS = {
    "returned_home": N_("Returned home"),
    "relocated": N_("Relocated"),
    "transferred": N_("Transferred to another site"),
    "hospital": N_("Referred to hospital"),
    "deceased": N_("Died"),
    "other": N_("Left for another reason"),
}


def movements_table(figures: dict, fmt) -> DataTable:
    """Arrivals and departures of the day by reason, each list summing to its total."""
    rows = [Row([tr("Arrivals"), fmt.n(figures["arrivals"])], kind="total")]
    rows += [
        Row([translate(label), fmt.n(figures["arrivals_by_reason"][key])]) for key, label in ARRIVAL_LABELS.items()
    ]
    rows.append(Row([tr("Departures"), fmt.n(figures["departures"])], kind="total"))
    rows += [
        Row([translate(label), fmt.n(figures["departures_by_reason"][key])]) for key, label in DEPARTURE_LABELS.items()
    ]
    return DataTable([Col(tr("Movements of the day"), 0.72), Col(tr("Persons"), 0.28, "R")], rows)


def vital_events(figures: dict, fmt) -> str:
    """Births, deaths and referrals of the day, stated on their own."""
    return tr(
        "Births: {born} · Deaths: {died} · Referred to hospital: {hospital} · Back from hospital: {back}",
        born=fmt.n(figures["arrivals_by_reason"]["born"]),
        died=fmt.n(figures["departures_by_reason"]["deceased"]),
        hospital=fmt.n(figures["departures_by_reason"]["hospital"]),
        back=fmt.n(figures["arrivals_by_reason"]["returned_from_hospital"]),
    )


def band_label(name: str) -> str:
    return translate(AGE_BAND_LABELS[name]) if name in AGE_BAND_LABELS else name


def band_range(name: str) -> str:
    """The years of a band, short enough for a chart: "< 1", "1–4", "60+"."""
    band = next((b for b in settings.age_bands() if b.name == name), None)
    if band is None:
        return name
    if band.max_years is None:
        return f"{band.min_years}+"
    if band.min_years == 0:
        return f"< {band.max_years}"
    return f"{band.min_years}–{band.max_years - 1}"


def side_by_side(left, right, share: float = 0.5, gap: float = 12) -> Table:
    width = FRAME_WIDTH
    table = Table([[left, right]], colWidths=[width * share - gap / 2, width * (1 - share) - gap / 2 + gap])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), gap),
                ("RIGHTPADDING", (1, 0), (1, 0), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


# --- the parts shared with the operation summary ------------------------------------------


def population_tables(figures: dict, bands: list[str], fmt) -> tuple[DataTable, DataTable, DataTable, DataTable]:
    """Key figures; age bands by sex; vulnerable groups and the day's movements."""
    occupancy = fmt.percent(figures["occupancy"]) if figures.get("occupancy") is not None else "–"
    key = DataTable(
        [
            Col(tr("Persons"), 1 / 6, "C"),
            Col(tr("Households"), 1 / 6, "C"),
            Col(tr("Male"), 1 / 6, "C"),
            Col(tr("Female"), 1 / 6, "C"),
            Col(tr("Capacity"), 1 / 6, "C"),
            Col(tr("Occupancy"), 1 / 6, "C"),
        ],
        [
            Row(
                [
                    fmt.n(figures["persons"]),
                    fmt.n(figures["households"]),
                    fmt.n(figures["male"]),
                    fmt.n(figures["female"]),
                    fmt.n(figures["capacity"]),
                    occupancy,
                ],
                bold=True,
            )
        ],
        font_size=10,
        zebra=False,
    )
    rows = [
        Row(
            [
                band_label(name),
                fmt.n(figures["age_bands"][name]["male"]),
                fmt.n(figures["age_bands"][name]["female"]),
                fmt.n(figures["age_bands"][name]["total"]),
            ]
        )
        for name in bands
    ]
    rows.append(
        Row([tr("Total"), fmt.n(figures["male"]), fmt.n(figures["female"]), fmt.n(figures["persons"])], kind="total")
    )
    ages = DataTable(
        [
            Col(tr("Age band"), 0.46),
            Col(tr("Male"), 0.18, "R"),
            Col(tr("Female"), 0.19, "R"),
            Col(tr("Total"), 0.17, "R"),
        ],
        rows,
    )
    vulnerable_rows = [
        Row([translate(label), fmt.n(figures["vulnerable"][name])]) for name, label in VULNERABLE_LABELS.items()
    ]
    movement_rows = [
        Row([tr("Arrivals"), fmt.n(figures["arrivals"])]),
        Row([tr("of which transferred in"), fmt.n(figures["transfers_in"])]),
        Row([tr("Departures"), fmt.n(figures["departures"])]),
        Row([tr("of which transferred out"), fmt.n(figures["transfers_out"])]),
    ]
    groups = DataTable([Col(tr("Vulnerable group"), 0.78), Col(tr("Total"), 0.22, "R")], vulnerable_rows)
    movements = DataTable([Col(tr("Movements of the day"), 0.72), Col(tr("Persons"), 0.28, "R")], movement_rows)
    return key, ages, groups, movements


def standard_text(name: str, profile_code: str, fmt, need: dict | None = None) -> str:
    """The standard exactly as the figure beside it was computed."""
    profile = PROFILES.get(profile_code, PROFILES["bnpb"])
    if name == "water":
        return tr("{n} L per person a day", n=fmt.n(profile.water_litres_per_person))
    if name == "toilets":
        ratio = (need or {}).get("persons_per_toilet") or profile.persons_per_toilet
        return ntr("1 per {n} person", "1 per {n} persons", ratio, n=fmt.n(ratio))
    if name == "taps":
        text = ntr("1 per {n} person", "1 per {n} persons", profile.persons_per_tap, n=fmt.n(profile.persons_per_tap))
        return f"{text} ({translate(profile.tap_source)})" if profile.tap_source else text
    if name == "covered_area":
        return tr("{n} m² per person", n=fmt.n(profile.covered_m2_per_person))
    if name == "rice":
        if profile.food_kcal_per_person:
            return tr(
                "{kcal} kcal per person a day, counted as {n} kg of rice",
                kcal=fmt.n(profile.food_kcal_per_person),
                n=fmt.n(profile.rice_kg_per_person),
            )
        return tr("{n} kg per person a day", n=fmt.n(profile.rice_kg_per_person))
    return ""


SPACE_NEEDS = ("water", "toilets", "taps", "covered_area")


def needs_table(needs: dict, profile_code: str, fmt) -> DataTable:
    """Water, toilets, taps and covered space against the standard (food: ``food_table``)."""
    rows = []
    for name in SPACE_NEEDS:
        if name not in needs:
            continue
        need = needs[name]
        rows.append(
            Row(
                [
                    translate(NEED_LABELS[name]),
                    standard_text(name, profile_code, fmt, need),
                    fmt.n(need["required"]),
                    fmt.n(need["available"]),
                    fmt.n(need["gap"]),
                    fmt.unit(need["unit"]),
                    Status(need["status"], fmt.status(need["status"])),
                ]
            )
        )
        if name == "toilets" and "female_male_ratio_ok" in need:
            ok = "ok" if need["female_male_ratio_ok"] else "short"
            rows.append(
                Row(
                    [
                        tr("Toilets for women and men"),
                        tr("3 for women to 1 for men"),
                        "",
                        f"{fmt.n(need['female'])} : {fmt.n(need['male'])}",
                        "",
                        "",
                        Status(ok, fmt.status(ok)),
                    ]
                )
            )
        if name == "toilets" and "accessible_ok" in need:
            ok = "ok" if need["accessible_ok"] else "short"
            rows.append(
                Row(
                    [
                        tr("Accessible toilets"),
                        tr("at least 1"),
                        "",
                        fmt.n(need["accessible"]),
                        "",
                        fmt.unit("toilets"),
                        Status(ok, fmt.status(ok)),
                    ]
                )
            )
    return DataTable(
        [
            Col(tr("Need"), 0.17),
            Col(tr("Standard"), 0.25),
            Col(tr("Needed"), 0.11, "R"),
            Col(tr("Available"), 0.11, "R"),
            Col(tr("Gap"), 0.11, "R"),
            Col(tr("Unit"), 0.11),
            Col(tr("Status"), 0.14, "C"),
        ],
        rows,
        zebra=False,
    )


def food_table(rice: dict, profile_code: str, fmt) -> DataTable:
    """Rice: the need of a day in its parts (persons, the extra for pregnant and breast-feeding
    women), then the stock on hand, days of supply and the shortfall to the target days."""
    profile = PROFILES.get(profile_code, PROFILES["bnpb"])
    unit = rice["unit"]
    per_day = fmt.unit(rice.get("unit_per_day", f"{unit}/day"))
    target = rice.get("target_days", profile.supply_days_target)
    status = Status(rice["status"], fmt.status(rice["status"]))
    rows = [
        Row(
            [
                ntr(
                    "Rice for {n} person",
                    "Rice for {n} persons",
                    rice.get("persons", 0),
                    n=fmt.n(rice.get("persons", 0)),
                ),
                standard_text("rice", profile_code, fmt),
                fmt.n(rice.get("base_kg_per_day", rice["required"])),
                per_day,
            ]
        ),
        Row(
            [
                ntr(
                    "Extra for {n} pregnant or breast-feeding woman",
                    "Extra for {n} pregnant or breast-feeding women",
                    rice.get("pregnant_lactating", 0),
                    n=fmt.n(rice.get("pregnant_lactating", 0)),
                ),
                tr("{n} kg a week each", n=fmt.n(round(profile.extra_rice_kg_pregnant_lactating * 7, 2))),
                fmt.n(rice.get("extra_kg_per_day", 0)),
                per_day,
            ]
        ),
        Row([tr("Rice needed a day"), "", fmt.n(rice["required"]), per_day], kind="total"),
        Row([tr("Rice on hand"), "", fmt.n(rice["available"]), fmt.unit(unit)]),
        Row([tr("Days of supply"), "", fmt.n(rice["days_of_supply"]), tr("days")]),
        Row(
            [
                ntr("Short of {n} day of supply", "Short of {n} days of supply", target, n=fmt.n(target)),
                tr("target: {n} days of supply", n=fmt.n(target)),
                fmt.n(rice["gap"]),
                fmt.unit(unit),
            ]
        ),
    ]
    table_rows = [Row([*row.cells, ""], kind=row.kind) for row in rows[:-1]]
    table_rows.append(Row([*rows[-1].cells, status]))
    return DataTable(
        [
            Col(tr("Food"), 0.34),
            Col(tr("Standard"), 0.3),
            Col(tr("Quantity"), 0.11, "R"),
            Col(tr("Unit"), 0.11),
            Col(tr("Status"), 0.14, "C"),
        ],
        table_rows,
        zebra=False,
    )


def need_bars(figures: dict, fmt) -> list[charts.Bar]:
    bars = []
    capacity = figures["capacity"] or 0
    bars.append(
        charts.Bar(
            tr("Persons against capacity"),
            figures["persons"],
            capacity,
            f"{fmt.n(figures['persons'])} / {fmt.n(capacity)}",
            status_of(capacity, figures["persons"]),
        )
    )
    for name in ("water", "toilets", "covered_area"):
        need = figures["needs"][name]
        bars.append(
            charts.Bar(
                translate(NEED_LABELS[name]),
                need["available"],
                need["required"],
                f"{fmt.n(need['available'])} / {fmt.n(need['required'])} {fmt.unit(need['unit'])}",
                need["status"],
            )
        )
    return bars


def age_pyramid(figures: dict, bands: list[str], width: float, fmt, title: str = ""):
    rows = [
        (band_range(name), figures["age_bands"][name]["male"], figures["age_bands"][name]["female"]) for name in bands
    ]
    return charts.pyramid(rows, width, tr("Male"), tr("Female"), fmt, title=title or tr("Age in years, by sex"))
