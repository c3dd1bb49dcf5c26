"""Opening the operation's database: embedded SQLite by default, PostgreSQL for a hub."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from peewee import Database, SqliteDatabase
from playhouse.db_url import connect

from shelter_app import APP_ID
from shelter_app.storage import search_keys
from shelter_app.storage.models import database as database_proxy

ENV_DB = "SHELTER_APP_DB"

# WAL lets the window read while a worker writes; synchronous=FULL so that a power cut
# loses no committed transaction; the cache is large enough for the stats index scans.
SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),
    ("foreign_keys", 1),
    ("busy_timeout", 10000),
    ("synchronous", "full"),
    ("cache_size", -65536),
    ("temp_store", "memory"),
)


def default_database_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_ID, appauthor=False)) / "posko.db"


def resolve_target(explicit: str | None) -> str:
    """--db beats $SHELTER_APP_DB beats the user's data folder."""
    if explicit:
        return explicit
    if os.environ.get(ENV_DB):
        return os.environ[ENV_DB]
    return str(default_database_path())


def is_url(target: str) -> bool:
    return "://" in target


def make_database(target: str) -> Database:
    """A peewee database for a file path or a database URL, not yet connected."""
    if is_url(target):
        return connect(target)
    path = Path(target).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Transactions take the write lock when they begin (BEGIN IMMEDIATE): one that began by
    # reading could not upgrade while a background sync or worker writes, and would fail at
    # once instead of waiting its turn (busy_timeout).
    db = SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE")
    search_keys.register(db)  # the triggers that keep the search keys call it
    return db


def bind(db: Database) -> Database:
    """Make ``db`` the database every model and service uses."""
    database_proxy.initialize(db)
    return db
