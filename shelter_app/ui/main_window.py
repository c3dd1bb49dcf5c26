"""The main window: a navigation list on the left, the chosen page on the right."""

from __future__ import annotations

import importlib

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from shelter_app import APP_NAME, __version__
from shelter_app.domain.permissions import ROLE_LABELS, refusal
from shelter_app.exchange import backups
from shelter_app.history import conflicts
from shelter_app.i18n import ntr, tr
from shelter_app.outbox import queue
from shelter_app.services import access, database
from shelter_app.sync import hub
from shelter_app.ui import fit
from shelter_app.ui.context import AppContext
from shelter_app.ui.forms.formatting import stamp
from shelter_app.ui.forms.palette import ERROR_STYLE
from shelter_app.ui.idle_lock import IdleLock
from shelter_app.ui.sync_runner import HUB, runner
from shelter_app.ui.user_settings import KEYS
from shelter_app.ui.widgets.worker import Job

# key -> "module:Class"; loaded in this order in the navigation list.
PAGES = {
    "dashboard": "shelter_app.ui.pages.dashboard:DashboardPage",
    "sites": "shelter_app.ui.pages.sites:SitesPage",
    "roster": "shelter_app.ui.pages.roster:RosterPage",
    "installations": "shelter_app.ui.pages.installations:InstallationsPage",
    "stock": "shelter_app.ui.pages.stock:StockPage",
    "activities": "shelter_app.ui.pages.activities:ActivitiesPage",
    "reports": "shelter_app.ui.pages.reports:ReportsPage",
    "sync": "shelter_app.ui.pages.sync:SyncPage",
    "settings": "shelter_app.ui.pages.settings:SettingsPage",
}

# The page a role may open (``domain.permissions``): the others are not built for it at all.
PAGE_PERMISSIONS = {
    "dashboard": "figures.view",
    "sites": "roster.view",  # its residents' tab lists persons
    "roster": "roster.view",
    "installations": "figures.view",
    "stock": "stock.edit",  # distributions name households
    "activities": "roster.view",
    "reports": "reports.aggregate",
    "sync": "sync.run",
    "settings": "profile.own",
}

# the Data menu's actions in order (None: the separators), and what each needs
_DATA_PERMISSIONS = (
    "roster.import",
    "export.personal",
    "export.sites",
    None,
    "sync.run",
    "sync.run",
    "sync.run",
    None,
    "backup.make",
)

OUTBOX_CHECK_MS = 60_000
SYNC_EVERY_MS = 5 * 60_000  # with a hub set up, the window syncs by itself this often
STATUS_REASON_WIDTH = 420  # pixels: a long sync error in the status bar is cut, whole in its tooltip


def page_class(key: str):
    module, name = PAGES[key].split(":")
    return getattr(importlib.import_module(module), name)


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.setObjectName("main_window")
        self.pages: dict = {}
        self._jobs: list[Job] = []
        self.status_label = QLabel()
        # A long database path gives way (cut on the left, whole in the tooltip) rather than
        # squeezing the outbox and sync items beside it.
        self.status_label.setMinimumWidth(40)
        self.status_label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.outbox_button = QPushButton()
        self.outbox_button.setObjectName("outbox_status")
        self.outbox_button.setFlat(True)
        self.outbox_button.clicked.connect(self.show_outbox)
        self.statusBar().addWidget(self.outbox_button)
        self.sync_button = QPushButton()
        self.sync_button.setObjectName("sync_status")
        self.sync_button.setFlat(True)
        self.sync_button.clicked.connect(lambda: self.go_to("sync"))
        self.statusBar().addWidget(self.sync_button)
        self.statusBar().addPermanentWidget(self.status_label)
        self._outbox_job: Job | None = None
        self._outbox_timer = QTimer(self, interval=OUTBOX_CHECK_MS)
        self._outbox_timer.timeout.connect(lambda: self.send_outbox(force=False))
        self._outbox_timer.start()
        self.sync_runner = runner(ctx)
        self.sync_runner.busy_changed.connect(self._sync_busy_changed)  # bound methods: cut when the window goes
        self.sync_runner.counts_changed.connect(self.update_sync_status)
        self.sync_runner.ended.connect(self._sync_ended)
        self._sync_timer = QTimer(self, interval=SYNC_EVERY_MS)
        self._sync_timer.timeout.connect(self.sync_in_background)
        self._sync_timer.start()
        self._sync_start = QTimer(self, singleShot=True, interval=0)  # at start, once the window is built
        self._sync_start.timeout.connect(self.sync_in_background)
        self._sync_start.start()
        self._build()
        self.idle_lock = IdleLock(self, on_switched=self.rebuild)
        ctx.language_changed.connect(lambda _lang: self.rebuild())
        ctx.navigate.connect(self.go_to)
        geometry = ctx.settings.value(KEYS.WINDOW_GEOMETRY)
        if geometry is None or not self.restoreGeometry(geometry):
            fit.fit(self, 1280, 800)  # on a 1366×768 laptop: the status bar above the taskbar
        room = fit.usable_area(self)
        if self.height() > room.height() or self.width() > room.width():  # saved on a larger screen
            self.resize(min(self.width(), room.width()), min(self.height(), room.height()))

    # --- building ----------------------------------------------------------------------

    def _build(self) -> None:
        self.setWindowTitle(f"{APP_NAME} — {tr('Evacuation site management')}")
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(190)
        self.stack = QStackedWidget()
        self.pages = {}
        for key in PAGES:
            if not access.can(PAGE_PERMISSIONS[key]):
                continue  # a page of persons is not even built for an observer
            page = page_class(key)(self.ctx)
            self.pages[key] = page
            self.stack.addWidget(page)
            item = QListWidgetItem(tr(page.title))
            item.setData(Qt.UserRole, key)
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._show_row)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._build_menu()
        self.update_status()
        for index, key in enumerate(PAGES):  # Ctrl+1..8 jump to a page
            shortcut = QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self)
            shortcut.activated.connect(lambda k=key: self.go_to(k, None))
        last = str(self.ctx.settings.value(KEYS.WINDOW_LAST_PAGE))
        self.go_to(last if last in PAGES else "dashboard", None)

    def _build_menu(self) -> None:
        """The Data menu: what moves data in and out of this laptop."""
        self.menuBar().clear()
        data = self.menuBar().addMenu(tr("&Data"))
        data.addAction(tr("&Import a roster (CSV, Excel)…"), self.import_roster)
        data.addAction(tr("&Export the roster…"), lambda: self.export("roster"))
        data.addAction(tr("Export the &sites…"), lambda: self.export("sites"))
        data.addSeparator()
        data.addAction(tr("S&ync now"), self.sync_now)
        data.addAction(tr("E&xport sync file…"), self.export_sync_file)
        data.addAction(tr("I&mport sync file…"), self.import_sync_file)
        data.addSeparator()
        data.addAction(tr("&Back up now"), self.back_up_now)
        for action, permission in zip(data.actions(), _DATA_PERMISSIONS, strict=False):
            if permission and not access.can(permission):
                action.setEnabled(False)
                action.setToolTip(refusal(permission, access.current().role).text())
        data.setToolTipsVisible(True)
        account = self.menuBar().addMenu(tr("&Account"))
        actor = access.current()
        if actor is not None:
            who = account.addAction(
                tr("Signed in: {name} ({role})", name=actor.name or actor.username, role=ROLE_LABELS[actor.role].text())
            )
            who.setEnabled(False)
        account.addAction(tr("&Lock"), QKeySequence("Ctrl+L"), self.lock)
        account.addAction(tr("&Switch user"), self.switch_user)
        if access.can("audit.view"):
            account.addAction(tr("&Audit trail…"), self.show_audit)

    def lock(self) -> None:
        self.idle_lock.lock()

    def switch_user(self) -> None:
        """One click: the account signs out, the lock asks who comes next."""
        self.idle_lock.lock()
        if self.idle_lock.dialog is not None:
            self.idle_lock.dialog.switch.click()

    def show_audit(self):
        from shelter_app.ui.dialogs.accounts.audit_dialog import AuditDialog

        dialog = AuditDialog(self)
        dialog.open()
        return dialog

    def import_roster(self):
        from shelter_app.ui.dialogs.exchange.import_wizard import open_import_wizard

        return open_import_wizard(self.ctx, self)

    def export(self, what: str):
        from shelter_app.ui.dialogs.exchange.export_dialog import ExportDialog

        dialog = ExportDialog(self.ctx, self, what=what)
        dialog.open()
        return dialog

    def start_daily_backup(self) -> Job | None:
        """The first start of a day backs the database up, in a worker so the window is usable."""
        return self._backup_job(lambda: backups.daily(database.current()), quiet=True)

    def back_up_now(self) -> Job | None:
        return self._backup_job(lambda: backups.create(database.current(), "manual"), quiet=False)

    def _backup_job(self, make, quiet: bool) -> Job | None:
        if not self.ctx.database_target or "://" in self.ctx.database_target:
            return None
        job = Job(lambda _progress, _cancelled: make())
        job.finished.connect(
            lambda path: path and self.statusBar().showMessage(tr("Backup written: {path}", path=str(path)), 10000)
        )
        job.failed.connect(
            lambda error: (
                quiet
                or QMessageBox.warning(
                    self,
                    tr("Backup"),
                    error.text() if hasattr(error, "text") else tr("The backup could not be written."),
                )
            )
        )
        self._jobs.append(job)
        job.start()
        return job

    def rebuild(self) -> None:
        """Rebuild every page in the new language, staying on the same page."""
        current = self.current_key()
        for page in self.pages.values():
            page.save_state()
        old = self.centralWidget()
        self._build()
        old.deleteLater()
        self.go_to(current, None)

    # --- the report outbox ---------------------------------------------------------------

    def outbox_text(self) -> str:
        state = queue.status()
        if not state.waiting:
            return ""
        return ntr(
            "{n} report waiting to be sent, since {since} (UTC)",
            "{n} reports waiting to be sent, since {since} (UTC)",
            state.waiting,
            since=stamp(state.since),
        )

    def update_outbox(self) -> None:
        text = self.outbox_text()
        self.outbox_button.setText(text)
        self.outbox_button.setVisible(bool(text))

    def send_outbox(self, force: bool = False) -> Job | None:
        """Try the deliveries that are due, in a worker; while anything waits this runs every
        minute by itself, so reports leave when a connection or the USB stick appears."""
        if self._outbox_job is not None and not self._outbox_job.wait(0):
            return None
        state = queue.status()
        if not state.waiting or (not force and not state.due):
            self.update_outbox()
            return None
        job = Job(lambda _progress, _cancelled: queue.send_now() if force else queue.send_due())
        job.finished.connect(lambda _summary: self.update_outbox())
        job.failed.connect(lambda _error: self.update_outbox())
        self._outbox_job = job
        self._jobs.append(job)
        job.start()
        return job

    def show_outbox(self):
        from shelter_app.ui.dialogs.outbox.outbox_dialog import OutboxDialog

        dialog = OutboxDialog(self, self)
        dialog.open()
        return dialog

    # --- sync ---------------------------------------------------------------------------

    def sync_now(self) -> Job | None:
        """Data menu: the Sync page's "Sync now", with the page shown for the outcome."""
        self.go_to("sync")
        return self.pages["sync"].sync_now()

    def export_sync_file(self) -> Job | None:
        self.go_to("sync")
        return self.pages["sync"].export_file()

    def import_sync_file(self) -> Job | None:
        self.go_to("sync")
        return self.pages["sync"].import_file()

    def sync_in_background(self) -> Job | None:
        """At start and every few minutes, when a hub is set up: a sync nobody waits for. A
        failure shows in the status bar (never a dialog); the next tick tries again."""
        try:
            return self.sync_runner.sync_hub(quiet=True)
        finally:
            self.update_sync_status()

    def _sync_busy_changed(self, _busy: bool) -> None:
        self.update_sync_status()

    def _sync_ended(self, kind: str, ok: bool, _value) -> None:
        self.update_sync_status()
        if kind == HUB and ok and queue.status().waiting:
            self.send_outbox(force=True)  # the hub answers: reports waiting for it can leave now

    def sync_text(self) -> tuple[str, str, bool]:
        """The status bar's sync item: its text, its tooltip, and whether it reports a failure."""
        parts, tip, failed = [], [], False
        if self.sync_runner.busy():
            parts.append(tr("Syncing…"))
        elif hub.configured_url():
            last = hub.last()
            failure = self.sync_runner.failure or (last.error if last and not last.ok else None)
            if failure is not None:
                failed = True
                reason = failure.text()
                first = reason.split(". ")[0].rstrip(".")  # the whole reason is in the tooltip and the page
                short = self.sync_button.fontMetrics().elidedText(first, Qt.ElideRight, STATUS_REASON_WIDTH)
                parts.append(tr("Sync failed: {reason} — click", reason=short))
                tip.append(reason)
            elif last is not None:
                parts.append(tr("Synced {time}", time=self._clock(last.at)))
                tip.append(
                    ntr(
                        "{pushed} change sent, {pulled} received.",
                        "{pushed} changes sent, {pulled} received.",
                        last.pushed,
                        pushed=last.pushed,
                        pulled=last.pulled,
                    )
                )
            else:
                parts.append(tr("Not synced yet"))
        waiting = self.sync_runner.conflict_count
        if waiting is None:
            waiting = conflicts.count()  # a small table: the count is quick
        if waiting:
            parts.append(ntr("{n} conflict", "{n} conflicts", waiting))
        if self.sync_runner.duplicate_count:
            parts.append(tr("{n} registered twice", n=self.sync_runner.duplicate_count))
        if self.sync_runner.place_count:
            parts.append(tr("{n} at two places", n=self.sync_runner.place_count))
        if parts:
            tip.append(tr("Click to open the Sync page."))
        return " · ".join(parts), "\n".join(tip), failed

    @staticmethod
    def _clock(at) -> str:
        """10:32 today, 29/11 10:32 another day, in this laptop's time zone."""
        import datetime

        local = at.replace(tzinfo=datetime.UTC).astimezone()
        return local.strftime("%H:%M") if local.date() == datetime.date.today() else local.strftime("%d/%m %H:%M")

    def update_sync_status(self) -> None:
        text, tip, failed = self.sync_text()
        self.sync_button.setText(text)
        self.sync_button.setToolTip(tip)
        self.sync_button.setStyleSheet(ERROR_STYLE if failed else "")
        self.sync_button.setMinimumWidth(self.sync_button.sizeHint().width())
        self.sync_button.setVisible(bool(text))

    def update_status(self) -> None:
        operator = self.ctx.operator() or tr("(no name set: Settings)")
        self.status_label.setText(
            tr(
                "Database: {path}   Operator: {name}   Version {version}",
                path=self.ctx.database_target,
                name=operator,
                version=__version__,
            )
        )
        self.status_label.setToolTip(self.status_label.text())
        self.update_outbox()
        self.update_sync_status()

    # --- navigation --------------------------------------------------------------------

    def current_key(self) -> str:
        item = self.nav.currentItem()
        return item.data(Qt.UserRole) if item else "dashboard"

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        key = self.nav.item(row).data(Qt.UserRole)
        page = self.pages[key]
        self.stack.setCurrentWidget(page)
        page.refresh_if_stale()
        self.update_status()

    def go_to(self, key: str, argument=None) -> None:
        if key not in self.pages:
            return
        row = list(self.pages).index(key)
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)
        else:
            self._show_row(row)
        if argument is not None:
            self.pages[key].open_item(argument)

    def closeEvent(self, event) -> None:
        for job in self._jobs:
            job.wait()  # a backup is never cut off half-way
        self.sync_runner.wait()  # a sync file is never cut off half-way either
        self.ctx.settings.set_value(KEYS.WINDOW_GEOMETRY, self.saveGeometry())
        self.ctx.settings.set_value(KEYS.WINDOW_LAST_PAGE, self.current_key())
        for page in self.pages.values():
            page.save_state()
        self.ctx.settings.sync()
        super().closeEvent(event)
