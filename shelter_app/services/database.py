"""The operation's database as the window and the command line meet it: which file or server,
opening it (the schema brought up to date, after a backup), what it holds, and letting go of a
worker thread's connection. Everything above the services opens the database through here."""

from __future__ import annotations

import os
from pathlib import Path

from peewee import Database

from shelter_app.storage import lock, schema
from shelter_app.storage.database import ENV_DB, is_url, make_database, resolve_target
from shelter_app.storage.models import Event, Household, Person, Site, database
from shelter_app.storage.session import open_database


def target(explicit: str | None = None, chosen: str | None = None) -> str:
    """Where the operation lives: --db, then $SHELTER_APP_DB, then the file chosen in the window's
    Settings, then the user's data folder."""
    if explicit or os.environ.get(ENV_DB):
        return resolve_target(explicit)
    return resolve_target(chosen or None)


def is_server(where: str) -> bool:
    """A postgresql:// URL rather than a database file."""
    return is_url(where)


def missing(where: str) -> bool:
    """A database file (not a server) that does not exist yet."""
    return not is_url(where) and not Path(where).expanduser().exists()


def open_operation(where: str) -> Database:
    """Open (creating if needed) the database and bring its schema up to date."""
    return open_database(where)


def hold(where: str) -> None:
    """Hold the database's lock for as long as this process runs (the window): an import,
    restore or sync import from another program is refused meanwhile, as a second window
    is. A RuleViolation when another program holds it."""
    if not is_url(where):
        lock.acquire(Path(where).expanduser())


def current() -> Database | None:
    """The database this process has open, None before one is opened."""
    return database.obj


def pending_upgrade(where: str) -> bool:
    """An existing database file whose schema this version will upgrade (after a backup)."""
    if is_url(where) or not Path(where).expanduser().exists():
        return False
    db = make_database(where)
    try:
        return any(migration.applied is None for migration in schema.runner(db).status())
    finally:
        db.close()


def release_thread_connection() -> None:
    """A worker thread is done: close its own connection (peewee keeps one per thread)."""
    if database.obj is not None and not database.is_closed():
        database.close()


def counts() -> dict[str, int]:
    """How many live events, sites, households and persons the operation holds."""
    return {
        model._meta.table_name: model.select().where(model.deleted_at.is_null()).count()
        for model in (Event, Site, Household, Person)
    }
