"""The shelter-app command as a user and a script call it."""

import subprocess
import sys

import pytest

from shelter_app import __version__
from shelter_app.cli.main import main
from tests.conftest import PASSWORD, USER


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


def first_coordinator(capsys, monkeypatch, *db):
    """A new database's first coordinator, as a script makes it (nothing opens it before)."""
    monkeypatch.setenv("SHELTER_APP_NEW_PASSWORD", PASSWORD)
    code, out, err = run(capsys, "account", "add", USER, "--role", "coordinator", "--name", "Koordinator Uji", *db)
    monkeypatch.delenv("SHELTER_APP_NEW_PASSWORD")
    assert code == 0, err


def test_info_says_where_the_database_is_and_what_it_holds(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("SHELTER_APP_DB", str(tmp_path / "env.db"))
    assert run(capsys, "init", "--lang", "en")[0] == 0
    first_coordinator(capsys, monkeypatch)
    code, out, _err = run(capsys, "info", "--lang", "en")
    assert code == 0
    assert str(tmp_path / "env.db") in out and "Persons: 0" in out
    assert (tmp_path / "env.db").exists()


def test_broken_rule_exits_2_with_a_message_in_the_language(capsys, tmp_path, monkeypatch):
    assert run(capsys, "init", "--db", str(tmp_path / "a.db"))[0] == 0
    first_coordinator(capsys, monkeypatch, "--db", str(tmp_path / "a.db"))
    code, _out, err = run(capsys, "stats", "--db", str(tmp_path / "a.db"), "--date", "31/11/2022")
    assert code == 2 and "YYYY-MM-DD" in err and "DD/MM/YYYY" in err and "bukan tanggal" in err.lower()
    code, _out, err = run(
        capsys, "stats", "--db", str(tmp_path / "a.db"), "--date", "2022-11-30", "--site", "Nowhere", "--lang", "en"
    )
    assert code == 2 and "Nowhere" in err and "Traceback" not in err


def test_module_entry_point_runs(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "shelter_app", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == f"shelter-app {__version__}"


def test_sync_duplicates_lists_persons_at_two_places_at_once_after_the_niks(capsys, tmp_path):
    import datetime

    from shelter_app.services import roster, sites, stays
    from tests.laptops import Laptop, exchange, setup_operation

    day = datetime.date
    a, b = Laptop(tmp_path / "a.db", "Ani"), Laptop(tmp_path / "b.db", "Budi")
    try:
        site, household, _person, _rice = setup_operation(a)
        with a.active():
            mosque = sites.create_site(site.event_id, "Masjid Al-Ikhlas", "mosque", day(2022, 11, 21))
            child = roster.add_person(
                household.id, confirmed=True, name="Rina", sex="P", birth_date=day(2018, 3, 1), relationship="child"
            ).person
        exchange(a, b, tmp_path)
        with a.active():
            stays.check_in([child.id], site.id, day(2022, 11, 23))
        with b.active():
            stays.check_in([child.id], mosque.id, day(2022, 11, 24))
        path = tmp_path / "dari-ani.posko-sync"
        code, _out, _err = run(capsys, "sync", "export", "--db", str(a.path), "--out", str(path))
        assert code == 0
    finally:
        a.close()
        b.close()
    code, out, _err = run(capsys, "sync", "import", str(path), "--db", str(b.path), "--lang", "en")
    assert code == 0
    assert "1 person is at two places at once (stays that overlap): 'shelter-app sync duplicates'." in out
    code, out, _err = run(capsys, "sync", "duplicates", "--db", str(b.path), "--lang", "en")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "0 NIKs registered more than once."  # the NIK list first, as before
    assert lines[1].startswith(f"Rina ({child.id.hex[:8]})  SDN Cugenang 1 from 2022-11-23, still there (Ani, ")
    assert "; Masjid Al-Ikhlas from 2022-11-24, still there (Budi, " in lines[1]
    assert lines[2] == "1 person at two places at once (keep the right stay in the window)."
    code, out, _err = run(capsys, "sync", "duplicates", "--db", str(b.path))
    assert "Rina" in out and "masih di sana" in out and "1 orang berada di dua tempat sekaligus" in out


def test_only_init_and_demo_create_a_database_the_others_refuse_a_missing_file(capsys, tmp_path):
    typo = tmp_path / "typo.db"
    for command in (["stats"], ["info"], ["history"], ["search", "siti"]):
        code, _out, err = run(capsys, *command, "--db", str(typo), "--lang", "en")
        assert code == 2 and str(typo) in err and "no database" in err, command
        assert not typo.exists()
    code, out, _err = run(capsys, "init", "--db", str(typo), "--lang", "en")
    assert code == 0 and typo.exists() and str(typo) in out
    code, _out, err = run(capsys, "init", "--db", str(typo), "--lang", "en")
    assert code == 2 and "already exists" in err
    code, _out, err = run(capsys, "info", "--db", str(typo), "--lang", "en")
    assert code == 2 and "no accounts yet" in err  # a new operation's first step: its coordinator


def test_search_prints_the_persons_masked_with_household_site_and_status(capsys, tmp_path):
    import json

    from shelter_app.domain.identity import make_kk, make_nik
    from shelter_app.history import records
    from shelter_app.services import roster, sites, stays
    from shelter_app.storage.session import open_database
    from tests.conftest import sign_in_coordinator

    day = __import__("datetime").date
    path = tmp_path / "posko.db"
    db = open_database(str(path))
    sign_in_coordinator()
    records.set_operator("Ani")
    event = sites.create_event("Gempa Cianjur", "earthquake", day(2022, 11, 21), region_code="32.03")
    school = sites.create_site(event.id, "SDN Cugenang 1", "school", day(2022, 11, 21), capacity_night=100)
    kk = make_kk("32.03.11", day(2015, 5, 1), 7)
    nik = make_nik("32.03.11", day(1984, 7, 9), "P", 2)
    household = roster.register_household(kk=kk, origin_village_code="32.03.11.2002")
    head = roster.add_person(
        household.id, name="Hj. Siti Nurhayati", sex="P", birth_date=day(1984, 7, 9), nik=nik, relationship="head"
    ).person
    roster.add_person(household.id, name="Ujang Saepudin", sex="L", age_years=40, relationship="husband")
    stays.check_in([head.id], school.id, day(2022, 11, 22))
    db.close()
    code, out, _err = run(capsys, "search", "nurhayati", "--db", str(path), "--date", "30/11/2022", "--json")
    assert code == 0
    found = json.loads(out)
    assert found["date"] == "2022-11-30"
    (person,) = found["persons"]
    assert person["name"] == "Hj. Siti Nurhayati" and person["nik"].endswith(nik[-4:]) and nik not in out
    assert person["site"] == "SDN Cugenang 1" and person["status"] == "present"
    assert person["household"] == "Hj. Siti Nurhayati"
    code, out, _err = run(capsys, "search", nik[-4:], "--db", str(path), "--site", "SDN Cugenang 1", "--lang", "en")
    assert code == 0 and "1 person found on 20" in out and "Siti Nurhayati" in out and "Saepudin" not in out
    code, out, _err = run(capsys, "search", "saepudin", "--db", str(path), "--date", "2022-11-30", "--lang", "en")
    assert "Ujang Saepudin" in out and "Not checked in" in out
    code, out, _err = run(capsys, "history", "--db", str(path), "--lang", "en", "--limit", "3")
    lines = out.splitlines()
    assert "Ani" in lines[0] and "added Stay at a site: Hj. Siti Nurhayati" in lines[0]
    assert "added Person: Ujang Saepudin" in lines[1]
    assert not any(token in out for token in ("insert", "stay ", head.id.hex))
