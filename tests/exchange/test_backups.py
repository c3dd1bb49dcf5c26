"""Backups, restores and damaged files: nothing is ever lost, nothing overwritten unasked."""

import datetime
import os
import signal
import sqlite3
import subprocess
import sys

import pytest

from shelter_app.cli.main import main
from shelter_app.domain.errors import RuleViolation
from shelter_app.exchange import backups, startup
from shelter_app.history import records
from shelter_app.services import settings, sites
from shelter_app.storage import backup_files
from shelter_app.storage.models import Event, database
from shelter_app.storage.session import open_database
from tests.conftest import sign_in_coordinator

D = datetime.date


def make_database(path, events=("Gempa Cianjur",)):
    db = open_database(str(path))
    records.set_operator("Relawan Uji")
    sign_in_coordinator()  # its coordinator: the commands sign in with it
    for name in events:
        sites.create_event(name, "earthquake", D(2022, 11, 21))
    return db


def event_names(path):
    with sqlite3.connect(path) as raw:
        return sorted(row[0] for row in raw.execute("SELECT name FROM event"))


def damage(path):
    """Overwrite pages in the middle of the file, as a failing USB stick would."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(4096)
        handle.write(b"\xde\xad\xbe\xef" * ((size - 8192) // 4))


def test_a_backup_of_an_open_database_is_whole_and_verified(tmp_path):
    db = make_database(tmp_path / "posko.db")
    made = backup_files.create(db, "manual")
    assert made.parent == tmp_path / "backups" and made.name.startswith("posko.manual-")
    checked = backup_files.verify(made)
    assert checked.ok and checked.migrations[0] == "0001_initial"
    assert event_names(made) == ["Gempa Cianjur"]
    assert not list(made.parent.glob("*.partial"))
    assert not os.path.exists(f"{made}-wal")  # one self-contained file
    db.close()


def test_rotation_keeps_the_last_7_days_and_4_weeks(tmp_path):
    db_path = tmp_path / "posko.db"
    folder = tmp_path / "backups"
    folder.mkdir()
    start = datetime.datetime(2022, 11, 1, 8, 0)
    for day in range(40):
        for hour in (8, 14):  # two backups a day: the day's newest is kept
            when = start + datetime.timedelta(days=day, hours=hour - 8)
            (folder / backup_files.backup_name(db_path, "daily" if hour == 8 else "import", when)).write_bytes(b"x")
    keep_me = folder / backup_files.backup_name(db_path, "manual", start)
    keep_me.write_bytes(b"x")
    other_db = folder / backup_files.backup_name(tmp_path / "other.db", "daily", start)
    other_db.write_bytes(b"x")
    deleted = backup_files.rotate(db_path, folder)
    left = backup_files.list_backups(db_path, folder)
    automatic = [b for b in left if b.rotated]
    days = sorted({b.taken_at.date() for b in automatic})
    # 7 days (4-10 December) and 4 ISO weeks (newest of each: 10 Dec and 4 Dec are daily ones too).
    assert len(automatic) == len(days) == 7 + 2
    assert days[-7:] == [D(2022, 12, 4) + datetime.timedelta(days=i) for i in range(7)]
    assert all(b.taken_at.hour == 14 for b in automatic)
    assert days[:2] == [D(2022, 11, 20), D(2022, 11, 27)]
    assert keep_me.exists() and other_db.exists() and len(deleted) == 80 - 9


def test_the_start_of_day_backup_is_made_at_most_once_a_day(tmp_path):
    db = make_database(tmp_path / "posko.db")
    first = backups.daily(db)
    assert first is not None and "daily" in first.name
    assert backups.daily(db) is None
    assert backups.daily(db, today=D.today() + datetime.timedelta(days=1)) is not None
    db.close()


def test_the_backup_folder_can_be_changed_and_falls_back_when_missing(tmp_path):
    db = make_database(tmp_path / "posko.db")
    usb = tmp_path / "usb" / "posko"
    assert backups.set_folder(usb) == usb.resolve()
    assert backup_files.folder(tmp_path / "posko.db") == usb.resolve()
    made = backup_files.create(db, "import")
    assert made.parent == usb.resolve()
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(RuleViolation) as caught:
        backups.set_folder(blocker / "sub")
    assert caught.value.field == "backup_folder"
    settings.set_state(backup_files.SETTING_KEY, str(blocker / "sub"))  # the stick was pulled out
    made = backup_files.create(db, "import")
    assert made.parent == tmp_path / "backups"
    backups.set_folder("")
    assert backup_files.folder(tmp_path / "posko.db") == tmp_path / "backups"
    db.close()


def test_restore_of_a_damaged_database_keeps_the_damaged_file(tmp_path):
    path = tmp_path / "posko.db"
    db = make_database(path)
    backup = backup_files.create(db, "daily")
    sites.create_event("Banjir Garut", "flood", D(2022, 11, 22))  # after the backup
    db.close()
    damage(path)
    damaged_bytes = path.read_bytes()
    diagnosis = startup.diagnose(path)
    assert diagnosis.kind == startup.CORRUPT and diagnosis.can_restore
    assert diagnosis.backups[0].path == backup
    assert "shelter-app restore" in diagnosis.text("en") and "rusak" in diagnosis.text("id")
    done = backups.restore(backup, path)
    assert startup.diagnose(path).ok
    assert event_names(path) == ["Gempa Cianjur"]
    assert done.replaced_copy.read_bytes() == damaged_bytes
    assert done.replaced_copy.parent == tmp_path / "backups"
    db = open_database(str(path))
    assert Event.select().count() == 1
    db.close()


def test_restore_refuses_a_damaged_or_foreign_backup_and_changes_nothing(tmp_path):
    path = tmp_path / "posko.db"
    make_database(path).close()
    good = backups.manual(path)
    before = path.read_bytes()
    broken = tmp_path / "broken.db"
    broken.write_bytes(good.read_bytes())
    damage(broken)
    foreign = tmp_path / "sheet.db"
    with sqlite3.connect(foreign) as raw:
        raw.execute("CREATE TABLE t (x)")
    for candidate, word in (
        (broken, "damaged"),
        (foreign, "not one of Posko"),
        (tmp_path / "none.db", "does not exist"),
    ):
        with pytest.raises(RuleViolation) as caught:
            backups.restore(candidate, path)
        assert word in caught.value.text("en")
    assert path.read_bytes() == before
    assert not [b for b in backup_files.list_backups(path) if b.reason == "replaced"]


def test_diagnosis_of_missing_foreign_newer_locked_and_healthy_files(tmp_path):
    assert startup.diagnose(tmp_path / "none.db").kind == startup.MISSING
    assert not (tmp_path / "none.db").exists()
    text_file = tmp_path / "roster.db"
    text_file.write_text("nama,nik\n")
    assert startup.diagnose(text_file).kind == startup.FOREIGN
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as raw:
        raw.execute("CREATE TABLE invoices (x)")
    diagnosis = startup.diagnose(other)
    assert diagnosis.kind == startup.FOREIGN and "not one of Posko" in diagnosis.text("en")
    path = tmp_path / "posko.db"
    make_database(path).close()
    assert startup.diagnose(path).ok
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO schema_migration (name, applied) VALUES ('9999_future', '2030-01-01')")
    diagnosis = startup.diagnose(path)
    assert diagnosis.kind == startup.NEWER and "9999_future" in diagnosis.text("id")
    with sqlite3.connect(path) as raw:
        raw.execute("DELETE FROM schema_migration WHERE name = '9999_future'")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        diagnosis = startup.diagnose(path)
        assert diagnosis.kind == startup.LOCKED and "another program" in diagnosis.text("en")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert startup.diagnose(path).ok


def test_diagnosis_never_changes_the_file(tmp_path):
    path = tmp_path / "posko.db"
    make_database(path).close()
    damage(path)
    before = path.read_bytes()
    for _ in range(2):
        startup.diagnose(path)
    assert path.read_bytes() == before


def test_backup_and_restore_commands(tmp_path, capsys):
    path = tmp_path / "posko.db"
    make_database(path, events=("Gempa Cianjur", "Banjir Garut")).close()
    out = tmp_path / "usb" / "copy.db"
    assert main(["backup", "--db", str(path), "--out", str(out), "--lang", "en"]) == 0
    assert "checked" in capsys.readouterr().out and backup_files.verify(out).ok
    assert main(["backup", "--db", str(path), "--lang", "id"]) == 0
    assert "diperiksa" in capsys.readouterr().out
    damage(path)
    assert main(["backup", "--db", str(path), "--lang", "en"]) == 2
    assert "damaged" in capsys.readouterr().err
    assert main(["restore", str(out), "--db", str(path), "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    assert "restored" in printed and "replaced" in printed
    assert event_names(path) == ["Banjir Garut", "Gempa Cianjur"]
    with sqlite3.connect(path) as raw:  # the restored operation's audit trail says so
        assert raw.execute("SELECT target FROM audit_entry WHERE action = 'restore'").fetchall() == [(str(out),)]
    assert main(["restore", str(tmp_path / "nothing.db"), "--db", str(path), "--lang", "en"]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["backup", "--db", str(tmp_path / "missing.db"), "--lang", "en"]) == 2
    assert not (tmp_path / "missing.db").exists()


def test_an_import_into_a_damaged_database_is_refused_with_the_backups(tmp_path, capsys):
    path = tmp_path / "posko.db"
    make_database(path).close()
    backups.manual(path)
    damage(path)
    roster = tmp_path / "roster.csv"
    roster.write_text("nama,jenis_kelamin,umur\nAsep,L,40\n", encoding="utf-8")
    assert main(["import", "roster", str(roster), "--db", str(path), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "damaged" in err and "shelter-app restore" in err


BACKUP_DRIVER = """
import sys
from shelter_app.domain.permissions import Actor
from shelter_app.exchange import backups
from shelter_app.history import records
records.set_actor(Actor("0" * 32, "koordinator", "coordinator"))  # signed in, as the CLI would be
def progress(done, total):
    print(done, total, flush=True)
backups.manual(sys.argv[1], sys.argv[2], progress=progress)
print("done", flush=True)
"""


@pytest.mark.slow
def test_a_backup_killed_in_the_middle_leaves_the_database_whole_and_no_false_backup(tmp_path):
    path = tmp_path / "posko.db"
    db = make_database(path)
    with database.atomic():  # about 24 MB, so that the copy takes many steps
        database.execute_sql("CREATE TABLE ballast (data BLOB)")
        for _ in range(6000):
            database.execute_sql("INSERT INTO ballast VALUES (randomblob(4000))")
    db.close()
    driver = tmp_path / "driver.py"
    driver.write_text(BACKUP_DRIVER)
    out = tmp_path / "usb" / "posko-copy.db"
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    process = subprocess.Popen(
        [sys.executable, str(driver), str(path), str(out)], stdout=subprocess.PIPE, text=True, env=env
    )
    for line in process.stdout:
        if not line.startswith("done") and int(line.split()[0]) > 0:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    process.stdout.close()
    assert process.returncode == -signal.SIGKILL
    assert backup_files.verify(path).ok
    assert event_names(path) == ["Gempa Cianjur"]
    assert not out.exists()  # only a .partial file, never half a backup under the real name
    assert not backup_files.list_backups(path, out.parent)
    assert backups.manual(path, out) == out and backup_files.verify(out).ok  # and the next one works


WRITER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], timeout=30)
connection.execute("PRAGMA journal_mode=WAL")
print("writing", flush=True)
stop = time.monotonic() + 120  # bounded, whatever happens to the test
while time.monotonic() < stop:
    with connection:
        connection.execute("INSERT INTO ballast VALUES (randomblob(100))")
"""


@pytest.mark.slow
def test_a_backup_finishes_while_another_program_keeps_writing(tmp_path):
    path = tmp_path / "posko.db"
    db = make_database(path)
    with database.atomic():  # about 24 MB: many steps, so writes land between them
        database.execute_sql("CREATE TABLE ballast (data BLOB)")
        for _ in range(6000):
            database.execute_sql("INSERT INTO ballast VALUES (randomblob(4000))")
    db.close()
    writer_file = tmp_path / "writer.py"
    writer_file.write_text(WRITER)
    writer = subprocess.Popen([sys.executable, str(writer_file), str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "writing"
        steps = []
        made = backups.manual(path, tmp_path / "copy.db", progress=lambda done, total: steps.append((done, total)))
        # Done while the other program still writes: not merely after it gave up (a step-wise
        # copy restarts at every write and only ends when the writing stops).
        assert writer.poll() is None
    finally:
        writer.kill()
        writer.wait()
        writer.stdout.close()
    assert made.exists() and steps and steps[-1][0] == steps[-1][1]  # the bar ends full
    checked = backups.verify(made)
    assert checked.ok, checked.problem
    with sqlite3.connect(made) as copy:
        assert copy.execute("SELECT COUNT(*) FROM ballast").fetchone()[0] >= 6000
