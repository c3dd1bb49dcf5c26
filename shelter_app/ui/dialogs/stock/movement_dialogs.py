"""The stock movements: receive, issue, distribute to households, transfer to another site,
adjust, and cancel one typed in error.

Each dialog calls one service when saved (``accept_clicked``, also on Enter); a refused
movement shows the service's message under the field it concerns, in the user's language,
and the dialog stays open with what was typed.
"""

from __future__ import annotations

import datetime
import html

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shelter_app.domain import choices
from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import N_, _, ntr, tr
from shelter_app.services import sites, stock, stock_overview
from shelter_app.ui.forms.fields import ChoiceBox, DateField, QuantityField, find_data
from shelter_app.ui.forms.form_dialog import FormDialog
from shelter_app.ui.forms.formatting import fmt_date, masked, quantity
from shelter_app.ui.forms.layout import field_row
from shelter_app.ui.forms.palette import HINT_STYLE
from shelter_app.ui.widgets.lazy_model import RIGHT, Column, ListModel

NEW_LOT = "new"  # lot combo entry: record a new lot with this delivery


def lot_text(row: stock_overview.LotRow) -> str:
    parts = [row.code or tr("no code")]
    if row.year:
        parts.append(str(row.year))
    if row.expires_on:
        parts.append(tr("expires {date}", date=fmt_date(row.expires_on)))
    if row.on_hand is not None:
        parts.append(f"{quantity(row.on_hand)} {row.unit}")
    return " · ".join(parts)


class MovementDialog(FormDialog):
    """Item, quantity, date and lot: what every movement has."""

    lots_held_only = True  # outgoing: only the lots the site holds

    def __init__(self, ctx, site_id, day: datetime.date, item_id=None, parent=None):
        super().__init__(parent, ctx=ctx)
        self.site_id, self.day = site_id, day
        self.site_name = next((site.name for site in sites.sites() if str(site.id) == str(site_id)), "")
        self.items = {row.id: row for row in stock_overview.catalogue()}
        self.site_label = QLabel(f"<b>{html.escape(self.site_name)}</b>")
        self.form.addRow(tr("Site"), self.site_label)
        self.item = QComboBox()
        self.item.setObjectName("item")
        self.item.setMinimumWidth(280)
        for row in self.items.values():
            self.item.addItem(row.name, row.id)
        self.add_field("item", tr("&Item"), self.item)
        self.quantity = QuantityField(self.quantity_hint())
        self.add_field("quantity", tr("&Quantity"), self.quantity)
        self.moved_on = DateField(day)
        self.moved_on.setObjectName("moved_on")
        self.add_field("moved_on", tr("&Date"), self.moved_on)
        self.build_middle()
        self.lot = QComboBox()
        self.lot.setObjectName("lot")
        self.lot.setMinimumWidth(280)
        self.add_field("lot", tr("&Lot"), self.lot)
        self.build_lot_extra()
        self.build_end()
        self.item.currentIndexChanged.connect(self._item_changed)
        if find_data(self.item, item_id) >= 0:
            self.item.setCurrentIndex(find_data(self.item, item_id))
        self._item_changed()
        if self.lots_held_only:  # the lots held change with the day
            self.moved_on.dateChanged.connect(self._item_changed)
        (self.quantity if item_id is not None else self.item).setFocus()

    def quantity_hint(self) -> str:
        return tr("e.g. 25 or 2,5")

    def build_middle(self) -> None:
        """Fields between the date and the lot (issued to, household, other site...)."""

    def build_lot_extra(self) -> None:
        """Fields right after the lot (a new lot's details)."""

    def build_end(self) -> None:
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.add_field("note", tr("&Note"), self.note)

    def item_id(self):
        return self.item.currentData()

    def lot_id(self):
        data = self.lot.currentData()
        return None if data in (None, NEW_LOT) else data

    def _item_changed(self) -> None:
        row = self.items.get(self.item_id())
        self.quantity.unit.setText(row.unit if row else "")
        self.fill_lots(row)

    def fill_lots(self, row) -> None:
        self.lot.clear()
        self.lot.addItem(tr("No particular lot"), None)
        if row is None:
            return
        for lot in stock_overview.lots_held(self.site_id, row.id, self.moved_on.date_value()):
            self.lot.addItem(lot_text(lot), lot.lot_id)


# --- the movements --------------------------------------------------------------------------


class ReceiveDialog(MovementDialog):
    heading = N_("Receive stock")
    save_text = N_("Receive")
    lots_held_only = False

    def build_lot_extra(self) -> None:
        self.lot_box = QGroupBox(tr("New lot"))
        lot_form = QFormLayout(self.lot_box)
        self.lot_code = QLineEdit()
        self.lot_code.setObjectName("lot_code")
        self.lot_code.setPlaceholderText(tr("as printed on the sacks or boxes"))
        self.lot_year = QLineEdit()
        self.lot_year.setObjectName("lot_year")
        self.lot_year.setMaximumWidth(80)
        # Typed as printed on the pack (31/05/2023, or 05/2023 for the end of that month): no
        # pre-filled date that a tired volunteer could leave wrong.
        self.lot_expiry = QLineEdit()
        self.lot_expiry.setObjectName("lot_expiry")
        self.lot_expiry.setMinimumWidth(200)
        self.lot_expiry.setMaximumWidth(220)
        self.lot_expiry.setPlaceholderText(tr("dd/mm/yyyy or mm/yyyy"))
        expiry = QWidget()
        row = QHBoxLayout(expiry)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.lot_expiry)
        self.expiry_hint = QLabel()
        self.expiry_hint.setStyleSheet(HINT_STYLE)
        row.addWidget(self.expiry_hint)
        row.addStretch(1)
        self.lot_source = QComboBox()
        self.lot_source.setObjectName("lot_source")
        self.lot_source.addItem(tr("Unknown"), "")
        for code, label in choices.STOCK_SOURCES.items():
            self.lot_source.addItem(tr(label), code)
        for label, widget, field in (
            (tr("Lot code"), self.lot_code, "code"),
            (tr("Year"), self.lot_year, "year"),
            (tr("E&xpiry date"), expiry, "expires_on"),
            (tr("Source"), self.lot_source, "source"),
        ):
            typed_in = self.lot_expiry if widget is expiry else widget
            field_row(lot_form, label, typed_in, widget, self.errors.add(field, typed_in))
        self.form.addRow(self.lot_box)
        self.lot.currentIndexChanged.connect(self._lot_changed)

    def build_end(self) -> None:
        self.reference = QLineEdit()
        self.reference.setObjectName("reference")
        self.reference.setPlaceholderText(tr("delivery note (BAST) number, donor"))
        self.add_field("reference", tr("&Reference"), self.reference)
        super().build_end()

    def fill_lots(self, row) -> None:
        self.lot.clear()
        self.lot.addItem(tr("New lot…"), NEW_LOT)
        self.lot.addItem(tr("No lot number"), None)
        if row is not None:
            for lot in stock_overview.lots_of(row.id, self.day):
                self.lot.addItem(lot_text(lot), lot.lot_id)
            self.expiry_hint.setText(
                tr("required: {item} expires", item=row.name) if row.has_expiry else tr("if printed on the pack")
            )
            self.lot_year.setText(str(self.day.year))
        # Items that expire need a lot with an expiry date: start with a new one.
        self.lot.setCurrentIndex(0 if row is None or row.has_expiry else 1)
        self._lot_changed()

    def _lot_changed(self) -> None:
        self.lot_box.setVisible(self.lot.currentData() == NEW_LOT)
        self.adjustSize()

    def submit(self):
        common = dict(reference=self.reference.text(), note=self.note.text())
        if self.lot.currentData() == NEW_LOT:
            stock_overview.receive_new_lot(
                self.site_id,
                self.item_id(),
                self.quantity.text(),
                self.moved_on.date_value(),
                code=self.lot_code.text(),
                year=self.lot_year.text().strip() or None,
                expires_on=self.lot_expiry.text(),
                source=self.lot_source.currentData(),
                **common,
            )
        else:
            stock.receive(
                self.site_id,
                self.item_id(),
                self.quantity.text(),
                self.moved_on.date_value(),
                lot_id=self.lot_id(),
                **common,
            )


class IssueDialog(MovementDialog):
    """Stock used by the site as a whole: the community kitchen, the generator's fuel."""

    heading = N_("Issue stock")
    save_text = N_("Issue")

    def build_middle(self) -> None:
        self.reference = QLineEdit()
        self.reference.setObjectName("reference")
        self.reference.setPlaceholderText(tr("e.g. Dapur umum, generator, health post"))
        self.add_field("reference", tr("Issued &to"), self.reference)

    def submit(self):
        stock.issue(
            self.site_id,
            self.item_id(),
            self.quantity.text(),
            self.moved_on.date_value(),
            lot_id=self.lot_id(),
            reference=self.reference.text(),
            note=self.note.text(),
        )


class StockTransferDialog(MovementDialog):
    heading = N_("Transfer stock to another site")
    save_text = N_("Transfer")

    def build_middle(self) -> None:
        self.to_site = QComboBox()
        self.to_site.setObjectName("to_site")
        for site in sites.sites():
            if site.id != self.site_id:
                self.to_site.addItem(tr("{site} (closed)", site=site.name) if site.closed_on else site.name, site.id)
        self.add_field("to_site", tr("&To site"), self.to_site)

    def submit(self):
        stock.transfer(
            self.site_id,
            self.to_site.currentData(),
            self.item_id(),
            self.quantity.text(),
            self.moved_on.date_value(),
            lot_id=self.lot_id(),
            note=self.note.text(),
        )


class AdjustDialog(MovementDialog):
    heading = N_("Adjust stock")
    save_text = N_("Adjust")

    def quantity_hint(self) -> str:
        return tr("negative takes away (-3), positive adds (5)")

    def build_middle(self) -> None:
        self.reason = ChoiceBox(choices.ADJUST_REASONS)
        self.reason.setObjectName("reason")
        self.add_field("reason", tr("&Reason"), self.reason)

    def submit(self):
        stock.adjust(
            self.site_id,
            self.item_id(),
            self.quantity.text(),
            self.moved_on.date_value(),
            self.reason.code(),
            lot_id=self.lot_id(),
            note=self.note.text(),
        )


# --- distribute to households ----------------------------------------------------------------

HOUSEHOLD_COLUMNS = [
    Column("head", N_("Head of household")),
    Column("kk", N_("KK"), masked),
    Column("members", N_("Members"), align=RIGHT),
    Column("site", N_("Site on the day"), lambda name: name or tr("not at a site")),
    Column("found", N_("Found by")),
]


class DistributeDialog(MovementDialog):
    """Give an item to one household after another: search or scan, quantity, Enter; next."""

    heading = N_("Distribute to households")
    save_text = N_("Distribute")

    def __init__(self, ctx, site_id, day, item_id=None, parent=None):
        super().__init__(ctx, site_id, day, item_id, parent)
        self.setMinimumWidth(820)
        self.save_button.setAutoDefault(False)
        self.save_button.setDefault(False)
        self.cancel_button.setText(tr("Close"))
        self.cancel_button.setAutoDefault(False)
        self.search.setFocus()

    def quantity_hint(self) -> str:
        return tr("for each household")

    def build_middle(self) -> None:
        self.household_id = None
        self.household_name = ""
        self.given = 0
        self.search = QLineEdit()
        self.search.setObjectName("household_search")
        self.search.setPlaceholderText(tr("Name, NIK or KK, or scan the household card"))
        self.search.setClearButtonEnabled(True)
        self.results_model = ListModel(HOUSEHOLD_COLUMNS, [])
        self.results = QTableView()
        self.results.setObjectName("household_results")
        self.results.setModel(self.results_model)
        self.results.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.results.verticalHeader().hide()
        self.results.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.results.horizontalHeader().setStretchLastSection(True)
        self.results.setMinimumHeight(170)
        self.results.setWordWrap(False)
        self.results.verticalHeader().setDefaultSectionSize(self.results.fontMetrics().height() + 8)
        self.results.doubleClicked.connect(lambda _index: self.choose_current())
        self.chosen = QLabel(tr("No household chosen yet."))
        self.chosen.setObjectName("chosen_household")
        self.chosen.setWordWrap(True)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        layout.addWidget(self.chosen)
        # The household comes first: with a scanner the volunteer never leaves the keyboard.
        field_row(self.form, tr("&Household"), self.search, box, self.errors.add("household", self.search), at=1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.search_now)
        self.search.textEdited.connect(lambda _text: self._timer.start())

    def build_end(self) -> None:
        super().build_end()
        self.log = QLabel()
        self.log.setObjectName("distribution_log")
        self.log.setWordWrap(True)
        self.form.addRow(self.log)
        # Tab order follows the work: household, item, quantity, date, lot, note.
        QWidget.setTabOrder(self.search, self.results)
        QWidget.setTabOrder(self.results, self.item)
        QWidget.setTabOrder(self.item, self.quantity.edit)
        QWidget.setTabOrder(self.quantity.edit, self.moved_on)
        QWidget.setTabOrder(self.moved_on, self.lot)
        QWidget.setTabOrder(self.lot, self.note)

    def search_now(self) -> None:
        self._timer.stop()
        found = stock_overview.find_households(self.search.text(), self.moved_on.date_value(), site_id=self.site_id)
        self.results_model.set_rows(found)
        if found:
            self.results.selectRow(0)

    def choose_current(self) -> None:
        if self._timer.isActive() or not self.results_model.rowCount():
            self.search_now()
        index = self.results.currentIndex()
        row = self.results_model.row_at(index.row() if index.isValid() else 0)
        if row is None:
            self.show_error(RuleViolation("household", _('No household found for "{text}".', text=self.search.text())))
            return
        self.errors.clear()
        self.household_id, self.household_name = row.household_id, row.head
        kk = f" · KK {masked(row.kk)}" if row.kk else ""
        self.chosen.setText(
            ntr(
                "Giving to: <b>{name}</b>{kk} · {n} member · {site}",
                "Giving to: <b>{name}</b>{kk} · {n} members · {site}",
                row.members,
                name=html.escape(row.head),
                kk=kk,
                site=row.site or tr("not at a site"),
            )
        )
        self.quantity.setFocus()
        self.quantity.edit.selectAll()

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key_Return, Qt.Key_Enter):
            if self.focusWidget() in (self.search, self.results):
                self.choose_current()
            else:
                self.accept_clicked()
            return
        super().keyPressEvent(event)

    def submit(self):
        if self.household_id is None and self.results_model.rowCount() == 1:
            self.choose_current()  # the one household found, shown as chosen, is the one meant
        if self.household_id is None:
            raise RuleViolation("household", _("Choose the household first: type a name, NIK or KK, then Enter."))
        stock.distribute(
            self.site_id,
            self.item_id(),
            self.quantity.text(),
            self.moved_on.date_value(),
            self.household_id,
            lot_id=self.lot_id(),
            note=self.note.text(),
        )

    def accept_clicked(self) -> bool:
        """Save one distribution and get ready for the next household; the dialog stays open."""
        if not self.try_save("distributing stock"):
            return False
        self.given += 1
        item = self.items.get(self.item_id())
        self.log.setText(
            ntr(
                "Given to {n} household in this window. Last: {quantity} {unit} {item} to {name}.",
                "Given to {n} households in this window. Last: {quantity} {unit} {item} to {name}.",
                self.given,
                quantity=self.quantity.text(),
                unit=item.unit if item else "",
                item=item.name if item else "",
                name=self.household_name,
            )
        )
        self.ctx.data_changed.emit()
        self.household_id = None
        self.chosen.setText(tr("No household chosen yet."))
        self.search.clear()
        self.results_model.set_rows([])
        self.fill_lots(item)
        self.search.setFocus()
        return True


# --- cancelling a movement -------------------------------------------------------------------


class CancelMovementDialog(FormDialog):
    heading = N_("Cancel a movement typed in error")
    save_text = N_("Cancel the movement")

    def __init__(self, ctx, row: stock_overview.CardRow, item_name: str, unit: str, parent=None):
        super().__init__(parent, ctx=ctx)
        self.row = row
        self.cancel_button.setText(tr("Keep it"))
        amount = row.received if row.received is not None else -row.given
        what = QLabel(
            tr(
                "{date}: {kind}, {quantity} {unit} {item}. The movement stays in the history, "
                "marked as cancelled; both legs of a transfer are cancelled together.",
                date=fmt_date(row.moved_on),
                kind=stock_overview.movement_kind_label(row.kind),
                quantity=("+" if amount > 0 else "") + quantity(amount),
                unit=unit,
                item=item_name,
            )
        )
        what.setWordWrap(True)
        self.form.addRow(what)
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.note.setPlaceholderText(tr("why: typed twice, wrong item…"))
        self.add_field("note", tr("&Why"), self.note)
        self.note.setFocus()

    def submit(self):
        stock.cancel_movement(self.row.movement_id, note=self.note.text())
