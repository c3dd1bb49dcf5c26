"""The dashboard: every site on a chosen day — population, capacity, movements, vulnerable
groups and needs — worst first, with a population pyramid and occupancy bars. An empty
database shows the welcome panel (``ui/first_run.py``) instead.

The figures are counted in a worker (``stats.figures`` over a 500,000-person operation takes
a while); a result for a day no longer chosen is thrown away.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shelter_app.i18n import N_, tr
from shelter_app.services import overview
from shelter_app.ui.first_run import WelcomePanel
from shelter_app.ui.forms import palette
from shelter_app.ui.forms.fields import DateField
from shelter_app.ui.forms.formatting import long_date, number, status_word
from shelter_app.ui.forms.palette import STATUS_FILL, STATUS_ON_FILL
from shelter_app.ui.main_window import PAGES
from shelter_app.ui.user_settings import KEYS
from shelter_app.ui.widgets import charts
from shelter_app.ui.widgets.errors import show_unexpected
from shelter_app.ui.widgets.lazy_model import CENTRE, RIGHT, ROW_ROLE, Column, ListModel
from shelter_app.ui.widgets.page import Page
from shelter_app.ui.widgets.worker import Job

ROSTER_TITLE = "Roster"  # the Roster page's title, translated by its own catalogue
# ok / short / critical: a colour AND a word, never colour alone.
NEAR_CAPACITY = 0.9
SITE_STATUS = {"open": N_("Open"), "closed": N_("Closed")}
NEED_LABELS = {
    "water": N_("Clean water for all uses, litres per day"),
    "toilets": N_("Working toilets"),
    "covered_area": N_("Covered living space, m²"),
    "rice": N_("Rice on hand, days of supply"),
}


def need_text(cell: overview.NeedCell) -> str:
    days = cell.need.get("days_of_supply") if "days_of_supply" in cell.need else None
    if days is not None:
        return tr("{status}, {days} d", status=status_word(cell.status), days=number(days, 1))
    return status_word(cell.status)


def need_tooltip(key: str, cell: overview.NeedCell) -> str:
    need = cell.need
    if "on_hand" in need:  # stock: on hand, not a rate; the gap is what the target days lack
        text = tr(
            "{need}: {on_hand} {unit} on hand, {per_day} {unit} needed a day, {days} days of supply; "
            "{gap} {unit} short of {target} days.",
            need=tr(NEED_LABELS[key]),
            on_hand=number(need["on_hand"], 1),
            per_day=number(need["need_per_day"], 1),
            days=number(need.get("days_of_supply"), 1),
            gap=number(need["gap"], 1),
            target=number(need["target_days"], 1),
            unit=need["unit"],
        )
        return f"{status_word(cell.status)} — {text}"
    text = tr(
        "{need}: needed {required}, available {available}, gap {gap}.",
        need=tr(NEED_LABELS[key]),
        required=number(need.get("required"), 1),
        available=number(need.get("available"), 1),
        gap=number(need.get("gap"), 1),
    )
    return f"{status_word(cell.status)} — {text}"


def occupancy_text(value) -> str:
    """One decimal, as the printed reports show it: 87,5 %."""
    return "–" if value is None else f"{number(round(value * 100, 1), 1)} %"


def pair(values) -> str:
    return f"{number(values[0])} / {number(values[1])}"


def movement_text(values) -> str:
    arrivals, departures = values
    return f"+{number(arrivals)} / −{number(departures)}" if arrivals or departures else "0"


COLUMNS = [
    Column("name", N_("Site")),
    Column("status", N_("Status"), lambda code: tr(SITE_STATUS[code]) if code in SITE_STATUS else ""),
    Column("persons", N_("Persons"), number, RIGHT),
    Column("households", N_("Households"), number, RIGHT),
    Column("capacity", N_("Capacity"), lambda v: number(v) if v else "–", RIGHT),
    Column("occupancy", N_("Occupancy"), occupancy_text, RIGHT),
    Column("movements", N_("Arrived / left"), movement_text, CENTRE),
    Column("mothers", N_("Pregnant / breast-feeding"), pair, CENTRE),
    Column("disability", N_("Persons with disabilities"), number, RIGHT),
    Column("young", N_("Under 5"), number, RIGHT),
    Column("older", N_("Older people"), number, RIGHT),
    Column("water", N_("Water"), need_text, CENTRE),
    Column("toilets", N_("Toilets"), need_text, CENTRE),
    Column("covered_area", N_("Space"), need_text, CENTRE),
    Column("rice", N_("Rice"), need_text, CENTRE),
]
COLUMN_HEADERS = {column.key: column.header for column in COLUMNS}
NEED_COLUMNS = {c: column.key for c, column in enumerate(COLUMNS) if column.key in overview.NEED_KEYS}
STATUS_COLUMN = [column.key for column in COLUMNS].index("status")
OCCUPANCY_COLUMN = [column.key for column in COLUMNS].index("occupancy")
HEADER_TIPS = {
    "movements": N_("Persons who arrived at and who left the site on this day (transfers included)"),
    "mothers": N_("Pregnant women / breast-feeding women"),
    "young": N_("Infants and young children (under 5 years)"),
    "older": N_("Older people (60 years and over)"),
    **NEED_LABELS,
}


class DashboardModel(ListModel):
    """The sites of a day; the totals row stays on top whatever the sort."""

    def __init__(self, parent=None):
        self.total: overview.SiteRow | None = None
        super().__init__(COLUMNS, [], parent)

    def set_day(self, rows: list, total) -> None:
        self.total = total
        self.set_rows(rows)

    def reload(self) -> None:
        """All rows inside one reset: a view asking for more during the reset finds no more."""
        self.beginResetModel()
        self._rows = self._slice(0, len(self._all) + 1, *self._sort)
        self._exhausted = True
        self.endResetModel()

    def _slice(self, offset: int, limit: int, key, descending: bool) -> list:
        head = [self.total] if self.total is not None else []
        return (head + super()._slice(0, len(self._all), key, descending))[offset : offset + limit]

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        if column < 0:  # sort indicator cleared: back to the worst sites first
            self._sort = (None, False)
            self.reload()
            return
        super().sort(column, order)

    def data(self, index, role=Qt.DisplayRole):
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None or not (0 <= index.column() < len(self.columns)):
            return super().data(index, role)
        column = index.column()
        if role == Qt.DisplayRole and row.is_total and self.columns[column].key == "name":
            return tr("All sites")  # the totals row says what it is
        if role == Qt.FontRole and row.is_total:
            font = QFont()
            font.setBold(True)
            return font
        if column in NEED_COLUMNS:
            cell = getattr(row, NEED_COLUMNS[column])
            if role == Qt.BackgroundRole:
                return palette.brush(STATUS_FILL[cell.status])
            if role == Qt.ForegroundRole:
                return palette.brush(STATUS_ON_FILL[cell.status])
            if role == Qt.ToolTipRole:
                return need_tooltip(NEED_COLUMNS[column], cell)
        if column == OCCUPANCY_COLUMN and row.over_capacity:
            if role == Qt.BackgroundRole:
                return palette.brush(STATUS_FILL["critical"])
            if role == Qt.ForegroundRole:
                return palette.brush(STATUS_ON_FILL["critical"])
            if role == Qt.ToolTipRole:
                return tr(
                    "Over capacity: {n} present, capacity {capacity}.",
                    n=number(row.persons),
                    capacity=number(row.capacity),
                )
        if role == Qt.ToolTipRole and column == 0:
            return vulnerable_tooltip(row)
        return super().data(index, role)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ToolTipRole:
                tip = HEADER_TIPS.get(self.columns[section].key)
                return tr(tip) if tip else None
            if role == Qt.DisplayRole:
                return two_lines(tr(self.columns[section].header))
        return super().headerData(section, orientation, role)


def two_lines(text: str) -> str:
    """Break a long header at the space nearest its middle: the columns stay narrow."""
    if len(text) <= 10 or " " not in text:
        return text
    if " / " in text:
        return text.replace(" / ", " /\n", 1)
    middle = len(text) / 2
    cut = min((i for i, char in enumerate(text) if char == " "), key=lambda i: abs(i - middle))
    return text[:cut] + "\n" + text[cut + 1 :]


def vulnerable_tooltip(row) -> str:
    vulnerable = row.entry["vulnerable"]
    return tr(
        "{name} — male: {male}, female: {female}; chronically ill: {chronic}; "
        "unaccompanied children: {alone}; households headed by a woman: {women}.",
        name=row.name if not row.is_total else tr("All sites"),
        male=number(row.entry["male"]),
        female=number(row.entry["female"]),
        chronic=number(vulnerable["chronic_illness"]),
        alone=number(vulnerable["unaccompanied_child"]),
        women=number(vulnerable["female_headed_households"]),
    )


def flag(label: str, text: str, status: str) -> str:
    """A line of the alert: a coloured, bold word first, so it reads without the colour too."""
    return (
        f"<span style='background:{STATUS_FILL[status]}; color:{STATUS_ON_FILL[status]};'>"
        f"&nbsp;<b>{escape(label)}</b>&nbsp;</span> {text}"
    )


def band_label(band) -> str:
    if band.max_years is None:
        return f"{band.min_years}+"
    if band.min_years == 0 and band.max_years == 1:
        return "< 1"
    return f"{band.min_years}–{band.max_years - 1}"


class DashboardPage(Page):
    key = "dashboard"
    title = N_("Dashboard")

    figures_ready = Signal()  # the table and charts show the chosen day's figures

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.result: overview.DayOverview | None = None
        self._job: Job | None = None
        self._pending = False  # another day was chosen while counting
        self._jump_to_latest = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack)
        self.welcome = WelcomePanel()
        self.welcome.created.connect(self._first_data)
        self.stack.addWidget(self.welcome)
        self.board = self._build_board()
        self.stack.addWidget(self.board)

    # --- building ------------------------------------------------------------------------

    def _build_board(self) -> QWidget:
        board = QWidget()
        board.setObjectName("dashboard_board")
        layout = QVBoxLayout(board)
        top = QHBoxLayout()
        top.addWidget(QLabel("<h2>{}</h2>".format(tr("Dashboard"))))
        top.addStretch(1)
        day_label = QLabel(tr("&Day"))
        self.day = DateField()
        self.day.setObjectName("dashboard_day")
        day_label.setBuddy(self.day)
        self.day.dateChanged.connect(lambda _d: self.request_figures())
        self.latest = QPushButton(tr("&Latest day with data"))
        self.latest.setObjectName("latest_day")
        self.latest.setToolTip(tr("Jump to the last day on which anyone arrived or left."))
        self.latest.clicked.connect(self.latest_clicked)
        self.busy = QProgressBar()
        self.busy.setObjectName("dashboard_busy")
        self.busy.setRange(0, 0)  # no known end: a moving bar
        self.busy.setTextVisible(False)
        self.busy.setFixedSize(90, 12)
        self.busy.setToolTip(tr("Counting the figures of this day…"))
        self.busy.hide()
        for widget in (day_label, self.day, self.latest, self.busy):
            top.addWidget(widget)
        layout.addLayout(top)

        self.alert = QLabel()
        self.alert.setObjectName("dashboard_alert")
        self.alert.setWordWrap(True)
        self.alert.setTextFormat(Qt.RichText)
        layout.addWidget(self.alert)

        self.model = DashboardModel(self)
        self.table = QTableView()
        self.table.setObjectName("dashboard_sites")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)  # widths set by _fit_columns
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        header.setMinimumSectionSize(36)
        header.setSortIndicatorClearable(True)  # a third click brings back "worst first"
        self.table.setSortingEnabled(True)
        header.setSortIndicator(-1, Qt.AscendingOrder)
        self.table.activated.connect(self._activated)
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_pyramid())
        hint = QLabel(tr("Double-click a site or press Enter to open it. Point at a cell for details."))
        hint.setObjectName("dashboard_hint")
        hint.setStyleSheet(palette.PLACEHOLDER_STYLE)

        self.pyramid = charts.Pyramid()
        self.pyramid.setObjectName("dashboard_pyramid")
        self.bars = charts.HorizontalBars(tr("Persons per site; the black tick is the capacity"))
        self.bars.setObjectName("dashboard_occupancy")
        self.charts = QSplitter(Qt.Horizontal)
        self.charts.addWidget(self.pyramid)
        self.charts.addWidget(self.bars)
        self.charts.setChildrenCollapsible(False)
        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self.table)
        table_layout.addWidget(hint)
        self.splitter = QSplitter(Qt.Vertical)
        self.splitter.setObjectName("dashboard_splitter")
        self.splitter.addWidget(table_box)
        self.splitter.addWidget(self.charts)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self._splitter_restored = False
        for splitter, name in ((self.splitter, KEYS.DASHBOARD_SPLITTER), (self.charts, KEYS.DASHBOARD_CHARTS)):
            state = self.ctx.settings.value(name)
            if isinstance(state, QByteArray):
                self._splitter_restored = splitter.restoreState(state) or self._splitter_restored
        layout.addWidget(self.splitter, 1)
        return board

    def save_state(self) -> None:
        # Called before the window closes or rebuilds in another language: no thread may outlive it.
        self.welcome.stop_demo()
        self.wait_idle()
        self.ctx.settings.set_value(KEYS.DASHBOARD_SPLITTER, self.splitter.saveState())
        self.ctx.settings.set_value(KEYS.DASHBOARD_CHARTS, self.charts.saveState())

    # --- loading -------------------------------------------------------------------------

    def refresh(self) -> None:
        try:
            has_event = overview.has_event()
        except Exception:
            show_unexpected(self, "opening the dashboard")
            return
        if not has_event:
            self.stack.setCurrentWidget(self.welcome)
            self.welcome.event_name.setFocus()
            return
        self.stack.setCurrentWidget(self.board)
        if self._jump_to_latest:
            self._jump_to_latest = False
            latest = overview.latest_movement_day()
            if latest is not None and latest != self.day.date_value():
                self.day.set_date(latest)  # dateChanged asks for the figures
                return
        self.request_figures()

    def showing_welcome(self) -> bool:
        return self.stack.currentWidget() is self.welcome

    def _first_data(self, how: str) -> None:
        """The first event and site exist, or the demo was loaded: show the demo's last busy day."""
        self._jump_to_latest = how == "demo"
        self.ctx.data_changed.emit()

    def latest_clicked(self) -> None:
        try:
            latest = overview.latest_movement_day()
        except Exception:
            show_unexpected(self, "finding the latest day with data")
            return
        if latest is None:
            self.alert.setText(tr("Nobody has arrived at any site yet."))
            return
        self.day.set_date(min(latest, self.day.maximumDate().toPython()))

    def request_figures(self) -> None:
        """Count the chosen day's figures in a worker; one job at a time, the last wish wins."""
        if self.showing_welcome():
            return
        if self._job is not None:
            self._pending = True
            return
        day = self.day.date_value()
        self.busy.show()
        self._job = Job(lambda _progress, _cancelled: overview.day_overview(day))
        self._job.finished.connect(self._figures_counted)
        self._job.failed.connect(self._figures_failed)
        self._job.start()

    def _job_over(self) -> bool:
        """Forget the finished job; True when its result is stale and another was started."""
        if self._job is not None:
            self._job.wait(10000)  # the thread is only closing its connection now
            self._job = None
        if self._pending:
            self._pending = False
            self.request_figures()
            return True
        self.busy.hide()
        return False

    def _figures_counted(self, result: overview.DayOverview) -> None:
        if self._job_over() or result.day != self.day.date_value():
            return
        self.result = result
        self.model.set_day(result.rows, result.total)
        # The status column only when some site is closed that day: room for the names.
        self.table.setColumnHidden(STATUS_COLUMN, all(row.status == "open" for row in result.rows))
        self._fit_columns()
        self._show_alert(result)
        self._show_pyramid()
        self._show_bars(result)
        if not self._splitter_restored:
            QTimer.singleShot(0, self, self._fit_splitter)  # once the alert's new lines are laid out
        self.figures_ready.emit()

    def _fit_columns(self) -> None:
        """Each column as wide as its cells or its header's longest line (not the sort arrow's
        room, which ResizeToContents adds to every column), so the names keep the rest."""
        header = self.table.horizontalHeader()
        metrics = header.fontMetrics()
        for column in range(1, self.model.columnCount()):
            lines = str(self.model.headerData(column, Qt.Horizontal)).split("\n")
            width = max(metrics.horizontalAdvance(line) for line in lines) + 12
            header.resizeSection(column, max(width, self.table.sizeHintForColumn(column)))

    def _fit_splitter(self) -> None:
        """First time only (no remembered sizes): the table as tall as its rows, charts below."""
        if self._splitter_restored or self.splitter.height() <= 0:
            return
        self._splitter_restored = True
        available = self.splitter.height() - self.splitter.handleWidth()
        rows = self.table.verticalHeader().defaultSectionSize() * self.model.rowCount()
        table_wanted = self.table.horizontalHeader().sizeHint().height() + rows + 34  # and the hint below
        charts_wanted = max(self.pyramid.minimumHeight(), 48 + 22 * len(self.bars.bars)) + 8
        table = min(max(table_wanted, available - charts_wanted), available - 200)
        self.splitter.setSizes([table, available - table])

    def _figures_failed(self, error) -> None:
        if self._job_over():
            return
        try:
            raise error
        except Exception:  # logged with its traceback, shown as a short message
            show_unexpected(self, "counting the dashboard figures")

    def wait_idle(self, ms: int = 60000) -> None:
        """For tests and closing: let a running count end (its result still arrives as a signal)."""
        if self._job is not None:
            self._job.wait(ms)

    # --- showing -------------------------------------------------------------------------

    def _show_alert(self, result: overview.DayOverview) -> None:
        """What a coordinator must see first: the day's totals, then each kind of problem and where."""
        rows, total = result.rows, result.total
        if not rows:
            self.alert.setText(tr("No site is open on {date}.", date=long_date(result.day)))
            return
        if total.persons == 0:
            lines = [tr("Nobody is staying at any site on {date}.", date=long_date(result.day))]
            if result.latest_day is None:
                lines.append(
                    tr(
                        "Next step: register the evacuees and check them in to a site on the {page} page (Ctrl+{key}).",
                        page=tr(ROSTER_TITLE),
                        key=list(PAGES).index("roster") + 1,
                    )
                )
            elif result.latest_day != result.day:
                lines.append(
                    tr(
                        "The last arrival or departure was on {date}: press “Latest day with data”.",
                        date=long_date(result.latest_day),
                    )
                )
            self.alert.setText("<br>".join(escape(line) for line in lines))
            return
        lines = [
            tr(
                "<b>{date}</b> — persons: {persons}, households: {households}, arrivals: {arrivals}, "
                "departures: {departures}.",
                date=long_date(result.day),
                persons=number(total.persons),
                households=number(total.households),
                arrivals=number(total.arrivals),
                departures=number(total.departures),
            )
        ]
        for status in ("critical", "short"):
            places = [
                f"{escape(row.name)} ({', '.join(tr(COLUMN_HEADERS[key]) for key in row.needs_at(status))})"
                for row in rows
                if row.needs_at(status)
            ]
            if places:
                lines.append(flag(status_word(status), ", ".join(places), status))
        over = [f"{escape(row.name)} ({occupancy_text(row.occupancy)})" for row in rows if row.over_capacity]
        if over:
            lines.append(flag(tr("Over capacity"), ", ".join(over), "critical"))
        if len(lines) == 1:
            lines.append(flag(status_word("ok"), escape(tr("every site meets the standards on this day.")), "ok"))
        self.alert.setText("<br>".join(lines))

    def selected_row(self):
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _show_pyramid(self) -> None:
        if self.result is None:
            return
        row = self.selected_row() or self.result.total
        ages = row.entry["age_bands"]
        bands = sorted(self.result.bands, key=lambda band: band.min_years)
        self.pyramid.title = tr(
            "Population by age and sex: {place}", place=tr("All sites") if row.is_total else row.name
        )
        self.pyramid.set_rows(
            [
                (band_label(band), ages[band.name]["male"], ages[band.name]["female"])
                for band in bands
                if band.name in ages
            ],
            tr("Male"),
            tr("Female"),
        )

    def _show_bars(self, result: overview.DayOverview) -> None:
        bars = []
        for row in sorted(result.rows, key=lambda row: row.name.lower()):
            if row.occupancy is None:
                colour = charts.MALE
            elif row.occupancy > 1:
                colour = charts.CRITICAL
            elif row.occupancy >= NEAR_CAPACITY:
                colour = charts.SHORT
            else:
                colour = charts.OK
            bars.append(charts.Bar(row.name, row.persons, row.capacity, colour))
        self.bars.set_bars(bars)
        self.bars.setMinimumHeight(160)  # the bars thin out rather than push the table away

    # --- opening a site ------------------------------------------------------------------

    def _activated(self, index) -> None:
        row = self.model.data(index, ROW_ROLE)
        if row is not None and not row.is_total:
            self.ctx.navigate.emit("sites", row.site_id)
