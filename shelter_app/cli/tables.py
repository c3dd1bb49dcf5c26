"""Plain-text tables for the terminal, in the user's language."""

from __future__ import annotations

from babel.numbers import format_decimal

from shelter_app.i18n import current_language, tr

STATUS_MARK = {"ok": "ok", "not_recorded": "?", "short": "!", "critical": "!!"}


def _n(value) -> str:
    return format_decimal(value, locale=current_language(), format="#,##0.#")


def stats_table(figures: dict) -> str:
    headers = [
        tr("Site"),
        tr("Persons"),
        tr("Households"),
        tr("Male"),
        tr("Female"),
        tr("Capacity"),
        tr("Arrivals"),
        tr("Departures"),
        tr("Water"),
        tr("Toilets"),
        tr("Space"),
        tr("Rice (days)"),
    ]
    rows = []
    for entry in [*figures["sites"], {**figures["total"], "name": tr("Total")}]:
        needs = entry["needs"]
        rice = needs.get("rice", {})
        rows.append(
            [
                entry["name"],
                _n(entry["persons"]),
                _n(entry["households"]),
                _n(entry["male"]),
                _n(entry["female"]),
                _n(entry["capacity"]),
                _n(entry["arrivals"]),
                _n(entry["departures"]),
                *(
                    f"{STATUS_MARK[needs[k]['status']]} -{_n(needs[k]['gap'])}" if needs[k]["gap"] else "ok"
                    for k in ("water", "toilets", "covered_area")
                ),
                f"{STATUS_MARK[rice.get('status', 'ok')]} {_n(rice['days_of_supply'])}"
                if rice.get("days_of_supply") is not None
                else "-",
            ]
        )
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
    lines = [tr("Figures on {date}", date=figures["date"]), ""]
    for row in [headers, *rows]:
        lines.append(
            "  ".join(
                str(cell).ljust(w) if i == 0 else str(cell).rjust(w) for i, (cell, w) in enumerate(zip(row, widths))
            )
        )
    return "\n".join(lines)


STATUS_WORDS = {"present": "Present", "left": "Left", "none": "Not checked in"}


def search_table(rows: list[dict], day) -> str:
    """The persons a search found, NIK and KK masked as on screen."""
    from shelter_app.i18n import formats, ntr

    headers = [tr("Name"), tr("NIK"), tr("KK"), tr("Age"), tr("Household (head)"), tr("Site"), tr("Status")]
    body = [
        [
            row["name"],
            row["nik"],
            row["kk"],
            str(row["age"]),
            row["household"],
            row["site"] or "-",
            tr(STATUS_WORDS.get(row["status"], row["status"])),
        ]
        for row in rows
    ]
    widths = [max(len(str(r[i])) for r in [headers, *body]) for i in range(len(headers))]
    found = ntr("{n} person found", "{n} persons found", len(rows))
    lines = [tr("{found} on {date}", found=found, date=formats.short_date(day)), ""]
    if body:
        lines += ["  ".join(str(cell).ljust(w) for cell, w in zip(r, widths)).rstrip() for r in [headers, *body]]
    return "\n".join(lines)
