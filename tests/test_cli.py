"""The shelter-app command as a user and a script call it."""

import subprocess
import sys

import pytest

from shelter_app import __version__
from shelter_app.cli.main import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_every_command_has_help_in_indonesian_and_english(capsys):
    for command in ([], ["demo"], ["stats"], ["info"], ["history"], ["undo"]):
        for lang, word in (("id", "bantuan"), ("en", "help")):
            with pytest.raises(SystemExit) as stop:
                main([*command, "--help", "--lang", lang])
            assert stop.value.code == 0
            out = capsys.readouterr().out
            assert word in out.lower(), (command, lang, out)


def test_info_creates_the_database_and_says_where_it_is(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("SHELTER_APP_DB", str(tmp_path / "env.db"))
    code, out, _err = run(capsys, "info", "--lang", "en")
    assert code == 0
    assert str(tmp_path / "env.db") in out and "Persons: 0" in out
    assert (tmp_path / "env.db").exists()


def test_broken_rule_exits_2_with_a_message_in_the_language(capsys, tmp_path):
    code, _out, err = run(capsys, "stats", "--db", str(tmp_path / "a.db"), "--date", "30-11-2022")
    assert code == 2 and "YYYY-MM-DD" in err and "bukan tanggal" in err.lower()
    code, _out, err = run(capsys, "stats", "--db", str(tmp_path / "a.db"), "--date", "2022-11-30", "--site", "Nowhere", "--lang", "en")
    assert code == 2 and "Nowhere" in err and "Traceback" not in err


def test_module_entry_point_runs(tmp_path):
    done = subprocess.run([sys.executable, "-m", "shelter_app", "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"shelter-app {__version__}"
