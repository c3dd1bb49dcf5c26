"""The roster import wizard: choose the file, map its columns, preview the first rows with their
problems highlighted, then import with a progress bar that can be stopped.

The import itself is ``exchange.roster_import.import_table``, run in a worker thread: a stopped
or failed import leaves nothing behind (one transaction). Tests drive the pages through
``wizard.next()`` and the public widgets; they never call ``exec()``.

Entry point: ``ImportWizard(ctx, parent).open()`` (or ``open_import_wizard(ctx, parent)``).
"""

from __future__ import annotations

import datetime
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from shelter_app.domain.errors import RuleViolation
from shelter_app.exchange import roster_import
from shelter_app.exchange.tables import Table, cell_text, read_table
from shelter_app.i18n import current_language, ntr, tr
from shelter_app.services import sites
from shelter_app.ui import fit
from shelter_app.ui.forms.fields import DateField
from shelter_app.ui.forms.palette import ERROR, ERROR_STYLE, PROBLEM_FILL, brush
from shelter_app.ui.widgets.worker import Job

PREVIEW_ROWS = 200
PROBLEMS, FIRST_CELL = 1, 2  # columns of the preview: row number, problems, then the file's cells
MAX_COLUMN_WIDTH = 320
IGNORE = ""


def _error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def _show_error(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.owner = wizard
        self.setTitle(tr("Choose the file"))
        self.setSubTitle(
            tr(
                "A CSV or Excel (.xlsx) file with one row per person, as typed by a village head or "
                "exported from KoboToolbox."
            )
        )
        form = QFormLayout(self)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setPlaceholderText(tr("e.g. daftar_pengungsi.xlsx"))
        browse = QPushButton(tr("&Browse..."))
        browse.clicked.connect(self.browse)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        label = QLabel(tr("&File:"))
        label.setBuddy(self.path)
        form.addRow(label, row)
        self.site = QComboBox()
        form.addRow(tr("&Site for rows without one:"), self.site)
        self.date = DateField()
        form.addRow(tr("&Arrival date for rows without one:"), self.date)
        self.error = _error_label()
        form.addRow(self.error)
        self.registerField("path*", self.path)

    def initializePage(self) -> None:
        self.site.clear()
        self.site.addItem(tr("(the site column of the file)"), None)
        for site in sites.sites(include_closed=False):
            self.site.addItem(site.name, site.id.hex)

    def browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, tr("Choose the roster file"), str(Path.home()), tr("Spreadsheets (*.csv *.xlsx);;All files (*)")
        )
        if path:
            self.path.setText(path)

    def validatePage(self) -> bool:
        _show_error(self.error, "")
        try:
            self.owner.table = read_table(self.path.text().strip())
        except RuleViolation as error:
            _show_error(self.error, error.text())
            return False
        self.owner.site = self.site.currentData()
        self.owner.arrival_date = self.date.date_value()
        return True


class MappingPage(QWizardPage):
    """One line per column of the file: its header, a few values, and the field it holds."""

    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.owner = wizard
        self.setTitle(tr("Match the columns"))
        self.setSubTitle(tr('Say what each column of the file holds. Columns set to "do not import" are left out.'))
        layout = QVBoxLayout(self)
        self.grid = QTableWidget(0, 3)
        self.grid.setHorizontalHeaderLabels([tr("Column in the file"), tr("First values"), tr("Holds")])
        self.grid.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeToContents)
        self.grid.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.grid.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeToContents)
        self.grid.verticalHeader().hide()
        layout.addWidget(self.grid, 1)
        self.remember = QCheckBox(tr("&Remember these choices for the next import"))
        self.remember.setChecked(True)
        layout.addWidget(self.remember)
        self.error = _error_label()
        layout.addWidget(self.error)
        self.boxes: list[QComboBox] = []

    def initializePage(self) -> None:
        table: Table = self.owner.table
        try:
            guessed = roster_import.map_columns(table.headers)
        except RuleViolation:
            guessed = {
                i: f
                for i, h in enumerate(table.headers)
                if (
                    f := roster_import.saved_mapping().get(roster_import.normalize_header(h)) or roster_import._guess(h)
                )
            }
        self.grid.setRowCount(len(table.headers))
        self.boxes = []
        for index, header in enumerate(table.headers):
            samples = [cell_text(cells[index]) for _n, cells in table.rows[:8] if cell_text(cells[index])][:3]
            self.grid.setItem(index, 0, QTableWidgetItem(header))
            self.grid.setItem(index, 1, QTableWidgetItem(" | ".join(samples)))
            for column in (0, 1):
                self.grid.item(index, column).setFlags(Qt.ItemIsEnabled)
            box = QComboBox()
            box.addItem(tr("(do not import)"), IGNORE)
            for name in roster_import.FIELDS:
                box.addItem(roster_import.field_label(name), name)
            box.setCurrentIndex(max(box.findData(guessed.get(index, IGNORE)), 0))
            box.currentIndexChanged.connect(lambda _index: _show_error(self.error, ""))
            self.grid.setCellWidget(index, 2, box)
            self.boxes.append(box)
        _show_error(self.error, "")

    def mapping(self) -> dict[str, str]:
        return {header: box.currentData() for header, box in zip(self.owner.table.headers, self.boxes)}

    def choose(self, header: str, field: str) -> None:
        """Set what one column holds (the user picks it in the list)."""
        box = self.boxes[self.owner.table.headers.index(header)]
        box.setCurrentIndex(box.findData(field))

    def validatePage(self) -> bool:
        mapping = self.mapping()
        try:
            roster_import.map_columns(self.owner.table.headers, mapping, use_saved=False)
        except RuleViolation as error:
            _show_error(self.error, error.text())
            return False
        if self.remember.isChecked():
            own = {h: f for h, f in mapping.items() if roster_import._guess(h) != (f or None)}
            if own:
                roster_import.save_mapping(own)
        self.owner.mapping = mapping
        return True


class PreviewModel(QAbstractTableModel):
    """The first rows of the file as they will be read, problem cells highlighted."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.headers: list[str] = []
        self.rows: list[tuple[int, list[str]]] = []
        self.problems: dict[tuple[int, int], str] = {}
        self.row_problems: dict[int, str] = {}

    def load(self, result: roster_import.ImportResult) -> None:
        self.beginResetModel()
        table = result.table
        shown = sorted(result.columns)
        self.headers = [tr("Row"), tr("Problems"), *[table.headers[i] for i in shown]]
        column_of = {table.headers[i]: position + FIRST_CELL for position, i in enumerate(shown)}
        self.rows = [(number, [cell_text(cells[i]) for i in shown]) for number, cells in table.rows[:PREVIEW_ROWS]]
        index_of = {number: position for position, (number, _cells) in enumerate(self.rows)}
        self.problems, self.row_problems = {}, {}
        for problem in result.problems:
            position = index_of.get(problem.row)
            if position is None:
                continue
            text = problem.message.text()
            column = column_of.get(problem.column, PROBLEMS)
            key = (position, column)
            self.problems[key] = f"{self.problems[key]}\n{text}" if key in self.problems else text
            self.row_problems[position] = (
                f"{self.row_problems[position]} | " if position in self.row_problems else ""
            ) + f"{problem.column}: {text}"
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        number, cells = self.rows[index.row()]
        column = index.column()
        if role == Qt.DisplayRole:
            if column == 0:
                return str(number)
            if column == PROBLEMS:
                return self.row_problems.get(index.row(), "")
            return cells[column - FIRST_CELL]
        if role == Qt.BackgroundRole:
            if (index.row(), column) in self.problems or (column == PROBLEMS and index.row() in self.row_problems):
                return brush(PROBLEM_FILL)
        if role == Qt.ToolTipRole:
            return self.problems.get((index.row(), column)) or (
                self.row_problems.get(index.row()) if column in (0, PROBLEMS) else None
            )
        if role == Qt.ForegroundRole and column == PROBLEMS:
            return brush(ERROR)
        return None

    def headerData(self, section: int, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal and 0 <= section < len(self.headers):
            return self.headers[section]
        return None


class PreviewPage(QWizardPage):
    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.owner = wizard
        self.setTitle(tr("Check the first rows"))
        self.setSubTitle(
            tr(
                "Cells with a problem are red; point at one to read what is wrong. The whole file is "
                "checked again when it is imported."
            )
        )
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.model = PreviewModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.selectionModel().currentRowChanged.connect(self.row_chosen)
        layout.addWidget(self.view, 1)
        self.detail = QLabel()  # the problems of the chosen row, in full
        self.detail.setWordWrap(True)
        self.detail.setStyleSheet(ERROR_STYLE)
        layout.addWidget(self.detail)
        self.valid_only = QCheckBox(tr("Import the &good rows and leave out the rows with problems"))
        layout.addWidget(self.valid_only)
        self.error = _error_label()
        layout.addWidget(self.error)

    def initializePage(self) -> None:
        _show_error(self.error, "")
        try:
            result = roster_import.preview(
                self.owner.table,
                self.owner.mapping,
                self.owner.site_or_none(),
                self.owner.arrival_date,
                limit=PREVIEW_ROWS,
            )
        except RuleViolation as error:
            _show_error(self.error, error.text())
            return
        self.model.load(result)
        self.view.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            self.view.setColumnWidth(column, min(self.view.columnWidth(column), MAX_COLUMN_WIDTH))
        s = result.summary
        self.summary.setText(
            tr(
                "{rows} in the file. Of the first {checked}: {good} ready ({new}, {matched} already "
                "on the roster), {bad} with problems.",
                rows=ntr("{n} row", "{n} rows", len(self.owner.table.rows)),
                checked=s.rows,
                good=s.rows_accepted,
                new=ntr("{n} new person", "{n} new persons", s.persons_created),
                matched=s.persons_matched,
                bad=s.rows_rejected,
            )
        )
        self.valid_only.setChecked(False)
        first_bad = min(self.model.row_problems, default=None)
        if first_bad is not None:
            self.view.setCurrentIndex(self.model.index(first_bad, PROBLEMS))
        else:
            self.detail.clear()

    def row_chosen(self, current: QModelIndex, _previous=None) -> None:
        text = self.model.row_problems.get(current.row(), "") if current.isValid() else ""
        self.detail.setText(text.replace(" | ", "\n"))

    def validatePage(self) -> bool:
        self.owner.valid_only = self.valid_only.isChecked()
        return True


class RunPage(QWizardPage):
    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.owner = wizard
        self.setTitle(tr("Import"))
        layout = QVBoxLayout(self)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.bar = QProgressBar()
        layout.addWidget(self.bar)
        buttons = QHBoxLayout()
        self.stop = QPushButton(tr("S&top the import"))
        self.stop.clicked.connect(self.stop_clicked)
        self.save_errors = QPushButton(tr("&Save the rejected rows..."))
        self.save_errors.clicked.connect(self.save_errors_clicked)
        self.save_errors.hide()
        buttons.addWidget(self.stop)
        buttons.addWidget(self.save_errors)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.report = QLabel()
        self.report.setWordWrap(True)
        self.report.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.report.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        layout.addWidget(self.report, 1)
        self.job: Job | None = None
        self.result: roster_import.ImportResult | None = None
        self.done = False

    def initializePage(self) -> None:
        self.done, self.result = False, None
        self.bar.setValue(0)
        self.report.clear()
        self.save_errors.hide()
        self.stop.setEnabled(True)
        self.status.setText(ntr("Importing {n} row...", "Importing {n} rows...", len(self.owner.table.rows)))
        owner = self.owner
        self.job = Job(
            lambda progress, cancelled: roster_import.import_table(
                owner.table,
                mapping=owner.mapping,
                site=owner.site_or_none(),
                arrival_date=owner.arrival_date,
                valid_only=owner.valid_only,
                progress=progress,
                cancelled=cancelled,
            )
        )
        self.job.progressed.connect(self.progressed)
        self.job.finished.connect(self.finished)
        self.job.failed.connect(self.failed)
        self.job.start()

    def progressed(self, done: int, total: int) -> None:
        self.bar.setMaximum(max(total, 1))
        self.bar.setValue(done)

    def stop_clicked(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.stop.setEnabled(False)
            self.status.setText(tr("Stopping..."))

    def finished(self, result: roster_import.ImportResult) -> None:
        self.result = result
        s = result.summary
        self.bar.setValue(self.bar.maximum())
        if result.imported:
            self.status.setText(tr("Imported."))
            self.owner.ctx.data_changed.emit()
        elif result.problems:
            self.status.setText(
                ntr(
                    "Nothing was imported: {n} row has problems. Correct it in the file, or go "
                    'back and tick "Import the good rows".',
                    "Nothing was imported: {n} rows have problems. Correct them in the file, or go "
                    'back and tick "Import the good rows".',
                    s.rows_rejected,
                )
            )
        else:
            self.status.setText(tr("Nothing new to import: everyone in the file is already on the roster."))
        lines = [
            tr(
                "Rows: {rows}, accepted: {accepted}, rejected: {rejected}.",
                rows=s.rows,
                accepted=s.rows_accepted,
                rejected=s.rows_rejected,
            ),
            tr(
                "Persons: {created} created, {matched} already on the roster (matched).",
                created=s.persons_created,
                matched=s.persons_matched,
            ),
            tr(
                "Households: {created} created, {matched} already on the roster (matched).",
                created=s.households_created,
                matched=s.households_matched,
            ),
            tr("Check-ins: {n}.", n=s.stays_created),
        ]
        lines += [p.text() for p in result.problems[:20]]
        self.report.setText("\n".join(lines))
        self.save_errors.setVisible(bool(result.problems))
        self._end()

    def failed(self, error) -> None:
        self.result = None
        if isinstance(error, roster_import.ImportCancelled):
            self.status.setText(tr("Import stopped: nothing was imported."))
        elif isinstance(error, RuleViolation):
            self.status.setText(error.text())
        else:
            self.status.setText(
                tr("The import failed; nothing was imported. The details were written to the log file.")
            )
        self._end()

    def _end(self) -> None:
        self.done = True
        self.stop.setEnabled(False)
        if self.job is not None:
            self.job.wait(5000)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.done

    def save_errors_clicked(self, path: str | None = None) -> str | None:
        if self.result is None:
            return None
        if not path:
            suggested = roster_import.errors_file_for(self.owner.field("path"))
            path, _filter = QFileDialog.getSaveFileName(
                self, tr("Save the rejected rows"), str(suggested), tr("Spreadsheets (*.csv *.xlsx)")
            )
        if not path:
            return None
        try:
            written = roster_import.write_errors(self.result, path, current_language())
        except RuleViolation as error:
            self.report.setText(error.text())
            return None
        self.status.setText(tr("The rejected rows and their problems were written to {path}.", path=str(written)))
        return str(written)


class ImportWizard(QWizard):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.table: Table | None = None
        self.mapping: dict[str, str] = {}
        self.site: str | None = None
        self.arrival_date: datetime.date | None = None
        self.valid_only = False
        self.setWindowTitle(tr("Import a roster"))
        self.setWizardStyle(QWizard.ClassicStyle)
        self.setOption(QWizard.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.NoCancelButtonOnLastPage, True)
        for button, text in (
            (QWizard.NextButton, tr("&Next >")),
            (QWizard.BackButton, tr("< &Back")),
            (QWizard.CancelButton, tr("Cancel")),
            (QWizard.FinishButton, tr("&Close")),
        ):
            self.setButtonText(button, text)
        self.file_page, self.mapping_page = FilePage(self), MappingPage(self)
        self.preview_page, self.run_page = PreviewPage(self), RunPage(self)
        for page in (self.file_page, self.mapping_page, self.preview_page, self.run_page):
            self.addPage(page)
        fit.fit(self, 960, 640, "import_wizard")

    def site_or_none(self):
        return self.site or None

    def done(self, result: int) -> None:
        """Closing the window while importing stops the import (nothing is kept) and waits for it."""
        job = self.run_page.job
        if job is not None and not self.run_page.done:
            job.cancel()
            job.wait(60000)
        super().done(result)


def open_import_wizard(ctx, parent=None) -> ImportWizard:
    wizard = ImportWizard(ctx, parent)
    wizard.open()
    return wizard
