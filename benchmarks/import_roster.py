"""Import a 100,000-row roster CSV, beside a raw sqlite3 insertion of the same rows.

    python benchmarks/import_roster.py                 # 100,000 rows
    python benchmarks/import_roster.py --rows 20000    # a quick run

The CSV is written first (households of 1-7 persons with valid NIK and KK numbers, dates typed
as 21/11/2022, Indonesian headers, semicolons). Then, each on a fresh database holding the same
event and sites:

- raw: the file read with the csv module and its rows inserted into the household, person and
  stay tables with sqlite3's executemany, in one transaction: no checks at all;
- import: ``exchange.roster_import.import_roster``: every row parsed and checked with the rules
  of typed entry, matched against the roster, written with the history and the presence index,
  in one transaction, after the automatic pre-import backup.

Target: the import takes at most 3 times as long as the raw insertion. Not a test: the numbers
depend on the machine.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shelter_app.domain import identity
from shelter_app.exchange import roster_import
from shelter_app.history import records
from shelter_app.services import sites
from shelter_app.storage.models import Person, database
from shelter_app.storage.session import open_database

START = datetime.date(2022, 11, 21)
SITES = (
    "Posko Lapangan Desa Gasol",
    "SDN Sarampad 1",
    "Masjid Jami Al-Ikhlas",
    "GOR Pamoyanan",
    "Balai Desa Songgom",
    "Posko Lapangan Desa Cijedil",
)
DISTRICTS = ("32.03.11", "32.03.01", "32.03.02", "32.03.04", "32.03.10")
MALE = ("Asep", "Ujang", "Dadang", "Cecep", "Jajang", "Iwan", "Yayan", "Agus", "Rahmat", "Budi", "Eko", "Dedi")
FEMALE = ("Siti", "Euis", "Neng", "Imas", "Yati", "Lilis", "Dewi", "Rina", "Tati", "Wati", "Nia", "Sri")
SECOND = (
    "Hidayat",
    "Supriatna",
    "Permana",
    "Nugraha",
    "Setiawan",
    "Kurniawan",
    "Suryana",
    "Mulyana",
    "Saputra",
    "Ramdani",
    "Nurjanah",
    "Rahayu",
    "Lestari",
    "Handayani",
    "Wulandari",
    "Maryani",
)
HEADERS = [
    "lokasi",
    "no_kk",
    "nik",
    "nama",
    "jenis_kelamin",
    "tanggal_lahir",
    "hubungan",
    "hamil",
    "menyusui",
    "disabilitas",
    "tanggal_datang",
    "kode_desa_asal",
    "telepon",
]


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    serial = 0
    used: set[str] = set()
    people: set[tuple] = set()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADERS)
        written = 0
        while written < rows:
            serial += 1
            district = rng.choice(DISTRICTS)
            kk = identity.make_kk(
                district, datetime.date(2010, 1, 1) + datetime.timedelta(days=serial % 3000), serial % 10000
            )
            site = rng.choice(SITES)
            arrival = START + datetime.timedelta(days=rng.randrange(10))
            size = min(rng.randint(1, 7), rows - written)
            for member in range(size):
                relationship = "Kepala Keluarga" if member == 0 else ("Istri" if member == 1 else "Anak")
                sex = "L" if member == 0 else ("P" if member == 1 else rng.choice("LP"))
                if member < 2:
                    birth = datetime.date(1955, 1, 1) + datetime.timedelta(days=rng.randrange(15000))
                else:
                    birth = datetime.date(1998, 1, 1) + datetime.timedelta(days=rng.randrange(8500))
                number = (serial * 8 + member) % 10000
                nik = identity.make_nik(district, birth, sex, number)
                while nik in used:
                    number = (number + 1) % 10000
                    nik = identity.make_nik(district, birth, sex, number)
                used.add(nik)
                name = f"{rng.choice(MALE if sex == 'L' else FEMALE)} {rng.choice(SECOND)}"
                while (name, birth) in people:  # a different person: typed entry would flag a clash
                    name = f"{rng.choice(MALE if sex == 'L' else FEMALE)} {rng.choice(SECOND)} {rng.choice(SECOND)}"
                people.add((name, birth))
                pregnant = "ya" if sex == "P" and member == 1 and rng.random() < 0.05 else "tidak"
                writer.writerow(
                    [
                        site,
                        kk,
                        nik,
                        name,
                        sex,
                        birth.strftime("%d/%m/%Y"),
                        relationship,
                        pregnant,
                        "tidak",
                        "ya" if rng.random() < 0.02 else "tidak",
                        arrival.strftime("%d/%m/%Y"),
                        "",
                        f"08{rng.randrange(10**9, 10**10)}" if member == 0 else "",
                    ]
                )
            written += size


def fresh_database(path: Path):
    db = open_database(str(path))
    records.set_operator("benchmark")
    event = sites.create_event("Gempa Cianjur", "earthquake", START, region_code="32.03")
    for name in SITES:
        sites.create_site(event.id, name, "tent_camp", START)
    return db


def raw_insert(db_path: Path, csv_path: Path) -> int:
    """The same rows straight into the tables: no parsing of values, no checks, no history."""
    connection = sqlite3.connect(str(db_path))
    connection.execute("PRAGMA journal_mode=wal")
    connection.execute("PRAGMA synchronous=full")
    connection.execute("PRAGMA foreign_keys=on")
    site_ids = dict(connection.execute("SELECT name, id FROM site"))
    now = datetime.datetime.utcnow().isoformat(sep=" ")
    households, persons, stays = {}, [], []
    with csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        next(reader)
        for (
            site,
            kk,
            nik,
            name,
            sex,
            birth,
            relationship,
            pregnant,
            lactating,
            disability,
            arrived,
            village,
            phone,
        ) in reader:
            if kk not in households:
                households[kk] = (uuid.uuid4().hex, now, "raw", now, "raw", kk, village, "", "")
            person_id = uuid.uuid4().hex
            persons.append(
                (
                    person_id,
                    now,
                    "raw",
                    now,
                    "raw",
                    households[kk][0],
                    nik,
                    name,
                    name.lower(),
                    sex,
                    birth,
                    0,
                    relationship,
                    pregnant == "ya",
                    lactating == "ya",
                    disability == "ya",
                    "",
                    0,
                    0,
                    phone,
                    "",
                )
            )
            stays.append((uuid.uuid4().hex, now, "raw", now, "raw", person_id, site_ids[site], arrived, "", None))
    with connection:
        connection.executemany(
            "INSERT INTO household (id, created_at, created_by, updated_at, updated_by, kk, origin_village_code,"
            " address, notes) VALUES (?,?,?,?,?,?,?,?,?)",
            households.values(),
        )
        connection.executemany(
            "INSERT INTO person (id, created_at, created_by, updated_at, updated_by, household_id, nik, name, name_key,"
            " sex, birth_date, birth_date_estimated, relationship, pregnant, lactating, disability, disability_note,"
            " chronic_illness, unaccompanied_child, phone, notes) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            persons,
        )
        connection.executemany(
            "INSERT INTO stay (id, created_at, created_by, updated_at, updated_by, person_id, site_id, arrived_on,"
            " leave_note, came_from_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
            stays,
        )
    connection.close()
    return len(persons)


def timed(func) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds of this process, result): CPU time is steadier on a shared machine."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = func()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs of each")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="posko-bench-") as folder:
        folder = Path(folder)
        csv_path = folder / "roster.csv"
        write_csv(csv_path, args.rows)
        raw_times, import_times = [], []
        for attempt in range(args.repeat):
            raw_db = folder / f"raw{attempt}.db"
            fresh_database(raw_db).close()
            database.close()
            raw_times.append(timed(lambda raw_db=raw_db: raw_insert(raw_db, csv_path)))
            inserted = raw_times[-1][2]

            fresh_database(folder / f"import{attempt}.db")
            import_times.append(timed(lambda: roster_import.import_roster(csv_path, today=datetime.date(2023, 1, 1))))
            result = import_times[-1][2]
            assert result.imported and not result.problems, result.problems[:3]
            assert Person.select().count() == args.rows == inserted
            database.close()
        raw, imported = min(raw_times), min(import_times)
        summary = result.summary
        print(f"rows: {args.rows:,}  households: {summary.households_created:,}  (best of {args.repeat})")
        print(f"raw sqlite3 insertion (no checks): {raw[0]:7.2f} s wall  {raw[1]:7.2f} s CPU")
        print(
            f"import, fully validated:           {imported[0]:7.2f} s wall  {imported[1]:7.2f} s CPU"
            f"   ({imported[0] / raw[0]:.2f}x raw wall, {imported[1] / raw[1]:.2f}x raw CPU; target <= 3x)"
        )
        print(f"import rate: {args.rows / imported[0]:,.0f} rows/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
