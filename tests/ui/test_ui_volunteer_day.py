"""A new volunteer's day at 1366×768, in one flow: the first run, a household of four, check-in,
search by a second name and by the digits shown, stock received from the starting catalogue,
a distribution, an installation that breaks, the dashboard, the daily PDF, and English."""

from __future__ import annotations

import datetime

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from shelter_app.domain.identity import make_kk, make_nik
from shelter_app.services import installations, roster, roster_query, sites, stays, stock
from shelter_app.ui import fit
from shelter_app.ui.main_window import MainWindow
from tests.ui.test_ui_roster import member_fields, press, search, typed

TODAY = datetime.date.today()
STARTED = TODAY - datetime.timedelta(days=3)
KK = make_kk("32.03.11", datetime.date(2015, 5, 1), 4321)
SITI_NIK = make_nik("32.03.11", datetime.date(1984, 7, 9), "P", 2)


@pytest.fixture(autouse=True)
def no_stale_plans():
    roster_query.forget_estimates()
    yield
    roster_query.forget_estimates()


def fits_the_laptop(widget) -> None:
    """The window or dialog, with a title bar above it, fits 1366×768 less a taskbar."""
    room = fit.usable_area(widget)
    assert room.height() <= 768 - fit.TASKBAR - fit.TITLE_BAR
    assert widget.width() <= room.width() and widget.height() <= room.height(), (widget.size(), room)


def settle():
    for _ in range(3):
        QApplication.processEvents()


@pytest.mark.slow
def test_a_volunteers_day_at_1366_by_768(ctx, qtbot, screenshot):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    fits_the_laptop(window)
    status_bar = window.statusBar()
    assert status_bar.isVisible() and status_bar.geometry().bottom() <= window.height()

    # --- first run: the event and its first site, with the covered floor area -----------------
    dashboard = window.pages["dashboard"]
    qtbot.waitUntil(dashboard.showing_welcome)
    welcome = dashboard.welcome
    qtbot.keyClicks(welcome.event_name, "Banjir Bandang Garut")
    qtbot.keyClicks(welcome.event_kind, "Banjir")
    welcome.event_started.set_date(STARTED)
    qtbot.keyClicks(welcome.site_name, "SDN Sukakarya 1")
    qtbot.keyClicks(welcome.site_kind, "Sekolah")
    qtbot.keyClicks(welcome.village, "Gasol, Cugenang, Kabupaten Cianjur, Jawa Barat")
    welcome.capacity_night.selectAll()
    qtbot.keyClicks(welcome.capacity_night, "120")
    welcome.covered_area.selectAll()
    qtbot.keyClicks(welcome.covered_area, "240")
    screenshot(window, "volunteer_day_first_run_id")
    with qtbot.waitSignal(dashboard.figures_ready, timeout=30000):
        qtbot.keyClick(welcome.covered_area, Qt.Key_Return)
    [school] = sites.sites()
    assert school.covered_area_m2 == 240 and school.capacity_night == 120
    catalogue = {item.name for item in stock.items()}
    assert {"Beras", "Mi instan", "Air minum kemasan", "Selimut", "Terpal", "Popok bayi", "Genset"} <= catalogue

    # --- a household of four, typed from the paper form ----------------------------------------
    window.go_to("roster")
    page = window.pages["roster"]
    qtbot.waitUntil(page.isVisible)
    form = page.register_household()
    qtbot.waitExposed(form)
    fits_the_laptop(form)
    form.activateWindow()
    typed(qtbot, form, KK)
    press(qtbot, form)
    typed(qtbot, form, "Gasol, Cugenang, Kabupaten Cianjur, Jawa Barat")
    press(qtbot, form)
    typed(qtbot, form, "Kp. Gasol RT 02/05")
    press(qtbot, form)
    member_fields(qtbot, form, "Hj. Siti Nurhayati", nik=SITI_NIK)
    press(qtbot, form)
    member_fields(qtbot, form, "Ujang Saepudin", sex_keys="L", age=44, relationship_keys="Suami")
    press(qtbot, form)
    member_fields(qtbot, form, "Neng Rahmawati", sex_keys="P", age=12, relationship_keys="Anak")
    press(qtbot, form)
    member_fields(qtbot, form, "M. Rizki", sex_keys="L", age=4, relationship_keys="Anak")
    press(qtbot, form)
    assert form.members.count() == 4, form.errors.general.text()
    settle()
    screenshot(form, "volunteer_day_household_of_four_id")
    household = form.household
    form.finish_clicked()
    assert len(roster.members(household.id)) == 4

    # --- check the household in, found by the head's second name -------------------------------
    rows = search(qtbot, page, "nurhayati")
    assert [r.name for r in rows] == ["Hj. Siti Nurhayati"]
    page.table.selectRow(0)
    qtbot.mouseClick(page.buttons["check_in"], Qt.LeftButton)
    dialog = page._dialog
    fits_the_laptop(dialog)
    dialog.site.setCurrentIndex(dialog.site.findText(school.name))
    dialog.date.set_date(STARTED + datetime.timedelta(days=1))
    dialog.whole.setFocus()
    qtbot.keyClick(dialog.whole, Qt.Key_Space)
    assert dialog.accept_clicked()
    assert all(stays.stays_of(p.id) for p in roster.members(household.id))

    # --- search: a second name, a spelling variant, the digits the list shows -------------------
    assert [r.name for r in search(qtbot, page, "saepudin")] == ["Ujang Saepudin"]
    assert [r.name for r in search(qtbot, page, "Muhammad Rizki")] == ["M. Rizki"]
    shown = page.model.row_at(0)
    rows = search(qtbot, page, SITI_NIK[-4:])
    assert [r.name for r in rows] == ["Hj. Siti Nurhayati"]
    nik_column = [c.key for c in page.model.columns].index("nik")
    assert page.model.index(0, nik_column).data().endswith(SITI_NIK[-4:])  # what was typed is what shows
    rows = search(qtbot, page, KK[-4:])
    assert len(rows) == 4 and shown.site_name == school.name
    settle()
    screenshot(window, "volunteer_day_search_by_digits_shown_id")

    # --- stock: rice received from the starting catalogue, then given to the household ----------
    window.go_to("stock")
    stock_page = window.pages["stock"]
    qtbot.waitUntil(stock_page.isVisible)
    stock_page.refresh_if_stale()
    names = [stock_page.on_hand_model.row_at(i).name for i in range(stock_page.on_hand_model.rowCount())]
    stock_page.on_hand.selectRow(names.index("Beras"))
    receive = stock_page.open_receive()
    fits_the_laptop(receive)
    assert receive.item.currentText().startswith("Beras")
    qtbot.keyClicks(receive.quantity.edit, "100")
    qtbot.keyClicks(receive.lot_code, "LS-2026-017")
    qtbot.keyClicks(receive.lot_expiry, "06/2027")
    qtbot.keyClick(receive.lot_expiry, Qt.Key_Return)
    assert receive.result() == QDialog.Accepted, receive.errors.general.text()
    rice = stock.find_item("Beras")
    assert stock.on_hand(school.id, rice.id) == 100

    give = stock_page.open_distribute()
    fits_the_laptop(give)
    qtbot.keyClicks(give.search, "saepudin")
    give.search_now()
    assert give.results_model.rowCount() == 1
    give.quantity.edit.setFocus()
    qtbot.keyClicks(give.quantity.edit, "10")
    assert give.accept_clicked()  # the one household found is the one given to
    assert stock.on_hand(school.id, rice.id) == 90
    assert "Siti Nurhayati" in give.log.text()
    give.reject()

    # --- an installation: the water tank breaks --------------------------------------------------
    installations.add_installation(school.id, "water", "working", STARTED, litres_per_day=5000, subkind="tank")
    window.go_to("installations")
    inst_page = window.pages["installations"]
    qtbot.waitUntil(inst_page.isVisible)
    inst_page.refresh()
    inst_page.open_item(school.id)
    inst_page.select_installation(installations.installations(school.id)[0].id)
    change = inst_page.change_state()
    fits_the_laptop(change)
    change.state.set_code("broken")
    change.on.set_date(TODAY)
    qtbot.keyClicks(change.note, "Pompa rusak")
    qtbot.keyClick(change.note, Qt.Key_Return)
    assert not change.isVisible()
    assert installations.installations(school.id)[0].state == "broken"

    # --- the dashboard and the daily report --------------------------------------------------------
    with qtbot.waitSignal(dashboard.figures_ready, timeout=30000):
        window.go_to("dashboard")
        dashboard.day.set_date(TODAY - datetime.timedelta(days=1))
    with qtbot.waitSignal(dashboard.figures_ready, timeout=30000):
        dashboard.day.set_date(TODAY)
    total = dashboard.model.row_at(0)
    assert total.is_total and total.persons == 4
    assert dashboard.model.index(0, 0).data() == "Semua lokasi"
    settle()
    screenshot(window, "volunteer_day_dashboard_id")

    window.go_to("reports")
    reports = window.pages["reports"]
    qtbot.waitUntil(reports.isVisible)
    reports.kind.setCurrentIndex(reports.kind.findData("daily"))
    reports.site.setCurrentIndex(reports.site.findData(school.id.hex))
    reports.day.set_date(TODAY)
    job = reports.make_preview()
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=60000):
        pass
    qtbot.waitUntil(lambda: reports.pdf is not None)
    settle()
    screenshot(window, "volunteer_day_daily_report_id")
    out = ctx.database_target + ".harian.pdf"
    reports.write_pdf(out)
    text = "".join(p.extract_text() for p in PdfReader(out).pages)
    assert school.name in text and "Laporan harian" in text

    # --- English --------------------------------------------------------------------------------
    ctx.set_language("en")
    for key in ("dashboard", "roster", "stock", "installations", "reports"):
        window.go_to(key)
        qtbot.waitUntil(lambda key=key: window.pages[key].isVisible())
        settle()
        screenshot(window, f"volunteer_day_{key}_en")
    fits_the_laptop(window)
    assert window.nav.item(0).text() == "Dashboard"


def test_standard_dialogs_speak_indonesian_and_english(ctx, qtbot):
    from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel

    dialog = QFileDialog(None, "Simpan laporan")
    dialog.setOption(QFileDialog.DontUseNativeDialog)
    dialog.setAcceptMode(QFileDialog.AcceptSave)
    qtbot.addWidget(dialog)
    dialog.show()
    labels = {label.text() for label in dialog.findChildren(QLabel)}
    assert {"&Cari di:", "&Nama berkas:", "&Jenis berkas:"} <= labels, labels
    buttons = {button.text() for button in dialog.findChild(QDialogButtonBox).buttons()}
    assert "&Batal" in buttons or "Batal" in buttons, buttons
    ctx.set_language("en")
    english = QFileDialog(None, "Save report")
    english.setOption(QFileDialog.DontUseNativeDialog)
    qtbot.addWidget(english)
    english.show()
    assert "&Look in:" in {label.text() for label in english.findChildren(QLabel)}


def test_send_later_without_a_destination_says_so_and_opens_settings_there(ctx, qtbot):
    from shelter_app.demo.generator import build_demo

    build_demo(persons=200, seed=3)
    ctx.set_operator("Ani Rahayu")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.go_to("reports")
    reports = window.pages["reports"]
    qtbot.waitUntil(reports.isVisible)
    assert reports.day.date_value() != TODAY  # the operation's last day, as on the dashboard
    assert reports.prepared_by.text() == "Ani Rahayu"  # "Disusun oleh": the operator's name
    reports.kind.setCurrentIndex(reports.kind.findData("summary"))
    job = reports.make_preview()
    with qtbot.waitSignal(job.finished, timeout=60000):
        pass
    qtbot.waitUntil(lambda: reports.pdf is not None)
    reports.queue_report()
    assert "belum ada tujuan" in reports.status.text()
    assert window.current_key() == "settings"
    settings_page = window.pages["settings"]
    first = next(iter(settings_page.outbox_fields.values()))
    qtbot.waitUntil(first.hasFocus)


def test_digits_typed_into_a_birth_date_after_a_click_are_taken(ctx, qtbot):
    from PySide6.QtCore import QPoint

    from shelter_app.ui.forms.fields import BirthDateEdit

    field = BirthDateEdit()
    qtbot.addWidget(field)
    field.show()
    qtbot.mouseClick(field, Qt.LeftButton, pos=QPoint(field.width() - 4, field.height() // 2))
    qtbot.keyClicks(field, "09071984")
    assert field.date_value() == datetime.date(1984, 7, 9)


def test_a_duplicate_nik_message_goes_once_the_nik_is_corrected(ctx, qtbot):
    from tests.ui.test_ui_roster import make_page

    elsewhere = roster.register_household()
    roster.add_person(elsewhere.id, name="Siti Aminah", sex="P", birth_date=datetime.date(1984, 7, 9), nik=SITI_NIK)
    page = make_page(ctx, qtbot)
    form = page.register_household()
    qtbot.waitExposed(form)
    form.activateWindow()
    press(qtbot, form, times=3)  # no KK, village or address yet
    member_fields(qtbot, form, "Siti Nurhayati", nik=SITI_NIK)
    press(qtbot, form)  # save: the NIK is someone else's
    error = form.errors.labels["nik"]
    assert "Siti Aminah" in error.text() and error.isVisibleTo(form)
    form.editor.nik.setFocus()
    qtbot.keyClick(form.editor.nik, Qt.Key_Backspace)
    assert not error.text() and not error.isVisibleTo(form)
