"""Exporting from the window: the roster (CSV, Excel, HXL) or the sites with their figures
(CSV, Excel, HXL, GeoJSON) of a day, to a file the user chooses.

The export runs in a worker thread (a 100,000-person roster takes a few seconds). Tests call
``export_clicked()`` and wait for ``job.finished``.

Entry point: ``ExportDialog(ctx, parent).open()``; ``ExportDialog(ctx, parent, what="sites")``
opens it on the sites.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from shelter_app.domain.errors import RuleViolation
from shelter_app.exchange import roster_export, sites_export
from shelter_app.i18n import current_language, ntr, tr
from shelter_app.services import sites
from shelter_app.ui.forms.fields import DateField
from shelter_app.ui.forms.palette import ERROR_STYLE
from shelter_app.ui.widgets.worker import Job

FORMAT_LABELS = {
    "csv": "CSV (Excel, LibreOffice)",
    "xlsx": "Excel (.xlsx)",
    "hxl": "HXL (HDX, OCHA)",
    "geojson": "GeoJSON (QGIS, InaSAFE)",
}
EXTENSIONS = {"csv": ".csv", "xlsx": ".xlsx", "hxl": ".hxl.csv", "geojson": ".geojson"}


class ExportDialog(QDialog):
    def __init__(self, ctx, parent=None, what: str = "roster"):
        super().__init__(parent)
        self.ctx = ctx
        self.job: Job | None = None
        self.written: Path | None = None
        self.setWindowTitle(tr("Export"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        choice = QHBoxLayout()
        self.roster_choice = QRadioButton(tr("&Evacuees (roster)"))
        self.sites_choice = QRadioButton(tr("S&ites with their figures"))
        group = QButtonGroup(self)
        for button in (self.roster_choice, self.sites_choice):
            group.addButton(button)
            choice.addWidget(button)
        choice.addStretch(1)
        form.addRow(tr("What:"), choice)
        self.format = QComboBox()
        form.addRow(tr("&Format:"), self.format)
        self.site = QComboBox()
        self.site_label = QLabel(tr("S&ite:"))
        self.site_label.setBuddy(self.site)
        form.addRow(self.site_label, self.site)
        self.date = DateField()
        form.addRow(tr("&Day:"), self.date)
        self.full_nik = QCheckBox(tr("Write the &full NIK and KK numbers (keep the file safe)"))
        form.addRow("", self.full_nik)
        row = QHBoxLayout()
        self.path = QLineEdit()
        browse = QPushButton(tr("&Browse..."))
        browse.clicked.connect(self.browse)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        label = QLabel(tr("&Save as:"))
        label.setBuddy(self.path)
        form.addRow(label, row)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Close)
        self.export_button = self.buttons.button(QDialogButtonBox.Ok)
        self.export_button.setText(tr("E&xport"))
        self.export_button.setDefault(True)
        self.buttons.button(QDialogButtonBox.Close).setText(tr("Close"))
        self.buttons.accepted.connect(self.export_clicked)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.site.addItem(tr("All sites"), None)
        for site in sites.sites():
            self.site.addItem(site.name, site.id.hex)
        self.roster_choice.toggled.connect(self.kind_changed)
        (self.sites_choice if what == "sites" else self.roster_choice).setChecked(True)
        self.kind_changed()

    def what(self) -> str:
        return "sites" if self.sites_choice.isChecked() else "roster"

    def kind_changed(self, *_args) -> None:
        roster = self.what() == "roster"
        formats = roster_export.FORMATS if roster else sites_export.FORMATS
        current = self.format.currentData()
        self.format.clear()
        for code in formats:
            self.format.addItem(FORMAT_LABELS[code], code)  # names of formats: the same in every language
        self.format.setCurrentIndex(max(self.format.findData(current), 0))
        for widget in (self.site, self.site_label, self.full_nik):
            widget.setVisible(roster)
        self._show("")

    def _suggested_name(self) -> str:
        stem = "pengungsi" if self.what() == "roster" else "lokasi"
        if current_language() != "id":
            stem = "evacuees" if self.what() == "roster" else "sites"
        return f"{stem}-{self.date.date_value().isoformat()}{EXTENSIONS[self.format.currentData()]}"

    def browse(self) -> None:
        start = str(Path(self.path.text()).parent if self.path.text() else Path.home())
        path, _filter = QFileDialog.getSaveFileName(self, tr("Export"), str(Path(start) / self._suggested_name()))
        if path:
            self.path.setText(path)

    def _show(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)

    def export_clicked(self) -> None:
        path = self.path.text().strip()
        if not path:
            self._show(tr("Choose where to save the file."), error=True)
            self.path.setFocus()
            return
        fmt, day, what = self.format.currentData(), self.date.date_value(), self.what()
        site_id, full_nik = self.site.currentData(), self.full_nik.isChecked()

        def run(progress, cancelled):
            if what == "sites":
                return sites_export.export_sites(path, fmt, day)
            site = sites.find_site(site_id) if site_id else None
            return roster_export.export_roster(path, fmt, day, site, full_nik)

        self.export_button.setEnabled(False)
        self._show(tr("Exporting..."))
        self.job = Job(run)
        self.job.finished.connect(self.export_finished)
        self.job.failed.connect(self.export_failed)
        self.job.start()

    def export_finished(self, done) -> None:
        self.export_button.setEnabled(True)
        self.written = done.path
        if isinstance(done, roster_export.Exported):
            self._show(
                tr(
                    "{persons} in {households} written to {path}.",
                    persons=ntr("{n} person", "{n} persons", done.rows),
                    households=ntr("{n} household", "{n} households", done.households),
                    path=str(done.path),
                )
            )
        else:
            self._show(
                ntr("{n} site written to {path}.", "{n} sites written to {path}.", done.sites, path=str(done.path))
            )
        self.job.wait(5000)

    def export_failed(self, error) -> None:
        self.export_button.setEnabled(True)
        if isinstance(error, RuleViolation):
            self._show(error.text(), error=True)
        else:
            self._show(tr("The export failed; the details were written to the log file."), error=True)
        self.job.wait(5000)

    def done(self, result: int) -> None:
        if self.job is not None:
            self.job.wait(60000)  # an export still writing finishes its file first
        super().done(result)
