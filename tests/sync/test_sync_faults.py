"""Faults during a sync or a delivery: the hub stopped mid-sync, the laptop killed (SIGKILL, as a
power cut would) at the fault points, a full or read-only USB stick, a wrong hub password.

After each: the error is shown in words a volunteer understands (Indonesian by default), nothing
is lost or duplicated (on the hub or on the laptop), and the next attempt succeeds.

Nothing here waits on time: the hub is stopped from the sync's own progress callback, and the
killed processes are the ones run with ``SHELTER_APP_FAULT`` (``shelter_app.faults``).
"""

from __future__ import annotations

import datetime
import errno
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from shelter_app import files
from shelter_app.cli.main import main
from shelter_app.demo.generator import build_demo
from shelter_app.faults import ENV as FAULT_ENV
from shelter_app.history import operations
from shelter_app.outbox import queue
from shelter_app.services import roster
from shelter_app.storage.models import Change, OutboxDelivery, OutboxItem, Setting
from shelter_app.sync import hub, sync_file
from tests.conftest import sign_in_coordinator
from tests.laptops import Laptop, conflicts_dump, dump, presence_dump
from tests.postgres_server import new_database, postgres_server, unavailable_reason

REPO = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n% a tiny stand-in for a report\n%%EOF\n"
PASSWORD = "rahasia-posko-2022"


# --- fixtures and helpers --------------------------------------------------------------


def _server(**options):
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    return postgres_server(**options)


@pytest.fixture(scope="module")
def own_server():
    """A PostgreSQL server these tests may stop and start (the shared ``pg_server`` must stay up)."""
    with _server() as url:
        yield url


@pytest.fixture
def stoppable_hub(own_server):
    url = new_database(own_server)
    yield own_server, url
    own_server.start()  # running again for the next test, whatever happened here


@pytest.fixture(scope="module")
def password_server():
    """A server that asks for a password over TCP (scram-sha-256)."""
    with _server(password=PASSWORD) as url:
        yield url


@pytest.fixture
def laptops(tmp_path):
    made = []

    def make(name: str) -> Laptop:
        laptop = Laptop(tmp_path / f"{name}.db", name)
        made.append(laptop)
        return laptop

    yield make
    for laptop in made:
        laptop.close()


def demo(laptop: Laptop, persons: int = 60) -> int:
    """A small demo operation (every synced table); its number of operations."""
    with laptop.active():
        build_demo(persons=persons, seed=3)
        return held(laptop)


def held(laptop: Laptop) -> int:
    """Operations this laptop holds, each once."""
    with laptop.active():
        names = [op.key for op in operations.expand(Change.select().order_by(Change.seq).iterator())]
    assert len(names) == len(set(names)), "an operation is held twice"
    return len(names)


def received(laptop: Laptop) -> int:
    """Operations this laptop got from a hub."""
    with laptop.active():
        return Change.select().where(Change.source.startswith("hub:")).count()


def state(laptop: Laptop):
    with laptop.active():
        return dump(), presence_dump(), conflicts_dump()


def without_audit(laptop_state):
    records, *rest = laptop_state
    return {table: rows for table, rows in records.items() if table != "audit_entry"}, *rest


def on_hub(url: str, password: str | None = None) -> tuple[int, int]:
    """(operations, distinct (node, hlc)) held by the hub."""
    import psycopg2

    connection = psycopg2.connect(url, password=password)
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT to_regclass('hub_op') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return 0, 0
        cursor.execute("SELECT count(*), count(DISTINCT (node, hlc)) FROM hub_op")
        return tuple(cursor.fetchone())
    finally:
        connection.close()


def hub_reports(url: str) -> list[tuple[str, bytes]]:
    import psycopg2

    connection = psycopg2.connect(url)
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT id::text, pdf FROM hub_report")
        return [(row[0].replace("-", ""), bytes(row[1])) for row in cursor.fetchall()]
    finally:
        connection.close()


def intact(path: Path) -> bool:
    connection = sqlite3.connect(str(path))
    try:
        return connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        connection.close()


def cli(*argv: str, fault: str | None = None, **env: str) -> subprocess.CompletedProcess:
    """``shelter-app ARGV`` in its own process (one that may be killed)."""
    environment = {**os.environ, "SHELTER_APP_OPERATOR": "Relawan Uji", **env}
    for name in ("PGPASSWORD", hub.PASSWORD_ENV, FAULT_ENV, "SHELTER_APP_LANG"):
        if name not in env:
            environment.pop(name, None)
    if fault:
        environment[FAULT_ENV] = fault
    # The timeout only guards against a hang; nothing waits on it.
    return subprocess.run(
        [sys.executable, "-m", "shelter_app", *argv],
        check=False,
        capture_output=True,
        text=True,
        cwd=REPO,
        env=environment,
        timeout=300,
    )


def killed(run: subprocess.CompletedProcess) -> bool:
    return run.returncode == -signal.SIGKILL


def in_words(text_id: str, text_en: str, indonesian: tuple[str, ...], english: tuple[str, ...], *both: str) -> None:
    """A message a volunteer understands, in both languages: the English words expected, the
    names (hub, path, variable) in both, and an Indonesian translation using one of ``indonesian``."""
    for words in english:
        assert words in text_en, text_en
    for name in both:
        assert name in text_en and name in text_id, (name, text_id)
    for text in (text_id, text_en):
        assert "Traceback" not in text and "psycopg2" not in text and "OperationalError" not in text, text
    indonesian_words(text_id, text_en, indonesian)


def indonesian_words(text_id: str, text_en: str, words: tuple[str, ...]) -> None:
    assert text_id != text_en, f"no Indonesian translation yet (locale/id/*.po) for: {text_en!r}"
    assert any(word in text_id.lower() for word in words), (words, text_id)


def message_in_words(message, indonesian, english, *both) -> None:
    in_words(message.text("id"), message.text("en"), indonesian, english, *both)


LOST = (("terputus",), ("connection to the hub", "was lost", "next sync carries on"))
UNREACHABLE = (
    ("tidak dapat dihubungi", "tidak bisa dihubungi", "tidak terjangkau", "tidak dapat dijangkau"),
    ("Cannot reach the hub", "Your work is kept on this laptop"),
)
PASSWORD_REFUSED = (("kata sandi", "sandi"), ("refused the password", hub.PASSWORD_ENV))


# --- 1. the hub stops in the middle of a sync ------------------------------------------


@pytest.mark.slow
def test_hub_stopped_during_the_push_then_the_next_sync_carries_on(laptops, stoppable_hub, monkeypatch):
    server, url = stoppable_hub
    a, b = laptops("Ani"), laptops("Budi")
    total = demo(a)
    monkeypatch.setattr(hub, "PUSH_BATCH", 50)
    assert total > 3 * hub.PUSH_BATCH
    seen = []

    def stop_after_first_batch(stage, count):
        seen.append((stage, count))
        if len(seen) == 1:
            server.stop()  # the hub goes off between two batches

    with a.active():
        with pytest.raises(hub.HubError) as lost:
            hub.sync(url, progress=stop_after_first_batch)
        assert seen == [("push", 50)]
        assert hub.last().ok is False
        # While the hub is off: unreachable, in words; nothing is lost on the laptop.
        with pytest.raises(hub.HubError) as unreachable:
            hub.sync(url)
    assert held(a) == total
    server.start()
    assert on_hub(url) == (50, 50)  # the committed batch is there, once

    with a.active():
        again = hub.sync(url)
        assert again.pushed >= total - 50 and hub.last().ok is True
        assert hub.sync(url).pushed == 0
    assert on_hub(url) == (total, total)  # each operation once
    with b.active():
        assert hub.sync(url).new == total
    assert state(b) == state(a)
    message_in_words(lost.value.message, *LOST, hub.label(url))
    message_in_words(unreachable.value.message, *UNREACHABLE, hub.label(url))


@pytest.mark.slow
def test_hub_stopped_during_the_pull_then_the_next_sync_carries_on(laptops, stoppable_hub, monkeypatch):
    server, url = stoppable_hub
    a, b = laptops("Ani"), laptops("Budi")
    total = demo(a)
    with a.active():
        hub.sync(url)
    with b.active():  # Budi's own work, pushed before the pull
        household = roster.register_household(address="Kampung Babakan")
        roster.add_person(
            household.id,
            confirmed=True,
            name="Budi Santoso",
            sex="L",
            birth_date=datetime.date(1985, 3, 4),
            relationship="head",
        )
    own = held(b)
    monkeypatch.setattr(hub, "PULL_BATCH", 50)
    seen = []

    def stop_after_first_pull(stage, count):
        seen.append((stage, count))
        if stage == "pull" and count == 50:
            server.stop()

    with b.active(), pytest.raises(hub.HubError) as lost:
        hub.sync(url, progress=stop_after_first_pull)
    assert seen[-1] == ("pull", 50)
    # The batch merged before the stop is kept, with its cursor; Budi's own work too.
    assert received(b) == 50 and held(b) == own + 50
    server.start()
    assert on_hub(url) == (total + own, total + own)

    with b.active():
        again = hub.sync(url)
    assert (again.pushed, again.pulled, again.new) == (0, total - 50, total - 50)  # nothing received twice
    with a.active():
        assert hub.sync(url).new == own
    assert state(a) == state(b)
    assert on_hub(url) == (total + own, total + own)
    message_in_words(lost.value.message, *LOST, hub.label(url))


# --- 2. the laptop killed during a sync ------------------------------------------------


@pytest.mark.slow
def test_killed_after_a_push_batch_reached_the_hub(laptops, hub_url):
    a = laptops("Ani")
    total = demo(a)
    a.close()
    dying = cli("sync", "--db", str(a.path), "--hub", hub_url, fault="hub.sent")
    total += 1  # each command's sign-in is in the audit trail, which syncs with the rest
    assert killed(dying), (dying.returncode, dying.stderr)
    assert intact(a.path)
    assert on_hub(hub_url) == (total, total)  # the batch was committed on the hub; the cursor was not saved

    done = cli("sync", "--db", str(a.path), "--hub", hub_url, "--lang", "en")
    total += 1
    assert done.returncode == 0, done.stderr
    assert "sent 1 change," in done.stdout  # its own sign-in: the rest, sent again, the hub held already
    assert on_hub(hub_url) == (total, total)  # nothing twice
    assert "sent 1 change," in cli("sync", "--db", str(a.path), "--hub", hub_url, "--lang", "en").stdout
    total += 1
    assert intact(a.path)

    b = laptops("Budi")
    with b.active():  # a new laptop of the operation: its coordinator signs in once
        sign_in_coordinator()
    own = held(b)
    b.close()
    pulled = cli("sync", "--db", str(b.path), "--hub", hub_url, "--lang", "en")
    own += 1
    assert pulled.returncode == 0 and f"received {total} ({total} new)" in pulled.stdout, pulled.stdout
    a, b = laptops("Ani"), laptops("Budi")  # reopened
    with a.active():
        hub.sync(hub_url)  # Budi's own changes (his sign-ins) reach Ani too
    assert held(a) == held(b) == total + own
    assert state(a) == state(b)


@pytest.mark.slow
def test_killed_inside_the_pull_transaction(laptops, hub_url):
    a, b = laptops("Ani"), laptops("Budi")
    total = demo(a)
    with a.active():
        hub.sync(hub_url)
    with b.active():
        sign_in_coordinator()  # a new laptop of the operation: its coordinator signs in once
        roster.register_household(address="Kampung Babakan", notes="dicatat di laptop Budi")
    own = held(b)
    b.close()

    dying = cli("sync", "--db", str(b.path), "--hub", hub_url, fault="hub.merged")
    own += 1  # the command's sign-in (in the audit trail, pushed before the pull)
    assert killed(dying), (dying.returncode, dying.stderr)
    assert intact(b.path)
    b = laptops("Budi")
    assert received(b) == 0 and held(b) == own  # the merge was rolled back whole; Budi's work kept
    assert on_hub(hub_url) == (total + own, total + own)  # the push before the pull went through
    b.close()

    done = cli("sync", "--db", str(b.path), "--hub", hub_url, "--lang", "en")
    own += 1
    assert done.returncode == 0, done.stderr
    assert f"received {total} ({total} new)" in done.stdout, done.stdout
    assert intact(b.path)
    b = laptops("Budi")
    with a.active():
        assert hub.sync(hub_url).new == own
    assert held(a) == held(b) == total + own
    assert state(a) == state(b)
    assert on_hub(hub_url) == (total + own, total + own)


# --- 3. the laptop killed during a delivery --------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("destination", ["folder", "hub"])
def test_killed_after_a_delivery_before_it_was_recorded(laptops, tmp_path, request, destination):
    usb = tmp_path / "usb"
    usb.mkdir()
    laptop = laptops("Ani")
    laptop.close()
    if destination == "folder":
        setting = cli("config", "--db", str(laptop.path), "set", "outbox.folder", str(usb), "--lang", "en")
    else:
        url = request.getfixturevalue("hub_url")
        setting = cli("config", "--db", str(laptop.path), "set", "hub.url", url, "--lang", "en")
    assert setting.returncode == 0, setting.stderr
    laptop = laptops("Ani")
    with laptop.active():
        item = queue.add(PDF, "Laporan harian - SDN Cugenang 1", "daily")
        name = queue.file_name(item)
    laptop.close()

    dying = cli("outbox", "--db", str(laptop.path), "send", fault="outbox.delivered")
    assert killed(dying), (dying.returncode, dying.stderr)
    assert intact(laptop.path)
    if destination == "folder":
        assert [p.name for p in usb.iterdir()] == [name]  # delivered whole (renamed) before the kill
    else:
        assert hub_reports(url) == [(item.id.hex, PDF)]
    laptop = laptops("Ani")
    with laptop.active():
        assert OutboxDelivery.get().status != "done"  # not recorded: it will be tried again
    laptop.close()

    again = cli("outbox", "--db", str(laptop.path), "send", "--lang", "en")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Sent: 1, failed: 0, reports still waiting: 0" in again.stdout
    if destination == "folder":
        assert [(p.name, p.read_bytes()) for p in usb.iterdir()] == [(name, PDF)]  # once, no .part file
    else:
        assert hub_reports(url) == [(item.id.hex, PDF)]  # stored once
    listed = cli("outbox", "--db", str(laptop.path), "list", "--lang", "en")
    assert "Nothing waiting" in listed.stdout
    listed = cli("outbox", "--db", str(laptop.path), "list", "--all", "--lang", "en")
    assert f"{destination:<7} delivered" in listed.stdout, listed.stdout
    laptop = laptops("Ani")
    with laptop.active():
        row = OutboxDelivery.get()
        assert (row.status, row.attempts) == ("done", 1) and OutboxItem.select().count() == 1


# The outbox folder destination itself full or read-only (ENOSPC, EROFS, chmod) is covered by
# tests/outbox/test_outbox.py: test_read_only_or_full_folder_leaves_no_partial_file_and_is_retried and
# test_read_only_folder_by_permissions.


# --- 4. a full or read-only USB stick for 'sync export' --------------------------------


class _Stick:
    """A file on a stick with ``room`` bytes left: writing past it fails with ``code``."""

    def __init__(self, handle, room: int, code: int):
        self.handle, self.room, self.code, self.written = handle, room, code, 0
        self.name, self.mode = handle.name, handle.mode

    def write(self, data) -> int:
        data = bytes(data)
        if self.written + len(data) > self.room:
            self.handle.write(data[: self.room - self.written])  # half written, as on a real stick
            self.written = self.room
            raise OSError(self.code, os.strerror(self.code))
        self.written += len(data)
        return self.handle.write(data)

    def __getattr__(self, name):
        return getattr(self.handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()


def _export(capsys, db_path: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    code = main(["sync", "export", "--db", str(db_path), "--out", str(out), *extra])
    printed = capsys.readouterr()
    return code, printed.out, printed.err


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS], ids=["full", "read-only"])
def test_export_to_a_full_or_read_only_stick(laptops, tmp_path, capsys, monkeypatch, code):
    laptop = laptops("Ani")
    total = demo(laptop, persons=50)
    laptop.close()
    stick = tmp_path / "stick"
    stick.mkdir()
    out = stick / "posko-ani.posko-sync"
    real_open = open

    def open_on_the_stick(path, mode="r", *args, **kwargs):
        handle = real_open(path, mode, *args, **kwargs)
        return _Stick(handle, room=200, code=code) if "w" in mode else handle

    monkeypatch.setattr(files, "open", open_on_the_stick, raising=False)
    failed_id = _export(capsys, laptop.path, out)
    failed_en = _export(capsys, laptop.path, out, "--lang", "en")
    assert list(stick.iterdir()) == []  # no partial file, under the real name or a temporary one
    monkeypatch.undo()

    done = _export(capsys, laptop.path, out, "--lang", "en")
    total += 4  # each of the three commands signed in, and the file written: the audit trail says so
    assert done[0] == 0 and f"Wrote {total} changes" in done[1], done
    _header, read = sync_file.read(out)
    assert len(read) == total and [p.name for p in stick.iterdir()] == [out.name]
    for failed in (failed_id, failed_en):
        assert failed[0] == 2 and failed[1] == "" and "Traceback" not in failed[2], failed
    in_words(
        failed_id[2],
        failed_en[2],
        ("flashdisk", "penuh"),
        ("nothing was written", "not full", "write-protected"),
        str(out),
    )


@pytest.mark.skipif(
    os.geteuid() == 0,
    reason="root may write into a read-only folder (chmod 0o555 does not stop "
    "root); the read-only case is simulated (EROFS) in "
    "test_export_to_a_full_or_read_only_stick",
)
def test_export_into_a_read_only_folder(laptops, tmp_path, capsys):
    laptop = laptops("Ani")
    demo(laptop, persons=50)
    laptop.close()
    stick = tmp_path / "stick"
    stick.mkdir()
    out = stick / "posko-ani.posko-sync"
    stick.chmod(0o555)
    try:
        code, _printed, err = _export(capsys, laptop.path, out, "--lang", "en")
        assert code == 2 and str(out) in err and "write-protected" in err, err
        assert list(stick.iterdir()) == []
    finally:
        stick.chmod(0o755)
    assert _export(capsys, laptop.path, out)[0] == 0 and out.exists()


# --- 5. a wrong password ---------------------------------------------------------------


def _with_password(url: str, password: str) -> str:
    return url.replace("posko@", f"posko:{password}@", 1)


def test_wrong_password_is_refused_in_words_and_the_right_one_works(laptops, password_server, monkeypatch):
    url = new_database(password_server)
    a = laptops("Ani")
    total = demo(a, persons=50)
    before = state(a)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv(hub.PASSWORD_ENV, "salah")
    with a.active():
        with pytest.raises(hub.HubError) as refused:
            hub.sync(url)
        monkeypatch.delenv(hub.PASSWORD_ENV)
        with pytest.raises(hub.HubError) as in_url:
            hub.sync(_with_password(url, "salah"))
        assert hub.last().ok is False
        cursors = [
            key
            for (key,) in Setting.select(Setting.key).tuples()
            if key.startswith("sync.hub.") and key != hub.LAST_KEY
        ]
    assert cursors == [] and state(a) == before and held(a) == total  # nothing changed locally
    assert on_hub(url, PASSWORD) == (0, 0)

    monkeypatch.setenv(hub.PASSWORD_ENV, PASSWORD)
    with a.active():
        assert hub.sync(url).pushed == total and hub.last().ok is True
    assert on_hub(url, PASSWORD) == (total, total)
    for error in (refused, in_url):
        message_in_words(error.value.message, *PASSWORD_REFUSED, hub.label(url))


def test_wrong_password_on_the_command_line(laptops, password_server):
    url = new_database(password_server)
    a = laptops("Ani")
    total = demo(a, persons=50)
    before = state(a)
    a.close()
    refused_id = cli("sync", "--db", str(a.path), "--hub", url, **{hub.PASSWORD_ENV: "salah"})
    refused_en = cli("sync", "--db", str(a.path), "--hub", _with_password(url, "salah"), "--lang", "en")
    for run in (refused_id, refused_en):
        assert run.returncode == 3, (run.returncode, run.stderr)
        assert "Traceback" not in run.stderr and "salah" not in run.stderr  # the password is never shown
    assert on_hub(url, PASSWORD) == (0, 0)
    a = laptops("Ani")
    # nothing changed locally but the audit trail: the two commands signed in
    assert without_audit(state(a)) == without_audit(before) and held(a) == total + 2
    a.close()
    done = cli("sync", "--db", str(a.path), "--hub", url, "--lang", "en", **{hub.PASSWORD_ENV: PASSWORD})
    total += 3
    assert done.returncode == 0 and f"sent {total} changes" in done.stdout, done.stderr
    assert on_hub(url, PASSWORD) == (total, total)
    in_words(refused_id.stderr, refused_en.stderr, *PASSWORD_REFUSED, hub.label(url))
