"""The Sync page and the window's sync: two laptops' data merged, their conflicts, persons
registered twice and persons at two places at once settled by a coordinator, sync files carried between them, the hub synced
in the background with its outcome in the status bar."""

import datetime
import threading

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from shelter_app.history import conflicts, records
from shelter_app.i18n import set_language
from shelter_app.services import roster, settings, sites, stays
from shelter_app.storage.database import bind
from shelter_app.storage.models import Person, Site
from shelter_app.sync import duplicates, hub
from shelter_app.ui.context import AppContext
from shelter_app.ui.main_window import MainWindow
from shelter_app.ui.pages.settings import SettingsPage
from shelter_app.ui.pages.sync import CONFLICT_COLUMNS, PLACE_COLUMNS, TWICE_COLUMNS
from tests.laptops import Laptop, exchange, setup_operation

D = datetime.date
UNREACHABLE = "postgresql://posko@127.0.0.1:1/posko"  # nothing listens on port 1


@pytest.fixture
def pair(tmp_path, qapp):
    set_language("id")
    a = Laptop(tmp_path / "a.db", "Ani")
    b = Laptop(tmp_path / "b.db", "Budi")
    yield a, b
    a.close()
    b.close()
    set_language("id")


def context_of(laptop, tmp_path) -> AppContext:
    """The window's context on one laptop's database (bound for the window)."""
    bind(laptop.db)
    ctx = AppContext(str(laptop.path), QSettings(str(tmp_path / f"{laptop.operator}.ini"), QSettings.IniFormat))
    ctx.set_operator(laptop.operator)
    return ctx


def open_window(qtbot, ctx, page: str = "sync") -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.go_to(page)
    qtbot.waitUntil(lambda: window.pages[page].isVisible())
    return window


def workers_done(window=None) -> None:
    """Close the window and let every worker end before another laptop is bound (the models
    use whichever database is bound, in every thread)."""
    if window is not None:
        window.close()
    for thread in threading.enumerate():
        if thread.name == "posko-job":
            thread.join(60)
    QApplication.processEvents()


def cells(model, row: int) -> dict:
    return {column.key: model.index(row, number).data() for number, column in enumerate(model.columns)}


def row_where(model, **wanted) -> int:
    for row in range(model.rowCount()):
        found = cells(model, row)
        if all(found[key] == value for key, value in wanted.items()):
            return row
    raise AssertionError(f"no row with {wanted} in {[cells(model, r) for r in range(model.rowCount())]}")


def make_conflicts_and_twice(a, b, folder):
    """Two laptops edit the same fields before they sync, and register one NIK each."""
    site, household, person, _rice = setup_operation(a)
    exchange(a, b, folder)
    twice = dict(
        confirmed=True,
        nik="3203010107800002",
        name="Ujang Suherman",
        sex="L",
        birth_date=D(1980, 7, 1),
        relationship="head",
    )
    with a.active():
        roster.update_person(person.id, name="Siti Aminah Binti Ahmad", birth_date=D(1980, 5, 2))
        sites.update_site(site.id, capacity_night=120)
        first = roster.add_person(roster.register_household(kk="3203012503770044").id, **twice).person
        stays.check_in([first.id], site.id, D(2022, 11, 24))
    with b.active():  # later: these values win
        roster.update_person(person.id, name="Siti Aminah Ahmad", birth_date=D(1981, 5, 1))
        sites.update_site(site.id, capacity_night=150)
        second = roster.add_person(
            roster.register_household(kk="3203012503770055").id, **{**twice, "name": "Ujang S."}
        ).person
        stays.check_in([second.id], site.id, D(2022, 11, 25))
    exchange(a, b, folder)
    return site, person, first, second


def test_conflicts_are_listed_in_words_and_settled(pair, tmp_path, qtbot, screenshot):
    a, b = pair
    site, person, _first, _second = make_conflicts_and_twice(a, b, tmp_path)
    window = open_window(qtbot, context_of(a, tmp_path))
    page = window.pages["sync"]
    model = page.conflict_model
    assert [column.key for column in CONFLICT_COLUMNS][:2] == ["record", "field"]
    assert model.rowCount() == 3
    name = cells(model, row_where(model, field="Nama"))
    assert name["record"] == "Orang: Siti Aminah Ahmad"
    assert (name["current"], name["lost"]) == ("Siti Aminah Ahmad", "Siti Aminah Binti Ahmad")
    assert name["current_by"].startswith("Budi, ") and name["lost_by"].startswith("Ani, ")
    born = cells(model, row_where(model, field="Tanggal lahir"))
    assert (born["current"], born["lost"]) == ("01/05/1981", "02/05/1980")  # dates as elsewhere in the app
    capacity = cells(model, row_where(model, field="Kapasitas malam hari"))
    assert capacity["record"] == "Lokasi: SDN Cugenang 1"
    assert (capacity["current"], capacity["lost"]) == ("150", "120")
    assert page.conflicts_box.title() == "Konflik yang perlu ditinjau (3)"
    assert page.twice_model.rowCount() == 2
    qtbot.waitUntil(lambda: "3 konflik" in window.sync_button.text())  # the status bar says so too
    assert not page.keep_button.isEnabled()  # nothing chosen yet
    screenshot(window, "sync_page_id")

    window.go_to("roster")  # shown before the settling, so it must reload afterwards
    qtbot.waitUntil(lambda: window.pages["roster"].model.rowCount() == 3)
    window.go_to("sync")
    page.conflict_table.setCurrentIndex(model.index(row_where(model, field="Nama"), 0))
    assert page.restore_button.isEnabled()
    assert page.resolve(restore=True)
    assert Person.get_by_id(person.id).name == "Siti Aminah Binti Ahmad"
    assert "Siti Aminah Binti Ahmad" in page.conflict_message.text()
    assert model.rowCount() == 2 and conflicts.count() == 2
    page.conflict_table.setCurrentIndex(model.index(row_where(model, field="Kapasitas malam hari"), 0))
    assert page.resolve(restore=False)  # keep 150
    assert Site.get_by_id(site.id).capacity_night == 150
    assert model.rowCount() == 1 and conflicts.count() == 1
    qtbot.waitUntil(lambda: "1 konflik" in window.sync_button.text())
    window.go_to("roster")
    roster_page = window.pages["roster"]
    qtbot.waitUntil(
        lambda: (
            "Siti Aminah Binti Ahmad" in [roster_page.model.row_at(r).name for r in range(roster_page.model.rowCount())]
        )
    )

    workers_done(window)
    exchange(a, b, tmp_path)  # the settling travels: the other laptop has one conflict left too
    with b.active():
        assert conflicts.count() == 1
        assert Person.get_by_id(person.id).name == "Siti Aminah Binti Ahmad"


def test_persons_registered_twice_show_a_masked_nik_and_are_merged_after_confirmation(
    pair, tmp_path, qtbot, monkeypatch, screenshot
):
    a, b = pair
    _site, _person, first, second = make_conflicts_and_twice(a, b, tmp_path)
    window = open_window(qtbot, context_of(a, tmp_path))
    page = window.pages["sync"]
    model = page.twice_model
    assert [column.key for column in TWICE_COLUMNS][0] == "nik"
    assert model.rowCount() == 2  # the two records of one NIK, the one registered first on top
    kept, merged = cells(model, 0), cells(model, 1)
    assert kept["nik"] == merged["nik"] == "320301••0002" and "3203010107800002" not in str([kept, merged])
    assert (kept["name"], kept["kk"]) == ("Ujang Suherman", "320301••0044")
    assert (merged["name"], merged["kk"]) == ("Ujang S.", "320301••0055")
    assert (kept["site"], merged["site"]) == ("SDN Cugenang 1 (sejak 24/11/2022)", "SDN Cugenang 1 (sejak 25/11/2022)")
    assert kept["registered"].startswith("Ani, ") and merged["registered"].startswith("Budi, ")
    assert (kept["role"], merged["role"]) == ("dipertahankan", "digabungkan ke Ujang Suherman")
    screenshot(page, "sync_duplicates_id")

    page.twice_table.setCurrentIndex(model.index(1, 0))
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: asked.append(args[2]) or QMessageBox.No)
    assert not page.merge()  # "No": nothing happens
    assert "Ujang S." in asked[0] and "320301••0002" in asked[0]
    assert len(duplicates.same_nik()) == 1
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.Yes)
    assert page.merge()
    assert duplicates.same_nik() == [] and model.rowCount() == 0
    assert Person.get_by_id(second.id).deleted_at is not None
    assert Person.get_by_id(first.id).deleted_at is None
    assert "Ujang S." in page.twice_message.text()
    assert page.twice_box.title().endswith("(0)")


def make_two_places(a, b, folder):
    """Two laptops check the same child in, one at the school, the other at the mosque, before
    they sync."""
    site, household, _person, _rice = setup_operation(a)
    with a.active():
        mosque = sites.create_site(site.event_id, "Masjid Al-Ikhlas", "mosque", D(2022, 11, 21))
        child = roster.add_person(
            household.id, confirmed=True, name="Rina", sex="P", birth_date=D(2018, 3, 1), relationship="child"
        ).person
    exchange(a, b, folder)
    with a.active():
        stays.check_in([child.id], site.id, D(2022, 11, 23))
    with b.active():
        stays.check_in([child.id], mosque.id, D(2022, 11, 24))
    exchange(a, b, folder)
    return site, mosque, child


def test_a_person_at_two_places_at_once_is_listed_and_one_stay_kept_after_confirmation(
    pair, tmp_path, qtbot, monkeypatch, screenshot
):
    a, b = pair
    _site, mosque, child = make_two_places(a, b, tmp_path)
    window = open_window(qtbot, context_of(a, tmp_path))
    page = window.pages["sync"]
    model = page.place_model
    assert [column.key for column in PLACE_COLUMNS] == ["name", "site", "arrived", "left", "recorded", "role"]
    assert model.rowCount() == 2  # the pair of stays, the older arrival first
    school, at_mosque = cells(model, 0), cells(model, 1)
    assert (school["name"], school["site"], school["arrived"], school["left"]) == (
        "Rina",
        "SDN Cugenang 1",
        "23/11/2022",
        "masih di sana",
    )
    assert (at_mosque["name"], at_mosque["site"], at_mosque["arrived"]) == ("Rina", "Masjid Al-Ikhlas", "24/11/2022")
    assert school["recorded"].startswith("Ani, ") and at_mosque["recorded"].startswith("Budi, ")
    assert school["role"] == "masa tinggal di Masjid Al-Ikhlas sejak 24/11/2022 dihapus"
    assert at_mosque["role"] == "masa tinggal di SDN Cugenang 1 sejak 23/11/2022 dihapus"
    assert page.places_box.title() == "Berada di dua tempat sekaligus (1)"
    assert page.twice_model.rowCount() == 0 and page.conflict_model.rowCount() == 0
    qtbot.waitUntil(lambda: "1 di dua tempat" in window.sync_button.text())  # the status bar says so too
    assert not page.keep_stay_button.isEnabled()  # nothing chosen yet
    screenshot(window, "sync_two_places_id")

    page.place_table.setCurrentIndex(model.index(1, 0))  # she is at the mosque
    assert page.keep_stay_button.isEnabled()
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: asked.append(args[2]) or QMessageBox.No)
    assert not page.keep_stay()  # "No": nothing happens
    assert "Rina" in asked[0] and "Masjid Al-Ikhlas (sejak 24/11/2022)" in asked[0]
    assert "SDN Cugenang 1 (sejak 23/11/2022) dihapus" in asked[0]
    assert len(duplicates.two_places()) == 1
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.Yes)
    assert page.keep_stay()
    assert duplicates.two_places() == [] and model.rowCount() == 0
    assert stays.stay_on(child.id, D(2022, 11, 25)).site_id == mosque.id
    assert "Masjid Al-Ikhlas" in page.places_message.text() and "SDN Cugenang 1" in page.places_message.text()
    assert page.places_box.title().endswith("(0)")
    assert not page.keep_stay_button.isEnabled()
    qtbot.waitUntil(lambda: "di dua tempat" not in window.sync_button.text())

    workers_done(window)
    exchange(a, b, tmp_path)  # the choice travels: the other laptop lists nothing either
    with b.active():
        assert duplicates.two_places() == []
        assert stays.stay_on(child.id, D(2022, 11, 25)).site_id == mosque.id


def test_export_then_import_through_the_page_brings_the_data_to_every_page(
    pair, tmp_path, qtbot, monkeypatch, screenshot
):
    a, b = pair
    setup_operation(b)
    stick = tmp_path / "usb"
    stick.mkdir()
    window_b = open_window(qtbot, context_of(b, tmp_path))
    page = window_b.pages["sync"]
    chosen = stick / "dari-budi"  # typed without the suffix: it is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(chosen), ""))
    job = page.export_file()
    assert not page.export_button.isEnabled()  # one sync job at a time
    with qtbot.waitSignal(job.finished, timeout=30000):
        pass
    qtbot.waitUntil(lambda: page.export_button.isEnabled())
    written = stick / "dari-budi.posko-sync"
    assert written.exists()
    assert str(written) in page.outcome.text()
    workers_done(window_b)

    window = open_window(qtbot, context_of(a, tmp_path), page="roster")
    roster_page = window.pages["roster"]
    assert roster_page.model.rowCount() == 0
    window.go_to("sites")
    assert window.pages["sites"].site_model.rowCount() == 0
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(written), ""))
    window.import_sync_file()  # the Data menu's entry: the page's action
    page = window.pages["sync"]
    assert window.current_key() == "sync"
    qtbot.waitUntil(lambda: not page.runner.busy() and "baru" in page.outcome.text(), timeout=30000)
    assert "perubahan" in page.outcome.text()
    window.go_to("roster")
    qtbot.waitUntil(
        lambda: [roster_page.model.row_at(r).name for r in range(roster_page.model.rowCount())] == ["Siti Aminah"]
    )
    window.go_to("sites")
    assert window.pages["sites"].site_model.row_at(0).name == "SDN Cugenang 1"

    window.go_to("sync")  # the same file again: nothing new
    job = page.import_from(str(written))
    with qtbot.waitSignal(job.finished, timeout=30000):
        pass
    qtbot.waitUntil(lambda: "0 baru" in page.outcome.text())
    screenshot(page, "sync_page_imported_id")


def test_a_refused_folder_and_a_foreign_file_are_explained(ctx, qtbot, tmp_path):
    window = open_window(qtbot, ctx)
    page = window.pages["sync"]
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    job = page.export_to(str(blocker / "posko.posko-sync"))
    with qtbot.waitSignal(job.failed, timeout=30000):
        pass
    qtbot.waitUntil(lambda: str(blocker) in page.outcome.text())
    assert "flashdisk" in page.outcome.text()  # and what to do about it
    foreign = tmp_path / "daftar.posko-sync"
    foreign.write_text("nik,nama\n")
    job = page.import_from(str(foreign))
    with qtbot.waitSignal(job.failed, timeout=30000):
        pass
    qtbot.waitUntil(lambda: "daftar.posko-sync" in page.outcome.text())
    assert QApplication.activeModalWidget() is None


def test_a_failing_background_sync_shows_in_the_status_bar_without_a_dialog(ctx, qtbot, screenshot):
    settings.change_text("hub.url", UNREACHABLE)
    window = open_window(qtbot, ctx, page="dashboard")  # the window syncs by itself at start
    qtbot.waitUntil(lambda: window.sync_button.isVisible() and "gagal" in window.sync_button.text(), timeout=30000)
    assert "127.0.0.1" in window.sync_button.toolTip()  # the reason in words, whole
    assert QApplication.activeModalWidget() is None
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    last = hub.last()
    assert last is not None and not last.ok
    # the item is not squeezed by the database path beside it (once the status bar is laid out)
    qtbot.waitUntil(lambda: window.status_label.x() > window.sync_button.geometry().right())
    screenshot(window, "sync_status_failed_id")

    assert window._sync_timer.isActive() and window._sync_timer.interval() == 5 * 60_000
    first_try = last.at
    window.sync_in_background()  # what the next tick does: try again
    qtbot.waitUntil(lambda: hub.last().at != first_try and not window.sync_runner.busy(), timeout=30000)
    qtbot.waitUntil(lambda: "gagal" in window.sync_button.text())  # the button hears it just after
    window.sync_button.click()  # opens the Sync page, which says the same in words
    assert window.current_key() == "sync"
    qtbot.waitUntil(lambda: "127.0.0.1" in window.pages["sync"].last_label.text())
    screenshot(window, "sync_page_failed_id")

    ctx.set_language("en")  # the pages are rebuilt; the runner's news still reaches the new ones
    assert window.sync_in_background() is not None
    qtbot.waitUntil(lambda: not window.sync_runner.busy() and window.sync_button.text().startswith("Sync failed"))
    assert "Cannot reach the hub" in window.pages["sync"].last_label.text()


def test_a_sync_never_runs_twice_at_once(ctx, qtbot, monkeypatch):
    release = threading.Event()

    def slow_sync(url=None, progress=None):
        release.wait(30)
        return hub.Synced(hub=hub.label(url))

    monkeypatch.setattr(hub, "sync", slow_sync)
    settings.change_text("hub.url", UNREACHABLE)
    window = open_window(qtbot, ctx)
    page = window.pages["sync"]
    qtbot.waitUntil(window.sync_runner.busy)  # the start-up sync
    try:
        assert window.sync_in_background() is None
        assert page.sync_now() is None
        assert not page.sync_button.isEnabled() and not page.import_button.isEnabled()
        assert window.sync_button.text() == "Menyinkronkan…"
    finally:
        release.set()
    qtbot.waitUntil(lambda: not window.sync_runner.busy() and page.sync_button.isEnabled())
    assert window.sync_button.text() != "Menyinkronkan…"


def test_sync_now_through_a_hub_brings_the_other_laptops_data(pair, tmp_path, qtbot, hub_url):
    a, b = pair
    setup_operation(b)
    with b.active():
        hub.sync(hub_url)
    ctx = context_of(a, tmp_path)
    settings.change_text("hub.url", hub_url)
    window = open_window(qtbot, ctx, page="roster")
    roster_page = window.pages["roster"]
    qtbot.waitUntil(lambda: window.sync_button.text().startswith("Sinkron "), timeout=60000)
    qtbot.waitUntil(lambda: roster_page.model.rowCount() == 1)  # the background sync brought it
    household = roster.register_household(kk="3203012503770099")  # on this laptop, then "Sync now"
    window.go_to("sync")
    page = window.pages["sync"]
    assert hub.label(hub_url) in page.hub_label.text()
    job = page.sync_now()
    assert not page.sync_button.isEnabled()
    with qtbot.waitSignal(job.finished, timeout=60000):
        pass
    qtbot.waitUntil(lambda: "1 perubahan terkirim" in page.outcome.text())
    assert "1 perubahan terkirim" in page.last_label.text()
    assert not window.sync_button.styleSheet()  # no failure shown
    workers_done(window)
    with b.active():
        hub.sync(hub_url)
        assert roster.members(household.id) == [] and records.get(type(household), household.id)


def test_the_hub_address_in_settings_refuses_a_password_and_saves_a_good_one(ctx, qtbot):
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.refresh_if_stale()
    field = page.outbox_fields["hub.url"]
    field.setText("postgresql://posko:rahasia@127.0.0.1:9/posko")
    assert not page.save_outbox()
    assert "SHELTER_APP_HUB_PASSWORD" in page.errors.text("hub.url")
    assert settings.stored("hub.url") is None
    field.setText("posko@127.0.0.1")
    assert not page.save_outbox()
    assert "postgresql://" in page.errors.text("hub.url")
    field.setText("postgresql://posko@127.0.0.1:9/posko")
    assert page.save_outbox()
    assert page.errors.text("hub.url") == ""
    assert settings.stored("hub.url") == "postgresql://posko@127.0.0.1:9/posko"
    assert hub.configured_url() == "postgresql://posko@127.0.0.1:9/posko"
    field.clear()
    page.refresh()
    assert field.text() == "postgresql://posko@127.0.0.1:9/posko"
