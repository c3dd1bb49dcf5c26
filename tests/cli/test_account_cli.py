"""shelter-app account ..., audit, anonymise and signing in on the command line."""

import json

import pytest

from shelter_app.cli.main import main
from tests.conftest import PASSWORD, USER


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo_db(tmp_path, capsys):
    path = str(tmp_path / "demo.db")
    code, out, err = run(capsys, "demo", "--db", path, "--persons", "200", "--lang", "en")
    assert code == 0, err
    for username, role in (("koordinator", "coordinator"), ("relawan", "volunteer"), ("pemantau", "observer")):
        assert f"Account {username} ({role}), password posko-demo" in out
    return path


def test_without_a_user_or_a_password_the_command_exits_2_in_words(capsys, demo_db, monkeypatch):
    monkeypatch.delenv("SHELTER_APP_USER")
    code, _out, err = run(capsys, "info", "--db", demo_db, "--lang", "en")
    assert code == 2 and "--user NAME" in err and "SHELTER_APP_PASSWORD" in err
    monkeypatch.setenv("SHELTER_APP_USER", "relawan")
    monkeypatch.delenv("SHELTER_APP_PASSWORD")
    code, _out, err = run(capsys, "info", "--db", demo_db)
    assert code == 2 and "SHELTER_APP_PASSWORD" in err and "kata sandi" in err.lower()
    monkeypatch.setenv("SHELTER_APP_PASSWORD", "salah-sekali")
    code, _out, err = run(capsys, "info", "--db", demo_db, "--lang", "en")
    assert code == 2 and "Wrong username or password." in err and "salah-sekali" not in err


def test_user_option_signs_in_and_the_role_decides(capsys, demo_db):
    code, out, _err = run(capsys, "stats", "--db", demo_db, "--date", "2022-11-30", "--user", "pemantau")
    assert code == 0 and out  # an observer sees the figures
    code, _out, err = run(
        capsys,
        "export",
        "roster",
        "--db",
        demo_db,
        "--format",
        "csv",
        "--out",
        "/tmp/x.csv",
        "--user",
        "relawan",
        "--lang",
        "en",
    )
    assert code == 2 and "coordinator" in err and "volunteer" in err


def test_account_add_list_disable_and_password(capsys, demo_db, monkeypatch):
    monkeypatch.setenv("SHELTER_APP_NEW_PASSWORD", "sungai-cikundul-7")
    code, out, err = run(
        capsys, "account", "add", "wati", "--role", "volunteer", "--name", "Wati Relawan", "--db", demo_db
    )
    assert code == 0 and "wati" in out, err
    code, out, _err = run(capsys, "account", "list", "--db", demo_db, "--lang", "en")
    assert code == 0 and "Wati Relawan" in out and "volunteer" in out and "sungai" not in out
    monkeypatch.setenv("SHELTER_APP_NEW_PASSWORD", "pendek")
    code, _out, err = run(capsys, "account", "password", "wati", "--db", demo_db, "--lang", "en")
    assert code == 2 and "at least 8" in err
    monkeypatch.setenv("SHELTER_APP_NEW_PASSWORD", "gunung-salak-88")
    code, _out, err = run(capsys, "account", "password", "wati", "--db", demo_db)
    assert code == 0, err
    code, _out, err = run(capsys, "account", "disable", "wati", "--db", demo_db)
    assert code == 0, err
    monkeypatch.setenv("SHELTER_APP_PASSWORD", "gunung-salak-88")
    code, _out, err = run(capsys, "info", "--db", demo_db, "--user", "wati", "--lang", "en")
    assert code == 2 and "disabled" in err
    monkeypatch.setenv("SHELTER_APP_PASSWORD", PASSWORD)
    code, out, _err = run(capsys, "audit", "--db", demo_db, "--json", "--user", "wati")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [e["action"] for e in lines] == ["sign_in_failed"]
    code, out, _err = run(capsys, "audit", "--db", demo_db, "--since", "2020-01-01", "--lang", "en")
    assert code == 0 and "account added" in out and "password changed" in out and "account disabled" in out
    code, _out, err = run(capsys, "audit", "--db", demo_db, "--user", USER)
    assert code == 0


def test_audit_is_for_coordinators(capsys, demo_db, monkeypatch):
    monkeypatch.setenv("SHELTER_APP_USER", "relawan")  # audit's --user names whose entries
    code, _out, err = run(capsys, "audit", "--db", demo_db, "--lang", "en")
    assert code == 2 and "only coordinator may" in err


def test_a_database_without_accounts_asks_for_its_first_coordinator(capsys, tmp_path, monkeypatch):
    path = str(tmp_path / "new.db")
    assert run(capsys, "init", "--db", path)[0] == 0
    code, _out, err = run(capsys, "info", "--db", path, "--lang", "en")
    assert code == 2 and "no accounts yet" in err and "account add" in err
    monkeypatch.setenv("SHELTER_APP_NEW_PASSWORD", PASSWORD)
    code, _out, err = run(capsys, "account", "add", USER, "--role", "volunteer", "--name", "X Y", "--db", path)
    assert code == 2 and "coordinator" in err  # the first account is a coordinator
    code, _out, err = run(
        capsys, "account", "add", USER, "--role", "coordinator", "--name", "Koordinator", "--db", path
    )
    assert code == 0, err
    code, out, _err = run(capsys, "info", "--db", path, "--lang", "en")
    assert code == 0 and "Persons: 0" in out


def test_anonymise_asks_for_confirmation_and_keeps_the_figures(capsys, demo_db):
    code, before, _err = run(capsys, "stats", "--db", demo_db, "--date", "2022-11-30", "--json")
    code, _out, err = run(capsys, "anonymise", "--db", demo_db, "--left-before", "2022-12-20", "--lang", "en")
    assert code == 2 and "--yes" in err  # no terminal to ask on
    code, out, err = run(capsys, "anonymise", "--db", demo_db, "--left-before", "2022-12-20", "--yes", "--lang", "en")
    assert code == 0 and "anonymised" in out, err
    code, after, _err = run(capsys, "stats", "--db", demo_db, "--date", "2022-11-30", "--json")
    assert json.loads(after) == json.loads(before)
    code, out, _err = run(capsys, "audit", "--db", demo_db, "--json")
    assert any(json.loads(line)["action"] == "anonymise" for line in out.splitlines())


def test_an_observer_makes_the_aggregate_reports_and_a_backup_is_in_the_trail(capsys, demo_db, tmp_path):
    site = "GOR Pamoyanan"
    daily = str(tmp_path / "daily.pdf")
    code, _out, err = run(
        capsys,
        "report",
        "daily",
        "--db",
        demo_db,
        "--site",
        site,
        "--date",
        "2022-11-30",
        "--out",
        daily,
        "--user",
        "pemantau",
    )
    assert code == 0, err
    cards = str(tmp_path / "cards.pdf")
    code, _out, err = run(
        capsys, "report", "cards", "--db", demo_db, "--site", site, "--out", cards, "--user", "pemantau", "--lang", "en"
    )
    assert code == 2 and "volunteer" in err
    code, _out, err = run(capsys, "backup", "--db", demo_db, "--out", str(tmp_path / "b.db"))
    assert code == 0, err
    code, out, _err = run(capsys, "audit", "--db", demo_db, "--json")
    backups = [json.loads(line) for line in out.splitlines() if json.loads(line)["action"] == "backup"]
    assert backups[0]["persons"] == 200 and backups[0]["target"].endswith("b.db")
