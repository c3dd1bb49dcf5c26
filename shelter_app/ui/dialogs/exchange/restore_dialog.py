"""At start: a database file that is missing, locked, damaged, not Posko's or from a newer
version is explained in words, and where backups exist the newest is offered for restoring.
Nothing is overwritten without the user's yes (and the replaced file is kept anyway).

Entry points:
- ``check_before_opening(target, parent=None) -> bool``: diagnose; if the file is not usable,
  show the dialog (modal). True when the window may go on opening ``target`` (the file was fine,
  was restored, or is missing and the user chose to start a new one).
- ``RestoreDialog(diagnosis, parent)``: the dialog itself; tests drive ``restore_clicked()``.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from shelter_app.domain.errors import RuleViolation
from shelter_app.exchange import backups, startup
from shelter_app.i18n import N_, tr
from shelter_app.ui.forms.formatting import stamp
from shelter_app.ui.forms.palette import ERROR_STYLE
from shelter_app.ui.widgets.errors import show_unexpected

REASONS = {
    "daily": N_("Daily, at start"),
    "import": N_("Before an import"),
    "manual": N_("Made by hand"),
    "replaced": N_("File replaced by a restore"),
}
TITLES = {
    startup.MISSING: N_("The database file is missing"),
    startup.LOCKED: N_("The database is in use"),
    startup.READONLY: N_("The database cannot be written"),
    startup.CORRUPT: N_("The database is damaged"),
    startup.FOREIGN: N_("This is not a Posko database"),
    startup.NEWER: N_("The database needs a newer Posko"),
}
RESTORED, NEW = 1, 2  # dialog results besides Rejected


def reason_label(reason: str) -> str:
    if reason.startswith("before-"):
        return tr("Before an update ({name})", name=reason[len("before-") :])
    return tr(REASONS[reason]) if reason in REASONS else reason


def _size(path) -> str:
    try:
        return f"{path.stat().st_size / 1_048_576:.1f} MB"
    except OSError:
        return "-"


class RestoreDialog(QDialog):
    def __init__(self, diagnosis: startup.Diagnosis, parent=None):
        super().__init__(parent)
        self.diagnosis = diagnosis
        self.restored: backups.Restored | None = None
        self.setWindowTitle(tr(TITLES.get(diagnosis.kind, N_("The database cannot be opened"))))
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        heading = QLabel(f"<b>{tr(TITLES.get(diagnosis.kind, N_('The database cannot be opened')))}</b>")
        layout.addWidget(heading)
        self.message = QLabel(diagnosis.message.text() if diagnosis.message else "")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.list = QTableWidget(0, 3)
        self.list.setHorizontalHeaderLabels([tr("Taken on"), tr("Kind"), tr("Size")])
        self.list.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.list.verticalHeader().hide()
        self.list.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeToContents)
        self.list.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.list.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeToContents)
        offer = diagnosis.kind in (startup.MISSING, startup.CORRUPT, startup.FOREIGN)
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        layout.addWidget(self.advice)
        layout.addWidget(self.list, 1)
        for backup in diagnosis.backups:
            row = self.list.rowCount()
            self.list.insertRow(row)
            for column, text in enumerate((stamp(backup.taken_at), reason_label(backup.reason), _size(backup.path))):
                item = QTableWidgetItem(text)
                item.setToolTip(str(backup.path))
                self.list.setItem(row, column, item)
        if diagnosis.backups:
            self.list.selectRow(0)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox()
        self.restore_button = QPushButton(tr("&Restore the chosen backup"))
        self.restore_button.clicked.connect(lambda: self.restore_clicked())
        self.new_button = QPushButton(tr("Start a &new, empty database"))
        self.new_button.clicked.connect(lambda: self.done(NEW))
        close = self.buttons.addButton(QDialogButtonBox.Close)
        close.setText(tr("Close"))
        self.buttons.rejected.connect(self.reject)
        if offer and diagnosis.backups:
            self.buttons.addButton(self.restore_button, QDialogButtonBox.AcceptRole)
            self.restore_button.setDefault(True)
            self.advice.setText(
                tr(
                    "Backups of this database were found, newest first. Restoring puts the chosen one "
                    "in place of the file; the file it replaces is kept in the backup folder."
                )
            )
        else:
            self.list.setVisible(bool(diagnosis.backups))
            self.advice.setText(tr("No backup of this database was found.") if offer else "")
        if diagnosis.kind == startup.MISSING:
            self.buttons.addButton(self.new_button, QDialogButtonBox.ActionRole)
        self.advice.setVisible(bool(self.advice.text()))
        if not self.list.isVisibleTo(self):
            layout.addStretch(1)  # the message stays at the top
        layout.addWidget(self.buttons)

    def chosen(self) -> backups.Backup | None:
        rows = self.list.selectionModel().selectedRows()
        return self.diagnosis.backups[rows[0].row()] if rows else None

    def confirm(self, backup: backups.Backup) -> bool:
        """Ask before replacing anything (tests replace this method)."""
        answer = QMessageBox.question(
            self,
            tr("Restore the backup?"),
            tr(
                "Put the backup of {when} in place of {path}? The current file is kept in the backup folder.",
                when=stamp(backup.taken_at),
                path=str(self.diagnosis.path),
            ),
        )
        return answer == QMessageBox.Yes

    def restore_clicked(self) -> bool:
        backup = self.chosen()
        if backup is None:
            self._error(tr("Choose a backup in the list."))
            return False
        if not self.confirm(backup):
            return False
        try:
            self.restored = backups.restore(backup.path, self.diagnosis.path)
        except RuleViolation as error:
            self._error(error.text())
            return False
        except Exception:
            show_unexpected(self, "restoring a backup")
            return False
        self.done(RESTORED)
        return True

    def _error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()


def check_before_opening(target: str, parent=None) -> bool:
    """Diagnose the file; when it is not usable, explain and offer the backups. True: go on opening."""
    diagnosis = startup.diagnose(target, thorough=False)  # a full page check would slow every start
    if diagnosis.ok:
        return True
    if diagnosis.kind == startup.MISSING and not diagnosis.backups:
        return True  # the first start: a new database is created
    dialog = RestoreDialog(diagnosis, parent)
    result = dialog.exec()
    return result in (RESTORED, NEW)
