"""The smaller holes of issue 10: an event without a site, a closed pipe, implausible birth
dates in an import, a roster export killed half-way."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shelter_app.cli.main import main
from shelter_app.services import sites
from shelter_app.storage.models import Person

REPO = Path(__file__).resolve().parents[2]
D = datetime.date


def test_stats_and_summary_of_an_event_without_a_site(db, tmp_path, capsys):
    sites.create_event("Banjir Bandang", "flood", D(2022, 11, 21))
    path = str(tmp_path / "posko.db")
    assert main(["stats", "--db", path, "--date", "2022-11-25", "--lang", "en"]) == 0
    assert "Total" in capsys.readouterr().out
    out = str(tmp_path / "summary.pdf")
    assert main(["report", "summary", "--db", path, "--date", "2022-11-25", "--out", out]) == 0
    assert Path(out).read_bytes().startswith(b"%PDF")


@pytest.mark.slow
def test_a_reader_that_stops_early_is_not_an_error(operation, tmp_path):
    sites.update_site(operation[1].id, notes="x")
    for n in range(300):
        sites.update_site(operation[1].id, notes=f"catatan {n}")
    process = subprocess.Popen(
        [sys.executable, "-m", "shelter_app", "history", "--db", str(tmp_path / "posko.db"), "--limit", "100000"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "SHELTER_APP_LANG": "en"},
    )
    process.stdout.read(10)
    process.stdout.close()  # as `| head -1` does
    err = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=120) == 0, err
    assert "Something went wrong" not in err


def test_an_implausible_birth_date_is_a_row_problem_in_an_import(operation, tmp_path):
    from shelter_app.exchange import roster_import as ri

    source = tmp_path / "in.csv"
    source.write_text(
        "Nama,Jenis Kelamin,Tanggal Lahir,Lokasi,Tanggal Datang\n"
        "Tua Sekali,L,1800-01-01,SDN Cugenang 1,2022-11-22\n"
        "Kuno,L,0001-01-01,SDN Cugenang 1,2022-11-22\n"
        "Asep,L,1980-01-01,SDN Cugenang 1,2022-11-22\n"
    )
    result = ri.import_roster(source, today=D(2022, 11, 25), valid_only=True)
    assert sorted(p.row for p in result.problems) == [2, 3]
    assert [p.name for p in Person.select()] == ["Asep"]
