"""The search keys of persons and households (table ``search_key``), kept by the database.

SQLite's triggers (migration 0009) call ``posko_search_keys(name, nik, kk)``, the app's own
function ``domain.names.search_keys_json`` registered on every connection, whenever a person's
name or NIK or a household's KK is written, by whatever path (a form, an import, the demo, a
merge from another laptop). When the rules change (a new ``names.RULES_VERSION``, or the mask
showing other digits), opening the database recomputes every key and every ``name_key``.
PostgreSQL has no triggers here: search there reads the names themselves.
"""

from __future__ import annotations

from peewee import Database, SqliteDatabase

from shelter_app.domain import names

RULES_SETTING = "search.rules"
FUNCTION = "posko_search_keys"
NAME_FUNCTION = "posko_name_key"


def register(db: SqliteDatabase) -> None:
    """Make the key functions known to every connection ``db`` opens."""
    db.register_function(names.search_keys_json, FUNCTION, 3, deterministic=True)
    db.register_function(names.name_key, NAME_FUNCTION, 1, deterministic=True)


def _is_sqlite(db: Database) -> bool:
    return isinstance(db, SqliteDatabase)


def rebuild(db: Database) -> None:
    """Recompute every person's ``name_key`` and every search key from the records."""
    from shelter_app.storage.models import Person, SearchKey, Setting

    with db.atomic():
        if _is_sqlite(db):
            db.execute_sql(f"UPDATE person SET name_key = {NAME_FUNCTION}(name)")
            db.execute_sql("DELETE FROM search_key")
            db.execute_sql(
                f"INSERT OR IGNORE INTO search_key (key, sort, owner) SELECT j.value, p.name_key, p.id "
                f"FROM person p LEFT JOIN household h ON h.id = p.household_id, "
                f"json_each({FUNCTION}(p.name, p.nik, h.kk)) j WHERE p.deleted_at IS NULL"
            )
        else:
            rows = list(Person.select(Person.id, Person.name, Person.name_key).tuples())
            for person_id, name, key in rows:
                if names.name_key(name) != key:
                    Person.update(name_key=names.name_key(name)).where(Person.id == person_id).execute()
            SearchKey.delete().execute()  # PostgreSQL searches the names and numbers themselves
        Setting.delete().where(Setting.key == RULES_SETTING).execute()
        Setting.insert(key=RULES_SETTING, value=names.rules_fingerprint()).execute()


def ensure_current(db: Database) -> bool:
    """Rebuild the keys if they were made by other rules (or never); True when it did."""
    from shelter_app.storage.models import Setting

    stored = Setting.select(Setting.value).where(Setting.key == RULES_SETTING).scalar()
    if stored == names.rules_fingerprint():
        return False
    rebuild(db)
    return True
