"""Backups of the operation's SQLite file, as the user meets them: the backup folder setting,
the start-of-day backup, the one before an import, a backup made by hand, and restoring one.

The backup files themselves (where they go, their names, the verified copy made with SQLite's
online backup API, their rotation) are ``storage.backup_files``, which the migrations use too:
automatic backups are taken when the app starts (at most once a day), before every migration
and before every import, and kept in rotation. Backups asked for by hand, and the copy of a
file replaced by a restore, are never rotated away. A backup is checked again before a
restore trusts it.
"""

from __future__ import annotations

import datetime
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from shelter_app.domain.errors import RuleViolation
from shelter_app.files import fsync_path
from shelter_app.i18n import _
from shelter_app.services import audit, database, settings
from shelter_app.services.access import requires
from shelter_app.storage import lock
from shelter_app.storage.backup_files import (  # the core, offered to the window and the CLI too
    SETTING_KEY,
    ProgressFn,
    backup_name,
    copy_to,
    create,
    default_folder,
    folder,
    is_file_database,
    list_backups,
    unique_path,
    verify,
)
from shelter_app.storage.backup_files import (
    Backup as Backup,
)

# --- the folder ----------------------------------------------------------------------------


def set_folder(path: str | Path | None) -> Path | None:
    """Change the backup folder (a laptop setting, ``domain.settings_catalog``: created and
    tried before it is kept); None or "" goes back to the default."""
    settings.change(SETTING_KEY, None if path is None else str(path))
    stored = settings.stored(SETTING_KEY)
    return Path(stored) if stored else None


# --- making a backup ---------------------------------------------------------------------


def daily(db, today: datetime.date | None = None) -> Path | None:
    """The start-of-day backup: made only when no backup of this database was taken today."""
    if not is_file_database(db):
        return None
    today = today or datetime.date.today()
    if any(b.taken_at.date() == today for b in list_backups(Path(db.database))):
        return None
    return create(db, "daily")


def before_import(db) -> Path | None:
    return create(db, "import")


@requires("backup.make")
def manual(db_path: Path | str, out: Path | str | None = None, progress: ProgressFn | None = None) -> Path:
    """``shelter-app backup``: to ``out``, or into the backup folder; never rotated away."""
    db_path = Path(db_path)
    checked = verify(db_path, pages=False)  # what the file is; its pages are checked in the copy
    if not checked.ok:
        raise RuleViolation("db", checked.problem)
    if out:
        written = copy_to(db_path, Path(out), progress)
    else:
        destination = unique_path(folder(db_path) / backup_name(db_path, "manual"))
        try:
            written = copy_to(db_path, destination, progress)
        except RuleViolation:
            written = copy_to(db_path, unique_path(default_folder(db_path) / destination.name), progress)
    bound = database.current()
    if bound is not None and not bound.is_closed() and Path(str(bound.database)).resolve() == db_path.resolve():
        audit.record("backup", persons=database.counts()["person"], target=str(written))
    return written


# --- restore -----------------------------------------------------------------------------


@dataclass
class Restored:
    database: Path
    backup: Path
    replaced_copy: Path | None
    migrations: list[str]


def _sidecars(path: Path) -> list[Path]:
    return [Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")]


def _checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the file, when the file is sound enough to allow it."""
    try:
        connection = sqlite3.connect(str(path), timeout=2)
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
    except sqlite3.Error:
        pass


def _new_laptop_id(path: Path) -> None:
    """The restored file names its next changes with a new id (``history.clock``): changes made
    after the backup was taken, already sent to the hub under the old id, then come back with
    the next sync instead of being mistaken for this laptop's own."""
    connection = sqlite3.connect(path)
    try:
        with connection:
            connection.execute("DELETE FROM setting WHERE key = 'sync.node'")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.OperationalError:  # a backup from before settings existed
        pass
    finally:
        connection.close()
    fsync_path(path)


@requires("backup.restore")
def restore(backup_file: Path | str, db_path: Path | str) -> Restored:
    """Put a verified backup in place of the database; the replaced file is kept beside the backups.

    The database must not be open in another program. The replaced file (with its write-ahead
    log, if any) is copied byte for byte, damaged or not, before anything is changed.
    """
    backup_file, db_path = Path(backup_file).expanduser(), Path(db_path).expanduser()
    with lock.exclusive(db_path):  # never under an import or a sync running elsewhere
        return _restore(backup_file, db_path)


def _restore(backup_file: Path, db_path: Path) -> Restored:
    checked = verify(backup_file)
    if not checked.ok:
        raise RuleViolation(
            "file", _("This backup cannot be trusted, nothing was changed: {problem}", problem=checked.problem)
        )
    if db_path.exists() and backup_file.resolve() == db_path.resolve():
        raise RuleViolation("file", _("The backup and the database are the same file."))
    replaced_copy = None
    if db_path.exists():
        _checkpoint(db_path)
        place = folder(db_path)
        try:
            place.mkdir(parents=True, exist_ok=True)
        except OSError:
            place = default_folder(db_path)
            place.mkdir(parents=True, exist_ok=True)
        replaced_copy = unique_path(place / backup_name(db_path, "replaced"))
        shutil.copyfile(db_path, replaced_copy)
        fsync_path(replaced_copy)
        wal = Path(f"{db_path}-wal")
        if wal.exists() and wal.stat().st_size:
            shutil.copyfile(wal, f"{replaced_copy}-wal")
            fsync_path(Path(f"{replaced_copy}-wal"))
    incoming = db_path.with_name(db_path.name + ".restoring")
    incoming.unlink(missing_ok=True)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    copy_to(backup_file, incoming)
    _new_laptop_id(incoming)
    # The old write-ahead log must not be replayed onto the restored file: it is saved above.
    for sidecar in _sidecars(db_path):
        sidecar.unlink(missing_ok=True)
    os.replace(incoming, db_path)
    fsync_path(db_path.parent)
    after = verify(db_path)
    if not after.ok:  # cannot happen unless the disk fails; say so rather than hide it
        raise RuleViolation("db", after.problem)
    return Restored(db_path, backup_file, replaced_copy, after.migrations)
