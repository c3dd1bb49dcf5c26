"""Search by any word of a name and by the digits a masked NIK or KK shows (issue 13).

Creates ``search_key`` (key, sort: the person's ``name_key``, owner: the person's id): one row
per word of a live person's name and per digits their NIK and KK show. On SQLite, triggers keep
it from ``posko_search_keys(name, nik, kk)`` and ``posko_name_key(name)`` (``storage.
search_keys``) whatever path writes a person or a household. The keys of the persons already
there, and their normalised ``name_key``, are filled when the database is opened
(``search_keys.ensure_current``), as after any change of the rules.
"""

from peewee import SqliteDatabase

_KK = "(SELECT kk FROM household WHERE id = NEW.household_id)"
_INSERT_PERSON = f"""INSERT OR IGNORE INTO search_key (key, sort, owner)
       SELECT value, posko_name_key(NEW.name), NEW.id
       FROM json_each(posko_search_keys(NEW.name, NEW.nik, {_KK})) WHERE NEW.deleted_at IS NULL;"""
_INSERT_MEMBERS = """INSERT OR IGNORE INTO search_key (key, sort, owner)
       SELECT j.value, p.name_key, p.id FROM person p, json_each(posko_search_keys(p.name, p.nik, NEW.kk)) j
       WHERE p.household_id = NEW.id AND p.deleted_at IS NULL;"""
TRIGGERS = (
    f"CREATE TRIGGER search_key_person_insert AFTER INSERT ON person BEGIN {_INSERT_PERSON} END",
    f"""CREATE TRIGGER search_key_person_update AFTER UPDATE OF name, nik, household_id, deleted_at ON person BEGIN
       DELETE FROM search_key WHERE owner = OLD.id; {_INSERT_PERSON} END""",
    "CREATE TRIGGER search_key_person_delete AFTER DELETE ON person BEGIN DELETE FROM search_key WHERE owner = OLD.id; END",
    f"""CREATE TRIGGER search_key_household_update AFTER UPDATE OF kk ON household BEGIN
       DELETE FROM search_key WHERE owner IN (SELECT id FROM person WHERE household_id = NEW.id);
       {_INSERT_MEMBERS} END""",
)
NAMES = [t.split()[2] for t in TRIGGERS]


def up(migrator, db):
    kind = "VARCHAR(40)" if isinstance(db, SqliteDatabase) else "UUID"
    rowid = " WITHOUT ROWID" if isinstance(db, SqliteDatabase) else ""
    db.execute_sql(
        "CREATE TABLE search_key (key VARCHAR(200) NOT NULL, sort VARCHAR(200) NOT NULL, "
        f"owner {kind} NOT NULL, PRIMARY KEY (key, sort, owner)){rowid}"
    )
    db.execute_sql("CREATE INDEX search_key_owner_key ON search_key (owner, key)")
    if isinstance(db, SqliteDatabase):
        for trigger in TRIGGERS:
            db.execute_sql(trigger)
    db.execute_sql("DELETE FROM setting WHERE key = 'search.rules'")


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        for name in NAMES:
            db.execute_sql(f"DROP TRIGGER IF EXISTS {name}")
    db.execute_sql("DROP TABLE search_key")
