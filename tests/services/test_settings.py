"""The settings, declared once (domain.settings_catalog): checks, ``shelter-app config``, the
history and sync of the operation's settings, and this laptop's settings staying here."""

import json
import sqlite3

import pytest

from shelter_app.cli.main import main
from shelter_app.domain import settings_catalog as catalog
from shelter_app.domain.errors import RuleViolation
from shelter_app.domain.standards import DEFAULT_AGE_BANDS, AgeBand
from shelter_app.history import records
from shelter_app.outbox import delivery
from shelter_app.services import settings
from shelter_app.storage.models import AuditEntry, Change, OperationSetting, Setting
from shelter_app.storage.session import open_database
from tests.laptops import Laptop, exchange, setup_operation


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def everything() -> dict:
    """Every setting kept in the database, as stored, and the history's length."""
    return {
        "laptop": {row.key: row.value for row in Setting.select()},
        "operation": {row.key: (row.value, row.deleted_at) for row in OperationSetting.select()},
        "changes": Change.select().count(),
    }


# --- the declaration -------------------------------------------------------------------


def test_every_setting_is_declared_once_with_a_known_scope_and_a_label_when_people_set_it():
    keys = [spec.key for spec in catalog.DECLARED]
    assert len(keys) == len(set(keys))
    assert {spec.scope for spec in catalog.DECLARED} == set(catalog.SCOPES)
    for spec in catalog.settable():
        assert spec.label, f"{spec.key} has no label"
        assert spec.scope in (catalog.LAPTOP, catalog.OPERATION)
    assert {spec.key for spec in catalog.declared(catalog.OPERATION)} == {
        "standards_profile",
        "age_bands",
        "sphere_toilet_first_phase_days",
        "report_cutoff_hour",
    }
    assert {"hub.url", "outbox.folder", "smtp.to", "backup_folder"} <= {s.key for s in catalog.declared(catalog.LAPTOP)}
    assert {"language", "operator", "window/geometry"} <= {s.key for s in catalog.declared(catalog.USER)}
    assert catalog.SMTP_PASSWORD_ENV == delivery.PASSWORD_ENV and catalog.KEYRING_SERVICE == delivery.KEYRING_SERVICE


def test_the_declaration_stays_low_in_the_layers():
    """Importable without services, sync or the window: domain only."""
    import ast
    from pathlib import Path

    for module in ("settings_catalog", "hub_address"):
        tree = ast.parse((Path(catalog.__file__).parent / f"{module}.py").read_text())
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        above = [
            name
            for name in imported
            if name
            and name.startswith("shelter_app.")
            and not name.startswith(("shelter_app.domain", "shelter_app.i18n"))
        ]
        assert above == [], f"{module} imports {above}"


BAD_VALUES = [
    # key, value, words the message must hold (the field and the fix)
    ("smtp.port", "abc", ["Port", "whole number from 1 to 65535"]),
    ("smtp.port", "70000", ["Port", "1 to 65535"]),
    ("smtp.security", "ssl", ["Security", "starttls, tls, none"]),
    ("smtp.to", "nobody", ["To addresses", "separated by commas"]),
    ("smtp.from", "posko", ["From address", "posko@example.org"]),
    ("hub.url", "mysql://10.0.0.5/posko", ["hub address", "postgresql://"]),
    ("hub.url", "postgresql://posko:rahasia@10.0.0.5/posko", ["hub password", "SHELTER_APP_HUB_PASSWORD"]),
    ("hub.url", "postgresql://10.0.0.5:port/posko", ["hub address", "server and a database"]),
    ("standards_profile", "who", ["Standards profile", "bnpb, sphere"]),
    ("age_bands", "anak 0-18, dewasa 20+", ["Age bands", "without gaps"]),
    ("age_bands", "semua", ["Age bands", "bayi 0-1"]),
    ("smtp.password", "rahasia", ["never stored", "SHELTER_APP_SMTP_PASSWORD"]),
]


@pytest.mark.parametrize("key, value, words", BAD_VALUES, ids=[f"{k}={v}" for k, v, _w in BAD_VALUES])
def test_a_bad_value_is_refused_naming_the_setting_and_the_fix_and_nothing_changes(db, key, value, words):
    settings.change_text("smtp.port", "2525")
    settings.change_text("standards_profile", "sphere")
    before = everything()
    with pytest.raises(RuleViolation) as refused:
        settings.change_text(key, value)
    assert refused.value.field == key
    message = refused.value.text("en")
    for word in words:
        assert word in message, message
    assert refused.value.text("id") != message and "{" not in refused.value.text("id")
    assert everything() == before


def test_unknown_and_window_keys_are_refused_with_the_keys_that_exist(db):
    with pytest.raises(RuleViolation) as unknown:
        settings.change_text("smtp.colour", "x")
    assert unknown.value.field == "key" and "outbox.folder" in unknown.value.text("en")
    assert "age_bands" in unknown.value.text("en") and "language" not in unknown.value.text("en")
    with pytest.raises(RuleViolation) as personal:
        settings.change_text("language", "en")
    assert "Settings page" in personal.value.text("en")
    with pytest.raises(RuleViolation):
        settings.change_text("import_column_mapping", "{}")


def test_values_are_read_back_in_their_kind_with_defaults_when_unset(db):
    assert settings.value("smtp.security") == "starttls" and settings.stored("smtp.security") is None
    assert settings.value("age_bands") == DEFAULT_AGE_BANDS
    settings.change_text("smtp.port", " 465 ")
    settings.change_text("smtp.to", "a@example.org, b@example.org")
    settings.change_text("age_bands", "kecil 0-12, besar 12+")
    assert settings.value("smtp.port") == 465
    assert settings.value("smtp.to") == ["a@example.org", "b@example.org"]
    assert settings.age_bands() == (AgeBand("kecil", 0, 12), AgeBand("besar", 12, None))
    settings.change_text("smtp.port", "")  # empty: back to the default
    assert settings.stored("smtp.port") is None
    assert not Setting.select().where(Setting.key == "smtp.port").exists()


# --- the operation's settings: history, undo, sync -------------------------------------


def test_an_operation_setting_change_is_in_the_history_and_can_be_undone(db):
    records.set_operator("Ani")
    settings.set_profile("sphere")
    settings.set_profile("bnpb")
    row = OperationSetting.get_by_id(OperationSetting.id_for("standards_profile"))
    inserted, updated = records.history(row.id)
    assert (inserted.action, inserted.by, json.loads(inserted.data)["value"]) == ("insert", "Ani", '"sphere"')
    assert (updated.action, updated.by, json.loads(updated.data)) == (
        "update",
        "Ani",
        {"value": ['"sphere"', '"bnpb"']},
    )
    records.undo(updated.seq)
    assert settings.profile().code == "sphere"
    records.undo(inserted.seq)  # the first setting undone: back to the default, kept as a tombstone
    assert settings.stored("standards_profile") is None and settings.profile().code == "bnpb"
    settings.set_profile("sphere")  # set again after that: the same record comes back
    assert settings.profile().code == "sphere" and OperationSetting.select().count() == 1


def test_a_laptop_setting_leaves_no_record_and_no_history(db):
    settings_history = Change.select().where(Change.table != "audit_entry")
    before = settings_history.count()
    settings.change_text("outbox.folder", "/media/usb")
    assert settings_history.count() == before and OperationSetting.select().count() == 0
    # only the audit trail says that it changed
    assert (
        AuditEntry.select().where(AuditEntry.action == "setting_changed", AuditEntry.target == "outbox.folder").exists()
    )


@pytest.fixture
def pair(tmp_path):
    a = Laptop(tmp_path / "a.db", "Ani")
    b = Laptop(tmp_path / "b.db", "Budi")
    yield a, b
    a.close()
    b.close()


def test_an_operation_setting_travels_with_sync_and_a_laptop_setting_does_not(pair, tmp_path):
    a, b = pair
    setup_operation(a)
    with a.active():
        settings.set_profile("sphere")
        settings.change_text("age_bands", "anak 0-18, dewasa 18+")
        settings.change_text("outbox.folder", str(tmp_path / "usb-ani"))
        settings.change_text("hub.url", "postgresql://posko@10.0.0.5:5432/posko")
    with b.active():
        settings.change_text("outbox.folder", str(tmp_path / "usb-budi"))
    exchange(a, b, tmp_path)
    with b.active():
        assert settings.profile().code == "sphere"
        assert [band.name for band in settings.age_bands()] == ["anak", "dewasa"]
        assert settings.value("outbox.folder") == str(tmp_path / "usb-budi")
        assert settings.value("hub.url") is None
        settings.set_profile("bnpb")  # changed back on Budi's laptop: travels back too
    exchange(a, b, tmp_path)
    with a.active():
        assert settings.profile().code == "bnpb"
        assert settings.value("outbox.folder") == str(tmp_path / "usb-ani")


def test_two_laptops_setting_the_same_key_edit_one_record_and_agree(pair, tmp_path):
    a, b = pair
    setup_operation(a)
    exchange(a, b, tmp_path)
    with a.active():
        settings.set_profile("sphere")
    with b.active():
        settings.set_profile("bnpb")  # later: wins everywhere
    exchange(a, b, tmp_path)
    for laptop in pair:
        with laptop.active():
            assert OperationSetting.select().count() == 1
            assert settings.profile().code == "bnpb"


def test_the_migration_moves_the_operation_keys_out_of_the_local_table(tmp_path):
    """A database from before 0006 had the profile and age bands in the local table."""
    from shelter_app.storage import schema

    path = tmp_path / "old.db"
    db = open_database(str(path))
    records.set_operator("t")
    db.close()
    bands = [{"name": "muda", "min_years": 0, "max_years": 40}, {"name": "tua", "min_years": 40, "max_years": None}]
    with sqlite3.connect(path) as raw:
        raw.execute("DELETE FROM schema_migration WHERE name = '0006_operation_settings'")
        raw.execute("DROP TABLE operation_setting")
        raw.execute("INSERT INTO setting (key, value) VALUES ('standards_profile', '\"sphere\"')")
        raw.execute("INSERT INTO setting (key, value) VALUES ('age_bands', ?)", (json.dumps(bands),))
        raw.execute("INSERT INTO setting (key, value) VALUES ('outbox.folder', '\"/media/usb\"')")
    assert "0006_operation_settings" in schema.known_migrations()
    db = open_database(str(path))
    try:
        assert settings.profile().code == "sphere"
        assert settings.age_bands() == (AgeBand("muda", 0, 40), AgeBand("tua", 40, None))
        assert settings.value("outbox.folder") == "/media/usb"
        assert not Setting.select().where(Setting.key.in_(["standards_profile", "age_bands"])).exists()
        moved = Change.select().where(Change.table == "operation_setting")
        assert sorted(json.loads(c.data)["key"] for c in moved) == ["age_bands", "standards_profile"]
        assert all(c.action == "insert" and c.node and c.hlc for c in moved)  # they sync like any insert
        settings.set_profile("bnpb")  # and change like any record
        assert settings.profile().code == "bnpb"
    finally:
        db.close()


# --- shelter-app config ----------------------------------------------------------------


def test_config_set_and_show_list_every_declared_setting_with_its_value_and_default(capsys, db, tmp_path):
    db_path = str(tmp_path / "posko.db")
    usb = tmp_path / "usb"
    code, out, _err = run(capsys, "config", "--db", db_path, "set", "outbox.folder", str(usb), "--lang", "en")
    assert code == 0 and out.strip() == "Setting outbox.folder saved."
    code, out, _err = run(capsys, "config", "--db", db_path, "set", "standards_profile", "sphere", "--lang", "en")
    assert code == 0 and out.strip() == "Setting standards_profile saved."
    code, _out, err = run(capsys, "config", "--db", db_path, "set", "smtp.port", "abc", "--lang", "en")
    assert code == 2 and "Error (smtp.port): Port: give a whole number from 1 to 65535." in err
    code, _out, err = run(capsys, "config", "--db", db_path, "set", "smtp.port", "--lang", "en")
    assert code == 2 and "shelter-app config set KEY VALUE" in err

    code, out, _err = run(capsys, "config", "--db", db_path, "show", "--lang", "en")
    assert code == 0
    lines = out.splitlines()
    for spec in catalog.settable():
        assert any(line.startswith(f"{spec.key} = ") for line in lines), spec.key
    assert f"outbox.folder = {usb}" in lines
    assert "smtp.security =   (default: starttls)" in lines
    assert "standards_profile = sphere" in lines
    assert "age_bands =   (default: bayi 0-1, balita 1-5, anak 5-18, dewasa 18-60, lansia 60+)" in lines
    assert lines.index("standards_profile = sphere") > lines.index(f"outbox.folder = {usb}")
    assert lines[-1] == "Destinations: folder"
    assert not any("password" in line or "import_column_mapping" in line for line in lines)

    code, out, _err = run(capsys, "config", "--db", db_path, "show", "standards_profile", "--lang", "en")
    assert code == 0 and out.splitlines() == ["standards_profile = sphere"]

    code, out, _err = run(capsys, "history", "--db", db_path, "--limit", "30")  # the audit trail's lines too
    assert code == 0 and "menambah Pengaturan operasi: Profil standar" in out


def test_config_help_lists_the_declared_keys(capsys):
    with pytest.raises(SystemExit):
        main(["config", "--help", "--lang", "en"])
    out = " ".join(capsys.readouterr().out.split())
    for spec in catalog.settable():
        assert spec.key in out
    assert "smtp.security (starttls / tls / none)" in out
