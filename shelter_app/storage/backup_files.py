"""The backup files of an SQLite database: where they go, their names, a verified copy made
with SQLite's online backup API, and their rotation.

Automatic backups (``create``) go into a folder the user can change (a USB stick): the
``backup_folder`` setting, read straight from the database file, by default a ``backups``
folder beside the database. They are kept in rotation: the newest of each of the last 7 days
that have backups and of each of the last 4 weeks. Backups asked for by hand, and the copy of
a file replaced by a restore, are never rotated away. The migrations take one before they
touch an existing file (``before_migration``); the other backups, and restoring one, are
``exchange.backups``.

A backup is written under a temporary name, checked (integrity check, schema version) and only
then given its real name, so a process killed in the middle leaves no half backup that looks
whole.

File names: ``<stem>.<reason>-<YYYYmmdd-HHMMSS><suffix>``, e.g. ``posko.daily-20221121-080000.db``
or ``posko.before-0002_x-20221121-080000.db``.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from peewee import SqliteDatabase

from shelter_app.domain.errors import RuleViolation
from shelter_app.files import fsync_path
from shelter_app.i18n import Msg, _, ngettext
from shelter_app.storage.schema import HISTORY_TABLE, known_migrations

SETTING_KEY = "backup_folder"
DEFAULT_FOLDER_NAME = "backups"
KEEP_DAILY = 7
KEEP_WEEKLY = 4
# Reasons the rotation may delete; "manual" and "replaced" copies are the user's to remove.
ROTATED = re.compile(r"^(daily|import|before-.+)$")
PARTIAL = ".partial"
PAGES_PER_STEP = 512
STAMP = "%Y%m%d-%H%M%S"
# The tables every Posko database has, whatever its version.
CORE_TABLES = {"schema_migration", "event", "site", "household", "person", "stay", "change", "setting"}
SQLITE_MAGIC = b"SQLite format 3\x00"

ProgressFn = Callable[[int, int], None]


@dataclass(frozen=True)
class Backup:
    path: Path
    reason: str
    taken_at: datetime.datetime

    @property
    def rotated(self) -> bool:
        return bool(ROTATED.match(self.reason))


@dataclass
class Verified:
    """What checking a file found: ``ok`` or the problem, and the migrations it has."""

    path: Path
    ok: bool
    problem: Msg | None = None
    kind: str = "ok"  # ok / missing / corrupt / foreign / newer
    migrations: list[str] = field(default_factory=list)

    @property
    def version(self) -> str:
        return self.migrations[-1] if self.migrations else "-"


# --- names and folders -----------------------------------------------------------------


def _name_pattern(stem: str, suffix: str) -> re.Pattern:
    return re.compile(
        rf"^{re.escape(stem)}\.(?P<reason>[A-Za-z0-9_.-]+?)-(?P<stamp>\d{{8}}-\d{{6}})(?:-(?P<n>\d+))?{re.escape(suffix)}$"
    )


def backup_name(db_path: Path, reason: str, when: datetime.datetime | None = None) -> str:
    when = when or datetime.datetime.now()
    return f"{db_path.stem}.{reason}-{when.strftime(STAMP)}{db_path.suffix}"


def unique_path(path: Path) -> Path:
    """Two backups in the same second get -1, -2... before the suffix."""
    candidate, n = path, 1
    # A name whose copy is still being written (``.partial``) is taken too.
    while candidate.exists() or candidate.with_name(candidate.name + PARTIAL).exists():
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return candidate


def default_folder(db_path: Path | str) -> Path:
    return Path(db_path).expanduser().resolve().parent / DEFAULT_FOLDER_NAME


def _stored_folder(db_path: Path) -> str | None:
    """The ``backup_folder`` setting read straight from the file (the database need not be open)."""
    if not db_path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=2)
        try:
            row = connection.execute("SELECT value FROM setting WHERE key = ?", (SETTING_KEY,)).fetchone()
        finally:
            connection.close()
        return json.loads(row[0]) if row else None
    except (sqlite3.Error, ValueError, TypeError):
        return None


def folder(db_path: Path | str) -> Path:
    """Where the backups of this database go: the setting, else ``backups`` beside it."""
    db_path = Path(db_path)
    stored = _stored_folder(db_path)
    return Path(stored).expanduser() if stored else default_folder(db_path)


def list_backups(db_path: Path | str, where: Path | None = None) -> list[Backup]:
    """This database's backups in its backup folder (and the default one), newest first."""
    db_path = Path(db_path)
    folders = [where] if where else list(dict.fromkeys([folder(db_path), default_folder(db_path)]))
    pattern = _name_pattern(db_path.stem, db_path.suffix)
    found: dict[Path, Backup] = {}
    for place in folders:
        if not place.is_dir():
            continue
        for path in place.iterdir():
            match = pattern.match(path.name)
            if match and path.is_file():
                taken = datetime.datetime.strptime(match["stamp"], STAMP)
                found[path.resolve()] = Backup(path, match["reason"], taken)
    return sorted(found.values(), key=lambda b: (b.taken_at, b.path.name), reverse=True)


# --- checking a file ---------------------------------------------------------------------


def _read_only(path: Path, timeout: float = 5) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)


def verify(path: Path | str, quick: bool = False, pages: bool = True) -> Verified:
    """Is this a whole Posko database that this version can open? Never changes the file.

    ``quick`` runs SQLite's quick_check instead of the full integrity check (seconds instead of
    a minute on a large operation); ``pages=False`` checks only what the file is (SQLite,
    Posko's tables, a version this one knows)."""
    path = Path(path)
    if not path.is_file():
        return Verified(path, False, _("The file {path} does not exist.", path=str(path)), "missing")
    with path.open("rb") as handle:
        header = handle.read(100)
    if len(header) == 0:
        return Verified(path, False, _("The file {path} is empty.", path=str(path)), "corrupt")
    if not header.startswith(SQLITE_MAGIC):
        return Verified(
            path,
            False,
            _("{path} is not a Posko database (it is not an SQLite file at all).", path=str(path)),
            "foreign",
        )
    try:
        connection = _read_only(path)
        try:
            rows = [("ok",)]
            if pages:
                rows = connection.execute("PRAGMA quick_check" if quick else "PRAGMA integrity_check").fetchall()
            if [r[0] for r in rows] != ["ok"]:
                return Verified(
                    path,
                    False,
                    ngettext(
                        "{path} is damaged: SQLite's integrity check found {n} problem.",
                        "{path} is damaged: SQLite's integrity check found {n} problems.",
                        len(rows),
                        path=str(path),
                    ),
                    "corrupt",
                )
            tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not CORE_TABLES <= tables:
                return Verified(
                    path, False, _("{path} is an SQLite database, but not one of Posko's.", path=str(path)), "foreign"
                )
            applied = sorted(r[0] for r in connection.execute(f"SELECT name FROM {HISTORY_TABLE}"))
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        return Verified(
            path,
            False,
            _("{path} is damaged: SQLite cannot read it ({reason}).", path=str(path), reason=str(error)),
            "corrupt",
        )
    unknown = [name for name in applied if name not in known_migrations()]
    if unknown:
        return Verified(
            path,
            False,
            _(
                "{path} was written by a newer version of Posko (it has changes {names} that this version "
                "does not know). Install the newer version to open it.",
                path=str(path),
                names=", ".join(unknown),
            ),
            "newer",
            applied,
        )
    return Verified(path, True, None, "ok", applied)


# --- making a backup ---------------------------------------------------------------------


def _source_connection(source) -> tuple[sqlite3.Connection, bool, Path]:
    """(connection, whether we opened it, file path) for a peewee SqliteDatabase or a path."""
    if isinstance(source, SqliteDatabase):
        return source.connection(), False, Path(source.database)
    path = Path(source)
    if not path.is_file():
        raise RuleViolation("db", _("There is no database at {path}.", path=str(path)))
    return sqlite3.connect(str(path), timeout=10), True, path


def copy_to(source, destination: Path | str, progress: ProgressFn | None = None) -> Path:
    """Copy a live database (peewee database or path) to ``destination``, verified.

    Written as ``<destination>.partial`` and renamed only once the copy passed its check, so
    nobody ever finds half a backup under a backup's name.
    """
    destination = Path(destination).expanduser()
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise RuleViolation(
            "out",
            _(
                "Cannot write {path}: {reason}. Choose another file or folder.",
                path=str(destination),
                reason=error.strerror or str(error),
            ),
        ) from None
    partial = destination.with_name(destination.name + PARTIAL)
    connection, owned, _path = _source_connection(source)
    try:
        for leftover in (partial, Path(f"{partial}-journal")):
            leftover.unlink(missing_ok=True)
        try:
            target = sqlite3.connect(str(partial))
        except sqlite3.Error as error:
            raise RuleViolation(
                "out",
                _(
                    "Cannot write {path}: {reason}. Choose another file or folder.",
                    path=str(destination),
                    reason=str(error),
                ),
            ) from None
        try:
            _copy_pages(connection, target, progress)
            # A backup is one self-contained file: no write-ahead log beside it.
            target.execute("PRAGMA journal_mode=DELETE")
        except sqlite3.Error as error:
            raise RuleViolation(
                "out",
                _("The backup could not be written to {path}: {reason}.", path=str(destination), reason=str(error)),
            ) from None
        finally:
            target.close()
    finally:
        if owned:
            connection.close()
    fsync_path(partial)
    # The pages were copied as they are: a quick check and the schema prove the copy whole; the
    # full integrity check is for a file about to be restored (``exchange.backups.restore``).
    checked = verify(partial, quick=True)
    if not checked.ok:
        partial.unlink(missing_ok=True)
        raise RuleViolation(
            "out", _("The backup failed its check and was not kept: {problem}", problem=checked.problem)
        )
    os.replace(partial, destination)
    fsync_path(destination.parent)
    return destination


class _Restarted(Exception):
    """Another connection wrote to the database between two steps of the copy."""


def _copy_pages(connection: sqlite3.Connection, target: sqlite3.Connection, progress: ProgressFn | None) -> None:
    """Copy the database a step at a time, for the progress bar. A write by another connection
    between two steps makes SQLite start again from the first page: under one edit a second,
    a step-wise copy of a large file never ends. So at the first restart the rest is copied in
    one step, which holds a read snapshot (WAL lets the writers go on) and always finishes."""
    last: list[int] = []

    def step(_status, remaining, total):
        if last and remaining > last[-1]:
            raise _Restarted
        last.append(remaining)
        if progress:
            progress(total - remaining, total)

    try:
        connection.backup(target, pages=PAGES_PER_STEP, progress=step)
    except _Restarted:
        connection.backup(target, pages=-1)
        if progress and last:
            progress(1, 1)


def is_file_database(db) -> bool:
    return (
        isinstance(db, SqliteDatabase)
        and db.database not in ("", ":memory:")
        and not str(db.database).startswith("file::memory")
    )


def create(db, reason: str, progress: ProgressFn | None = None, rotate_after: bool = True) -> Path | None:
    """An automatic backup of an open database into its backup folder; None for PostgreSQL or memory.

    When the chosen folder cannot be written (the USB stick is out), the backup goes to the
    default folder beside the database rather than not at all.
    """
    if not is_file_database(db):
        return None
    db_path = Path(db.database)
    name = backup_name(db_path, reason)
    places = list(dict.fromkeys([folder(db_path), default_folder(db_path)]))
    for index, place in enumerate(places):
        try:
            made = copy_to(db, unique_path(place / name), progress)
        except RuleViolation:
            if index == len(places) - 1:
                raise
            continue
        if rotate_after:
            rotate(db_path, place)
        return made
    return None


def before_migration(db, migration: str) -> Path | None:
    """The copy taken before ``migration`` (the first pending one) changes an existing file."""
    return create(db, f"before-{migration}")


# --- rotation ----------------------------------------------------------------------------


def keep_set(backups: list[Backup], daily_count: int = KEEP_DAILY, weekly_count: int = KEEP_WEEKLY) -> set[Path]:
    """The newest backup of each of the last ``daily_count`` days and ``weekly_count`` ISO weeks."""
    ordered = sorted(backups, key=lambda b: (b.taken_at, b.path.name), reverse=True)
    keep: set[Path] = set()
    days: list[datetime.date] = []
    weeks: list[tuple[int, int]] = []
    for backup in ordered:
        day = backup.taken_at.date()
        week = tuple(backup.taken_at.isocalendar())[:2]
        if day not in days and len(days) < daily_count:
            days.append(day)
            keep.add(backup.path)
        if week not in weeks and len(weeks) < weekly_count:
            weeks.append(week)
            keep.add(backup.path)
    return keep


def rotate(db_path: Path | str, where: Path | None = None) -> list[Path]:
    """Delete the automatic backups the rotation no longer keeps; returns what was deleted."""
    db_path = Path(db_path)
    place = where or folder(db_path)
    automatic = [b for b in list_backups(db_path, place) if b.rotated]
    keep = keep_set(automatic)
    deleted = []
    for backup in automatic:
        if backup.path not in keep:
            try:
                backup.path.unlink()
                deleted.append(backup.path)
            except OSError:
                pass
    return deleted
