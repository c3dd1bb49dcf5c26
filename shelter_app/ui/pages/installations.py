"""Installations of a site: the list, the state history of the chosen one, and what the working
ones provide on a day beside what the standards require for the people there."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from shelter_app.i18n import N_, ntr, tr
from shelter_app.services import installations, site_overview, sites, stats
from shelter_app.ui.dialogs.sites.installation_dialogs import InstallationDialog, StateDialog
from shelter_app.ui.forms.fields import DateField
from shelter_app.ui.forms.form_dialog import open_dialog
from shelter_app.ui.forms.formatting import fmt_date, number, status_word
from shelter_app.ui.forms.palette import GONE, STATUS_TEXT
from shelter_app.ui.user_settings import KEYS
from shelter_app.ui.widgets.lazy_model import RIGHT, Column, MarkedListModel
from shelter_app.ui.widgets.page import Page
from shelter_app.ui.widgets.tables import add_button, fit_columns, table_view


def _amount(decimals: int = 0):
    return lambda value: number(value, decimals) if value else ""


INSTALLATION_COLUMNS = [
    Column("kind_label", N_("Kind")),
    Column("name", N_("Name")),
    Column("subkind_label", N_("Type")),
    Column("quantity", N_("Quantity"), number, RIGHT),
    Column("litres_per_day", N_("L/day"), _amount(), RIGHT),
    Column("toilets", N_("Toilets W/M/acc."), align=Qt.AlignCenter),
    Column("floor_area_m2", N_("Floor m²"), _amount(1), RIGHT),
    Column("power_kw", N_("kW"), _amount(1), RIGHT),
    Column("state_label", N_("State")),
    Column("state_since", N_("Since"), fmt_date),
]

HISTORY_COLUMNS = [
    Column("changed_on", N_("From"), fmt_date),
    Column("state_label", N_("State")),
    Column("note", N_("Note")),
    Column("recorded_by", N_("Recorded by")),
]


@dataclass
class TotalLine:
    """One line of the totals table: what the working installations give against the need."""

    what: str
    available: str
    required: str
    status: str  # ok / short / critical, or "" when no standard applies

    @property
    def status_text(self) -> str:
        return status_word(self.status)


TOTAL_COLUMNS = [
    Column("what", N_("Provision"), sortable=False),
    Column("available", N_("Available"), align=RIGHT, sortable=False),
    Column("required", N_("Required"), align=RIGHT, sortable=False),
    Column("status_text", N_("Status"), sortable=False),
]


def _state_marker(row) -> str | None:
    return {"broken": STATUS_TEXT["critical"], "removed": GONE, "planned": STATUS_TEXT["short"]}.get(row.state)


class InstallationsPage(Page):
    key = "installations"
    title = N_("Installations")

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.installation_id: uuid.UUID | None = None
        layout = QVBoxLayout(self)
        layout.addLayout(self._toolbar())

        self.model = MarkedListModel(INSTALLATION_COLUMNS, marker=_state_marker)
        self.table = table_view(self.model, "installation_table", stretch_column=1)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _p: self._chosen(current))
        self.table.doubleClicked.connect(lambda _index: self.edit_installation())

        bottom = QSplitter(Qt.Horizontal)
        bottom.setObjectName("installations_bottom_splitter")
        bottom.addWidget(self._history_panel())
        bottom.addWidget(self._totals_panel())
        bottom.setStretchFactor(0, 1)
        bottom.setStretchFactor(1, 1)
        self.bottom_splitter = bottom

        self.splitter = QSplitter(Qt.Vertical)
        self.splitter.setObjectName("installations_splitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(bottom)
        self.splitter.setCollapsible(1, False)
        for splitter, key, sizes in (
            (self.splitter, KEYS.INSTALLATIONS_SPLITTER, [380, 340]),
            (bottom, KEYS.INSTALLATIONS_BOTTOM_SPLITTER, [520, 520]),
        ):
            saved = ctx.settings.value(key)
            if saved is not None:
                splitter.restoreState(saved)
            else:
                splitter.setSizes(sizes)
        layout.addWidget(self.splitter, 1)
        self._update_buttons()

    # --- building ----------------------------------------------------------------------

    def _toolbar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.addWidget(QLabel("<h2>{}</h2>".format(tr("Installations"))))
        bar.addStretch(1)
        site_label = QLabel(tr("S&ite"))
        self.site_box = QComboBox()
        self.site_box.setObjectName("site")
        self.site_box.setMinimumContentsLength(24)
        self.site_box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        site_label.setBuddy(self.site_box)
        self.site_box.currentIndexChanged.connect(lambda _i: self._load())
        bar.addWidget(site_label)
        bar.addWidget(self.site_box)
        day_label = QLabel(tr("&Day"))
        self.day = DateField()
        self.day.setObjectName("day")
        day_label.setBuddy(self.day)
        self.day.dateChanged.connect(lambda _d: self._load_totals())
        bar.addWidget(day_label)
        bar.addWidget(self.day)
        self.add_button = add_button(bar, tr("&Add installation"), self.add_installation, "add_installation")
        self.add_button.setShortcut(QKeySequence.New)
        self.edit_button = add_button(bar, tr("&Edit"), self.edit_installation, "edit_installation")
        self.state_button = add_button(bar, tr("Change &state…"), self.change_state, "change_state")
        return bar

    def _history_panel(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        self.history_title = QLabel()
        self.history_title.setObjectName("history_title")
        self.history_title.setWordWrap(True)
        layout.addWidget(self.history_title)
        self.history_model = MarkedListModel(HISTORY_COLUMNS, marker=_state_marker)
        self.history_table = table_view(self.history_model, "state_history", stretch_column=2)
        layout.addWidget(self.history_table, 1)
        return panel

    def _totals_panel(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        self.totals_title = QLabel()
        self.totals_title.setObjectName("totals_title")
        self.totals_title.setWordWrap(True)
        layout.addWidget(self.totals_title)
        self.totals_model = MarkedListModel(TOTAL_COLUMNS, marker=lambda line: STATUS_TEXT.get(line.status))
        self.totals_table = table_view(self.totals_model, "installation_totals", stretch_column=0)
        self.totals_table.setSortingEnabled(False)
        self.totals_table.horizontalHeader().setSortIndicatorShown(False)
        layout.addWidget(self.totals_table, 1)
        return panel

    # --- loading -----------------------------------------------------------------------

    def site_id(self) -> uuid.UUID | None:
        return self.site_box.currentData()

    def day_value(self) -> datetime.date:
        return self.day.date_value()

    def refresh(self) -> None:
        keep = self.site_id()
        self.site_box.blockSignals(True)
        self.site_box.clear()
        for site in sites.sites():
            label = site.name if site.status == "open" else tr("{site} (closed)", site=site.name)
            self.site_box.addItem(label, site.id)
        self.site_box.setCurrentIndex(max(self._index_of(keep), 0))
        self.site_box.blockSignals(False)
        self._load()

    def open_item(self, argument) -> None:
        """Another page (a site's page) asks for the installations of a site: its id."""
        self.refresh_if_stale()
        try:
            site_id = argument if isinstance(argument, uuid.UUID) else uuid.UUID(str(argument))
        except ValueError:
            return
        index = self._index_of(site_id)
        if index >= 0:
            self.site_box.setCurrentIndex(index)

    def _index_of(self, site_id) -> int:
        # findData does not compare Python UUID objects by value: look through the items.
        return next((i for i in range(self.site_box.count()) if self.site_box.itemData(i) == site_id), -1)

    def _load(self) -> None:
        keep = self.installation_id
        site_id = self.site_id()
        self.model.set_rows(site_overview.installation_rows(site_id) if site_id else [])
        fit_columns(self.table)
        self.installation_id = None
        # The history is always in view: keep the chosen installation, else show the first.
        if not self.select_installation(keep) and self.model.rowCount():
            self.select_installation(self.model.row_at(0).id)
        if self.installation_id is None:
            self._show_history(None)
        self._load_totals()
        self._update_buttons()

    def current_row(self):
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def select_installation(self, installation_id) -> bool:
        for row in range(self.model.rowCount()):
            if installation_id is not None and self.model.row_at(row).id == installation_id:
                index = self.model.index(row, 0)
                self.table.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows
                )
                self._chosen(index)
                return True
        return False

    def _chosen(self, index) -> None:
        row = self.model.row_at(index.row()) if index.isValid() else None
        self.installation_id = row.id if row is not None else None
        self._show_history(row)
        self._update_buttons()

    def _show_history(self, row) -> None:
        if row is None:
            self.history_title.setText(
                "<b>{}</b> — <i>{}</i>".format(tr("State history"), tr("choose an installation in the list"))
            )
            self.history_model.set_rows([])
            return
        self.history_title.setText(
            "<b>{}</b>".format(escape(tr("State history of {name}", name=row.name or row.kind_label)))
        )
        self.history_model.set_rows(site_overview.state_rows(row.id))
        self.history_table.sortByColumn(0, Qt.AscendingOrder)  # oldest first, as it happened
        fit_columns(self.history_table)

    def _update_buttons(self) -> None:
        self.add_button.setEnabled(self.site_id() is not None)
        self.edit_button.setEnabled(self.installation_id is not None)
        self.state_button.setEnabled(self.installation_id is not None)

    def _load_totals(self) -> None:
        site_id, day = self.site_id(), self.day_value()
        if site_id is None:
            self.totals_title.setText(tr("No site yet: create one on the Sites page."))
            self.totals_model.set_rows([])
            return
        total = installations.totals([site_id], day)[site_id]
        found = stats.figures(day, site_id)["sites"]
        figures = found[0] if found else {"persons": 0, "needs": {}}
        self.totals_title.setText(
            "<b>{}</b>".format(
                ntr(
                    "Working installations on {date}, for {persons} person present",
                    "Working installations on {date}, for {persons} persons present",
                    figures["persons"],
                    date=fmt_date(day),
                    persons=number(figures["persons"]),
                )
            )
        )
        self.totals_model.set_rows(total_lines(total, figures["needs"]))
        fit_columns(self.totals_table)

    # --- actions -----------------------------------------------------------------------

    def _saved(self, installation) -> None:
        if installation is not None:
            self.installation_id = installation.id
        self.ctx.data_changed.emit()  # reloads this page too when it is shown
        self.refresh_if_stale()

    def add_installation(self) -> InstallationDialog | None:
        if self.site_id() is None:
            return None
        return open_dialog(self, InstallationDialog(self.site_id(), parent=self), self._saved)

    def edit_installation(self) -> InstallationDialog | None:
        row = self.current_row()
        if row is None:
            return None
        return open_dialog(self, InstallationDialog(self.site_id(), row, parent=self), self._saved)

    def change_state(self) -> StateDialog | None:
        row = self.current_row()
        if row is None:
            return None
        return open_dialog(self, StateDialog(row, parent=self, day=self.day_value()), self._saved)

    def save_state(self) -> None:
        self.ctx.settings.set_value(KEYS.INSTALLATIONS_SPLITTER, self.splitter.saveState())
        self.ctx.settings.set_value(KEYS.INSTALLATIONS_BOTTOM_SPLITTER, self.bottom_splitter.saveState())


def total_lines(total: installations.Totals, needs: dict) -> list[TotalLine]:
    """Totals of the working installations beside the needs of ``stats.figures`` for the site."""

    def need(name: str, decimals: int = 0) -> tuple[str, str]:
        found = needs.get(name)
        if not found:
            return "–", ""
        return number(found["required"], decimals), found["status"]

    water_required, water_status = need("water")
    toilets_required, toilets_status = need("toilets")
    taps_required, taps_status = need("taps", 1)
    area_required, area_status = need("covered_area", 1)
    covered = needs.get("covered_area", {}).get("available")
    toilets = tr(
        "{n} ({female} W, {male} M, {accessible} acc.)",
        n=total.toilets,
        female=total.toilets_female,
        male=total.toilets_male,
        accessible=total.toilets_accessible,
    )
    lines = [
        TotalLine(tr("Clean water (L/day)"), number(total.water_litres_per_day), water_required, water_status),
        TotalLine(tr("Working toilets"), toilets, toilets_required, toilets_status),
        TotalLine(tr("Taps"), number(total.taps), taps_required, taps_status),
    ]
    if covered is not None:
        lines.append(TotalLine(tr("Covered living space (m²)"), number(covered, 1), area_required, area_status))
    lines += [
        TotalLine(tr("Pallet floor area (m²)"), number(total.pallet_area_m2, 1), "–", ""),
        TotalLine(tr("Tent floor area (m²)"), number(total.tent_area_m2, 1), "–", ""),
        TotalLine(tr("Generators (kW)"), number(total.generators_kw, 1), "–", ""),
        TotalLine(tr("Kitchens"), number(total.kitchens), "–", ""),
        TotalLine(tr("Broken installations"), number(total.broken), "–", ""),
    ]
    return lines
