"""One writer at a time, across real processes: while an import, a restore or a sync import
holds the database, a second one is refused at once with "in use by another program", and
nothing is lost or doubled."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shelter_app.faults import PAUSE_ENV
from shelter_app.services import sites
from shelter_app.storage import lock
from shelter_app.storage.models import Person
from shelter_app.storage.session import open_database
from shelter_app.sync import sync_file
from tests.conftest import sign_in_coordinator

REPO = Path(__file__).resolve().parents[2]
D = datetime.date
ROWS = 300


def command(*argv: str, pause: Path | None = None) -> list[str]:
    return [sys.executable, "-m", "shelter_app", *argv]


def environment(pause: Path | None = None) -> dict:
    env = {**os.environ, "SHELTER_APP_OPERATOR": "Relawan Uji", "SHELTER_APP_LANG": "en"}
    env.pop(PAUSE_ENV, None)
    if pause:
        env[PAUSE_ENV] = f"locked:{pause}"
    return env


def start_paused(argv: list[str], folder: Path) -> subprocess.Popen:
    """A command stopped while it holds the lock (``faults.pause``)."""
    folder.mkdir()
    process = subprocess.Popen(
        command(*argv), cwd=REPO, env=environment(folder), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    for _ in range(600):
        if (folder / "paused").exists():
            return process
        if process.poll() is not None:
            raise AssertionError(process.communicate())
        time.sleep(0.1)
    raise AssertionError("the first command never took the lock")


def finish(process: subprocess.Popen, folder: Path) -> tuple[int, str]:
    (folder / "go").touch()
    out, err = process.communicate(timeout=300)
    return process.returncode, out + err


def run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        command(*argv), cwd=REPO, env=environment(), capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture
def setup(tmp_path):
    db_path = tmp_path / "posko.db"
    db = open_database(str(db_path))
    sign_in_coordinator()  # the commands below sign in as this coordinator
    event = sites.create_event("Gempa Cianjur", "earthquake", D(2022, 11, 21))
    sites.create_site(event.id, "SDN Cugenang 1", "school", D(2022, 11, 21), capacity_night=1000)
    db.close()
    roster = tmp_path / "roster.csv"
    lines = ["Nama,Jenis Kelamin,Tanggal Lahir"] + [f"Orang Nomor {n},L,1980-01-{1 + n % 28:02d}" for n in range(ROWS)]
    roster.write_text("\n".join(lines) + "\n")
    return db_path, roster


def persons(db_path: Path) -> int:
    db = open_database(str(db_path))
    try:
        return Person.select().where(Person.deleted_at.is_null()).count()
    finally:
        db.close()


def import_argv(db_path, roster) -> list[str]:
    return ["import", "roster", str(roster), "--db", str(db_path), "--site", "SDN Cugenang 1", "--date", "2022-11-22"]


def refused(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "in use by another program" in result.stderr


@pytest.mark.slow
def test_two_imports_at_once_one_runs_the_other_is_refused(setup, tmp_path):
    db_path, roster = setup
    first = start_paused(import_argv(db_path, roster), tmp_path / "p1")
    refused(run(*import_argv(db_path, roster)))
    code, output = finish(first, tmp_path / "p1")
    assert code == 0, output
    assert persons(db_path) == ROWS  # everyone once
    backups = list((db_path.parent / "backups").glob("*"))
    assert len({b.name for b in backups}) == len(backups)


@pytest.mark.slow
def test_a_restore_during_an_import_is_refused_and_the_import_is_kept(setup, tmp_path):
    db_path, roster = setup
    backup = tmp_path / "before.db"
    assert run("backup", "--db", str(db_path), "--out", str(backup)).returncode == 0
    first = start_paused(import_argv(db_path, roster), tmp_path / "p1")
    refused(run("restore", str(backup), "--db", str(db_path)))
    code, output = finish(first, tmp_path / "p1")
    assert code == 0, output
    assert persons(db_path) == ROWS
    # And the other way round: an import during a restore is refused.
    first = start_paused(["restore", str(backup), "--db", str(db_path)], tmp_path / "p2")
    refused(run(*import_argv(db_path, roster)))
    code, output = finish(first, tmp_path / "p2")
    assert code == 0, output
    assert persons(db_path) == 0


@pytest.mark.slow
def test_an_import_during_a_sync_import_is_refused(setup, tmp_path):
    db_path, roster = setup
    other = tmp_path / "other.db"
    db = open_database(str(other))
    sign_in_coordinator()
    event = sites.create_event("Banjir", "flood", D(2022, 11, 21))
    sites.create_site(event.id, "Masjid", "mosque", D(2022, 11, 21))
    exported = sync_file.export(tmp_path / "other.posko-sync").path
    db.close()
    first = start_paused(["sync", "import", str(exported), "--db", str(db_path)], tmp_path / "p1")
    refused(run(*import_argv(db_path, roster)))
    code, output = finish(first, tmp_path / "p1")
    assert code == 0, output
    db = open_database(str(db_path))
    try:
        assert sites.find_site("Masjid") is not None
    finally:
        db.close()
    assert run(*import_argv(db_path, roster)).returncode == 0
    assert persons(db_path) == ROWS


def test_the_lock_is_re_entrant_in_one_process_and_released(tmp_path):
    path = tmp_path / "x.db"
    with lock.exclusive(path), lock.exclusive(path):
        assert lock.lock_path(path).exists()
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from shelter_app.storage import lock; lock.acquire(sys.argv[1]); print('ok')",
            str(path),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert probe.stdout.strip() == "ok", probe.stderr


def test_the_refusal_is_in_indonesian_too(setup, tmp_path):
    db_path, roster = setup
    first = start_paused(import_argv(db_path, roster), tmp_path / "p1")
    try:
        second = subprocess.run(
            command(*import_argv(db_path, roster), "--lang", "id"),
            cwd=REPO,
            env=environment(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        code, _output = finish(first, tmp_path / "p1")
    assert second.returncode == 2 and "sedang dipakai program lain" in second.stderr
    assert code == 0
