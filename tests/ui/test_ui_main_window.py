"""The whole window as a volunteer meets it: first run, every page, language switch, memory."""

import datetime

from PySide6.QtCore import Qt

from shelter_app.demo.generator import build_demo
from shelter_app.ui.main_window import PAGES, MainWindow

DAY = datetime.date(2022, 11, 30)


def test_every_page_opens_and_is_translated_both_ways(ctx, qtbot, screenshot):
    build_demo(persons=400, seed=3)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # keyboard shortcuts reach the active window only
    for index, key in enumerate(PAGES):
        qtbot.keyClick(window, Qt.Key(Qt.Key_1 + index), Qt.ControlModifier)
        assert window.current_key() == key
        qtbot.waitUntil(lambda key=key: window.pages[key].isVisible())
        screenshot(window, f"window_{key}_id")
    assert window.nav.item(0).text() == "Dasbor"

    ctx.set_language("en")
    assert window.nav.item(0).text() == "Dashboard"
    assert window.current_key() == list(PAGES)[-1]  # the language switch keeps the page
    for key in PAGES:
        window.go_to(key)
        qtbot.waitUntil(lambda key=key: window.pages[key].isVisible())
        screenshot(window, f"window_{key}_en")
    assert window.statusBar().findChildren(type(window.status_label)).count(window.status_label) == 1


def test_size_and_last_page_are_remembered(ctx, qtbot):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.move(37, 41)
    qtbot.waitUntil(lambda: window.pos().x() == 37)
    geometry = window.saveGeometry()
    window.go_to("stock")
    window.close()
    # The offscreen screen (800x600) clamps a restored window, so compare what is stored.
    assert ctx.settings.value("window/geometry") == geometry
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    assert again.current_key() == "stock"


def test_navigation_opens_a_site_from_the_dashboard(ctx, qtbot):
    build_demo(persons=200, seed=4)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    from shelter_app.services import sites

    site = sites.sites()[1]
    ctx.navigate.emit("sites", site.id)
    assert window.current_key() == "sites"


def test_back_up_now_from_the_data_menu(ctx, qtbot):
    from shelter_app.storage import backup_files

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    job = window.back_up_now()
    with qtbot.waitSignal(job.finished, timeout=30000):
        pass
    assert [b.path.name for b in backup_files.list_backups(ctx.database_target)]
    assert window.menuBar().actions()[0].text() == "&Data"  # the tests run in Indonesian: "&Data" is the same word


def test_started_with_lang_en_the_window_speaks_english_and_remembers_it(db, qtbot, tmp_path):
    from shelter_app.ui.app import create_window
    from shelter_app.ui.context import app_settings

    window = create_window(str(tmp_path / "posko.db"), check_file=False, language="en")
    qtbot.addWidget(window)
    try:
        assert window.nav.item(0).text() == "Dashboard"
        assert app_settings().value("language") == "en"
    finally:
        app_settings().remove("language")
        window.ctx.apply_language("id")


def test_an_old_database_is_upgraded_behind_a_progress_dialog(tmp_path, qtbot):
    from shelter_app.services.database import pending_upgrade
    from shelter_app.storage import schema
    from shelter_app.storage.session import open_database
    from shelter_app.ui.app import upgrade_with_progress

    path = tmp_path / "lama.db"
    db = open_database(str(path))
    last = schema.known_migrations()[-1]
    schema.runner(db).down()  # as if written by the version before the last migration
    db.close()
    assert pending_upgrade(str(path))
    upgrade_with_progress(str(path))
    assert not pending_upgrade(str(path))
    assert list((tmp_path / "backups").glob(f"lama.before-{last}-*.db"))
