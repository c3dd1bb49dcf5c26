"""The reports waiting to leave: where each must go, how many tries, the last error."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from shelter_app.i18n import N_, tr
from shelter_app.outbox import queue
from shelter_app.ui import fit
from shelter_app.ui.forms.formatting import stamp
from shelter_app.ui.widgets.lazy_model import Column, ListModel
from shelter_app.ui.widgets.tables import table_view

DESTINATIONS = {"folder": N_("Folder"), "hub": N_("Hub"), "email": N_("E-mail")}


@dataclass(frozen=True)
class DeliveryLine:
    title: str
    queued: str
    destination: str
    state: str
    attempts: int
    next_attempt: str
    error: str


def delivery_lines() -> list[DeliveryLine]:
    lines = []
    for report in queue.recent(50):
        for row in report.deliveries or [None]:
            if row is None:
                lines.append(
                    DeliveryLine(
                        report.item.title,
                        stamp(report.item.created_at),
                        tr("(none set up)"),
                        tr("waiting"),
                        0,
                        "",
                        tr("Set up a folder or e-mail in Settings."),
                    )
                )
                continue
            error = queue.last_error(row)
            lines.append(
                DeliveryLine(
                    report.item.title,
                    stamp(report.item.created_at),
                    tr(DESTINATIONS.get(row.destination, row.destination)),
                    tr("sent") if row.status == "done" else tr("waiting"),
                    row.attempts,
                    "" if row.status == "done" else stamp(row.next_attempt_at),
                    error.text() if error else "",
                )
            )
    return lines


COLUMNS = [
    Column("title", N_("Report")),
    Column("queued", N_("Queued")),
    Column("destination", N_("To")),
    Column("state", N_("Status")),
    Column("attempts", N_("Tries")),
    Column("next_attempt", N_("Next try (UTC)")),
    Column("error", N_("Last error")),
]


class OutboxDialog(QDialog):
    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window_ = window
        self.setObjectName("outbox_dialog")
        self.setWindowTitle(tr("Reports to send"))
        fit.fit(self, 1000, 420, "outbox")
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.model = ListModel(COLUMNS, [])
        self.table = table_view(self.model, "outbox_table", stretch_column=6)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        send = QPushButton(tr("&Send now"))
        send.setObjectName("send_now")
        send.clicked.connect(self.send_now)
        close = QPushButton(tr("Close"))
        close.clicked.connect(self.accept)
        buttons.addStretch(1)
        buttons.addWidget(send)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(delivery_lines())
        self.table.resizeColumnsToContents()
        self.summary.setText(self.window_.outbox_text() or tr("Every report has been sent."))

    def send_now(self):
        job = self.window_.send_outbox(force=True)
        if job is not None:
            job.finished.connect(lambda _summary: self.refresh())
        return job
