"""The Sync page lists the received changes that broke a rule and were kept aside."""

from __future__ import annotations

import datetime

from shelter_app.services import roster, sites
from shelter_app.storage.models import Person
from shelter_app.ui.main_window import MainWindow
from tests.sync.gate_tools import Stamps, insert_of, wire, write_sync_file

D = datetime.date


def test_an_imported_file_with_a_bad_change_shows_it_kept_aside(ctx, qtbot, tmp_path, screenshot):
    event = sites.create_event("Gempa Cianjur", "earthquake", D(2022, 11, 21), region_code="32.03")
    sites.create_site(event.id, "SDN Cugenang 1", "school", D(2022, 11, 21), capacity_night=100)
    household = roster.register_household()
    person = roster.add_person(household.id, confirmed=True, name="Budi", sex="L", birth_date=D(2012, 3, 4)).person
    stamp = Stamps()
    bad = {**insert_of("person", person.id)["d"], "id": "ab" * 16, "sex": "X", "name": "Rina"}
    path = write_sync_file(
        tmp_path / "laptop-b.posko-sync",
        [
            wire("person", "ab" * 16, "insert", bad, stamp()),
            wire("person", person.id.hex, "update", {"notes": "dari laptop B"}, stamp()),
        ],
    )
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.go_to("sync")
    page = window.pages["sync"]
    job = page.import_from(str(path))
    with qtbot.waitSignal(job.finished, timeout=30000):
        pass
    qtbot.waitUntil(lambda: "disisihkan" in page.outcome.text())
    assert Person.get_by_id(person.id).notes == "dari laptop B"
    assert page.quarantine_model.rowCount() == 1
    assert "(1)" in page.quarantine_box.title()
    row = page.quarantine_model.row_at(0)
    assert row.field == "person.sex" and "X" in row.reason and "Laki-laki" in row.reason
    screenshot(window, "sync_page_quarantine_id")
