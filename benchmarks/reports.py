"""How fast the printed reports are, on a large demo operation.

    python benchmarks/reports.py                  # builds a demo of 40,000 persons (seed 7) in a temp folder
    python benchmarks/reports.py --db big.db      # reuses (or builds) that database

Prints, in one run:
- the roster of the largest site against drawing the same rows on a bare reportlab canvas
  (target: at most 1.5x), with and without reading the residents from the database;
- the daily site report of that site (target: under 1 s);
- the operation summary of 200 sites (target: under 3 s): 190 small sites are added through
  the services, each with a household checked in.
Each time is the best of three runs (five, interleaved, for the roster and its bare canvas).
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.pdfgen.canvas import Canvas

from shelter_app.demo.generator import build_demo
from shelter_app.history import records
from shelter_app.i18n import set_language
from shelter_app.reports import daily_report, fonts, operation_summary
from shelter_app.reports import roster as roster_report
from shelter_app.reports.fmt import Formatter
from shelter_app.reports.style import FRAME_HEIGHT, FRAME_WIDTH, MARGIN_BOTTOM, MARGIN_X, PAGE_SIZE
from shelter_app.services import roster, sites, stats, stays
from shelter_app.storage.session import open_database

DAY = datetime.date(2022, 11, 30)
SITES_FOR_SUMMARY = 200


def best_of(runs: int, work) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def bare_canvas(rows, widths: list[float], size: float = 7.5) -> bytes:
    """The same strings drawn at the same places with nothing but ``drawString``."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE_SIZE)
    xs = [MARGIN_X + sum(widths[:i]) for i in range(len(widths))]
    top = MARGIN_BOTTOM + FRAME_HEIGHT - 12
    y = top
    canvas.setFont(fonts.REGULAR, size)
    for row in rows:
        if y < MARGIN_BOTTOM:
            canvas.showPage()
            canvas.setFont(fonts.REGULAR, size)
            y = top
        if row.kind == "group":
            canvas.drawString(xs[0], y, row.cells[0])
        else:
            for x, cell in zip(xs, row.cells):
                canvas.drawString(x, y, cell)
        y -= size * 1.22 + 4.8
    canvas.save()
    return buffer.getvalue()


def add_sites(event_id, count: int) -> None:
    """Small sites through the services, each with one household checked in and a water tank."""
    from shelter_app.services import installations

    for number in range(count):
        site = sites.create_site(
            event_id,
            f"Posko Tambahan {number + 1:03d}",
            "tent_camp",
            datetime.date(2022, 11, 22),
            capacity_night=20 + number % 30,
            covered_area_m2=40 + number,
        )
        household = roster.register_household(address=f"Kp. Tambahan {number + 1}")
        people = [
            roster.add_person(
                household.id,
                confirmed=True,
                name=f"Warga Tambahan {number + 1} A",
                sex="L",
                age_years=40,
                relationship="head",
                today=DAY,
            ).person,
            roster.add_person(
                household.id,
                confirmed=True,
                name=f"Warga Tambahan {number + 1} B",
                sex="P",
                age_years=6,
                relationship="child",
                today=DAY,
            ).person,
        ]
        stays.check_in([p.id for p in people], site.id, datetime.date(2022, 11, 25))
        if number % 3:
            installations.add_installation(
                site.id,
                "water",
                state="working",
                since=datetime.date(2022, 11, 23),
                subkind="tank",
                name="Tandon",
                litres_per_day=20 + number % 40,
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database to use (built when missing)")
    parser.add_argument("--persons", type=int, default=40000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="posko-bench-")
    path = args.db or os.path.join(folder, "demo.db")
    fresh = not Path(path).exists()
    set_language("id")
    open_database(path)
    records.set_operator("Benchmark")
    if fresh:
        started = time.perf_counter()
        build_demo(persons=args.persons, seed=args.seed)
        print(f"demo of {args.persons:,} persons built in {time.perf_counter() - started:.1f} s")
    fonts.register()

    figures = stats.figures(DAY)
    largest = max(figures["sites"], key=lambda entry: entry["persons"])
    site = sites.find_site(largest["name"])
    print(f"largest site on {DAY}: {site.name}, {largest['persons']:,} residents, {largest['households']:,} households")

    # Roster: reading, rendering, and the bare canvas drawing the same rows.
    collect_time, data = best_of(3, lambda: roster_report.collect(site, DAY))
    fmt = Formatter("id")
    rows = roster_report.rows_of(data, fmt, False)
    widths = [col.width * FRAME_WIDTH for col in roster_report.columns()]
    # Interleaved, so that a busy moment of the machine hits both alike.
    render_time = bare_time = float("inf")
    for _ in range(5):
        elapsed, rendered = best_of(1, lambda: roster_report.render(data, "id"))
        render_time = min(render_time, elapsed)
        bare_time = min(bare_time, best_of(1, lambda: bare_canvas(rows, widths))[0])
    print(f"roster: {rendered.pages} pages, {len(rows):,} rows (households and residents)")
    print(f"  bare canvas, same rows          {bare_time:6.3f} s")
    print(
        f"  report, render from data        {render_time:6.3f} s   {render_time / bare_time:4.2f}x the bare canvas"
        f"   (target <= 1.5x)"
    )
    print(
        f"  report, read + render           {collect_time + render_time:6.3f} s   "
        f"{(collect_time + render_time) / bare_time:4.2f}x   (reading the residents: {collect_time:.3f} s)"
    )

    daily_time, daily = best_of(3, lambda: daily_report(site, DAY, prepared_by="Benchmark"))
    print(f"daily site report: {daily_time:6.3f} s, {daily.pages} pages   (target < 1 s)")

    existing = len(sites.sites())
    if existing < SITES_FOR_SUMMARY:
        started = time.perf_counter()
        add_sites(site.event_id, SITES_FOR_SUMMARY - existing)
        print(
            f"added {SITES_FOR_SUMMARY - existing} sites through the services in {time.perf_counter() - started:.1f} s"
        )
    count = len(stats.figures(DAY)["sites"])
    summary_time, summary = best_of(3, lambda: operation_summary(DAY))
    print(f"operation summary of {count} sites: {summary_time:6.3f} s, {summary.pages} pages   (target < 3 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
