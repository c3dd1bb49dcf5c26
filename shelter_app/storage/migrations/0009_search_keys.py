"""Search by any word of a name and by the digits a masked NIK or KK shows (issue 13).

Creates ``search_key`` (key, owner: a person's or household's id), and on SQLite the triggers
that keep it from ``posko_search_keys(name, number)`` (``storage.search_keys``). The keys of the
persons and households already there, and their normalised ``name_key``, are filled when the
database is opened (``search_keys.ensure_current``), as after any change of the rules.
"""

from peewee import SqliteDatabase

TRIGGERS = (
    """CREATE TRIGGER search_key_person_insert AFTER INSERT ON person BEGIN
       INSERT OR IGNORE INTO search_key (key, owner)
       SELECT value, NEW.id FROM json_each(posko_search_keys(NEW.name, NEW.nik)); END""",
    """CREATE TRIGGER search_key_person_update AFTER UPDATE OF name, nik ON person BEGIN
       DELETE FROM search_key WHERE owner = OLD.id;
       INSERT OR IGNORE INTO search_key (key, owner)
       SELECT value, NEW.id FROM json_each(posko_search_keys(NEW.name, NEW.nik)); END""",
    """CREATE TRIGGER search_key_person_delete AFTER DELETE ON person BEGIN
       DELETE FROM search_key WHERE owner = OLD.id; END""",
    """CREATE TRIGGER search_key_household_insert AFTER INSERT ON household WHEN NEW.kk IS NOT NULL BEGIN
       INSERT OR IGNORE INTO search_key (key, owner)
       SELECT value, NEW.id FROM json_each(posko_search_keys(NULL, NEW.kk)); END""",
    """CREATE TRIGGER search_key_household_update AFTER UPDATE OF kk ON household BEGIN
       DELETE FROM search_key WHERE owner = OLD.id;
       INSERT OR IGNORE INTO search_key (key, owner)
       SELECT value, NEW.id FROM json_each(posko_search_keys(NULL, NEW.kk)); END""",
    """CREATE TRIGGER search_key_household_delete AFTER DELETE ON household BEGIN
       DELETE FROM search_key WHERE owner = OLD.id; END""",
)
NAMES = [t.split()[2] for t in TRIGGERS]


def up(migrator, db):
    if isinstance(db, SqliteDatabase):
        db.execute_sql(
            "CREATE TABLE search_key (key VARCHAR(200) NOT NULL, owner VARCHAR(40) NOT NULL, "
            "PRIMARY KEY (key, owner)) WITHOUT ROWID"
        )
        for trigger in TRIGGERS:
            db.execute_sql(trigger)
    else:
        db.execute_sql(
            "CREATE TABLE search_key (key VARCHAR(200) NOT NULL, owner UUID NOT NULL, PRIMARY KEY (key, owner))"
        )
    db.execute_sql("CREATE UNIQUE INDEX search_key_owner_key ON search_key (owner, key)")
    db.execute_sql("DELETE FROM setting WHERE key = 'search.rules'")


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        for name in NAMES:
            db.execute_sql(f"DROP TRIGGER IF EXISTS {name}")
    db.execute_sql("DROP TABLE search_key")
