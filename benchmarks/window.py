"""Window figures on a large operation: start-up time, roster search latency, peak memory.

    python benchmarks/window.py --db /tmp/big/big500k.db            # an existing demo database
    python benchmarks/window.py --persons 500000 --db /tmp/big.db   # builds the demo first if missing

Each measurement runs in a fresh process with Qt's offscreen platform:
- start-up: from the process start (before Python imports anything of the app) to the main
  window shown with its first page painted;
- roster search: from the last keystroke typed in the search box to the rows shown (the
  search delay that waits for the next keystroke included);
- peak memory: the process's maximum resident set after start-up, the searches and scrolling
  the roster to row 5,000.
Not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, os, resource, sys, time
started = float(os.environ["BENCH_T0"])
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
app = QApplication([])
from shelter_app.ui.app import create_window
window = create_window(sys.argv[1], check_file=False)
window.resize(1280, 800)
window.show()
app.processEvents()
shown = time.time() - started
result = {"startup_s": shown}
window._jobs and [job.wait() for job in window._jobs]  # the daily backup is not part of the search timings
window.go_to("roster")
page = window.pages["roster"]
app.processEvents()
latencies = []
for prefix in sys.argv[2].split(","):
    page.search.clear()
    page.apply_filter(force=True)
    app.processEvents()
    QTest.keyClicks(page.search, prefix[:-1])
    page._search_timer.stop()
    before = page.filter
    start = time.perf_counter()
    QTest.keyClick(page.search, prefix[-1])
    while page.filter == before or page.filter.text != prefix:
        app.processEvents()
    page.table.viewport().repaint()
    latencies.append(time.perf_counter() - start)
result["search_s"] = latencies
page.search.clear()
page.apply_filter(force=True)
while page.model.rowCount() < 5000 and page.model.canFetchMore():
    page.model.fetchMore()
page.table.scrollToBottom()
app.processEvents()
result["rows_loaded"] = page.model.rowCount()
result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("RESULT " + json.dumps(result))
window.close()
"""

PREFIXES = "as,de,ri,su,ne,ag,ci,wa,yu,ma,ka,nu,ha,la,eu,en,sa,bu,ib,ro"


def run_child(db: str, config_home: str) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": config_home, "BENCH_T0": repr(time.time())}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, db, PREFIXES], capture_output=True, text=True, env=env, cwd=ROOT, timeout=600
    )
    line = next((text for text in done.stdout.splitlines() if text.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"the window process failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(line[len("RESULT ") :])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--persons", type=int, default=500_000, help="demo size when the database is missing")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not Path(args.db).exists():
        print(f"building a demo of {args.persons:,} persons in {args.db} …")
        subprocess.run(
            [sys.executable, "-m", "shelter_app", "demo", "--db", args.db, "--persons", str(args.persons)],
            check=True,
            cwd=ROOT,
        )
    config_home = tempfile.mkdtemp(prefix="posko-bench-config-")
    results = [run_child(args.db, config_home) for _ in range(args.runs)]
    starts = [r["startup_s"] for r in results]
    searches = sorted(s for r in results for s in r["search_s"])
    p95 = searches[int(len(searches) * 0.95) - 1]
    print(f"database: {args.db}")
    print(
        f"start-up to main window shown: median {statistics.median(starts):.2f} s "
        f"(runs: {', '.join(f'{s:.2f}' for s in starts)}; target < 1.5 s)"
    )
    print(
        f"roster search, keystroke to rows shown: median {statistics.median(searches) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms over {len(searches)} searches (target < 100 ms)"
    )
    print(
        f"peak memory after start-up, searches and scrolling to row {results[-1]['rows_loaded']:,}: "
        f"{max(r['peak_rss_mb'] for r in results):.0f} MB (target < 400 MB)"
    )


if __name__ == "__main__":
    main()
