"""Foundation figures: building large operations, stats, search, bulk creation.

    python benchmarks/foundation.py                  # 100,000 and 500,000 persons
    python benchmarks/foundation.py --persons 20000  # a quick run

Prints, for each size: time to build the demo operation; stats for one site and for the whole
operation; search latency (min/median/p95) by the start of a name, a second name, a spelling variant,
NIK digits, the digits a masked NIK or KK shows and a KK, beside the same query in raw sqlite3
on the same file, and the window's roster page for each; and bulk creation of persons beside raw executemany of the same rows.
Not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shelter_app.demo.generator import build_demo
from shelter_app.domain import names
from shelter_app.history import records
from shelter_app.services import roster, roster_query, stats
from shelter_app.storage.models import Household, Person, Site, database
from shelter_app.storage.session import open_database

DAY = datetime.date(2022, 11, 30)
SAMPLES = 200


def timed(func, repeat: int = 1) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"min {ordered[0] * 1000:6.2f} ms  median {p50 * 1000:6.2f} ms  p95 {p95 * 1000:6.2f} ms"


def latency(func, inputs) -> list[float]:
    samples = []
    for value in inputs:
        start = time.perf_counter()
        func(value)
        samples.append(time.perf_counter() - start)
    return samples


def _variant(rng: random.Random, words: list[str]) -> str:
    """The name as another volunteer might type it: an abbreviation, an old spelling, a title."""
    first, rest = words[0], " ".join(words[1:3])
    spelled = {"muhamad": "Moh.", "siti": "St.", "nur": "Noor", "abdul": "Abd."}.get(first)
    if spelled:
        return f"{spelled} {rest}".strip()
    old = first.replace("u", "oe", 1).replace("y", "j", 1)
    return rng.choice([f"Hj. {first} {rest}", f"{old} {rest}", f"Bpk. {first}{first[-1]}"]).strip()


def search_figures(path: Path) -> None:
    """Each kind of query through ``roster.search`` (what the window and ``shelter-app search``
    run), beside its floor: the same index lookups as one raw sqlite3 statement on the file."""
    rng = random.Random(1)
    people = list(
        Person.select(Person.name_key, Person.nik, Person.name).where(Person.nik.is_null(False)).tuples().limit(50000)
    )
    kks = [row[0] for row in Household.select(Household.kk).where(Household.kk.is_null(False)).tuples().limit(50000)]
    several = [row for row in people if " " in row[0]]
    prefixes = [rng.choice(people)[0][: rng.randint(3, 6)] for _ in range(SAMPLES)]
    second = [rng.choice(several)[0].split()[1][: rng.randint(3, 8)] for _ in range(SAMPLES)]
    variants = [_variant(rng, rng.choice(several)[0].split()) for _ in range(SAMPLES)]
    niks = [rng.choice(people)[1][:10] for _ in range(SAMPLES)]
    shown = [names.shown_digits(rng.choice(people)[1]) for _ in range(SAMPLES)]
    kk_values = [rng.choice(kks) for _ in range(SAMPLES)]
    raw = sqlite3.connect(str(path))
    raw.create_function("posko_search_keys", 3, names.search_keys_json, deterministic=True)
    raw.create_function("posko_name_key", 1, names.name_key, deterministic=True)
    live = "deleted_at IS NULL"

    def ranked(starts: list[str]):
        """The persons of the first 50 keys in name order, the other words probed; a whole key
        (a name's one form, the digits shown) looked up as equal, as the app does."""

        def term(alias: str, start: str) -> tuple[str, list]:
            key = start.removesuffix(names.WHOLE)
            if roster._whole(start):
                return f"{alias}.key = ?", [key]
            return f"{alias}.key >= ? AND {alias}.key < ?", [key, key + "\uffff"]

        lead, params = term("s", starts[0])
        sub = f"SELECT s.owner FROM search_key s WHERE {lead}"
        for start in starts[1:]:
            probe, more = term("o", start)
            sub += f" AND EXISTS (SELECT 1 FROM search_key o WHERE o.owner = s.owner AND {probe})"
            params += more
        return raw.execute(
            f"SELECT * FROM person WHERE id IN ({sub} ORDER BY s.sort, s.owner LIMIT 50)", params
        ).fetchall()

    def words(text: str):
        return ranked([min(alternatives) for alternatives in names.query_words(text)])  # one range each

    raw_queries = {
        "name start": words,
        "second name": words,
        "variant": words,
        "NIK prefix": lambda n: raw.execute(
            f"SELECT * FROM person WHERE {live} AND nik >= ? AND nik < ? ORDER BY name_key, id LIMIT 50",
            (n, n + "\uffff"),
        ).fetchall(),
        "digits shown": lambda d: ranked([d]),
        "KK": lambda k: raw.execute(
            f"SELECT * FROM person WHERE {live} AND household_id IN (SELECT id FROM household WHERE kk >= ? AND kk < ? AND {live}) "
            "ORDER BY name_key, id LIMIT 50",
            (k, k + "\uffff"),
        ).fetchall(),
    }
    kinds = (
        ("name start", prefixes),
        ("second name", second),
        ("variant", variants),
        ("NIK prefix", niks),
        ("digits shown", shown),
        ("KK", kk_values),
    )
    for label, inputs in kinds:
        app = latency(roster.search, inputs)
        direct = latency(raw_queries[label], inputs)
        print(f"  search by {label:<12} app: {percentiles(app)}   floor (raw sqlite3): {percentiles(direct)}")
    for label, inputs in kinds:
        page = latency(
            lambda text: roster_query.list_persons(roster_query.RosterFilter(text=text, day=DAY), 0, 200), inputs
        )
        print(f"  roster page (200 rows) by {label:<12} {percentiles(page)}")
    raw.close()


def stats_figures() -> None:
    sites = list(Site.select())
    people = stats.population(DAY)
    largest = max(sites, key=lambda s: people.get(s.id, {"persons": 0})["persons"])
    seconds, figures = timed(lambda: stats.figures(DAY, site_id=largest.id), repeat=5)
    print(f"  stats, largest site ({figures['sites'][0]['persons']:,} persons): {seconds * 1000:7.1f} ms")
    seconds, figures = timed(lambda: stats.figures(DAY), repeat=3)
    print(
        f"  stats, whole operation ({len(sites)} sites, {figures['total']['persons']:,} persons): {seconds * 1000:7.1f} ms"
    )


def bulk_figures(path: Path, persons: int) -> None:
    """The same person rows through records.bulk_create and through raw executemany."""
    household = Household.select().first()
    rng = random.Random(2)
    rows = [
        {
            "household": household.id,
            "name": f"Bench {i}",
            "name_key": f"bench {i}",
            "sex": rng.choice("LP"),
            "birth_date": datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randint(0, 25000)),
            "nik": None,
        }
        for i in range(persons)
    ]
    with database.atomic() as txn:
        seconds_app, _ids = timed(lambda: records.bulk_create(Person, [dict(r) for r in rows]))
        txn.rollback()
    fields = Person._meta.sorted_fields
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    sql = f'INSERT INTO "person" ({columns}) VALUES ({", ".join("?" * len(fields))})'
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None).isoformat(" ")
    defaults = {"created_at": now, "updated_at": now, "created_by": "bench", "updated_by": "bench"}
    raw_rows = []
    for r in rows:
        values = []
        for f in fields:
            if f.name == "id":
                values.append(uuid.uuid4().hex)
            elif f.name == "household":
                values.append(r["household"].hex)
            elif f.name in r:
                values.append(str(r[f.name]) if isinstance(r[f.name], datetime.date) else r[f.name])
            elif f.name in defaults:
                values.append(defaults[f.name])
            else:
                values.append(f.default if not callable(f.default) else None)
        raw_rows.append(tuple(values))
    raw = sqlite3.connect(str(path))
    raw.create_function("posko_search_keys", 3, names.search_keys_json, deterministic=True)  # the triggers
    raw.create_function("posko_name_key", 1, names.name_key, deterministic=True)
    start = time.perf_counter()
    raw.executemany(sql, raw_rows)
    seconds_raw = time.perf_counter() - start
    raw.rollback()
    raw.close()
    print(
        f"  bulk creation of {persons:,} persons: app {seconds_app:6.2f} s, raw executemany {seconds_raw:6.2f} s "
        f"(ratio {seconds_app / seconds_raw:4.2f}x; raw timing excludes building its tuples)"
    )


def run(persons: int, workdir: Path, reuse: bool = False) -> None:
    path = workdir / f"bench-{persons}.db"
    db = open_database(str(path))
    records.set_operator("benchmark")
    print(f"\n== {persons:,} persons ({path})")
    if reuse and Person.select().count():  # built by an earlier run in the same --workdir
        search_figures(path)
        db.close()
        return
    seconds, summary = timed(lambda: build_demo(persons=persons, seed=7))
    print(
        f"  build demo: {seconds:6.1f} s ({summary.sites} sites, {summary.households:,} households, "
        f"{summary.persons:,} persons, {summary.movements:,} stock movements)"
    )
    stats_figures()
    search_figures(path)
    bulk_figures(path, min(persons, 100_000))
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, nargs="*", default=[100_000, 500_000])
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--reuse", action="store_true", help="search figures only, on a database an earlier run built")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="posko-bench-"))
    for persons in args.persons:
        run(persons, workdir, args.reuse)


if __name__ == "__main__":
    main()
