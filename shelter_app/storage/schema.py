"""Creating and upgrading the schema with peewee's migration runner.

Before any migration touches an existing database it is backed up (``upgrade`` is given how;
opening a database gives it ``backup_files.before_migration``); a database written by a newer
version of the app (it has migrations this version does not know) is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from peewee import Database, SqliteDatabase
from playhouse.migrations import Runner

from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import _
from shelter_app.storage import lock

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
HISTORY_TABLE = "schema_migration"


class NewerDatabaseError(RuleViolation):
    def __init__(self, unknown: list[str]):
        super().__init__(
            "database",
            _(
                "This database was written by a newer version of Posko (it has changes "
                "{names} that this version does not know). Install the newer version to "
                "open it; nothing was changed.",
                names=", ".join(unknown),
            ),
        )
        self.unknown = unknown


def runner(db: Database) -> Runner:
    return Runner(db, directory=str(MIGRATIONS_DIR), table_name=HISTORY_TABLE)


def known_migrations() -> list[str]:
    return sorted(path.stem for path in MIGRATIONS_DIR.glob("[0-9]*.py"))


def upgrade(db: Database, backup: Callable[[Database, str], object] | None) -> list[str]:
    """Apply pending migrations; returns their names. When the file holds data, ``backup(db, name
    of the first pending migration)`` copies it first."""
    run = runner(db)
    status = run.status()
    unknown = [m.name for m in status if m.path is None]
    if unknown:
        raise NewerDatabaseError(unknown)
    pending = [m.name for m in status if m.applied is None]
    if not pending:
        return []
    with lock.exclusive(db):  # one writer at a time (``storage.lock``)
        if backup and isinstance(db, SqliteDatabase) and db.database != ":memory:" and db.get_tables():
            backup(db, pending[0])
        return run.up()
