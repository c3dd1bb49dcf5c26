"""Sync figures: laptops pushing to and pulling from a PostgreSQL hub.

    python benchmarks/sync.py                       # its own throwaway PostgreSQL server
    python benchmarks/sync.py --hub postgresql://posko@10.0.0.5/posko   # that server instead
    python benchmarks/sync.py --changes 20000 --laptops 5              # a quick run

Prints:

1. pushing ~100,000 operations (a demo operation) from one laptop to an empty hub  [< 30 s];
2. an incremental sync of 100 ordinary edits on that laptop  [< 1 s], and a second laptop
   pulling those 100;
3. a fresh laptop pulling everything from the hub (time and rate);
4. N laptops (separate processes, each its own SQLite file) syncing with one hub at the same
   moment: after the common base, each makes its own edits (new households and persons,
   check-ins, stock movements, edits of shared records, some of the same field so conflicts
   arise), all sync together behind a barrier, and rounds repeat until every laptop holds every
   operation; convergence is verified by comparing a hash of every laptop's synced tables,
   populations and conflicts list.

With --hub, the server must let the user create databases: every part uses a new, empty one
(the password comes from the URL, SHELTER_APP_HUB_PASSWORD or PGPASSWORD, as for a sync).
Not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import atexit
import datetime
import hashlib
import json
import multiprocessing
import os
import queue
import random
import shutil
import signal
import sys
import tempfile
import time
import traceback
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# The user's data, log and settings folders stay out of the way (as in the tests); the laptop
# processes inherit the parent's throwaway folder, removed at the end.
if "POSKO_BENCH_HOME" not in os.environ:
    os.environ["POSKO_BENCH_HOME"] = tempfile.mkdtemp(prefix="posko-bench-home-")
    atexit.register(shutil.rmtree, os.environ["POSKO_BENCH_HOME"], True)
for _name in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[_name] = os.path.join(os.environ["POSKO_BENCH_HOME"], _name.lower())

from shelter_app.demo.generator import build_demo  # noqa: E402
from shelter_app.history import operations, records  # noqa: E402
from shelter_app.storage.models import Change  # noqa: E402
from shelter_app.storage.session import open_database  # noqa: E402
from shelter_app.sync import hub  # noqa: E402

OPS_PER_PERSON = 3.585  # the demo's operations per person around 100,000 operations (seed 7)
TARGET_PUSH = 30.0
TARGET_INCREMENTAL = 1.0
DAY = datetime.date(2022, 12, 1)  # within the demo's dates: sites open, stock on hand
BASE_PERSONS = 200  # the common base of the many-laptops part


def timed(func):
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def held_operations() -> int:
    return sum(1 for _ in operations.expand(Change.select().order_by(Change.seq).iterator()))


def fresh_database(server: str) -> str:
    """A new, empty database on the server: its URL (the password, if any, as a sync finds it)."""
    from playhouse.db_url import parse

    from tests.postgres_server import new_database

    return new_database(server, password=hub._password(parse(server)), prefix="bench")


def hub_counts(url: str) -> tuple[int, int]:
    import psycopg2
    from playhouse.db_url import parse

    connection = psycopg2.connect(url, password=hub._password(parse(url)) or None)
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT count(*), count(DISTINCT (node, hlc)) FROM hub_op")
        return cursor.fetchone()
    finally:
        connection.close()


# --- figures ---------------------------------------------------------------------------


class Figures:
    def __init__(self):
        self.rows: list[tuple[str, str, str, str]] = []

    def add(self, what: str, seconds: float, detail: str = "", target: float | None = None) -> None:
        verdict = "" if target is None else ("ok" if seconds < target else "MISSED")
        goal = "" if target is None else f"< {target:g} s {verdict}"
        self.rows.append((what, f"{seconds:8.2f} s", detail, goal))
        print(f"  {what}: {seconds:.2f} s  {detail}  {goal}", flush=True)

    def table(self) -> None:
        widths = [max(len(row[i]) for row in self.rows) for i in range(4)]
        print("\n== Figures")
        for row in self.rows:
            print("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


# --- one laptop: push, pull, incremental -------------------------------------------------


def one_laptop(url: str, changes: int, workdir: Path, figures: Figures) -> None:
    persons = max(50, round(changes / OPS_PER_PERSON))
    print(f"\n== One laptop, ~{changes:,} operations (demo of {persons:,} persons)", flush=True)
    a = open_database(str(workdir / "laptop-a.db"))
    records.set_operator("Relawan A")
    seconds, summary = timed(lambda: build_demo(persons=persons, seed=7))
    total = held_operations()
    print(
        f"  demo built in {seconds:.1f} s: {summary.households:,} households, {summary.persons:,} persons, "
        f"{summary.movements:,} stock movements; {total:,} operations",
        flush=True,
    )

    seconds, result = timed(lambda: hub.sync(url))
    assert result.pushed == total and result.pulled == 0, result
    figures.add(
        f"1. push {result.pushed:,} ops to an empty hub", seconds, f"{result.pushed / seconds:,.0f} ops/s", TARGET_PUSH
    )
    a.close()

    b = open_database(str(workdir / "laptop-b.db"))
    records.set_operator("Relawan B")
    seconds, result = timed(lambda: hub.sync(url))
    assert result.new == total, result
    figures.add(f"3. fresh laptop pulls {result.pulled:,} ops", seconds, f"{result.pulled / seconds:,.0f} ops/s")
    b.close()

    from shelter_app.services import roster
    from shelter_app.storage.models import Person

    a = open_database(str(workdir / "laptop-a.db"))
    records.set_operator("Relawan A")
    chosen = [
        row[0]
        for row in Person.select(Person.id).where(Person.deleted_at.is_null()).order_by(Person.id).limit(100).tuples()
    ]
    seconds_edits, _ = timed(lambda: [roster.update_person(pid, phone=f"0812{i:08d}") for i, pid in enumerate(chosen)])
    print(f"  {len(chosen)} edits through roster.update_person: {seconds_edits:.2f} s", flush=True)
    seconds, result = timed(lambda: hub.sync(url))
    assert result.pushed == len(chosen), result
    figures.add(f"2. incremental sync, {result.pushed} edits (push)", seconds, "", TARGET_INCREMENTAL)
    a.close()

    b = open_database(str(workdir / "laptop-b.db"))
    records.set_operator("Relawan B")
    seconds, result = timed(lambda: hub.sync(url))
    assert result.new == len(chosen), result
    figures.add(f"2. second laptop pulls those {result.new}", seconds, "", TARGET_INCREMENTAL)
    seconds, result = timed(lambda: hub.sync(url))
    figures.add("   a sync with nothing to do", seconds, f"(pushed {result.pushed}, pulled {result.pulled})")
    b.close()


# --- many laptops at once ----------------------------------------------------------------


def _state() -> dict:
    """Hashes of what must be identical everywhere, and the counts behind them."""
    from tests.laptops import conflicts_dump, dump, presence_dump

    def digest(value) -> str:
        return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()

    tables = dump()
    found = sorted(conflicts_dump(), key=repr)
    return {
        "tables": digest(tables),
        "presence": digest(sorted(presence_dump(), key=repr)),
        "conflicts": digest(found),
        "n_conflicts": len(found),
        "n_ops": held_operations(),
        "n_rows": sum(len(rows) for rows in tables.values()),
    }


def _edits(index: int, laptops: int, households: int) -> int:
    """This laptop's own work between syncs; returns the operations it made."""
    from shelter_app.services import roster, stays, stock
    from shelter_app.storage.models import Household, Person, Site, StockItem

    rng = random.Random(index)
    before = Change.select().count()
    sites = [
        s
        for s in Site.select().where(Site.deleted_at.is_null()).order_by(Site.name)
        if s.opened_on <= DAY and (s.closed_on is None or s.closed_on > DAY)
    ]
    site = sites[index % len(sites)]
    base_persons = [
        row[0]
        for row in Person.select(Person.id)
        .where(Person.deleted_at.is_null())
        .order_by(Person.id)
        .limit(2 * laptops + 10)
        .tuples()
    ]
    base_households = [
        row[0]
        for row in Household.select(Household.id)
        .where(Household.deleted_at.is_null())
        .order_by(Household.id)
        .limit(laptops)
        .tuples()
    ]
    item = StockItem.select().where(StockItem.deleted_at.is_null()).order_by(StockItem.name).first()
    day = DAY + datetime.timedelta(days=index % 5)
    # New households and persons, checked in.
    for number in range(households):
        household = roster.register_household(address=f"Kampung Laptop {index} no. {number}")
        new = [
            roster.add_person(
                household.id,
                confirmed=True,
                name=f"Warga {index}-{number}-{k}",
                sex=rng.choice("LP"),
                birth_date=datetime.date(1960 + rng.randrange(55), 1 + k, 5),
                relationship="head" if k == 0 else "child",
            ).person.id
            for k in range(3)
        ]
        stays.check_in(new, site.id, day)
    # Stock received and used.
    stock.receive(site.id, item.id, 10 + index, day, reference=f"DO-{index:03d}")
    stock.issue(site.id, item.id, 3, day, note=f"dapur umum, laptop {index}")
    # Shared records: its own person (no conflict) ...
    roster.update_person(base_persons[index], phone=f"0813{index:08d}")
    # ... the same field of one person on every laptop (a conflict each) ...
    roster.update_person(base_persons[-1], notes=f"Catatan dari laptop {index}")
    # ... pairs of laptops editing one household's address ...
    roster.update_household(base_households[index // 2], address=f"Alamat menurut laptop {index}")
    # ... and one laptop deleting a person another edits.
    if index == 1 % laptops:
        roster.delete_person(base_persons[-2], note="tercatat dua kali")
    if index == 2 % laptops:
        roster.update_person(base_persons[-2], notes="masih di lokasi")
    return Change.select().count() - before


def _worker(index: int, path: str, url: str, laptops: int, commands, results, barrier) -> None:
    db = open_database(path)
    records.set_operator(f"Relawan {index:02d}")
    while True:
        command, argument = commands.get()
        if command == "stop":
            break
        try:
            if command == "demo":
                build_demo(persons=argument, seed=11)
                results.put((index, command, held_operations()))
            elif command == "sync":
                if argument:  # all together
                    barrier.wait(timeout=600)
                start = time.time()
                result = hub.sync(url)
                results.put((index, command, (start, time.time(), result.pushed, result.pulled, result.new)))
            elif command == "edit":
                results.put((index, command, _edits(index, laptops, argument)))
            elif command == "state":
                results.put((index, command, _state()))
        except Exception:  # reported to the parent, which stops
            results.put((index, "error", traceback.format_exc()))
    db.close()


class Fleet:
    def __init__(self, laptops: int, url: str, workdir: Path):
        context = multiprocessing.get_context("spawn")
        self.size = laptops
        self.results = context.Queue()
        self.barrier = context.Barrier(laptops)
        self.commands = [context.Queue() for _ in range(laptops)]
        self.processes = [
            context.Process(
                target=_worker,
                daemon=True,
                args=(
                    i,
                    str(workdir / f"laptop-{i:02d}.db"),
                    url,
                    laptops,
                    self.commands[i],
                    self.results,
                    self.barrier,
                ),
            )
            for i in range(laptops)
        ]
        for process in self.processes:
            process.start()

    def ask(self, command: str, argument=None, who=None) -> dict:
        who = list(range(self.size)) if who is None else who
        for i in who:
            self.commands[i].put((command, argument))
        answers = {}
        while len(answers) < len(who):
            try:
                index, kind, value = self.results.get(timeout=1)
            except queue.Empty:
                dead = [i for i in who if not self.processes[i].is_alive()]
                if dead:
                    raise RuntimeError(f"laptops {dead} stopped (see their error above)") from None
                continue
            if kind == "error":
                raise RuntimeError(f"laptop {index}:\n{value}")
            answers[index] = value
        return answers

    def close(self) -> None:
        self.barrier.abort()  # laptops waiting for the others give up
        for commands in self.commands:
            commands.put(("stop", None))
        for process in self.processes:
            process.join(timeout=30)
            if process.is_alive():
                process.terminate()


def many_laptops(url: str, laptops: int, households: int, workdir: Path, figures: Figures) -> bool:
    print(f"\n== {laptops} laptops, one hub", flush=True)
    fleet = Fleet(laptops, url, workdir)
    try:
        base = fleet.ask("demo", BASE_PERSONS, who=[0])[0]
        fleet.ask("sync", False, who=[0])
        print(f"  base: a demo of {BASE_PERSONS} persons on laptop 0, {base:,} operations pushed", flush=True)
        answers = fleet.ask("sync", True)  # laptop 0 too, for the barrier: it has nothing to do
        wall = max(a[1] for a in answers.values()) - min(a[0] for a in answers.values())
        figures.add(f"4. {laptops - 1} laptops pull the base ({base:,} ops) at once", wall)

        made = fleet.ask("edit", households)
        print(
            f"  own edits: {sum(made.values()):,} history rows in all "
            f"({min(made.values())}-{max(made.values())} per laptop)",
            flush=True,
        )
        rounds, round_walls, states = 0, [], {}
        while rounds < 6:
            rounds += 1
            answers = fleet.ask("sync", True)
            start = min(a[0] for a in answers.values())
            wall = max(a[1] for a in answers.values()) - start
            round_walls.append(wall)
            slowest = max(a[1] - a[0] for a in answers.values())
            pushed = sum(a[2] for a in answers.values())
            new = sum(a[4] for a in answers.values())
            print(
                f"  round {rounds}: wall {wall:.2f} s (slowest laptop {slowest:.2f} s), "
                f"pushed {pushed:,}, received {new:,} new",
                flush=True,
            )
            if rounds == 1:
                figures.add(f"4. concurrent round, {laptops} laptops", wall, f"slowest laptop {slowest:.2f} s")
            states = fleet.ask("state")
            on_hub, distinct = hub_counts(url)
            if (
                on_hub == distinct
                and len({json.dumps({k: v for k, v in s.items()}, sort_keys=True) for s in states.values()}) == 1
                and all(s["n_ops"] == on_hub for s in states.values())
            ):
                break
        one = states[0]
        on_hub, distinct = hub_counts(url)
        same = {key: len({s[key] for s in states.values()}) == 1 for key in ("tables", "presence", "conflicts")}
        complete = all(s["n_ops"] == on_hub for s in states.values())
        converged = all(same.values()) and complete and on_hub == distinct
        figures.add(
            f"4. convergence ({rounds} rounds)",
            sum(round_walls),
            f"{on_hub:,} ops on the hub, {one['n_rows']:,} rows, {one['n_conflicts']} conflicts per laptop",
        )
        print(
            f"  check: tables identical {same['tables']}, populations identical {same['presence']}, "
            f"conflicts identical {same['conflicts']}, every laptop holds all {on_hub:,} hub ops {complete}, "
            f"hub holds each op once {on_hub == distinct}",
            flush=True,
        )
        return converged
    finally:
        fleet.close()


# --- main --------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hub", help="a PostgreSQL server to use (new databases are created on it)")
    parser.add_argument("--changes", type=int, default=100_000, help="operations on the first laptop")
    parser.add_argument("--laptops", type=int, default=20)
    parser.add_argument("--households", type=int, default=5, help="new households per laptop in part 4")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the laptops' files there")
    args = parser.parse_args()
    # Stopped (kill, Ctrl+C): the throwaway server and the laptop processes are cleaned up.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    figures = Figures()
    started = time.perf_counter()
    with ExitStack() as stack:
        if args.workdir:  # kept afterwards
            workdir = args.workdir
            workdir.mkdir(parents=True, exist_ok=True)
        else:  # removed afterwards (about 300 MB at 100,000 operations)
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="posko-bench-sync-")))
        if args.hub:
            server = args.hub
        else:
            from tests.postgres_server import postgres_server, unavailable_reason

            reason = unavailable_reason()
            if reason:
                sys.exit(f"no PostgreSQL server: {reason}; give one with --hub")
            server = stack.enter_context(postgres_server())
        print(f"hub server: {hub.label(server)}; laptops in {workdir}")
        one_laptop(fresh_database(server), args.changes, workdir, figures)
        converged = many_laptops(fresh_database(server), args.laptops, args.households, workdir, figures)
    figures.table()
    print(f"  converged: {'yes' if converged else 'NO'}")
    print(f"  (whole run {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
