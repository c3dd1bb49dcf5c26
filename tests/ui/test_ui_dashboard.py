"""The dashboard and the first run: the welcome on an empty database, the first event and site
typed with the keyboard, the demo loaded (and cancelled) in a worker, the figures of a day."""

import datetime
import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from shelter_app.services import overview, sites, stats
from shelter_app.ui.pages.dashboard import COLUMNS, DashboardPage

D = datetime.date
WIDTH, HEIGHT = 1280, 800
DEMO_DAY = D(2022, 11, 30)


def make_page(ctx, qtbot) -> DashboardPage:
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.resize(WIDTH, HEIGHT)
    page.show()
    return page


def window_with_dashboard(ctx, qtbot):
    """The main window at 1280x800 on the dashboard. A window that fails to open fails the test:
    the dashboard alone would hide it."""
    from shelter_app.ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(WIDTH, HEIGHT)
    window.show()
    window.go_to("dashboard")
    return window, lambda: window.pages["dashboard"]


def settle() -> None:
    """Let the layouts take in the new texts (they are laid out from the event loop) before a picture."""
    QApplication.processEvents()
    QApplication.processEvents()  # and the timers those events started (the splitter fit)


def show_day(page, qtbot, day) -> None:
    if page.day.date_value() == day:
        with qtbot.waitSignal(page.figures_ready, timeout=60000):
            page.request_figures()
    else:
        with qtbot.waitSignal(page.figures_ready, timeout=60000):
            page.day.set_date(day)


def column(key: str) -> int:
    return [c.key for c in COLUMNS].index(key)


def site_rows(page) -> list:
    return [page.model.row_at(r) for r in range(page.model.rowCount()) if not page.model.row_at(r).is_total]


def test_empty_database_greets_with_the_welcome(ctx, qtbot, screenshot):
    shown, page = window_with_dashboard(ctx, qtbot)
    assert page().showing_welcome() and page().welcome.isVisible()
    assert "Selamat datang" in page().welcome.findChild(QLabel, "welcome_heading").text()
    assert page().welcome.demo_persons.value() == 3000
    screenshot(shown, "dashboard_welcome_id")
    ctx.set_language("en")
    if shown is page():  # no main window to rebuild the page in English
        shown, page = window_with_dashboard(ctx, qtbot)
    assert "Welcome" in page().welcome.findChild(QLabel, "welcome_heading").text()
    screenshot(shown, "dashboard_welcome_en")


def test_first_event_and_site_typed_with_the_keyboard(ctx, qtbot):
    page = make_page(ctx, qtbot)
    page.refresh_if_stale()
    welcome = page.welcome
    welcome.event_name.setFocus()
    qtbot.keyClicks(welcome.event_name, "Banjir Bandang Garut")
    qtbot.keyClicks(welcome.event_kind, "Banjir")  # type-ahead picks "Banjir" (flood)
    assert welcome.event_kind.code() == "flood"
    qtbot.keyClick(welcome.event_name, Qt.Key_Return)  # Enter saves: the site's name is missing
    assert welcome.errors.labels["name"].isVisibleTo(welcome)
    assert "Nama lokasi" in welcome.errors.text("name")
    assert not overview.has_event()  # nothing half-made: no lone event

    qtbot.keyClicks(welcome.site_name, "Masjid Al-Ikhlas")
    qtbot.keyClicks(welcome.site_kind, "Masjid")
    qtbot.keyClicks(welcome.village, "Tidak Ada Desa Ini")
    qtbot.keyClick(welcome.site_name, Qt.Key_Return)
    assert welcome.errors.text("village_code") and "desa" in welcome.errors.text("village_code").lower()
    welcome.village.clear()
    qtbot.keyClicks(welcome.village, "Gasol, Cugenang, Kabupaten Cianjur, Jawa Barat")
    welcome.capacity_night.selectAll()
    qtbot.keyClicks(welcome.capacity_night, "120")
    with qtbot.waitSignal(page.figures_ready, timeout=30000):
        qtbot.keyClick(welcome.capacity_night, Qt.Key_Return)
    assert not page.showing_welcome()
    created = sites.sites()
    assert [(s.name, s.kind, s.village_code, s.capacity_night) for s in created] == [
        ("Masjid Al-Ikhlas", "mosque", "32.03.11.2002", 120)
    ]
    assert [row.name for row in site_rows(page)] == ["Masjid Al-Ikhlas"]
    assert page.model.row_at(0).is_total and page.model.row_at(1).site_id == created[0].id
    assert "Langkah berikutnya" in page.alert.text()  # nobody yet: the next step is said


@pytest.fixture
def demo_page(ctx, qtbot):
    """A dashboard on a small demo operation loaded through the welcome's button."""
    page = make_page(ctx, qtbot)
    page.refresh_if_stale()
    page.welcome.demo_persons.setValue(300)
    with qtbot.waitSignal(page.figures_ready, timeout=180000):
        qtbot.mouseClick(page.welcome.demo_button, Qt.LeftButton)
    yield page
    page.wait_idle()


def assert_matches_stats(page, day):
    figures = stats.figures(day)
    by_id = {uuid.UUID(entry["id"]): entry for entry in figures["sites"]}
    rows = site_rows(page)
    assert {row.site_id for row in rows} == set(by_id)
    for row in rows:
        entry = by_id[row.site_id]
        assert (row.persons, row.households, row.arrivals, row.departures) == (
            entry["persons"],
            entry["households"],
            entry["arrivals"],
            entry["departures"],
        )
        assert row.water.status == entry["needs"]["water"]["status"]
        assert row.rice.status == entry["needs"]["rice"]["status"]
    total = page.model.row_at(0)
    assert total.is_total and total.persons == figures["total"]["persons"]
    return figures


def test_demo_loaded_in_a_worker_shows_the_figures_of_the_day(demo_page, ctx, qtbot, qtmodeltester, screenshot):
    page = demo_page
    assert not page.showing_welcome()
    latest = overview.latest_movement_day()
    assert page.day.date_value() == latest and D(2022, 11, 21) <= latest <= D(2022, 12, 31)
    assert_matches_stats(page, latest)

    show_day(page, qtbot, DEMO_DAY)
    figures = assert_matches_stats(page, DEMO_DAY)
    with qtbot.waitSignal(page.figures_ready, timeout=60000):
        qtbot.mouseClick(page.latest, Qt.LeftButton)
    assert page.day.date_value() == latest
    show_day(page, qtbot, DEMO_DAY)
    assert figures["total"]["persons"] > 0
    qtmodeltester.check(page.model)
    # Worst first: no site below another with more critical needs.
    rows = site_rows(page)
    assert [row.severity() for row in rows] == sorted((row.severity() for row in rows), reverse=True)
    # Each need is a word too, never colour alone.
    water = page.model.index(1, column("water"))
    assert page.model.data(water) in {"Cukup", "Kurang", "Kritis"}
    assert page.model.data(water, Qt.BackgroundRole) is not None
    # Sorting by name keeps the totals on top; clearing the sort brings back worst first.
    page.table.sortByColumn(column("name"), Qt.AscendingOrder)
    assert page.model.row_at(0).is_total
    names = [row.name for row in site_rows(page)]
    assert names == sorted(names, key=str.lower)
    page.table.horizontalHeader().setSortIndicator(-1, Qt.AscendingOrder)
    assert [row.severity() for row in site_rows(page)] == [row.severity() for row in rows]
    assert "Kurang" in page.alert.text() or "Kritis" in page.alert.text()

    # Choosing a site shows its pyramid; double-click opens it, and so does Enter.
    opened = []
    ctx.navigate.connect(lambda key, argument: opened.append((key, argument)))
    target = page.model.row_at(2)
    rect = page.table.visualRect(page.model.index(2, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.LeftButton, pos=rect.center())
    assert target.name in page.pyramid.title
    qtbot.mouseDClick(page.table.viewport(), Qt.LeftButton, pos=rect.center())
    assert opened == [("sites", target.site_id)] and isinstance(target.site_id, uuid.UUID)
    page.table.setCurrentIndex(page.model.index(3, 0))
    qtbot.keyClick(page.table, Qt.Key_Return)
    assert opened[-1] == ("sites", page.model.row_at(3).site_id)


def test_dashboard_pictures_in_both_languages(demo_page, ctx, qtbot, screenshot):
    demo_page.wait_idle()
    shown, page = window_with_dashboard(ctx, qtbot)
    show_day(page(), qtbot, DEMO_DAY)
    settle()
    screenshot(shown, "dashboard_id")
    ctx.set_language("en")
    if shown is page():
        shown, page = window_with_dashboard(ctx, qtbot)
    show_day(page(), qtbot, DEMO_DAY)
    assert page().model.headerData(column("water"), Qt.Horizontal) == "Water"
    assert page().model.data(page().model.index(1, column("water"))) in {"Enough", "Short", "Critical"}
    settle()
    screenshot(shown, "dashboard_en")
    page().wait_idle()


def test_a_stale_result_is_thrown_away(demo_page, qtbot):
    page = demo_page
    with qtbot.waitSignal(page.figures_ready, timeout=60000):
        page.day.set_date(D(2022, 11, 22))
        page.day.set_date(DEMO_DAY)  # chosen while the first count runs
    assert page.result.day == DEMO_DAY
    assert_matches_stats(page, DEMO_DAY)


def test_cancelling_the_demo_leaves_the_database_empty(ctx, qtbot):
    page = make_page(ctx, qtbot)
    page.refresh_if_stale()
    welcome = page.welcome
    welcome.demo_persons.setValue(300)
    with qtbot.waitSignal(welcome.demo_ended, timeout=60000) as ended:
        qtbot.mouseClick(welcome.demo_button, Qt.LeftButton)
        cancel = welcome.progress.findChild(QPushButton)
        qtbot.mouseClick(cancel, Qt.LeftButton)
    assert ended.args == ["cancelled"]
    assert not overview.has_event() and sites.sites() == [] and overview.latest_movement_day() is None
    assert page.showing_welcome()
    assert "dibatalkan" in welcome.demo_note.text()
    assert welcome.demo_button.isEnabled()
