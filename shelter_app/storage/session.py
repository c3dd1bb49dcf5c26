"""Open an operation's database ready for use: connected, bound, schema up to date (after a
backup of a file that holds data, when a migration is pending)."""

from __future__ import annotations

from peewee import Database

from shelter_app.storage.backup_files import before_migration
from shelter_app.storage.database import bind, make_database, resolve_target
from shelter_app.storage.schema import upgrade
from shelter_app.storage.search_keys import ensure_current


def open_database(target: str | None = None) -> Database:
    """Open (creating if needed) the database at a path or URL and bring its schema up to date."""
    db = make_database(resolve_target(target))
    db.connect(reuse_if_open=True)
    bind(db)
    upgrade(db, backup=before_migration)
    ensure_current(db)  # the search keys follow the rules of this version
    return db
