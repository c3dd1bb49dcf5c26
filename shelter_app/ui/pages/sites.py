"""Sites: the list of evacuation sites on a day, and the chosen site's page beside it —
details, installations, residents, stock on hand and activities."""

from __future__ import annotations

import datetime
import uuid

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import N_, ntr, tr
from shelter_app.services import installations, site_overview, sites
from shelter_app.ui.dialogs.sites.site_dialogs import CloseSiteDialog, SiteDialog
from shelter_app.ui.forms.fields import DateField
from shelter_app.ui.forms.form_dialog import open_dialog
from shelter_app.ui.forms.formatting import fmt_date, number
from shelter_app.ui.forms.palette import GONE, STATUS_TEXT
from shelter_app.ui.user_settings import KEYS
from shelter_app.ui.widgets.errors import FieldErrors
from shelter_app.ui.widgets.lazy_model import RIGHT, Column, LazyTableModel, MarkedListModel
from shelter_app.ui.widgets.page import Page
from shelter_app.ui.widgets.tables import add_button, fit_columns, table_view


def _percent(value) -> str:
    return "" if value is None else f"{round(value * 100)}%"


SITE_COLUMNS = [
    Column("name", N_("Name")),
    Column("kind_label", N_("Kind")),
    Column("village", N_("Village")),
    Column("status_label", N_("Status")),
    Column("capacity_day", N_("Cap. day"), number, RIGHT),
    Column("capacity_night", N_("Cap. night"), number, RIGHT),
    Column("persons", N_("Population"), number, RIGHT),
    Column("occupancy", N_("Occupancy"), _percent, RIGHT),
]


def _site_marker(row) -> str | None:
    if row.status == "closed":
        return GONE
    if row.occupancy is not None and row.occupancy > 1:
        return STATUS_TEXT["critical"]  # over capacity
    return None


INSTALLATION_COLUMNS = [
    Column("kind_label", N_("Kind")),
    Column("name", N_("Name")),
    Column("subkind_label", N_("Type")),
    Column("quantity", N_("Quantity"), number, RIGHT),
    Column("state_on_day_label", N_("State on the day")),
    Column("state_label", N_("State now")),
    Column("state_since", N_("Since"), fmt_date),
]

RESIDENT_COLUMNS = [
    Column("household", N_("Household (head)")),
    Column("kk", N_("KK number")),
    Column("name", N_("Name")),
    Column("sex_label", N_("Sex")),
    Column("age_text", N_("Age"), align=RIGHT),
    Column("relationship_label", N_("Relationship to the head")),
    Column("nik", N_("NIK")),
    Column("arrived_on", N_("Arrived on"), fmt_date),
]

STOCK_COLUMNS = [
    Column("name", N_("Item")),
    Column("category_label", N_("Category")),
    Column("on_hand", N_("On hand"), number, RIGHT),
    Column("unit", N_("Unit")),
    Column("low_stock_level", N_("Low-stock level"), number, RIGHT),
    Column("low", N_("Warning"), lambda low: tr("Low stock") if low else ""),
]

ACTIVITY_COLUMNS = [
    Column("held_on", N_("Date"), fmt_date),
    Column("ends_on", N_("Until"), fmt_date),
    Column("kind_label", N_("Kind")),
    Column("title", N_("Title")),
    Column("facilitator", N_("Facilitator")),
    Column("participants", N_("Participants"), number, RIGHT),
]


class SitesPage(Page):
    key = "sites"
    title = N_("Sites")

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.site_id: uuid.UUID | None = None
        self._resident_ids: list = []
        self._resident_order: tuple | None = None
        layout = QVBoxLayout(self)
        layout.addLayout(self._toolbar())
        general = QLabel()
        self.errors = FieldErrors(general)
        layout.addWidget(general)

        self.site_model = MarkedListModel(SITE_COLUMNS, marker=_site_marker)
        self.site_table = table_view(self.site_model, "site_table", stretch_column=0)
        self.site_table.selectionModel().currentRowChanged.connect(self._site_chosen)
        self.site_table.doubleClicked.connect(lambda _index: self.edit_site())

        self.splitter = QSplitter(Qt.Vertical)
        self.splitter.setObjectName("sites_splitter")
        self.splitter.addWidget(self.site_table)
        self.splitter.addWidget(self._details())
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        saved = ctx.settings.value(KEYS.SITES_SPLITTER)
        if saved is not None:
            self.splitter.restoreState(saved)
        else:
            self.splitter.setSizes([230, 520])
        layout.addWidget(self.splitter, 1)
        self._show_site(None)

    # --- building ----------------------------------------------------------------------

    def _toolbar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.addWidget(QLabel("<h2>{}</h2>".format(tr("Sites"))))
        bar.addStretch(1)
        day_label = QLabel(tr("&Day"))
        self.day = DateField()
        self.day.setObjectName("day")
        day_label.setBuddy(self.day)
        self.day.dateChanged.connect(lambda _d: self.refresh())
        bar.addWidget(day_label)
        bar.addWidget(self.day)
        self.new_button = add_button(bar, tr("&New site"), self.new_site, "new_site")
        self.new_button.setShortcut(QKeySequence.New)
        self.edit_button = add_button(bar, tr("&Edit site"), self.edit_site, "edit_site")
        self.close_button = add_button(bar, tr("C&lose site…"), self.close_site, "close_site")
        self.reopen_button = add_button(bar, tr("&Reopen site"), self.reopen_site, "reopen_site")
        return bar

    def _details(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 6, 0, 0)
        # The site's facts keep their height; the tabs below take what the splitter leaves.
        self.site_title = QLabel()
        self.site_title.setObjectName("site_title")
        font = self.site_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.site_title.setFont(font)
        self.site_title.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        layout.addWidget(self.site_title)
        facts = QWidget()
        facts.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Minimum)
        grid = QGridLayout(facts)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(4)
        self.detail_labels: dict[str, QLabel] = {}
        # (key, label, row, column, columns spanned by the value): long texts get a whole row.
        fields = [
            ("address", N_("Address"), 1, 0, 5),
            ("contact", N_("Contact person"), 2, 0, 3),
            ("opened", N_("Opening date"), 2, 2, 1),
            ("village", N_("Village"), 3, 0, 1),
            ("capacity", N_("Capacity"), 3, 1, 1),
            ("covered", N_("Covered floor area"), 3, 2, 1),
            ("coordinates", N_("Coordinates"), 4, 0, 1),
            ("event", N_("Disaster event"), 4, 1, 1),
            ("notes", N_("Notes"), 4, 2, 1),
        ]
        for key, label, row, column, span in fields:
            name = QLabel(f"<b>{tr(label)}:</b>")
            value = QLabel()
            value.setObjectName(f"detail_{key}")
            # One line each (no word wrap: a splitter would squeeze wrapped lines); a long
            # address is cut at the edge and shown whole in its tooltip.
            value.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
            value.setTextInteractionFlags(Qt.TextSelectableByMouse)
            self.detail_labels[key] = value
            grid.addWidget(name, row, column * 2, Qt.AlignTop)
            grid.addWidget(value, row, column * 2 + 1, 1, span, Qt.AlignTop)
        for column in (1, 3, 5):
            grid.setColumnStretch(column, 1)
        layout.addWidget(facts)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("site_tabs")
        self.tabs.addTab(self._installations_tab(), tr("Installations"))
        self.tabs.addTab(self._residents_tab(), tr("Residents"))
        self.tabs.addTab(self._stock_tab(), tr("Stock on hand"))
        self.tabs.addTab(self._activities_tab(), tr("Activities at this site"))
        self.tabs.currentChanged.connect(lambda _i: self._load_tab())
        layout.addWidget(self.tabs, 1)
        self._loaded_tabs: set[int] = set()
        return panel

    def _installations_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.installation_model = MarkedListModel(INSTALLATION_COLUMNS, marker=_installation_marker)
        self.installation_table = table_view(self.installation_model, "site_installations", stretch_column=1)
        layout.addWidget(self.installation_table, 1)
        self.installation_totals = QLabel()
        self.installation_totals.setObjectName("installation_totals")
        self.installation_totals.setWordWrap(True)  # on its own row: a wrapped label gets its height there
        layout.addWidget(self.installation_totals)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        manage = QPushButton(tr("Manage &installations…"))
        manage.setObjectName("manage_installations")
        manage.clicked.connect(lambda: self.site_id and self.ctx.navigate.emit("installations", self.site_id))
        bottom.addWidget(manage, 0, Qt.AlignTop)
        layout.addLayout(bottom)
        return tab

    def _residents_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.resident_summary = QLabel()
        self.resident_summary.setObjectName("resident_summary")
        layout.addWidget(self.resident_summary)
        # A page at a time from the database: a site of 20,000 opens as fast as one of 20.
        self.resident_model = LazyTableModel(RESIDENT_COLUMNS, self._fetch_residents)
        self.resident_table = table_view(self.resident_model, "site_residents", stretch_column=2)
        self.resident_table.verticalHeader().show()
        layout.addWidget(self.resident_table, 1)
        return tab

    def _stock_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.stock_summary = QLabel()
        self.stock_summary.setObjectName("stock_summary")
        layout.addWidget(self.stock_summary)
        self.stock_model = MarkedListModel(
            STOCK_COLUMNS, marker=lambda row: STATUS_TEXT["critical"] if row.low else None
        )
        self.stock_table = table_view(self.stock_model, "site_stock", stretch_column=0)
        layout.addWidget(self.stock_table, 1)
        return tab

    def _activities_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.activity_model = MarkedListModel(ACTIVITY_COLUMNS)
        self.activity_table = table_view(self.activity_model, "site_activities", stretch_column=3)
        self.activity_table.horizontalHeader().setSortIndicator(0, Qt.DescendingOrder)
        layout.addWidget(self.activity_table, 1)
        return tab

    # --- loading -----------------------------------------------------------------------

    def day_value(self) -> datetime.date:
        return self.day.date_value()

    def refresh(self) -> None:
        keep = self.site_id
        self.site_model.set_rows(site_overview.site_rows(self.day_value()))
        fit_columns(self.site_table)
        # Keep the chosen site; else show the first, so the page never opens empty.
        if not self.select_site(keep) and self.site_model.rowCount():
            self.select_site(self.site_model.row_at(0).id)
        if self.current_row() is None:
            self._show_site(None)

    def current_row(self):
        index = self.site_table.currentIndex()
        return self.site_model.row_at(index.row()) if index.isValid() else None

    def select_site(self, site_id) -> bool:
        """Select a site in the list (and show its page); False when it is not listed."""
        for row in range(self.site_model.rowCount()):
            if site_id is not None and self.site_model.row_at(row).id == site_id:
                index = self.site_model.index(row, 0)
                self.site_table.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows
                )
                self.site_table.scrollTo(index)
                self._show_site(self.site_model.row_at(row))  # also when it was already current
                return True
        return False

    def open_item(self, argument) -> None:
        """Another page (the dashboard) asks for a site: ``argument`` is its id."""
        self.refresh_if_stale()
        try:
            site_id = argument if isinstance(argument, uuid.UUID) else uuid.UUID(str(argument))
        except ValueError:
            return
        self.select_site(site_id)

    def _site_chosen(self, current, _previous) -> None:
        self._show_site(self.site_model.row_at(current.row()) if current.isValid() else None)

    def _show_site(self, row) -> None:
        self.site_id = row.id if row is not None else None
        for button in (self.edit_button, self.close_button, self.reopen_button):
            button.setEnabled(row is not None)
        if row is not None:
            self.close_button.setEnabled(row.status == "open" and row.closed_on is None)
            self.reopen_button.setEnabled(row.closed_on is not None)
        self.tabs.setEnabled(row is not None)
        self._loaded_tabs = set()
        if row is None:
            self.site_title.setText(
                tr("Choose a site in the list to see its installations, residents, stock and activities.")
            )
            for label in self.detail_labels.values():
                label.clear()
            self.installation_model.set_rows([])
            self.resident_model.reload()
            self.stock_model.set_rows([])
            self.activity_model.set_rows([])
            self.installation_totals.clear()
            self.resident_summary.clear()
            self.stock_summary.clear()
            return
        self._fill_details(site_overview.site(row.id), row)
        self._load_tab()

    def _fill_details(self, site, row) -> None:
        status = row.status_label if not site.closed_on else tr("closed on {date}", date=fmt_date(site.closed_on))
        self.site_title.setText(f"{site.name} — {row.kind_label}, {status}")
        contact = " · ".join(part for part in (site.contact_name, site.contact_phone) if part)
        coordinates = (
            f"{site.latitude:.5f}, {site.longitude:.5f}"
            if site.latitude is not None and site.longitude is not None
            else "–"
        )
        capacity = tr(
            "{day} by day, {night} by night", day=number(site.capacity_day), night=number(site.capacity_night)
        )
        values = {
            "address": site.address or "–",
            "village": row.village or "–",
            "opened": fmt_date(site.opened_on),
            "contact": contact or "–",
            "coordinates": coordinates,
            "capacity": capacity,
            "covered": f"{number(site.covered_area_m2, 1)} m²",
            "event": site.event.name,
            "notes": site.notes or "–",
        }
        for key, value in values.items():
            self.detail_labels[key].setText(value)
            self.detail_labels[key].setToolTip(value)

    def _load_tab(self) -> None:
        """Only the visible tab is loaded; the others when they are opened."""
        index = self.tabs.currentIndex()
        if self.site_id is None or index in self._loaded_tabs:
            return
        self._loaded_tabs.add(index)
        [self._load_installations, self._load_residents, self._load_stock, self._load_activities][index]()

    def _load_installations(self) -> None:
        day = self.day_value()
        self.installation_model.set_rows(site_overview.installation_rows(self.site_id, day))
        fit_columns(self.installation_table)
        total = installations.totals([self.site_id], day)[self.site_id]
        self.installation_totals.setText(
            tr(
                "Working on {date}: clean water {water} L/day · toilets {toilets} ({female} women, {male} men, "
                "{accessible} accessible) · taps {taps} · pallet floor {pallets} m² · tent floor {tents} m² · "
                "generators {kw} kW · broken {broken}",
                date=fmt_date(day),
                water=number(total.water_litres_per_day),
                toilets=total.toilets,
                female=total.toilets_female,
                male=total.toilets_male,
                accessible=total.toilets_accessible,
                taps=total.taps,
                pallets=number(total.pallet_area_m2, 1),
                tents=number(total.tent_area_m2, 1),
                kw=number(total.generators_kw, 1),
                broken=total.broken,
            )
        )

    def _fetch_residents(self, offset: int, limit: int, key, descending: bool) -> list:
        """The ids are sorted once per (re)load; scrolling then loads 200 rows by id."""
        if self.site_id is None:
            return []
        wanted = (self.site_id, self.day_value(), key, descending)
        if offset == 0 or self._resident_order != wanted:
            self._resident_ids = site_overview.resident_ids(self.site_id, self.day_value(), key, descending)
            self._resident_order = wanted
        return site_overview.resident_rows(self.site_id, self.day_value(), self._resident_ids[offset : offset + limit])

    def _load_residents(self) -> None:
        persons, households = site_overview.resident_summary(self.site_id, self.day_value())
        self.resident_summary.setText(
            tr(
                "{persons} in {households} on {date}.",
                persons=ntr("{n} person", "{n} persons", persons, n=number(persons)),
                households=ntr(
                    "{n} household at this site", "{n} households at this site", households, n=number(households)
                ),
                date=fmt_date(self.day_value()),
            )
        )
        self.resident_model.reload()
        fit_columns(self.resident_table)

    def _load_stock(self) -> None:
        rows = site_overview.stock_rows(self.site_id, self.day_value())
        self.stock_model.set_rows(rows)
        fit_columns(self.stock_table)
        low = sum(1 for row in rows if row.low)
        self.stock_summary.setText(
            ntr(
                "{n} item below its low-stock level on {date} (marked in red).",
                "{n} items below their low-stock level on {date} (marked in red).",
                low,
                date=fmt_date(self.day_value()),
            )
            if low
            else tr("No item is below its low-stock level on {date}.", date=fmt_date(self.day_value()))
        )

    def _load_activities(self) -> None:
        self.activity_model.set_rows(site_overview.activity_rows(self.site_id))
        self.activity_table.sortByColumn(0, Qt.DescendingOrder)  # the latest first
        fit_columns(self.activity_table)

    # --- actions -----------------------------------------------------------------------

    def _saved(self, site) -> None:
        self.site_id = site.id if site is not None else self.site_id
        self.ctx.data_changed.emit()  # reloads this page too when it is shown
        self.refresh_if_stale()

    def new_site(self) -> SiteDialog:
        return open_dialog(self, SiteDialog(parent=self), self._saved)

    def edit_site(self) -> SiteDialog | None:
        if self.site_id is None:
            return None
        return open_dialog(self, SiteDialog(site_overview.site(self.site_id), parent=self), self._saved)

    def close_site(self) -> CloseSiteDialog | None:
        if self.site_id is None:
            return None
        return open_dialog(self, CloseSiteDialog(site_overview.site(self.site_id), parent=self), self._saved)

    def reopen_site(self) -> None:
        if self.site_id is None:
            return
        self.errors.clear()
        try:
            site = sites.reopen_site(self.site_id)
        except RuleViolation as error:
            self.errors.show(error)
            return
        self._saved(site)

    def save_state(self) -> None:
        self.ctx.settings.set_value(KEYS.SITES_SPLITTER, self.splitter.saveState())


def _installation_marker(row) -> str | None:
    """Broken in red, planned in amber; removed, or not yet there on the day, in grey."""
    if row.state_on_day is None:
        return GONE
    return {"broken": STATUS_TEXT["critical"], "planned": STATUS_TEXT["short"], "removed": GONE}.get(row.state_on_day)
