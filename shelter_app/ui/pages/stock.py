"""Stock: what a site holds on a day, warnings, the movements dialogs, stock cards, the catalogue."""

from __future__ import annotations

import datetime
import html

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from shelter_app.domain import choices
from shelter_app.i18n import N_, ntr, tr
from shelter_app.services import sites, stock_overview
from shelter_app.services.stock_overview import EMPTY, EXPIRED, EXPIRING, LOW, OK
from shelter_app.ui.dialogs.stock.item_dialog import ItemDialog
from shelter_app.ui.dialogs.stock.movement_dialogs import (
    AdjustDialog,
    CancelMovementDialog,
    DistributeDialog,
    IssueDialog,
    ReceiveDialog,
    StockTransferDialog,
)
from shelter_app.ui.forms import palette
from shelter_app.ui.forms.fields import DateField, find_data
from shelter_app.ui.forms.formatting import fmt_date, quantity
from shelter_app.ui.user_settings import KEYS
from shelter_app.ui.widgets.errors import show_unexpected
from shelter_app.ui.widgets.lazy_model import RIGHT, Column, LazyTableModel, ListModel
from shelter_app.ui.widgets.page import Page
from shelter_app.ui.widgets.tables import table_view

STATUS_WORDS = {
    EXPIRED: N_("Expired"),
    LOW: N_("Low stock"),
    EXPIRING: N_("Expires soon"),
    EMPTY: N_("None held"),
    OK: N_("Enough"),
}
# Row tint and the colour of the status word: red for expired, orange for low, yellow for soon.
STATUS_COLOURS = {EXPIRED: palette.EXPIRED, LOW: palette.LOW, EXPIRING: palette.EXPIRING, EMPTY: palette.NONE_HELD}


def _status(code: str) -> str:
    return tr(STATUS_WORDS.get(code, code))


def _days(value) -> str:
    return "—" if value is None else quantity(value)


def _category(code: str) -> str:
    return choices.label(choices.STOCK_CATEGORIES, code)


ON_HAND_COLUMNS = [
    Column("name", N_("Item")),
    Column("category", N_("Category"), _category),
    Column("on_hand", N_("On hand"), quantity, RIGHT),
    Column("unit", N_("Unit")),
    Column("low_stock_level", N_("Low-stock level"), lambda v: quantity(v) if v else "—", RIGHT),
    Column("days_of_supply", N_("Days of supply"), _days, RIGHT),
    Column("nearest_expiry", N_("Nearest expiry"), fmt_date),
    Column("status", N_("Status"), _status),
]

LOT_COLUMNS = [
    Column("item_name", N_("Item")),
    Column("code", N_("Lot")),
    Column("expires_on", N_("Expires"), fmt_date),
    Column("days_left", N_("Days left"), lambda v: "" if v is None else str(v), RIGHT),
    Column("on_hand", N_("On hand"), quantity, RIGHT),
    Column("unit", N_("Unit")),
    Column("status", N_("Status"), _status),
]

CARD_COLUMNS = [
    Column("moved_on", N_("Date"), fmt_date),
    Column("kind", N_("Movement"), stock_overview.movement_kind_label),
    Column("lot", N_("Lot"), sortable=False),
    Column("received", N_("In"), quantity, RIGHT),
    Column("given", N_("Out"), quantity, RIGHT),
    Column("balance", N_("Balance"), quantity, RIGHT),
    Column("party", N_("Household, site or reference"), sortable=False),
    Column("reason", N_("Reason"), lambda code: choices.label(choices.ADJUST_REASONS, code) if code else ""),
    Column("note", N_("Note")),
    Column("by", N_("Entered by")),
]

CATALOGUE_COLUMNS = [
    Column("name", N_("Item")),
    Column("category", N_("Category"), _category),
    Column("unit", N_("Unit")),
    Column("has_expiry", N_("Expires"), lambda v: tr("Yes") if v else tr("No")),
    Column("per_person_per_day", N_("Use per person per day"), lambda v: quantity(v) if v else "—", RIGHT),
    Column("low_stock_level", N_("Low-stock level"), lambda v: quantity(v) if v else "—", RIGHT),
    Column("standard", N_("Standard"), lambda v: tr("Rice") if v == "rice" else v),
    Column("notes", N_("Notes")),
]


class StatusModel(ListModel):
    """A list whose rows carry a ``status``: tinted rows, the status word in bold colour."""

    def data(self, index, role=Qt.DisplayRole):
        if role in (Qt.BackgroundRole, Qt.ForegroundRole, Qt.FontRole) and index.isValid():
            row = self.row_at(index.row())
            colours = STATUS_COLOURS.get(getattr(row, "status", OK))
            if colours is None:
                return None
            is_status = self.columns[index.column()].key == "status"
            if role == Qt.BackgroundRole:
                return palette.brush(colours[0])
            if role == Qt.ForegroundRole:
                if is_status:
                    return palette.brush(colours[1])
                return (
                    palette.brush(palette.DARK_TEXT) if colours[0] else None
                )  # dark text on the light tint, whatever the theme
            if is_status and colours[0]:
                font = QFont()
                font.setBold(True)
                return font
            return None
        return super().data(index, role)


class CardModel(LazyTableModel):
    """Stock card lines; a cancelled movement stays visible, greyed, struck through and named so."""

    def data(self, index, role=Qt.DisplayRole):
        row = self.row_at(index.row()) if index.isValid() else None
        if row is not None and row.cancelled:
            if role == Qt.DisplayRole and self.columns[index.column()].key == "kind":
                return tr("{movement} (cancelled)", movement=super().data(index, role))
            if role == Qt.ForegroundRole:
                return palette.brush(palette.CANCELLED)
            if role == Qt.FontRole:
                font = QFont()
                font.setStrikeOut(True)
                return font
        return super().data(index, role)


def table(model, name: str) -> QTableView:
    # Rows are coloured by their warning: no alternating colours on top.
    return table_view(model, name, fit_contents=True, alternating=False)


class StockPage(Page):
    key = "stock"
    title = N_("Stock")

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.dialog = None  # the dialog open now (tests drive it)
        self._range_site = None  # the site the card's date range was set for
        layout = QVBoxLayout(self)
        heading = tr("Stock")
        layout.addWidget(QLabel(f"<h2>{heading}</h2>"))

        top = QHBoxLayout()
        site_label = QLabel(tr("&Site"))
        self.site = QComboBox()
        self.site.setObjectName("site")
        self.site.setMinimumWidth(260)
        site_label.setBuddy(self.site)
        day_label = QLabel(tr("O&n"))
        self.day = DateField()
        self.day.setObjectName("day")
        day_label.setBuddy(self.day)
        top.addWidget(site_label)
        top.addWidget(self.site)
        top.addSpacing(12)
        top.addWidget(day_label)
        top.addWidget(self.day)
        top.addStretch(1)
        self.buttons = {}
        for key, text, slot in (
            ("receive", N_("&Receive…"), self.open_receive),
            ("issue", N_("&Issue…"), self.open_issue),
            ("distribute", N_("Distri&bute…"), self.open_distribute),
            ("transfer", N_("&Transfer…"), self.open_transfer),
            ("adjust", N_("&Adjust…"), self.open_adjust),
        ):
            button = QPushButton(tr(text))
            button.setObjectName(f"{key}_button")
            button.clicked.connect(slot)
            top.addWidget(button)
            self.buttons[key] = button
        layout.addLayout(top)

        self.summary = QLabel()
        self.summary.setObjectName("stock_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_on_hand(), tr("Stock on hand"))
        self.tabs.addTab(self._build_catalogue(), tr("Catalogue"))
        layout.addWidget(self.tabs, 1)

        self.site.currentIndexChanged.connect(self._site_changed)
        self.day.dateChanged.connect(lambda _d: self._day_changed())
        self._restore_splitters()

    # --- building ----------------------------------------------------------------------

    def _build_on_hand(self) -> QWidget:
        self.on_hand_model = StatusModel(ON_HAND_COLUMNS)
        self.on_hand = table(self.on_hand_model, "on_hand")
        self.on_hand.selectionModel().currentRowChanged.connect(lambda *_a: self.load_card())
        self.lots_model = StatusModel(LOT_COLUMNS)
        self.lots = table(self.lots_model, "near_expiry")
        lots_box = QGroupBox(tr("Lots that expire within 30 days, or have expired"))
        lots_layout = QVBoxLayout(lots_box)
        lots_layout.setContentsMargins(4, 4, 4, 4)
        lots_layout.addWidget(self.lots)

        self.card_box = QGroupBox(tr("Stock card"))
        card_layout = QVBoxLayout(self.card_box)
        bar = QHBoxLayout()
        from_label = QLabel(tr("&From"))
        self.card_from = DateField()
        self.card_from.setObjectName("card_from")
        from_label.setBuddy(self.card_from)
        to_label = QLabel(tr("T&o"))
        self.card_to = DateField()
        self.card_to.setObjectName("card_to")
        to_label.setBuddy(self.card_to)
        self.opening = QLabel()
        self.opening.setObjectName("opening_balance")
        self.cancel_button = QPushButton(tr("&Cancel the selected movement…"))
        self.cancel_button.setObjectName("cancel_movement_button")
        self.cancel_button.clicked.connect(self.open_cancel)
        for widget in (from_label, self.card_from, to_label, self.card_to):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.cancel_button)
        card_layout.addLayout(bar)
        self.opening.setWordWrap(True)
        card_layout.addWidget(self.opening)
        # A busy site's card has thousands of lines: a page at a time, the latest first.
        self.card_model = CardModel(CARD_COLUMNS, lambda *_args: [])
        self.card = table(self.card_model, "stock_card")
        self.card.horizontalHeader().setSortIndicator(0, Qt.DescendingOrder)
        card_layout.addWidget(self.card)
        self.card_from.dateChanged.connect(lambda _d: self.load_card())
        self.card_to.dateChanged.connect(lambda _d: self.load_card())

        # Stacked full width: each table needs its columns; the lots are usually few.
        self.v_split = QSplitter(Qt.Vertical)
        self.v_split.setObjectName("stock_v_split")
        self.v_split.setChildrenCollapsible(False)
        self.v_split.addWidget(self.on_hand)
        self.v_split.addWidget(lots_box)
        self.v_split.addWidget(self.card_box)
        self.v_split.setSizes([300, 120, 300])
        return self.v_split

    def _build_catalogue(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        self.catalogue_model = ListModel(CATALOGUE_COLUMNS)
        self.catalogue = table(self.catalogue_model, "catalogue")
        self.catalogue.doubleClicked.connect(lambda _index: self.open_edit_item())
        buttons = QHBoxLayout()
        add = QPushButton(tr("&New item…"))
        add.setObjectName("new_item_button")
        add.clicked.connect(self.open_new_item)
        edit = QPushButton(tr("&Edit item…"))
        edit.setObjectName("edit_item_button")
        edit.clicked.connect(self.open_edit_item)
        buttons.addWidget(add)
        buttons.addWidget(edit)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.catalogue, 1)
        return box

    # --- loading -----------------------------------------------------------------------

    def refresh(self) -> None:
        current = self.site_id() or self.ctx.settings.value(KEYS.STOCK_SITE)
        self.site.blockSignals(True)
        self.site.clear()
        for site in sites.sites():
            self.site.addItem(tr("{site} (closed)", site=site.name) if site.closed_on else site.name, site.id)
        self.site.setCurrentIndex(max(find_data(self.site, current), 0))
        self.site.blockSignals(False)
        self.catalogue_model.set_rows(stock_overview.catalogue())
        if self.site_id() != self._range_site:  # after a save, keep the range the user chose
            self._set_card_range()
        self.load_on_hand()

    def site_id(self):
        return self.site.currentData()

    def day_value(self) -> datetime.date:
        return self.day.date_value()

    def _site_changed(self) -> None:
        if self.site_id() is not None:
            self.ctx.settings.set_value(KEYS.STOCK_SITE, str(self.site_id()))
        self._set_card_range()
        self.load_on_hand()

    def _set_card_range(self) -> None:
        """The card shows the site's whole history up to the day, unless the user narrows it."""
        self._range_site = self.site_id()
        site = next((s for s in sites.sites() if s.id == self.site_id()), None)
        for field, value in (
            (self.card_from, site.opened_on if site else self.day_value()),
            (self.card_to, self.day_value()),
        ):
            field.blockSignals(True)
            field.set_date(value)
            field.blockSignals(False)

    def _day_changed(self) -> None:
        self.card_to.blockSignals(True)  # the card ends on the chosen day
        self.card_to.set_date(self.day_value())
        self.card_to.blockSignals(False)
        self.load_on_hand()

    def load_on_hand(self) -> None:
        keep = self.selected_item_id()
        if self.site_id() is None:
            self.on_hand_model.set_rows([])
            self.lots_model.set_rows([])
            self.summary.setText(tr("No site yet: create a site on the Sites page first."))
            self.load_card()
            return
        day = self.day_value()
        rows = stock_overview.on_hand_table(self.site_id(), day)
        self.on_hand_model.set_rows(rows)
        self.lots_model.set_rows(stock_overview.near_expiry(self.site_id(), day))
        self._show_summary(rows)
        model = self.on_hand_model  # in the order the user sorted it
        index = next((i for i in range(model.rowCount()) if model.row_at(i).item_id == keep), 0 if rows else -1)
        if index >= 0:
            self.on_hand.selectRow(index)  # the model was reset: this changes the current row and loads its card
        else:
            self.load_card()

    def _show_summary(self, rows) -> None:
        low = [r.name for r in rows if r.status == LOW]
        expired = [r.name for r in rows if r.status == EXPIRED]
        soon = self.lots_model.rowCount()
        parts = []
        for status, word, what in (
            (EXPIRED, tr("Expired"), ", ".join(expired)),
            (LOW, tr("Low stock"), ", ".join(low)),
            (EXPIRING, tr("Expires soon"), tr("lots expiring within 30 days: {n}", n=soon) if soon else ""),
        ):
            if what:
                parts.append(
                    f"<span style='color:{STATUS_COLOURS[status][1]}'><b>{word}:</b> {html.escape(what)}</span>"
                )
        self.summary.setText(
            " &nbsp;·&nbsp; ".join(parts)
            if parts
            else tr("No warnings: no item is low and no lot expires within 30 days.")
        )

    def selected_item(self):
        index = self.on_hand.currentIndex()
        return self.on_hand_model.row_at(index.row()) if index.isValid() else None

    def selected_item_id(self):
        row = self.selected_item()
        return row.item_id if row else None

    def load_card(self) -> None:
        item = self.selected_item()
        if item is None or self.site_id() is None:
            self.card_box.setTitle(tr("Stock card"))
            self.card_model.set_fetch(lambda *_args: [])
            self.opening.clear()
            return
        site_id, start, end = self.site_id(), self.card_from.date_value(), self.card_to.date_value()
        totals = stock_overview.card_totals(site_id, item.item_id, start, end)
        self.card_box.setTitle(tr("Stock card: {item} at {site}", item=item.name, site=self.site.currentText()))
        text = ntr(
            "Opening balance on {date}: {opening} {unit} · in {received} · out {given} · "
            "closing on {end}: {closing} {unit} · {n} movement",
            "Opening balance on {date}: {opening} {unit} · in {received} · out {given} · "
            "closing on {end}: {closing} {unit} · {n} movements",
            totals.lines,
            date=fmt_date(start),
            opening=quantity(totals.opening),
            unit=item.unit,
            received=quantity(totals.received),
            given=quantity(totals.given),
            end=fmt_date(end),
            closing=quantity(totals.closing),
        )
        if totals.cancelled:
            text += " " + tr("(and {n} cancelled, shown struck through)", n=totals.cancelled)
        self.opening.setText(text)
        self.card_model.set_fetch(
            lambda offset, limit, key, descending: stock_overview.card_rows(
                site_id, item.item_id, start, end, offset, limit, key, descending
            )
        )

    # --- dialogs -----------------------------------------------------------------------

    def _open(self, dialog):
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _movement(self, dialog_class):
        if self.site_id() is None:
            return None
        try:
            return self._open(dialog_class(self.ctx, self.site_id(), self.day_value(), self.selected_item_id(), self))
        except Exception:
            show_unexpected(self, "opening a stock dialog")
            return None

    def open_receive(self):
        return self._movement(ReceiveDialog)

    def open_issue(self):
        return self._movement(IssueDialog)

    def open_distribute(self):
        return self._movement(DistributeDialog)

    def open_transfer(self):
        return self._movement(StockTransferDialog)

    def open_adjust(self):
        return self._movement(AdjustDialog)

    def open_cancel(self):
        index = self.card.currentIndex()
        item = self.selected_item()
        row = self.card_model.row_at(index.row()) if index.isValid() else None
        if row is None or item is None:
            self.opening.setText(tr("Select a movement in the stock card first."))
            return None
        if row.cancelled:
            self.opening.setText(tr("This movement is already cancelled."))
            return None
        return self._open(CancelMovementDialog(self.ctx, row, item.name, item.unit, self))

    def open_new_item(self):
        return self._open(ItemDialog(self.ctx, None, self))

    def open_edit_item(self):
        index = self.catalogue.currentIndex()
        row = self.catalogue_model.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        return self._open(ItemDialog(self.ctx, row, self))

    # --- navigation and state ----------------------------------------------------------

    def open_item(self, argument) -> None:
        """Another page opens the stock of a site (its id)."""
        self.refresh_if_stale()
        index = find_data(self.site, argument)
        if index >= 0:
            self.site.setCurrentIndex(index)

    def save_state(self) -> None:
        self.ctx.settings.set_value(KEYS.STOCK_V_SPLIT, self.v_split.saveState())

    def _restore_splitters(self) -> None:
        state = self.ctx.settings.value(KEYS.STOCK_V_SPLIT)
        if isinstance(state, QByteArray):
            self.v_split.restoreState(state)
