"""Backups as a volunteer meets them: `shelter-app backup` of a large operation, alone and
while someone keeps working (one edit a second), beside the floor of the same copy done by
SQLite's backup API in one step with nothing checked.

    python benchmarks/backup.py --db big.db            # an existing operation (e.g. 500,000 persons)
    python benchmarks/backup.py --persons 100000       # build a demo operation first

Prints min and median of each over --runs runs (the floor and the app paired run by run).
Not a test: the numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

EDITOR = """
import sys, time, uuid
from shelter_app.history import records
from shelter_app.services import database
from shelter_app.storage.models import Person
database.open_operation(sys.argv[1])
records.set_operator("benchmark")
people = [row.id for row in Person.select(Person.id).limit(500)]
print("editing", flush=True)
stop = time.monotonic() + float(sys.argv[2])
turn = 0
while time.monotonic() < stop:  # one edit a second, as a volunteer typing at the next table
    person = Person.get_by_id(people[turn % len(people)])
    records.update(person, notes=f"edit {turn} {uuid.uuid4().hex[:6]}")
    turn += 1
    time.sleep(1)
"""


def floor_copy(db: Path, out: Path) -> float:
    """The same copy with nothing around it: SQLite's backup API, one step, no check."""
    out.unlink(missing_ok=True)
    start = time.perf_counter()
    source = sqlite3.connect(db)
    target = sqlite3.connect(out)
    source.backup(target, pages=-1)
    target.close()
    source.close()
    return time.perf_counter() - start


def app_backup(db: Path, out: Path) -> float:
    out.unlink(missing_ok=True)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "shelter_app", "backup", "--db", str(db), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"backup failed: {done.stderr}")
    return elapsed


def summary(label: str, values: list[float]) -> str:
    return f"{label:<44} min {min(values):6.2f} s   median {statistics.median(values):6.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an existing operation's database")
    parser.add_argument("--persons", type=int, default=100_000, help="demo size when --db is not given")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="posko-bench-backup-"))
    db = args.db
    if db is None:
        db = work / "demo.db"
        subprocess.run(
            [sys.executable, "-m", "shelter_app", "demo", "--db", str(db), "--persons", str(args.persons)],
            cwd=ROOT,
            check=True,
        )
    print(f"database {db}: {db.stat().st_size / 1e6:.0f} MB; load {os.getloadavg()[0]:.2f}")
    floors, alone = [], []
    for _ in range(args.runs):
        floors.append(floor_copy(db, work / "floor.db"))
        alone.append(app_backup(db, work / "app.db"))
    print(summary("floor: one-step copy, nothing checked", floors))
    print(summary("shelter-app backup (copy, checked)", alone))
    print(f"{'':<44} ratio of medians {statistics.median(alone) / statistics.median(floors):.2f}x")

    busy = []
    for _ in range(args.runs):
        editor = subprocess.Popen(
            [sys.executable, "-c", EDITOR, str(db), "600"], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        try:
            editor.stdout.readline()
            busy.append(app_backup(db, work / "busy.db"))
            still_editing = editor.poll() is None
        finally:
            editor.kill()
            editor.wait()
            editor.stdout.close()
        if not still_editing:
            raise SystemExit("the editor stopped before the backup ended: the figure would be meaningless")
    print(summary("shelter-app backup under one edit a second", busy))


if __name__ == "__main__":
    main()
