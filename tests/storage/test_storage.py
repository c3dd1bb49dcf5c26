"""The database file: schema by migrations, copies before upgrades, refusal of newer files."""

import sqlite3

import pytest

from shelter_app.history import records
from shelter_app.services import sites
from shelter_app.storage import schema
from shelter_app.storage.database import ENV_DB, resolve_target
from shelter_app.storage.models import Event
from shelter_app.storage.session import open_database


def test_new_database_uses_wal_foreign_keys_and_records_its_migrations(tmp_path):
    db = open_database(str(tmp_path / "a.db"))
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000
    applied = [row[0] for row in db.execute_sql("SELECT name FROM schema_migration")]
    assert applied == schema.known_migrations()
    db.close()


def test_database_from_a_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "newer.db"
    open_database(str(path)).close()
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO schema_migration (name, applied) VALUES ('9999_future', '2030-01-01')")
    before = path.read_bytes()
    with pytest.raises(schema.NewerDatabaseError) as caught:
        open_database(str(path))
    assert "9999_future" in caught.value.text("id")
    assert path.read_bytes() == before


def test_file_is_copied_before_a_pending_migration_runs(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    db = open_database(str(path))
    records.set_operator("t")
    sites.create_event("Banjir", "flood", "2022-11-21")
    db.close()
    # Pretend the latest migration has not run yet: the next open must copy the file first.
    last = schema.known_migrations()[-1]
    with sqlite3.connect(path) as raw:
        raw.execute("DELETE FROM schema_migration WHERE name = ?", (last,))
    monkeypatch.setattr(
        schema, "runner", lambda db: _FakeRunner(schema.Runner(db, str(schema.MIGRATIONS_DIR), schema.HISTORY_TABLE))
    )
    db = open_database(str(path))
    copies = list((tmp_path / "backups").glob(f"old.before-{last}-*.db"))  # exchange.backups folder
    assert len(copies) == 1
    with sqlite3.connect(copies[0]) as copy:
        assert copy.execute("SELECT name FROM event").fetchone()[0] == "Banjir"
    assert Event.select().count() == 1
    db.close()


class _FakeRunner:
    """Records the migration as applied without re-creating tables that already exist."""

    def __init__(self, real):
        self.real = real

    def status(self):
        return self.real.status()

    def up(self):
        return self.real.fake()


def test_database_location_comes_from_option_then_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_DB, str(tmp_path / "env.db"))
    assert resolve_target("x.db") == "x.db"
    assert resolve_target(None) == str(tmp_path / "env.db")
    monkeypatch.delenv(ENV_DB)
    assert resolve_target(None).endswith("posko.db")


def test_every_change_is_stamped_and_kept(db):
    event = sites.create_event("Banjir", "flood", "2022-11-21")
    sites.update_event(event.id, name="Banjir Bandang")
    records.delete(event)
    assert [c.action for c in records.history(event.id)] == ["insert", "update", "delete"]
    assert all(c.by == "Relawan Uji" for c in records.history(event.id))
    records.undo(records.history(event.id)[-1].seq)
    assert Event.get_by_id(event.id).deleted_at is None
