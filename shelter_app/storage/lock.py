"""One writer at a time: imports, restores, sync imports, the demo and migrations take an
exclusive lock on the database, and the window holds one while it is open.

The lock is a file beside the database (``posko.db.lock``) held with ``fcntl.flock`` (or
``msvcrt.locking`` on Windows): the system lets go of it when the process ends, even killed,
so a crash never leaves a stale lock. A second program is refused at once with "in use by
another program"; within one process the lock is re-entrant (the window's own import runs
under the window's lock)."""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path

from shelter_app.domain.errors import RuleViolation
from shelter_app.faults import pause
from shelter_app.i18n import _

SUFFIX = ".lock"
_held: dict[str, list] = {}  # lock file -> [fd, count]
_guard = threading.Lock()


def lock_path(db_path: Path | str) -> Path:
    path = Path(db_path).expanduser().resolve()
    return path.with_name(path.name + SUFFIX)


def _try_lock(fd: int) -> bool:
    try:
        if os.name == "nt":
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    try:
        if os.name == "nt":
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def in_use(db_path: Path | str) -> RuleViolation:
    return RuleViolation(
        "db",
        _(
            "The database {path} is in use by another program (an import, a restore, a sync or the "
            "window). Wait until it has finished, or close it, then try again.",
            path=str(db_path),
        ),
    )


def acquire(db_path: Path | str) -> None:
    """Take the lock (again, within this process); a RuleViolation when another program holds it."""
    key = str(lock_path(db_path))
    with _guard:
        if key in _held:
            _held[key][1] += 1
            return
        try:
            fd = os.open(key, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return  # a read-only folder: nothing can write there anyway
        if not _try_lock(fd):
            os.close(fd)
            raise in_use(db_path)
        _held[key] = [fd, 1]


def release(db_path: Path | str) -> None:
    key = str(lock_path(db_path))
    with _guard:
        entry = _held.get(key)
        if entry is None:
            return
        entry[1] -= 1
        if entry[1] == 0:
            del _held[key]
            _unlock(entry[0])


def file_of(db) -> Path | None:
    """The file of an open database; None for PostgreSQL or one in memory (no lock needed:
    the server keeps its own order)."""
    name = getattr(db, "database", "") or ""
    if not isinstance(name, str) or name in ("", ":memory:") or name.startswith("file:") or "://" in name:
        return None
    return Path(name)


@contextmanager
def exclusive(db_or_path):
    """``with exclusive(db):`` one writer at a time on this database (a file or an open one)."""
    path = db_or_path if isinstance(db_or_path, (str, Path)) else file_of(db_or_path)
    if path is None:
        yield
        return
    acquire(path)
    try:
        pause("locked")  # the concurrency tests hold the lock here (``faults``)
        yield
    finally:
        release(path)
