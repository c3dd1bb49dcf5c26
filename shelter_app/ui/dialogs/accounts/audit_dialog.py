"""The audit trail in the window (coordinators): who signed in, saw, printed, exported or
changed what, filtered by account, by kind and from a day on."""

from __future__ import annotations

import datetime

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from shelter_app import APP_NAME
from shelter_app.i18n import tr
from shelter_app.services import audit


class AuditDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"{tr('Audit trail')} — {APP_NAME}")
        self.resize(1000, 560)
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(tr("From")))
        self.since = QDateEdit(QDate.currentDate().addDays(-30))
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("yyyy-MM-dd")
        filters.addWidget(self.since)
        filters.addWidget(QLabel(tr("Account")))
        self.user = QLineEdit()
        self.user.setPlaceholderText(tr("every account"))
        filters.addWidget(self.user)
        filters.addWidget(QLabel(tr("What")))
        self.kind = QComboBox()
        self.kind.addItem(tr("everything"), "")
        for code, label in audit.ACTIONS.items():
            self.kind.addItem(label.text(), code)
        filters.addWidget(self.kind)
        filters.addStretch(1)
        layout.addLayout(filters)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([tr("When"), tr("Account"), tr("What"), tr("Persons"), tr("Where")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.verticalHeader().hide()
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.button(QDialogButtonBox.Close).setText(tr("Close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.since.dateChanged.connect(self.refresh)
        self.user.textChanged.connect(self.refresh)
        self.kind.currentIndexChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        since = datetime.date.fromisoformat(self.since.date().toString("yyyy-MM-dd"))
        found = audit.entries(since=since, username=self.user.text() or None, action=self.kind.currentData() or None)
        self.table.setRowCount(len(found))
        for row, entry in enumerate(reversed(found)):  # the newest first
            cells = [
                f"{entry.at:%Y-%m-%d %H:%M:%S}",
                entry.username or "-",
                entry.what,
                str(entry.persons or ""),
                entry.target,
            ]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
