"""The Sites and Installations pages: create, correct, close and reopen sites; a site's page
(installations, residents, stock, activities); installations with their state history and
totals against the needs; screenshots of both pages and their dialogs in both languages."""

import datetime

import pytest
from PySide6.QtCore import Qt

from shelter_app.i18n import set_language, tr
from shelter_app.services import installations, roster, site_overview, sites, stays, stock
from shelter_app.ui.pages.installations import InstallationsPage
from shelter_app.ui.pages.sites import SitesPage

D = datetime.date


def _page(cls, ctx, qtbot, width=1280, height=800):
    page = cls(ctx)
    qtbot.addWidget(page)
    page.resize(width, height)
    page.show()
    page.refresh_if_stale()
    return page


def _retype(qtbot, widget, text):
    """Select what a field holds and type over it, as a user would."""
    widget.selectAll()
    qtbot.keyClicks(widget, text)


def _names(model):
    return [model.row_at(row).name for row in range(model.rowCount())]


def _resident(site, day, name="Asep Saepudin", sex="L", relationship="head", household=None):
    household = household or roster.register_household()
    person = roster.add_person(
        household.id, confirmed=True, name=name, sex=sex, birth_date=D(1980, 5, 1), relationship=relationship
    ).person
    stays.check_in([person.id], site.id, day)
    return person, household


def _select(page, site_id):
    assert page.select_site(site_id)
    assert page.site_id == site_id


# --- sites ----------------------------------------------------------------------------------


def test_create_a_site_with_the_keyboard_errors_next_to_the_field(ctx, operation, qtbot, qtmodeltester):
    page = _page(SitesPage, ctx, qtbot)
    assert _names(page.site_model) == ["Posko Lapangan Gasol", "SDN Cugenang 1"]
    qtmodeltester.check(page.site_model)

    dialog = page.new_site()
    assert dialog.isVisible()
    qtbot.keyClick(dialog.name, Qt.Key_Return)  # Enter with an empty name: refused
    assert dialog.isVisible()
    error = dialog.findChild(type(dialog.intro), "error_name")
    assert error.isVisibleTo(dialog) and error.text() == "Nama lokasi wajib diisi."

    qtbot.keyClicks(dialog.name, "Masjid Al-Ikhlas Nyalindung")
    qtbot.keyClicks(dialog.village, "Desa Antah Berantah")
    qtbot.keyClick(dialog.village, Qt.Key_Return)
    assert dialog.isVisible()
    assert "tidak ada dalam daftar wilayah resmi" in dialog.errors.text("village_code")
    assert dialog.errors.text("name") == ""
    assert dialog.focusWidget() is dialog.village  # the cursor goes to the field to correct

    dialog.village.clear()
    qtbot.keyClicks(dialog.village, "Nyalindung")
    suggestions = [name for name in dialog.village._codes if name.startswith("Nyalindung, Cugenang")]
    dialog.village.setText(suggestions[0])  # picked from the completer list
    dialog.kind.set_code("mosque")
    _retype(qtbot, dialog.capacity_night, "60")
    _retype(qtbot, dialog.covered_area, "140")
    qtbot.keyClicks(dialog.latitude, "-6,80")
    qtbot.keyClicks(dialog.contact_name, "Hadi Saefulloh")
    qtbot.keyClick(dialog.contact_name, Qt.Key_Return)
    assert not dialog.isVisible(), dialog.errors.text("")

    saved = sites.find_site("Masjid Al-Ikhlas Nyalindung")
    assert (saved.kind, saved.capacity_night, saved.covered_area_m2, saved.latitude) == ("mosque", 60, 140, -6.8)
    assert saved.village_code == "32.03.11.2005" and saved.contact_name == "Hadi Saefulloh"
    assert "Masjid Al-Ikhlas Nyalindung" in _names(page.site_model)
    assert page.site_id == saved.id  # the new site is shown
    assert "Masjid Al-Ikhlas Nyalindung" in page.site_title.text()


def test_first_site_of_an_empty_database_also_records_its_event(ctx, qtbot):
    page = _page(SitesPage, ctx, qtbot)
    assert page.site_model.rowCount() == 0 and not page.edit_button.isEnabled()
    dialog = page.new_site()
    assert dialog.intro.isVisibleTo(dialog) and "Belum ada kejadian bencana" in dialog.intro.text()
    qtbot.keyClicks(dialog.name, "Posko Desa Gasol")
    qtbot.keyClick(dialog.name, Qt.Key_Return)
    assert dialog.errors.text("event_name") == "Nama kejadian bencana wajib diisi."
    qtbot.keyClicks(dialog.event_fields["name"], "Banjir Bandang Cugenang")
    dialog.event_fields["kind"].set_code("flood")
    dialog.event_fields["started_on"].set_date(D(2024, 1, 5))
    dialog.opened_on.set_date(D(2024, 1, 6))
    qtbot.keyClick(dialog.name, Qt.Key_Return)
    assert not dialog.isVisible(), dialog.errors.text("")
    (event,) = sites.events()
    assert (event.name, event.kind) == ("Banjir Bandang Cugenang", "flood")
    assert _names(page.site_model) == ["Posko Desa Gasol"] and page.site_id is not None


def test_edit_a_site_and_escape_cancels(ctx, operation, qtbot):
    _event, tent, _school = operation
    page = _page(SitesPage, ctx, qtbot)
    _select(page, tent.id)

    dialog = page.edit_site()
    assert dialog.name.text() == "Posko Lapangan Gasol" and dialog.capacity_night.value() == 4
    qtbot.keyClick(dialog.name, Qt.Key_Escape)
    assert not dialog.isVisible()

    dialog = page.edit_site()
    _retype(qtbot, dialog.name, "Posko Lapangan Desa Gasol")
    _retype(qtbot, dialog.capacity_night, "180")
    dialog.latitude.setText("-95")
    qtbot.keyClick(dialog.name, Qt.Key_Return)
    assert "Lintang" in dialog.errors.text("latitude")  # out of range, said under the field
    dialog.latitude.setText("-6.8093")
    qtbot.keyClick(dialog.name, Qt.Key_Return)
    assert not dialog.isVisible()

    corrected = site_overview.site(tent.id)
    assert (corrected.name, corrected.capacity_night, corrected.latitude) == ("Posko Lapangan Desa Gasol", 180, -6.8093)
    assert "Posko Lapangan Desa Gasol" in _names(page.site_model)
    assert page.detail_labels["capacity"].text().endswith("180 malam hari")


def test_close_refused_while_persons_remain_then_close_and_reopen(ctx, operation, qtbot):
    _event, tent, school = operation
    _resident(tent, D(2022, 11, 22))
    page = _page(SitesPage, ctx, qtbot)
    page.day.set_date(D(2022, 11, 25))
    assert page.site_model.row_at(0).persons == 1

    _select(page, tent.id)
    dialog = page.close_site()
    dialog.closed_on.set_date(D(2022, 11, 30))
    qtbot.keyClick(dialog.closed_on, Qt.Key_Return)
    assert dialog.isVisible()
    message = dialog.errors.text("closed_on")
    assert message.startswith("Masih ada 1 orang di lokasi ini pada 2022-11-30")
    assert site_overview.site(tent.id).status == "open"
    dialog.reject()

    _select(page, school.id)
    assert page.close_button.isEnabled() and not page.reopen_button.isEnabled()
    dialog = page.close_site()
    dialog.closed_on.set_date(D(2022, 11, 30))
    qtbot.keyClick(dialog.closed_on, Qt.Key_Return)
    assert not dialog.isVisible()
    closed = site_overview.site(school.id)
    assert (closed.status, closed.closed_on) == ("closed", D(2022, 11, 30))
    assert page.site_id == school.id and "ditutup pada 30/11/2022" in page.site_title.text()
    assert page.reopen_button.isEnabled() and not page.close_button.isEnabled()

    qtbot.mouseClick(page.reopen_button, Qt.LeftButton)
    assert site_overview.site(school.id).status == "open" and page.close_button.isEnabled()


def test_open_item_from_a_uuid_shows_that_site(ctx, operation, qtbot):
    _event, tent, school = operation
    page = _page(SitesPage, ctx, qtbot)
    page.open_item(school.id)
    assert page.site_id == school.id
    assert page.current_row().name == "SDN Cugenang 1" and "SDN Cugenang 1" in page.site_title.text()
    page.open_item(tent.id.hex)  # also as text
    assert page.site_id == tent.id
    page.open_item("not an id")
    assert page.site_id == tent.id


def test_site_page_tabs_residents_stock_activities(ctx, operation, qtbot, qtmodeltester):
    from shelter_app.services import activities

    _event, tent, _school = operation
    day = D(2022, 11, 22)
    head, household = _resident(tent, day, "Ujang Sopandi")
    _resident(tent, day, "Euis Nurhayati", "P", "wife", household)
    _resident(tent, day, "Ade Komarudin")
    rice = stock.add_item("Beras", "food", "kg", low_stock_level=100)
    stock.receive(tent.id, rice.id, 50, day)
    activities.create_activity(tent.id, "education", "Sekolah darurat", day, facilitator="Relawan")
    installations.add_installation(tent.id, "water", "working", day, litres_per_day=5000, subkind="tank")

    page = _page(SitesPage, ctx, qtbot)
    page.day.set_date(D(2022, 11, 23))
    _select(page, tent.id)
    assert page.tabs.currentIndex() == 0
    qtmodeltester.check(page.installation_model)
    assert page.installation_model.row_at(0).state_on_day == "working"
    assert "5.000 L/hari" in page.installation_totals.text()

    page.tabs.setCurrentIndex(1)
    assert page.resident_summary.text().startswith("3 jiwa dalam 2 KK")
    qtmodeltester.check(page.resident_model)
    rows = [page.resident_model.row_at(r) for r in range(page.resident_model.rowCount())]
    assert [(r.household, r.name) for r in rows] == [
        ("Ade Komarudin", "Ade Komarudin"),
        ("Ujang Sopandi", "Ujang Sopandi"),
        ("Ujang Sopandi", "Euis Nurhayati"),
    ]
    page.resident_table.sortByColumn(2, Qt.DescendingOrder)  # by name, Z first
    assert page.resident_model.row_at(0).name == "Ujang Sopandi"

    page.tabs.setCurrentIndex(2)
    qtmodeltester.check(page.stock_model)
    line = page.stock_model.row_at(0)
    assert (line.name, line.on_hand, line.low) == ("Beras", 50, True)
    low_cell = page.stock_model.index(0, 5)
    assert page.stock_model.data(low_cell) == "Stok menipis"
    assert page.stock_model.data(low_cell, Qt.ForegroundRole) is not None  # red, and the word

    page.tabs.setCurrentIndex(3)
    qtmodeltester.check(page.activity_model)
    assert page.activity_model.row_at(0).title == "Sekolah darurat"

    with qtbot.waitSignal(ctx.navigate) as navigation:
        qtbot.mouseClick(page.findChild(type(page.new_button), "manage_installations"), Qt.LeftButton)
    assert navigation.args == ["installations", tent.id]


def test_splitter_position_is_remembered(ctx, operation, qtbot):
    page = _page(SitesPage, ctx, qtbot)
    page.splitter.setSizes([400, 350])
    first = page.splitter.sizes()
    page.save_state()
    again = _page(SitesPage, ctx, qtbot)
    assert again.splitter.sizes() == first


# --- installations --------------------------------------------------------------------------


def test_installations_add_change_state_history_and_totals(ctx, operation, qtbot, qtmodeltester):
    _event, tent, school = operation
    for name in ("Asep", "Dedi", "Iwan", "Yayan"):
        _resident(tent, D(2022, 11, 21), name)
    page = _page(InstallationsPage, ctx, qtbot)
    page.open_item(school.id)
    assert page.site_id() == school.id
    page.open_item(tent.id)
    assert page.site_id() == tent.id and page.model.rowCount() == 0
    page.day.set_date(D(2022, 11, 26))

    dialog = page.add_installation()
    dialog.kind.set_code("water")
    shown = {name for name, widget in dialog.details.items() if widget.isVisibleTo(dialog)}
    assert shown == {"subkind", "litres_per_day"}
    dialog.kind.set_code("toilet")
    shown = {name for name, widget in dialog.details.items() if widget.isVisibleTo(dialog)}
    assert shown == {"toilets_female", "toilets_male", "toilets_accessible"}
    dialog.kind.set_code("water")
    dialog.details["subkind"].set_code("tank")
    qtbot.keyClicks(dialog.name, "Tandon air 5.000 L")
    _retype(qtbot, dialog.details["litres_per_day"], "5000")
    dialog.since.set_date(D(2022, 11, 22))
    qtbot.keyClicks(dialog.note, "Dipasang BPBD")
    qtbot.keyClick(dialog.name, Qt.Key_Return)
    assert not dialog.isVisible(), dialog.errors.text("")

    assert page.model.rowCount() == 1
    qtmodeltester.check(page.model)
    tank = page.model.row_at(0)
    assert (tank.kind, tank.subkind, tank.litres_per_day, tank.state) == ("water", "tank", 5000, "working")
    assert page.current_row().id == tank.id  # the new one is selected, its history shown
    assert [(h.state, h.note) for h in _history(page)] == [("working", "Dipasang BPBD")]
    assert _total(page, "Air bersih (L/hari)").available == "5.000"
    water = _total(page, "Air bersih (L/hari)")
    assert (water.required, water.status, water.status_text) == ("60", "ok", tr("OK"))
    qtmodeltester.check(page.totals_model)

    dialog = page.change_state()
    dialog.state.set_code("broken")
    dialog.on.set_date(D(2022, 11, 21))  # before the last change (22nd)
    qtbot.keyClicks(dialog.note, "Pompa rusak")
    qtbot.keyClick(dialog.note, Qt.Key_Return)
    assert dialog.isVisible() and "22/11/2022" not in dialog.errors.text("on")
    assert dialog.errors.text("on").startswith("Perubahan terakhir tercatat pada 2022-11-22")
    dialog.on.set_date(D(2022, 11, 25))
    qtbot.keyClick(dialog.note, Qt.Key_Return)
    assert not dialog.isVisible()

    history = _history(page)
    assert [(h.changed_on, h.state, h.note) for h in history] == [
        (D(2022, 11, 22), "working", "Dipasang BPBD"),
        (D(2022, 11, 25), "broken", "Pompa rusak"),
    ]
    qtmodeltester.check(page.history_model)
    water = _total(page, "Air bersih (L/hari)")
    assert (water.available, water.status, water.status_text) == ("0", "critical", "Kritis")
    page.day.set_date(D(2022, 11, 24))  # before it broke: the history says it worked
    assert _total(page, "Air bersih (L/hari)").available == "5.000"

    dialog = page.edit_installation()
    assert dialog.details["litres_per_day"].value() == 5000
    _retype(qtbot, dialog.details["litres_per_day"], "4000")
    qtbot.keyClick(dialog.name, Qt.Key_Return)
    assert not dialog.isVisible()
    assert installations.installations(tent.id)[0].litres_per_day == 4000
    assert len(_history(page)) == 2  # a correction never erases the history
    assert _total(page, "Air bersih (L/hari)").available == "4.000"


def test_installation_errors_and_toilets(ctx, operation, qtbot):
    _event, tent, _school = operation
    page = _page(InstallationsPage, ctx, qtbot)
    page.open_item(tent.id)
    dialog = page.add_installation()
    dialog.kind.set_code("toilet")
    dialog.since.set_date(D(2022, 11, 1))  # before the earthquake
    qtbot.keyClick(dialog.name, Qt.Key_Return)
    assert dialog.isVisible() and "lebih awal daripada awal bencana" in dialog.errors.text("since")
    dialog.since.set_date(D(2022, 11, 23))
    for name, value in (("toilets_female", "3"), ("toilets_male", "2"), ("toilets_accessible", "1")):
        _retype(qtbot, dialog.details[name], value)
    qtbot.keyClick(dialog.details["toilets_accessible"], Qt.Key_Return)
    assert not dialog.isVisible()
    page.day.set_date(D(2022, 11, 24))
    assert page.model.row_at(0).toilets == "3 / 2 / 1"
    assert _total(page, "Jamban berfungsi").available == "6 (3 P, 2 L, 1 disabilitas)"


def _history(page):
    return [page.history_model.row_at(r) for r in range(page.history_model.rowCount())]


def _total(page, what):
    return next(line for line in page.totals_model._all if line.what == what)


# --- pictures -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_screenshots_with_demo_data(ctx, db, qtbot, screenshot, lang):
    from shelter_app.demo.generator import build_demo

    build_demo(persons=600, seed=3)
    ctx.set_language(lang)
    try:
        page = _page(SitesPage, ctx, qtbot)
        gasol = next(row for row in page.site_model._all if "Gasol" in row.name)
        page.open_item(gasol.id)
        screenshot(page, f"sites_{lang}")
        for index, name in enumerate(("installations", "residents", "stock", "activities")):
            page.tabs.setCurrentIndex(index)
            screenshot(page, f"sites_{name}_{lang}")
        page.tabs.setCurrentIndex(1)
        assert gasol.persons > 200 and page.resident_model.rowCount() == 200  # a page at a time
        page.resident_model.fetchMore()
        assert page.resident_model.rowCount() == gasol.persons
        assert len({row.person_id for row in page.resident_model._rows}) == gasol.persons
        screenshot(page.new_site(), f"dialog_site_new_{lang}")
        screenshot(page.edit_site(), f"dialog_site_edit_{lang}")
        screenshot(page.close_site(), f"dialog_site_close_{lang}")

        other = _page(InstallationsPage, ctx, qtbot)
        other.open_item(gasol.id)
        assert other.site_id() == gasol.id
        broken = next(r for r in range(other.model.rowCount()) if other.model.row_at(r).kind == "water")
        other.select_installation(other.model.row_at(broken).id)
        screenshot(other, f"installations_{lang}")
        dialog = other.add_installation()
        dialog.kind.set_code("water")
        screenshot(dialog, f"dialog_installation_new_{lang}")
        screenshot(other.edit_installation(), f"dialog_installation_edit_{lang}")
        screenshot(other.change_state(), f"dialog_installation_state_{lang}")
    finally:
        set_language("id")
