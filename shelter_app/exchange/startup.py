"""Looking at a database file before opening it: missing, locked, read-only, damaged, not a
Posko database, or from a newer version. Each case gets a clear message and the backups that
could replace it; nothing here changes or overwrites a file (restoring is ``backups.restore``,
done only when the user asks for it).

    diagnosis = startup.diagnose(path)
    if not diagnosis.ok: show diagnosis.message, offer diagnosis.backups (newest first)
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import Msg, _
from shelter_app.storage import backup_files
from shelter_app.storage.database import is_url
from shelter_app.storage.schema import HISTORY_TABLE, known_migrations

OK, MISSING, LOCKED, READONLY, CORRUPT, FOREIGN, NEWER = (
    "ok",
    "missing",
    "locked",
    "readonly",
    "corrupt",
    "foreign",
    "newer",
)


@dataclass
class Diagnosis:
    path: Path
    kind: str
    message: Msg | None = None
    backups: list[backup_files.Backup] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.kind == OK

    @property
    def can_restore(self) -> bool:
        return self.kind in (MISSING, CORRUPT, FOREIGN) and bool(self.backups)

    def text(self, lang: str | None = None) -> str:
        """The message, then what to do about it, for the command line."""
        if self.message is None:
            return ""
        lines = [self.message.text(lang)]
        if self.backups and self.kind != OK:
            newest = self.backups[0]
            lines.append(
                _(
                    "Backups of this database: {count}, the newest from {when} ({path}). To restore it: "
                    'shelter-app restore "{path}" --db "{db}"',
                    count=len(self.backups),
                    when=newest.taken_at.strftime("%Y-%m-%d %H:%M"),
                    path=str(newest.path),
                    db=str(self.path),
                ).text(lang)
            )
        return "\n".join(lines)


def _locked(path: Path) -> str | None:
    """LOCKED when another program holds the write lock, READONLY when the file cannot be written."""
    try:
        connection = sqlite3.connect(str(path), timeout=0.5, isolation_level=None)
    except sqlite3.Error:
        return LOCKED
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
    except sqlite3.OperationalError as error:
        text = str(error).lower()
        if "readonly" in text or "read-only" in text:
            return READONLY
        if "locked" in text or "busy" in text:
            return LOCKED
        return CORRUPT
    except sqlite3.DatabaseError:
        return CORRUPT
    finally:
        connection.close()
    return None


def diagnose(target: str | Path, thorough: bool = True) -> Diagnosis:
    """What state the database file is in. ``thorough`` runs SQLite's quick check over every page."""
    if isinstance(target, str) and is_url(target):
        return Diagnosis(Path(target), OK)  # a PostgreSQL hub checks itself
    path = Path(target).expanduser()
    found = backup_files.list_backups(path) if path.parent.exists() else []
    if not path.exists():
        return Diagnosis(path, MISSING, _("There is no database at {path}.", path=str(path)), found)
    if path.is_dir():
        return Diagnosis(path, FOREIGN, _("{path} is a folder, not a database file.", path=str(path)), found)
    checked = backup_files.verify(path, quick=True) if thorough else _light_check(path)
    if checked.kind == "corrupt":
        return Diagnosis(path, CORRUPT, _("{problem} Nothing was changed.", problem=checked.problem), found)
    if checked.kind in ("foreign", "newer"):
        return Diagnosis(path, checked.kind, checked.problem, found)
    state = _locked(path)
    if state == LOCKED:
        return Diagnosis(
            path,
            LOCKED,
            _(
                "The database {path} is in use by another program (another Posko window?). Close it, then try again.",
                path=str(path),
            ),
            found,
        )
    if state == READONLY:
        return Diagnosis(
            path,
            READONLY,
            _(
                "The database {path} cannot be written (read-only file or drive). "
                "Copy it to a folder you can write to.",
                path=str(path),
            ),
            found,
        )
    if state == CORRUPT:
        return Diagnosis(
            path,
            CORRUPT,
            _(
                "{problem} Nothing was changed.",
                problem=_(
                    "{path} is damaged: SQLite cannot read it ({reason}).", path=str(path), reason="BEGIN IMMEDIATE"
                ),
            ),
            found,
        )
    return Diagnosis(path, OK, None, found)


def _light_check(path: Path) -> backup_files.Verified:
    """Header, tables and version, without reading every page."""
    with path.open("rb") as handle:
        header = handle.read(100)
    if not header.startswith(backup_files.SQLITE_MAGIC):
        return backup_files.verify(path)  # says empty / not SQLite
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=2)
        try:
            tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not backup_files.CORE_TABLES <= tables:
                return backup_files.verify(path)
            applied = [r[0] for r in connection.execute(f"SELECT name FROM {HISTORY_TABLE}")]
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return backup_files.verify(path)
    if any(name not in known_migrations() for name in applied):
        return backup_files.verify(path)
    return backup_files.Verified(path, True, None, "ok", sorted(applied))


def require_usable(target: str, allow_missing: bool = False) -> Diagnosis:
    """For commands: a RuleViolation with the message (and the restore advice) unless the file is usable."""
    diagnosis = diagnose(target)
    if diagnosis.ok or (allow_missing and diagnosis.kind == MISSING):
        return diagnosis
    raise RuleViolation("db", Msg("{text}", {"text": _Rendered(diagnosis)}))


@dataclass(frozen=True)
class _Rendered:
    """A diagnosis rendered on demand in whatever language the message is shown in."""

    diagnosis: Diagnosis

    def text(self, lang: str | None = None) -> str:
        return self.diagnosis.text(lang)
