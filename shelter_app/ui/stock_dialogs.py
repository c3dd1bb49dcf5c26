"""The stock dialogs: receive, issue, distribute to a household, transfer, adjust, cancel, items.

Each dialog calls one service when saved (``accept_clicked``, also on Enter); a refused
movement shows the service's message under the field it concerns, in the user's language,
and the dialog stays open with what was typed.
"""

from __future__ import annotations

import datetime
import html
from decimal import Decimal

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QCompleter, QDialog, QDialogButtonBox, QFormLayout, QGroupBox,
    QHBoxLayout, QHeaderView, QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget,
)

from shelter_app.domain import choices
from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import N_, _, current_language, tr, ntr
from shelter_app.reports.fmt import Formatter
from shelter_app.services import sites, stock, stock_overview
from shelter_app.ui.dialogs.common import masked
from shelter_app.ui.widgets.errors import FieldErrors, show_unexpected
from shelter_app.ui.widgets.fields import ChoiceBox, DateField
from shelter_app.ui.widgets.lazy_model import Column, ListModel

NEW_LOT = "new"  # lot combo entry: record a new lot with this delivery
COMMON_UNITS = ["kg", "liter", "dus", "paket", "bungkus", "lembar", "unit", "buah", "karung", "botol"]


# --- formatting shared by the stock page and its dialogs ---------------------------------


def qty(value) -> str:
    """A quantity in the user's language: 1.250,5 (id) or 1,250.5 (en)."""
    return "" if value is None else Formatter(current_language()).n(Decimal(str(value)))


def day_text(day: datetime.date | None) -> str:
    if day is None:
        return ""
    return day.strftime("%d/%m/%Y") if current_language() == "id" else day.isoformat()


def lot_text(row: stock_overview.LotRow) -> str:
    parts = [row.code or tr("no code")]
    if row.year:
        parts.append(str(row.year))
    if row.expires_on:
        parts.append(tr("expires {date}", date=day_text(row.expires_on)))
    if row.on_hand is not None:
        parts.append(f"{qty(row.on_hand)} {row.unit}")
    return " · ".join(parts)


def find_data(combo: QComboBox, value) -> int:
    """The index of the entry holding ``value`` (ids compared as text: Qt cannot compare UUIDs)."""
    if value is None:
        return -1
    return next((i for i in range(combo.count()) if str(combo.itemData(i)) == str(value)), -1)


def with_error(widget: QWidget, error: QLabel) -> QWidget:
    """The field with its error label right under it (hidden until a message comes)."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(widget)
    layout.addWidget(error)
    return box


class QuantityField(QWidget):
    """A quantity typed as text (2,5 or 2.5: the service reads both) with the item's unit beside it."""

    def __init__(self, hint: str = "", parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setObjectName("quantity")
        self.edit.setMaximumWidth(140)
        self.unit = QLabel()
        self.hint = QLabel(hint)
        self.hint.setStyleSheet("color: #555;")
        layout.addWidget(self.edit)
        layout.addWidget(self.unit)
        layout.addSpacing(8)
        layout.addWidget(self.hint)
        layout.addStretch(1)
        self.setFocusProxy(self.edit)

    def text(self) -> str:
        return self.edit.text().strip()


# --- the common form ----------------------------------------------------------------------


class FormDialog(QDialog):
    """A form with one error label per field, OK on Enter, Cancel on Esc."""

    heading = ""  # msgid of the window title
    ok_text = N_("Save")

    def __init__(self, ctx, parent=None, heading: str | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr(heading or self.heading))
        self.setMinimumWidth(600)
        outer = QVBoxLayout(self)
        self.general = QLabel()
        self.general.setObjectName("error_general")
        self.errors = FieldErrors(self.general)
        outer.addWidget(self.general)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.ExpandingFieldsGrow)
        outer.addLayout(self.form)
        outer.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setText(tr(self.ok_text))
        self.buttons.button(QDialogButtonBox.Cancel).setText(tr("Cancel"))
        self.buttons.accepted.connect(self.accept_clicked)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)

    def add_field(self, label: str, widget: QWidget, field: str, *aliases: str) -> QWidget:
        """A labelled row whose error label sits under the field; ``label`` is a translated text with &."""
        error = self.errors.add(field, widget)
        for alias in aliases:  # other field names the services use for the same widget
            self.errors.labels[alias], self.errors.widgets[alias] = error, widget
        caption = QLabel(label)
        caption.setBuddy(widget)
        self.form.addRow(caption, with_error(widget, error))
        return widget

    def show_error(self, error: RuleViolation) -> None:
        """The message under its field; the dialog grows so a long message is not cut off."""
        self.errors.show(error)
        self.layout().activate()
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))

    def try_save(self, what: str) -> bool:
        """Save, showing a broken rule under its field; True when saved."""
        self.errors.clear()
        try:
            self.save()
        except RuleViolation as error:
            self.show_error(error)
            return False
        except Exception:
            show_unexpected(self, what)
            return False
        return True

    def accept_clicked(self) -> bool:
        if not self.try_save("saving in a stock dialog"):
            return False
        self.ctx.data_changed.emit()
        self.accept()
        return True

    def save(self) -> None:
        raise NotImplementedError


class MovementDialog(FormDialog):
    """Item, quantity, date and lot: what every movement has."""

    lots_held_only = True  # outgoing: only the lots the site holds

    def __init__(self, ctx, site_id, day: datetime.date, item_id=None, parent=None):
        super().__init__(ctx, parent)
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
        self.add_field(tr("&Item"), self.item, "item")
        self.quantity = QuantityField(self.quantity_hint())
        self.add_field(tr("&Quantity"), self.quantity, "quantity")
        self.moved_on = DateField(day)
        self.moved_on.setObjectName("moved_on")
        self.add_field(tr("&Date"), self.moved_on, "moved_on")
        self.build_middle()
        self.lot = QComboBox()
        self.lot.setObjectName("lot")
        self.lot.setMinimumWidth(280)
        self.add_field(tr("&Lot"), self.lot, "lot")
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
        self.add_field(tr("&Note"), self.note, "note")

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
    ok_text = N_("Receive")
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
        self.expiry_hint.setStyleSheet("color: #555;")
        row.addWidget(self.expiry_hint)
        row.addStretch(1)
        self.lot_source = QComboBox()
        self.lot_source.setObjectName("lot_source")
        self.lot_source.addItem(tr("Unknown"), "")
        for code, label in choices.STOCK_SOURCES.items():
            self.lot_source.addItem(tr(label), code)
        for label, widget, field in ((tr("Lot code"), self.lot_code, "code"), (tr("Year"), self.lot_year, "year"),
                                     (tr("E&xpiry date"), expiry, "expires_on"), (tr("Source"), self.lot_source, "source")):
            error = self.errors.add(field, self.lot_expiry if widget is expiry else widget)
            caption = QLabel(label)
            caption.setBuddy(self.lot_expiry if widget is expiry else widget)
            lot_form.addRow(caption, with_error(widget, error))
        self.form.addRow(self.lot_box)
        self.lot.currentIndexChanged.connect(self._lot_changed)

    def build_end(self) -> None:
        self.reference = QLineEdit()
        self.reference.setObjectName("reference")
        self.reference.setPlaceholderText(tr("delivery note (BAST) number, donor"))
        self.add_field(tr("&Reference"), self.reference, "reference")
        super().build_end()

    def fill_lots(self, row) -> None:
        self.lot.clear()
        self.lot.addItem(tr("New lot…"), NEW_LOT)
        self.lot.addItem(tr("No lot number"), None)
        if row is not None:
            for lot in stock_overview.lots_of(row.id, self.day):
                self.lot.addItem(lot_text(lot), lot.lot_id)
            self.expiry_hint.setText(tr("required: {item} expires", item=row.name) if row.has_expiry else tr("if printed on the pack"))
            self.lot_year.setText(str(self.day.year))
        # Items that expire need a lot with an expiry date: start with a new one.
        self.lot.setCurrentIndex(0 if row is None or row.has_expiry else 1)
        self._lot_changed()

    def _lot_changed(self) -> None:
        self.lot_box.setVisible(self.lot.currentData() == NEW_LOT)
        self.adjustSize()

    def save(self) -> None:
        common = dict(reference=self.reference.text(), note=self.note.text())
        if self.lot.currentData() == NEW_LOT:
            stock_overview.receive_new_lot(
                self.site_id, self.item_id(), self.quantity.text(), self.moved_on.date_value(),
                code=self.lot_code.text(), year=self.lot_year.text().strip() or None,
                expires_on=self.lot_expiry.text(),
                source=self.lot_source.currentData(), **common)
        else:
            stock.receive(self.site_id, self.item_id(), self.quantity.text(), self.moved_on.date_value(),
                          lot_id=self.lot_id(), **common)


class IssueDialog(MovementDialog):
    """Stock used by the site as a whole: the community kitchen, the generator's fuel."""

    heading = N_("Issue stock")
    ok_text = N_("Issue")

    def build_middle(self) -> None:
        self.reference = QLineEdit()
        self.reference.setObjectName("reference")
        self.reference.setPlaceholderText(tr("e.g. Dapur umum, generator, health post"))
        self.add_field(tr("Issued &to"), self.reference, "reference")

    def save(self) -> None:
        stock.issue(self.site_id, self.item_id(), self.quantity.text(), self.moved_on.date_value(),
                    lot_id=self.lot_id(), reference=self.reference.text(), note=self.note.text())


class TransferDialog(MovementDialog):
    heading = N_("Transfer stock to another site")
    ok_text = N_("Transfer")

    def build_middle(self) -> None:
        self.to_site = QComboBox()
        self.to_site.setObjectName("to_site")
        for site in sites.sites():
            if site.id != self.site_id:
                self.to_site.addItem(tr("{site} (closed)", site=site.name) if site.closed_on else site.name, site.id)
        self.add_field(tr("&To site"), self.to_site, "to_site")

    def save(self) -> None:
        stock.transfer(self.site_id, self.to_site.currentData(), self.item_id(), self.quantity.text(),
                       self.moved_on.date_value(), lot_id=self.lot_id(), note=self.note.text())


class AdjustDialog(MovementDialog):
    heading = N_("Adjust stock")
    ok_text = N_("Adjust")

    def quantity_hint(self) -> str:
        return tr("negative takes away (-3), positive adds (5)")

    def build_middle(self) -> None:
        self.reason = ChoiceBox(choices.ADJUST_REASONS)
        self.reason.setObjectName("reason")
        self.add_field(tr("&Reason"), self.reason, "reason")

    def save(self) -> None:
        stock.adjust(self.site_id, self.item_id(), self.quantity.text(), self.moved_on.date_value(),
                     self.reason.code(), lot_id=self.lot_id(), note=self.note.text())


# --- distribute to households ----------------------------------------------------------------

HOUSEHOLD_COLUMNS = [
    Column("head", N_("Head of household")),
    Column("kk", N_("KK"), masked),
    Column("members", N_("Members"), align=Qt.AlignRight | Qt.AlignVCenter),
    Column("site", N_("Site on the day"), lambda name: name or tr("not at a site")),
    Column("found", N_("Found by")),
]


class DistributeDialog(MovementDialog):
    """Give an item to one household after another: search or scan, quantity, Enter; next."""

    heading = N_("Distribute to households")
    ok_text = N_("Distribute")

    def __init__(self, ctx, site_id, day, item_id=None, parent=None):
        super().__init__(ctx, site_id, day, item_id, parent)
        self.setMinimumWidth(820)
        self.ok_button.setAutoDefault(False)
        self.ok_button.setDefault(False)
        self.buttons.button(QDialogButtonBox.Cancel).setText(tr("Close"))
        self.buttons.button(QDialogButtonBox.Cancel).setAutoDefault(False)
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
        error = self.errors.add("household", self.search)
        caption = QLabel(tr("&Household"))
        caption.setBuddy(self.search)
        # The household comes first: with a scanner the volunteer never leaves the keyboard.
        self.form.insertRow(1, caption, with_error(box, error))
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
            self.show_error(RuleViolation("household", _("No household found for \"{text}\".", text=self.search.text())))
            return
        self.errors.clear()
        self.household_id, self.household_name = row.household_id, row.head
        kk = f" · KK {masked(row.kk)}" if row.kk else ""
        self.chosen.setText(ntr("Giving to: <b>{name}</b>{kk} · {n} member · {site}",
                                "Giving to: <b>{name}</b>{kk} · {n} members · {site}", row.members,
                                name=html.escape(row.head), kk=kk, site=row.site or tr("not at a site")))
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

    def save(self) -> None:
        if self.household_id is None:
            raise RuleViolation("household", _("Choose the household first: type a name, NIK or KK, then Enter."))
        stock.distribute(self.site_id, self.item_id(), self.quantity.text(), self.moved_on.date_value(),
                         self.household_id, lot_id=self.lot_id(), note=self.note.text())

    def accept_clicked(self) -> bool:
        """Save one distribution and get ready for the next household; the dialog stays open."""
        if not self.try_save("distributing stock"):
            return False
        self.given += 1
        item = self.items.get(self.item_id())
        self.log.setText(ntr("Given to {n} household in this window. Last: {quantity} {unit} {item} to {name}.",
                             "Given to {n} households in this window. Last: {quantity} {unit} {item} to {name}.",
                             self.given, quantity=self.quantity.text(), unit=item.unit if item else "",
                            item=item.name if item else "", name=self.household_name))
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
    ok_text = N_("Cancel the movement")

    def __init__(self, ctx, row: stock_overview.CardRow, item_name: str, unit: str, parent=None):
        super().__init__(ctx, parent)
        self.row = row
        self.buttons.button(QDialogButtonBox.Cancel).setText(tr("Keep it"))
        amount = row.received if row.received is not None else -row.given
        what = QLabel(tr("{date}: {kind}, {quantity} {unit} {item}. The movement stays in the history, "
                         "marked as cancelled; both legs of a transfer are cancelled together.",
                         date=day_text(row.moved_on), kind=stock_overview.movement_kind_label(row.kind),
                         quantity=("+" if amount > 0 else "") + qty(amount), unit=unit, item=item_name))
        what.setWordWrap(True)
        self.form.addRow(what)
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.note.setPlaceholderText(tr("why: typed twice, wrong item…"))
        self.add_field(tr("&Why"), self.note, "note")
        self.note.setFocus()

    def save(self) -> None:
        stock.cancel_movement(self.row.movement_id, note=self.note.text())


# --- the catalogue -----------------------------------------------------------------------------


class ItemDialog(FormDialog):
    """Add an item to the catalogue, or correct one."""

    def __init__(self, ctx, row: stock_overview.CatalogueRow | None = None, parent=None):
        super().__init__(ctx, parent, N_("Edit item") if row else N_("New item"))
        self.row = row
        self.name = QLineEdit(row.name if row else "")
        self.name.setObjectName("name")
        self.add_field(tr("&Name"), self.name, "name")
        self.category = ChoiceBox(choices.STOCK_CATEGORIES, row.category if row else "food")
        self.category.setObjectName("category")
        self.add_field(tr("Ca&tegory"), self.category, "category")
        self.unit = QLineEdit(row.unit if row else "")
        self.unit.setObjectName("unit")
        self.unit.setPlaceholderText(tr("kg, liter, dus, paket, lembar…"))
        completer = QCompleter(COMMON_UNITS, self.unit)
        completer.setCaseSensitivity(Qt.CaseInsensitive)
        self.unit.setCompleter(completer)
        self.add_field(tr("&Unit"), self.unit, "unit")
        self.has_expiry = QCheckBox(tr("Lots of this item have an expiry date"))
        self.has_expiry.setObjectName("has_expiry")
        self.has_expiry.setChecked(bool(row and row.has_expiry))
        self.add_field(tr("E&xpiry"), self.has_expiry, "has_expiry")
        self.per_person = QLineEdit(stock_overview.fmt_quantity(row.per_person_per_day) if row else "0")
        self.per_person.setObjectName("per_person_per_day")
        self.per_person.setToolTip(tr("Used for days of supply; 0 when the item is not used up daily."))
        self.add_field(tr("Use per &person per day"), self.per_person, "per_person_per_day")
        self.low_level = QLineEdit(stock_overview.fmt_quantity(row.low_stock_level) if row else "0")
        self.low_level.setObjectName("low_stock_level")
        self.low_level.setToolTip(tr("Below this quantity the item is marked as low stock; 0: never."))
        self.add_field(tr("&Low-stock level"), self.low_level, "low_stock_level")
        self.is_rice = QCheckBox(tr("Counts as rice in the needs table"))
        self.is_rice.setObjectName("is_rice")
        self.is_rice.setChecked(bool(row and row.standard == "rice"))
        self.add_field(tr("&Standard"), self.is_rice, "standard")
        self.notes = QLineEdit(row.notes if row else "")
        self.notes.setObjectName("notes")
        self.add_field(tr("N&otes"), self.notes, "notes")
        self.name.setFocus()

    def data(self) -> dict:
        standard = "rice" if self.is_rice.isChecked() else ("" if self.row is None or self.row.standard == "rice" else self.row.standard)
        return dict(name=self.name.text(), category=self.category.code(), unit=self.unit.text(),
                    has_expiry=self.has_expiry.isChecked(), per_person_per_day=self.per_person.text(),
                    low_stock_level=self.low_level.text(), standard=standard, notes=self.notes.text())

    def save(self) -> None:
        data = self.data()
        if self.row is None:
            stock.add_item(data.pop("name"), data.pop("category"), data.pop("unit"), **data)
        else:
            stock.update_item(self.row.id, **data)
