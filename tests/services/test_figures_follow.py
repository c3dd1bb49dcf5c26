"""Every derived figure follows every change: after an import and a restore, ``stats`` equals
the figures from a presence index rebuilt from scratch (typed entry, undo and merge are in
tests/sync/test_gate.py)."""

from __future__ import annotations

import datetime

from shelter_app.exchange import backups
from shelter_app.exchange import roster_import as ri
from shelter_app.services import roster, stays
from shelter_app.storage.models import Person
from shelter_app.storage.session import open_database
from tests.sync.gate_tools import figures_follow, intact

D = datetime.date
DAY = D(2022, 11, 25)


def test_figures_follow_an_import_and_a_restore(operation, tmp_path):
    _event, tent, school = operation
    source = tmp_path / "in.csv"
    source.write_text(
        "Nama,Jenis Kelamin,Tanggal Lahir,Hamil,Lokasi,Tanggal Datang\n"
        "Asep,L,1980-01-01,,SDN Cugenang 1,2022-11-22\n"
        "Siti,P,1985-01-01,ya,SDN Cugenang 1,2022-11-23\n"
        "Ujang,L,2015-01-01,,Posko Lapangan Gasol,2022-11-24\n"
    )
    assert ri.import_roster(source, today=DAY).imported
    figures_follow(DAY)
    saved = backups.manual(tmp_path / "posko.db", tmp_path / "saved.db")
    household = roster.register_household()
    late = roster.add_person(household.id, confirmed=True, name="Dewi", sex="P", birth_date=D(1990, 1, 1)).person
    stays.check_in([late.id], school.id, D(2022, 11, 24))
    figures_follow(DAY)
    operation[0]._meta.database.close()
    backups.restore(saved, tmp_path / "posko.db")
    db = open_database(str(tmp_path / "posko.db"))
    try:
        assert Person.select().count() == 3
        intact()
        figures_follow(DAY)
    finally:
        db.close()
