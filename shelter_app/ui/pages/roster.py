"""The roster: every person, searched as you type (name, NIK, KK) and filtered by site, presence,
vulnerable group, age band and sex; registering households and moving people from here.

The table never holds the whole roster: rows come a page at a time from
``services.roster_query`` as the view scrolls, and the count runs in a worker.
"""

from __future__ import annotations

import logging
from html import escape

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
)

from shelter_app.domain import choices
from shelter_app.domain.standards import AGE_BAND_LABELS
from shelter_app.i18n import N_, ntr, tr, translate
from shelter_app.services import roster_query, settings, sites
from shelter_app.services.roster_query import STATUSES, VULNERABLE_GROUPS, RosterFilter
from shelter_app.ui.dialogs.roster.household_form import HouseholdForm, PersonDialog
from shelter_app.ui.dialogs.roster.household_view import HouseholdView
from shelter_app.ui.dialogs.roster.stay_dialogs import DIALOGS
from shelter_app.ui.forms.formatting import (
    fmt_date,
    masked,
    number,
    presence_text,
    relationship_word,
    sex_letter,
    sex_word,
    vulnerable_words,
)
from shelter_app.ui.forms.palette import HINT, HINT_STYLE
from shelter_app.ui.user_settings import KEYS
from shelter_app.ui.widgets.errors import show_unexpected
from shelter_app.ui.widgets.lazy_model import RIGHT, ROW_ROLE, Column, LazyTableModel
from shelter_app.ui.widgets.page import Page
from shelter_app.ui.widgets.tables import table_view
from shelter_app.ui.widgets.worker import Job

log = logging.getLogger(__name__)
SEARCH_DELAY_MS = 0  # next turn of the event loop: keystrokes already queued are searched once
COUNT_DELAY_MS = 300  # the count waits for a pause in the typing
_running_jobs: list = []  # kept until their thread has ended, whatever happens to the page


class RosterModel(LazyTableModel):
    """Roster rows; the status column is written from the whole row (status, site, date)."""

    def data(self, index, role=Qt.DisplayRole):
        if (
            role in (Qt.DisplayRole, Qt.ToolTipRole)
            and index.isValid()
            and self.columns[index.column()].key == "status"
        ):
            row = self.row_at(index.row())
            return presence_text(row) if row is not None else None
        return super().data(index, role)


class RosterPage(Page):
    key = "roster"
    title = "Roster"

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.filter = RosterFilter()
        self._active = False  # no queries before the page is first shown
        self.count_job: Job | None = None
        self._count_wanted: RosterFilter | None = None
        self._dialog = None
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        heading = tr("Roster")
        top.addWidget(QLabel(f"<h2>{heading}</h2>"))
        self.search = QLineEdit(objectName="search")
        self.search.setPlaceholderText(tr("Search: the start of a name, or NIK / KK digits; or scan a household card"))
        self.search.setClearButtonEnabled(True)
        search_label = QLabel(tr("&Find"))
        search_label.setBuddy(self.search)
        top.addSpacing(12)
        top.addWidget(search_label)
        top.addWidget(self.search, 1)
        self.count_label = QLabel(objectName="count")
        self.count_label.setMinimumWidth(130)
        self.count_label.setAlignment(RIGHT)
        top.addWidget(self.count_label)
        layout.addLayout(top)

        filters = QHBoxLayout()
        self.site = self._combo(filters, "site", N_("&Site"))
        self.status = self._combo(filters, "status", N_("St&atus"))
        for code, label in STATUSES.items():
            self.status.addItem(translate(label), code)
        self.vulnerable = self._combo(filters, "vulnerable", N_("&Vulnerable"))
        self.vulnerable.addItem(tr("Any"), "")
        for code, label in VULNERABLE_GROUPS.items():
            self.vulnerable.addItem(translate(label), code)
        self.age_band = self._combo(filters, "age_band", N_("A&ge"))
        self.sex = self._combo(filters, "sex", N_("Se&x"))
        self.sex.addItem(tr("Both"), "")
        for code in choices.SEXES:
            self.sex.addItem(sex_word(code), code)
        filters.addStretch(1)
        layout.addLayout(filters)

        self.model = RosterModel(
            [
                Column("name", N_("Name")),
                Column("sex", N_("M/F"), sex_letter, sortable=False, align=Qt.AlignCenter),
                Column("age", N_("Age"), align=RIGHT),
                Column("relationship", N_("Relationship"), relationship_word, sortable=False),
                Column("nik", N_("NIK"), lambda nik: masked(nik, self.full_nik.isChecked())),
                Column("site_name", N_("Site")),
                Column("status", N_("Status"), sortable=False),
                Column("vulnerable", N_("Vulnerable"), vulnerable_words, sortable=False),
            ],
            self._fetch,
        )
        self.table = table_view(self.model, "roster_table", sortable=False)
        header = self.table.horizontalHeader()
        for column, width in enumerate((190, 36, 42, 120, 78, 160, 195, 150)):
            self.table.setColumnWidth(column, width)
        header.setSortIndicator(0, Qt.AscendingOrder)  # Qt starts descending: A-Z is expected
        state = ctx.settings.value(KEYS.ROSTER_HEADER)
        if state is not None:
            header.restoreState(state)
        self._sort_indicator = (header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._sort_changed)
        self.table.activated.connect(lambda _index: self.open_household())
        self.table.selectionModel().currentRowChanged.connect(lambda _new, _old: self._selection_changed())

        self.details = QLabel(objectName="details")
        self.details.setTextFormat(Qt.RichText)
        self.details.setWordWrap(True)
        self.details.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.details.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.details.setMargin(8)
        self.details.setMinimumWidth(200)
        self.splitter = QSplitter(Qt.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([850, 230])
        splitter_state = ctx.settings.value(KEYS.ROSTER_SPLITTER)
        if splitter_state is not None:
            self.splitter.restoreState(splitter_state)
        layout.addWidget(self.splitter, 1)

        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, label, action in (
            ("register", N_("&Register household"), self.register_household),
            ("open", N_("&Open household"), self.open_household),
            ("check_in", N_("Check &in"), lambda: self.move("check_in")),
            ("transfer", N_("&Transfer"), lambda: self.move("transfer")),
            ("check_out", N_("Check o&ut"), lambda: self.move("check_out")),
            ("correct", N_("&Correct person"), self.correct_person),
        ):
            button = QPushButton(translate(label), objectName=key)
            button.clicked.connect(action)
            buttons.addWidget(button)
            self.buttons[key] = button
        self.buttons["register"].setToolTip(tr("Ctrl+N"))
        buttons.addStretch(1)
        self.full_nik = QCheckBox(tr("Show full &NIK and KK"), objectName="show_full_nik")
        self.full_nik.toggled.connect(lambda _on: (self.table.viewport().update(), self._selection_changed()))
        buttons.addWidget(self.full_nik)
        layout.addLayout(buttons)
        hint = QLabel(
            tr(
                "Double-click or Enter opens the household. Check-in, transfer and check-out can move "
                "the whole household at once."
            )
        )
        hint.setStyleSheet(HINT_STYLE)
        layout.addWidget(hint)

        self._count_timer = QTimer(self, singleShot=True, interval=COUNT_DELAY_MS)
        self._count_timer.timeout.connect(self._count_when_idle)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search.textEdited.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self.enter_pressed)
        for combo in (self.site, self.status, self.vulnerable, self.age_band, self.sex):
            combo.activated.connect(lambda _index: self.apply_filter())
        for keys, action in (("Ctrl+N", self.register_household), ("Ctrl+F", self._focus_search)):
            QShortcut(QKeySequence(keys), self, activated=action, context=Qt.WidgetWithChildrenShortcut)
        self._update_buttons()

    def _combo(self, row: QHBoxLayout, name: str, label: str) -> QComboBox:
        combo = QComboBox(objectName=name)
        # Narrow in the row; the list that drops down is as wide as its longest item.
        combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(16 if name == "site" else 9)
        caption = QLabel(translate(label))
        caption.setBuddy(combo)
        row.addWidget(caption)
        row.addWidget(combo)
        row.addSpacing(8)
        return combo

    # --- loading -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the choices (sites, age bands) keeping what was chosen, then the rows."""
        chosen_site, chosen_band = self.site.currentData(), self.age_band.currentData()
        self.site.clear()
        self.site.addItem(tr("All sites"), None)
        for site in sites.sites():
            self.site.addItem(site.name, site.id)
            if site.id == chosen_site:
                self.site.setCurrentIndex(self.site.count() - 1)
        self.age_band.clear()
        self.age_band.addItem(tr("All ages"), "")
        for band in settings.age_bands():
            label = translate(AGE_BAND_LABELS[band.name]) if band.name in AGE_BAND_LABELS else band.name
            self.age_band.addItem(label, band.name)
            if band.name == chosen_band:
                self.age_band.setCurrentIndex(self.age_band.count() - 1)
        for combo in (self.site, self.status, self.vulnerable, self.age_band, self.sex):
            combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
        self._active = True
        self.apply_filter(force=True)

    def current_filter(self) -> RosterFilter:
        return RosterFilter(
            text=self.search.text().strip(),
            site_id=self.site.currentData(),
            status=self.status.currentData() or "all",
            vulnerable=self.vulnerable.currentData() or "",
            age_band=self.age_band.currentData() or "",
            sex=self.sex.currentData() or "",
        )

    def apply_filter(self, force: bool = False) -> None:
        """Show the rows of the filter typed and chosen (a new query from the first page)."""
        self._search_timer.stop()
        wanted = self.current_filter()
        if not self._active or (wanted == self.filter and not force):
            return
        self.filter = wanted
        try:
            self.model.reload()
        except Exception:
            show_unexpected(self, "listing the roster")
            return
        if self.model.rowCount():
            self.table.selectRow(0)  # which shows its details
        else:
            self._selection_changed()
        self.start_count()

    def _fetch(self, offset: int, limit: int, sort_key: str | None, descending: bool) -> list:
        if not self._active:
            return []
        if offset == 0:  # a new listing: errors reach apply_filter, which says so
            return roster_query.list_persons(self.filter, offset, limit, sort_key, descending)
        try:  # more rows while scrolling: a failure ends the list rather than the window
            return roster_query.list_persons(self.filter, offset, limit, sort_key, descending)
        except Exception:
            log.error("listing more of the roster failed", exc_info=True)
            return []

    def start_count(self) -> None:
        """Count the matches in a worker: on a large roster it can take a moment. One count
        runs at a time; while typing, only the latest filter is counted next, once the typing
        pauses, so the count never competes with the rows being shown."""
        self._count_wanted = self.filter
        self.count_label.setText(tr("counting…"))
        self._count_timer.start()

    def _count_when_idle(self) -> None:
        if self.count_job is None or self.count_job.wait(0):
            self._run_count()

    def _run_count(self) -> None:
        for job in list(_running_jobs):
            if job.wait(0):
                _running_jobs.remove(job)
        wanted = self._count_wanted
        job = Job(lambda _progress, _cancelled: (wanted, roster_query.count_persons(wanted)))
        # Bound methods of the page: Qt delivers the result in the window's thread.
        job.finished.connect(self._counted)
        job.failed.connect(self._count_failed)
        _running_jobs.append(job)
        self.count_job = job
        job.start()

    def _counted(self, result) -> None:
        counted, n = result
        if counted != self._count_wanted:  # the filter changed meanwhile: count that one
            self._run_count()
            return
        self.count_label.setText(ntr("{n} person", "{n} persons", n, n=number(n)))

    def _count_failed(self, _error) -> None:
        self.count_label.setText("")

    def _sort_changed(self, section: int, order) -> None:
        """Only some columns can be sorted over the whole roster; others keep the last order."""
        if 0 <= section < len(self.model.columns) and not self.model.columns[section].sortable:
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(*self._sort_indicator)
            header.blockSignals(False)
            return
        self._sort_indicator = (section, order)

    # --- selection -----------------------------------------------------------------------

    def selected_row(self):
        index = self.table.currentIndex()
        return self.model.data(index, ROW_ROLE) if index.isValid() else None

    def _update_buttons(self) -> None:
        chosen = self.selected_row() is not None
        for key in ("open", "check_in", "transfer", "check_out", "correct"):
            self.buttons[key].setEnabled(chosen)

    def _selection_changed(self) -> None:
        self._update_buttons()
        row = self.selected_row()
        if row is None:
            nobody = tr("Nobody matches the search and filters.")
            self.details.setText(
                f"<span style='color:{HINT}'>{nobody}</span>" if self._active and not self.model.rowCount() else ""
            )
            return
        full = self.full_nik.isChecked()
        lines = [
            ntr(
                "{sex}, {age} year (born {date}{estimated})",
                "{sex}, {age} years (born {date}{estimated})",
                row.age,
                sex=sex_word(row.sex),
                age=row.age,
                date=fmt_date(row.birth_date),
                estimated=tr(", estimated") if row.birth_date_estimated else "",
            ),
            presence_text(row) + (f" — {row.site_name}" if row.site_name else ""),
        ]
        if row.nik:
            lines.append(tr("NIK {nik}", nik=masked(row.nik, full)))
        if row.vulnerable:
            lines.append(vulnerable_words(row.vulnerable))
        try:
            members = roster_query.household_rows(row.household_id)
        except Exception:
            log.error("reading a household for the details failed", exc_info=True)
            members = []
        household = tr("Household, KK {kk}", kk=masked(row.kk, full)) if row.kk else tr("Household")
        member_lines = []
        for member in members:
            mark = "▸ " if member.id == row.id else ""
            where = member.site_name if member.status == "present" else tr("not at a site")
            member_lines.append(
                f"{mark}{member.name} — {relationship_word(member.relationship)}, {member.age} · {where}"
            )
        # Names are text typed by people: escaped, so that "<" cannot break the layout.
        self.details.setText(
            f"<b style='font-size:12pt'>{escape(row.name)}</b><br>"
            + "<br>".join(map(escape, lines))
            + f"<br><br><b>{escape(household)}</b><br>"
            + "<br>".join(map(escape, member_lines))
        )

    # --- actions -------------------------------------------------------------------------

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def enter_pressed(self) -> None:
        """A household card's number (scanned) opens the household; other text searches now."""
        household = roster_query.find_household(self.search.text())
        if household is not None:
            self.search.clear()
            self.apply_filter()
            self.open_household(household.id)
            return
        self.apply_filter()
        if self.model.rowCount():
            self.table.setFocus()
            self.table.selectRow(0)

    def _open(self, dialog):
        dialog.setAttribute(Qt.WA_DeleteOnClose)  # a day of registrations leaves no dialogs behind
        self._dialog = dialog
        dialog.open()
        return dialog

    def register_household(self):
        return self._open(HouseholdForm(self.ctx, parent=self))

    def open_household(self, household_id=None):
        if household_id is None:
            row = self.selected_row()
            if row is None:
                return None
            household_id = row.household_id
        return self._open(HouseholdView(self.ctx, household_id, parent=self))

    def move(self, kind: str):
        row = self.selected_row()
        if row is None:
            return None
        return self._open(DIALOGS[kind](self.ctx, row.id, row.household_id, parent=self))

    def correct_person(self):
        row = self.selected_row()
        if row is None:
            return None
        return self._open(PersonDialog(self.ctx, roster_query.person(row.id), parent=self))

    def open_item(self, argument) -> None:
        """Another page asks for a household (or the household of a person)."""
        household = roster_query.household_for(argument)
        if household is not None:
            self.open_household(household.id)

    def save_state(self) -> None:
        self.ctx.settings.set_value(KEYS.ROSTER_HEADER, self.table.horizontalHeader().saveState())
        self.ctx.settings.set_value(KEYS.ROSTER_SPLITTER, self.splitter.saveState())
