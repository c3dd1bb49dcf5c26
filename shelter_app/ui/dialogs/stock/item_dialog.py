"""The stock catalogue: adding an item, or correcting one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QCompleter, QLineEdit

from shelter_app.domain import choices
from shelter_app.i18n import tr
from shelter_app.services import stock, stock_overview
from shelter_app.ui.forms.fields import ChoiceBox
from shelter_app.ui.forms.form_dialog import FormDialog

COMMON_UNITS = ["kg", "liter", "dus", "paket", "bungkus", "lembar", "unit", "buah", "karung", "botol"]


class ItemDialog(FormDialog):
    """Add an item to the catalogue, or correct one."""

    def __init__(self, ctx, row: stock_overview.CatalogueRow | None = None, parent=None):
        super().__init__(parent, ctx=ctx, title=tr("Edit item") if row else tr("New item"))
        self.row = row
        self.name = QLineEdit(row.name if row else "")
        self.name.setObjectName("name")
        self.add_field("name", tr("&Name"), self.name)
        self.category = ChoiceBox(choices.STOCK_CATEGORIES, row.category if row else "food")
        self.category.setObjectName("category")
        self.add_field("category", tr("Ca&tegory"), self.category)
        self.unit = QLineEdit(row.unit if row else "")
        self.unit.setObjectName("unit")
        self.unit.setPlaceholderText(tr("kg, liter, dus, paket, lembar…"))
        completer = QCompleter(COMMON_UNITS, self.unit)
        completer.setCaseSensitivity(Qt.CaseInsensitive)
        self.unit.setCompleter(completer)
        self.add_field("unit", tr("&Unit"), self.unit)
        self.has_expiry = QCheckBox(tr("Lots of this item have an expiry date"))
        self.has_expiry.setObjectName("has_expiry")
        self.has_expiry.setChecked(bool(row and row.has_expiry))
        self.add_field("has_expiry", tr("E&xpiry"), self.has_expiry)
        self.per_person = QLineEdit(stock_overview.fmt_quantity(row.per_person_per_day) if row else "0")
        self.per_person.setObjectName("per_person_per_day")
        self.per_person.setToolTip(tr("Used for days of supply; 0 when the item is not used up daily."))
        self.add_field("per_person_per_day", tr("Use per &person per day"), self.per_person)
        self.low_level = QLineEdit(stock_overview.fmt_quantity(row.low_stock_level) if row else "0")
        self.low_level.setObjectName("low_stock_level")
        self.low_level.setToolTip(tr("Below this quantity the item is marked as low stock; 0: never."))
        self.add_field("low_stock_level", tr("&Low-stock level"), self.low_level)
        self.is_rice = QCheckBox(tr("Counts as rice in the needs table"))
        self.is_rice.setObjectName("is_rice")
        self.is_rice.setChecked(bool(row and row.standard == "rice"))
        self.add_field("standard", tr("&Standard"), self.is_rice)
        self.notes = QLineEdit(row.notes if row else "")
        self.notes.setObjectName("notes")
        self.add_field("notes", tr("N&otes"), self.notes)
        self.name.setFocus()

    def data(self) -> dict:
        standard = (
            "rice"
            if self.is_rice.isChecked()
            else ("" if self.row is None or self.row.standard == "rice" else self.row.standard)
        )
        return dict(
            name=self.name.text(),
            category=self.category.code(),
            unit=self.unit.text(),
            has_expiry=self.has_expiry.isChecked(),
            per_person_per_day=self.per_person.text(),
            low_stock_level=self.low_level.text(),
            standard=standard,
            notes=self.notes.text(),
        )

    def submit(self):
        data = self.data()
        if self.row is None:
            stock.add_item(data.pop("name"), data.pop("category"), data.pop("unit"), **data)
        else:
            stock.update_item(self.row.id, **data)
