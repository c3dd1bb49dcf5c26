"""Reports: pick a report, its site and day, see the pages, save the PDF or print it."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from shelter_app import reports
from shelter_app.domain.errors import RuleViolation
from shelter_app.domain.permissions import refusal
from shelter_app.files import write_atomically
from shelter_app.history import records
from shelter_app.i18n import LANGUAGES, N_, _, current_language, ntr, tr
from shelter_app.outbox import queue
from shelter_app.services import access, overview, sites, stock
from shelter_app.ui.forms.fields import DateField
from shelter_app.ui.forms.palette import PAGE_PREVIEW_STYLE
from shelter_app.ui.user_settings import KEYS
from shelter_app.ui.widgets.errors import FieldErrors, show_unexpected
from shelter_app.ui.widgets.page import Page
from shelter_app.ui.widgets.worker import Job

PREVIEW_DPI = 72
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}


def page_images(pdf: bytes, dpi: int) -> list[QImage]:
    """The pages of a PDF as images (pdfium renders; Qt only shows)."""
    document = pypdfium2.PdfDocument(pdf)
    images = []
    try:
        for page in document:
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True)  # RGB, the order QImage reads
            data = bytes(bitmap.buffer)
            images.append(QImage(data, bitmap.width, bitmap.height, bitmap.stride, QImage.Format_RGB888).copy())
    finally:
        document.close()
    return images


class ReportsPage(Page):
    key = "reports"
    title = N_("Reports")

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self._day_placed = False
        self.pdf: bytes | None = None
        self.job: Job | None = None
        outer = QVBoxLayout(self)
        outer.addWidget(QLabel(f"<h2>{tr('Reports')}</h2>"))
        splitter = QSplitter()
        self.splitter = splitter
        outer.addWidget(splitter, 1)

        left = QWidget()
        form = QFormLayout(left)
        general = QLabel()
        self.errors = FieldErrors(general)
        form.addRow(general)
        self.kind = QComboBox()
        self.kind.setObjectName("report_kind")
        for key, title, func, _params in reports.REPORTS:
            if access.can(getattr(func, "permission", "reports.aggregate")):  # an observer's: aggregates only
                self.kind.addItem(tr(title), key)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        form.addRow(tr("Report"), self.kind)
        self.site = QComboBox()
        self.site.setObjectName("report_site")
        self.day = DateField()
        self.item = QComboBox()
        self.start, self.end = DateField(), DateField()
        self.prepared_by = QLineEdit(ctx.operator())
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(tr("Problems, needs and notes to print in the report"))
        self.notes.setMaximumHeight(90)
        self.full_nik = QCheckBox(tr("Print full NIK and KK numbers (keep the printout safe)"))
        if not access.can("identity.full"):  # coordinators only: disabled, with the reason
            self.full_nik.setEnabled(False)
            actor = access.current()
            self.full_nik.setToolTip(refusal("identity.full", actor.role if actor else None).text())
        self.language = QComboBox()
        for code in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[code], code)
        self.language.setCurrentIndex(list(LANGUAGES).index(current_language()))
        self.rows = {
            "site": (tr("Site"), self.site),
            "day": (tr("Date"), self.day),
            "item": (tr("Item"), self.item),
            "start": (tr("From"), self.start),
            "end": (tr("To"), self.end),
            "prepared_by": (tr("Prepared by"), self.prepared_by),
            "notes": (tr("Notes"), self.notes),
            "full_nik": ("", self.full_nik),
        }
        self.labels = {}
        for field, (label, widget) in self.rows.items():
            self.labels[field] = QLabel(label)
            form.addRow(self.labels[field], widget)
            form.addRow(self.errors.add(field, widget))
        form.addRow(tr("Language of the report"), self.language)
        buttons = QHBoxLayout()
        self.preview_button = QPushButton(tr("&Preview"))
        self.preview_button.setObjectName("preview")
        self.preview_button.clicked.connect(self.make_preview)
        self.save_button = QPushButton(tr("&Save PDF…"))
        self.save_button.clicked.connect(self.save_pdf)
        self.print_button = QPushButton(tr("P&rint…"))
        self.print_button.clicked.connect(self.print_pdf)
        self.queue_button = QPushButton(tr("Send &later…"))
        self.queue_button.setObjectName("queue_report")
        self.queue_button.setToolTip(
            tr(
                "Put the report in the outbox: it leaves for the folder or e-mail set up in "
                "Settings as soon as they can be reached."
            )
        )
        self.queue_button.clicked.connect(self.queue_report)
        for button in (self.preview_button, self.save_button, self.print_button, self.queue_button):
            buttons.addWidget(button)
        form.addRow(buttons)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.hide()
        form.addRow(self.busy)
        self.status = QLabel()
        self.status.setWordWrap(True)
        form.addRow(self.status)
        splitter.addWidget(left)

        self.pages_box = QWidget()
        self.pages_layout = QVBoxLayout(self.pages_box)
        self.pages_layout.setAlignment(Qt.AlignHCenter | Qt.AlignTop)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.pages_box)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(1, 1)
        state = ctx.settings.value(KEYS.REPORTS_SPLITTER)
        if state is not None:
            splitter.restoreState(state)
        self._kind_changed()
        self._set_ready(False)

    # --- form ----------------------------------------------------------------------------

    def refresh(self) -> None:
        chosen = self.site.currentData()
        self.site.clear()
        for site in sites.sites():
            self.site.addItem(site.name, site.id.hex)  # plain text: combo data compares reliably
        if chosen is not None and self.site.findData(chosen) >= 0:
            self.site.setCurrentIndex(self.site.findData(chosen))
        self.item.clear()
        for item in stock.items():
            self.item.addItem(f"{item.name} ({item.unit})", item.id.hex)
        events = sites.events()
        if events:
            self.start.set_date(events[0].started_on)
        if not self._day_placed:  # like the dashboard: the operation's last day with movements
            latest = overview.latest_movement_day()
            if latest is not None:
                self._day_placed = True
                self.day.set_date(min(latest, self.day.maximumDate().toPython()))
        if not self.prepared_by.text().strip():  # "Disusun oleh": the operator, once named
            self.prepared_by.setText(self.ctx.operator() or records.operator())

    def open_item(self, argument) -> None:
        """Open on a site (from another page): the daily report of that site."""
        index = self.site.findData(getattr(argument, "hex", argument))
        if index >= 0:
            self.site.setCurrentIndex(index)

    def _kind_changed(self) -> None:
        wanted = set(self._spec()[3])
        for field, (_label, widget) in self.rows.items():
            visible = field in wanted
            widget.setVisible(visible)
            self.labels[field].setVisible(visible)
        self._set_ready(False)

    def _spec(self):
        key = self.kind.currentData()
        return next(spec for spec in reports.REPORTS if spec[0] == key)

    def _arguments(self) -> dict:
        names = self._spec()[3]
        values = {
            "site": self.site.currentData(),
            "day": self.day.date_value(),
            "item": self.item.currentData(),
            "start": self.start.date_value(),
            "end": self.end.date_value(),
            "prepared_by": self.prepared_by.text(),
            "notes": self.notes.toPlainText(),
            # Who answers for the daily report: the operator's profile (Settings).
            "position": str(self.ctx.settings.value("profile/position") or ""),
            "agency": str(self.ctx.settings.value("profile/agency") or ""),
            "phone": str(self.ctx.settings.value("profile/phone") or ""),
            "full_nik": self.full_nik.isChecked(),
        }
        arguments = {name: values[name] for name in names}
        for name in ("site", "item"):
            if name in arguments and arguments[name] is None:
                raise RuleViolation(name, _("Choose a site first.") if name == "site" else _("Choose an item first."))
        return arguments

    # --- making the PDF ------------------------------------------------------------------

    def make_preview(self) -> Job | None:
        """Build the chosen report in a worker; the pages appear when it is done."""
        self.errors.clear()
        try:
            arguments = self._arguments()
        except RuleViolation as error:
            self.errors.show(error)
            return None
        func = self._spec()[2]
        lang = self.language.currentData()
        self._set_ready(False)
        self.busy.show()
        self.status.setText(tr("Making the report…"))
        job = Job(lambda _progress, _cancelled: func(lang=lang, **arguments))
        job.finished.connect(self._made)
        job.failed.connect(self._failed)
        self.job = job
        job.start()
        return job

    def _made(self, rendered) -> None:
        self.busy.hide()
        self.pdf = rendered.pdf
        while self.pages_layout.count():
            widget = self.pages_layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        for image in page_images(self.pdf, PREVIEW_DPI):
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            label.setStyleSheet(PAGE_PREVIEW_STYLE)
            self.pages_layout.addWidget(label)
        self.status.setText(
            ntr("{n} page. Save the PDF or print it.", "{n} pages. Save the PDF or print it.", rendered.pages)
        )
        self._set_ready(True)

    def _failed(self, error) -> None:
        self.busy.hide()
        self.status.clear()
        if isinstance(error, RuleViolation):
            self.errors.show(error)
        else:
            show_unexpected(self, "making a report")

    def _set_ready(self, ready: bool) -> None:
        if not ready:
            self.pdf = None
        self.save_button.setEnabled(ready)
        self.print_button.setEnabled(ready)
        self.queue_button.setEnabled(ready)

    def default_file_name(self) -> str:
        site = self.site.currentText() if "site" in self._spec()[3] else ""
        parts = [self._spec()[0], site, self.day.date_value().isoformat()]
        # A site named "SD Negeri 1/2 Cugenang" must not become a folder: no separators or
        # characters a file system refuses.
        return "-".join(re.sub(r'[\\/:*?"<>|\x00-\x1f\s]+', "_", part) for part in parts if part) + ".pdf"

    def save_pdf(self) -> None:
        if self.pdf is None:
            return
        folder = str(self.ctx.settings.value(KEYS.REPORTS_FOLDER) or str(Path.home()))
        path, _filter = QFileDialog.getSaveFileName(
            self, tr("Save the report"), str(Path(folder) / self.default_file_name()), tr("PDF files (*.pdf)")
        )
        if path:
            self.write_pdf(path)

    def write_pdf(self, path: str) -> None:
        try:
            target = write_atomically(path, self.pdf)  # never a half-written report under the real name
        except OSError as error:
            self.status.setText(
                tr(
                    "Cannot write {path}: {reason}. Choose another file or folder.",
                    path=path,
                    reason=error.strerror or str(error),
                )
            )
            return
        self.ctx.settings.set_value(KEYS.REPORTS_FOLDER, str(target.parent))
        self.status.setText(tr("Saved to {path}.", path=str(target)))

    def queue_report(self) -> None:
        if self.pdf is None:
            return
        title = " - ".join(
            part
            for part in (
                self.kind.currentText(),
                self.site.currentText() if "site" in self._spec()[3] else "",
                self.day.date_value().isoformat(),
            )
            if part
        )
        queue.add(self.pdf, title, self._spec()[0])
        window = self.window()
        if not queue.destinations():  # nowhere to send it yet: say so, and show where to set it
            self.status.setText(
                tr(
                    "In the outbox, but no destination is set: choose a folder (a USB stick) or the hub "
                    "under Where reports are sent in Settings, and it leaves by itself."
                )
            )
            if hasattr(window, "go_to"):
                window.go_to("settings", "sending")
            return
        self.status.setText(tr("In the outbox: it is sent as soon as a destination can be reached."))
        if hasattr(window, "send_outbox"):
            window.send_outbox(force=True)

    def print_pdf(self) -> None:
        if self.pdf is None:
            return
        printer = QPrinter(QPrinter.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QPrintDialog.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Each PDF page drawn at the printer's resolution, fitted to the printable area."""
        painter = QPainter(printer)
        try:
            images = page_images(self.pdf, min(printer.resolution(), 300))
            for number, image in enumerate(images):
                if number:
                    printer.newPage()
                area = painter.viewport()
                size = image.size().scaled(area.size(), Qt.KeepAspectRatio)
                painter.setViewport(area.x(), area.y(), size.width(), size.height())
                painter.setWindow(image.rect())
                painter.drawImage(0, 0, image)
                painter.setViewport(area)
        finally:
            painter.end()
        self.status.setText(tr("Sent to the printer."))

    def save_state(self) -> None:
        self.ctx.settings.set_value(KEYS.REPORTS_SPLITTER, self.splitter.saveState())
