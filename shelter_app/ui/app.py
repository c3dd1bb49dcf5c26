"""Starting the window: check the machine, open the database, show the main window."""

from __future__ import annotations

import logging
import sys

from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import tr
from shelter_app.services import database
from shelter_app.ui import preflight

log = logging.getLogger(__name__)


def window_target(explicit: str | None, settings) -> str:
    """--db, then $SHELTER_APP_DB, then the file chosen in Settings, then the data folder."""
    from shelter_app.ui.user_settings import KEYS

    chosen = settings.value(KEYS.DATABASE_PATH)
    return database.target(explicit, str(chosen) if chosen else None)


def create_window(database_target: str | None = None, check_file: bool = True, language: str | None = None):
    """Open the database and build the main window (used by ``run`` and by the tests).

    A missing, damaged, locked or foreign file is explained first, with the backups to
    restore; None when the user chose not to go on."""
    from shelter_app.services import presence
    from shelter_app.ui.context import AppContext, app_settings
    from shelter_app.ui.dialogs.exchange.restore_dialog import check_before_opening
    from shelter_app.ui.main_window import MainWindow
    from shelter_app.ui.user_settings import KEYS

    settings = app_settings()
    if language:  # --lang: from now on, as if chosen in Settings
        settings.set_value(KEYS.LANGUAGE, language)
    target = window_target(database_target, settings)
    if check_file and not check_before_opening(target):
        return None
    upgrade_with_progress(target)
    database.open_operation(target)
    from shelter_app.services.access import current
    from shelter_app.ui.dialogs.accounts.sign_in import sign_in_at_start

    if current() is None and not sign_in_at_start():  # the first coordinator, or who is here
        return None
    presence.ensure_fresh()  # a merge killed half-way leaves the figures' index to rebuild
    window = MainWindow(AppContext(target, settings))
    window.start_daily_backup()
    return window


def upgrade_with_progress(target: str) -> None:
    """The upgrade backs the whole file up first: on a large operation that takes a while, so
    it runs in a worker behind a progress dialog instead of freezing a window not yet shown."""
    if not database.pending_upgrade(target):
        return
    from PySide6.QtCore import QEventLoop, Qt
    from PySide6.QtWidgets import QProgressDialog

    from shelter_app.ui.widgets.worker import Job

    dialog = QProgressDialog(
        tr(
            "Upgrading the database for this version of Posko. A backup is made first; "
            "on a large operation this takes a minute."
        ),
        "",
        0,
        0,
    )
    dialog.setCancelButton(None)  # a half-made backup or upgrade must not be interrupted
    dialog.setWindowModality(Qt.ApplicationModal)
    dialog.setMinimumDuration(0)
    dialog.show()
    loop = QEventLoop()
    outcome: list = []
    job = Job(lambda _progress, _cancelled: database.open_operation(target))
    job.finished.connect(lambda _db: (outcome.append(None), loop.quit()))
    job.failed.connect(lambda error: (outcome.append(error), loop.quit()))
    job.start()
    loop.exec()
    dialog.close()
    if outcome and outcome[0] is not None:
        raise outcome[0]


def run(database_target: str | None = None, language: str | None = None) -> int:
    problem = preflight.problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    from PySide6.QtWidgets import QApplication, QMessageBox

    from shelter_app import APP_ID, APP_NAME
    from shelter_app.ui.widgets.errors import show_unexpected

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    try:
        from shelter_app.ui.context import app_settings

        database.hold(window_target(database_target, app_settings()))  # one writer at a time
        window = create_window(database_target, language=language)
        if window is None:
            return 2
    except RuleViolation as error:
        QMessageBox.critical(None, tr("The database cannot be opened"), error.text())
        return 2
    except Exception:
        log.exception("the database could not be opened")
        QMessageBox.critical(
            None,
            tr("The database cannot be opened"),
            tr("The database file could not be opened; the details were written to the log file."),
        )
        return 1

    def on_unexpected(kind, value, traceback):  # never a traceback on the user's screen
        if issubclass(kind, RuleViolation):
            QMessageBox.warning(window, APP_NAME, value.text())
            return
        log.error("unexpected error", exc_info=(kind, value, traceback))
        show_unexpected(window, "handling an event")

    sys.excepthook = on_unexpected
    window.show()
    return app.exec()
