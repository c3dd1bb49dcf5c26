"""Input widgets every form uses: dates, choice lists, the village picker, numbers."""

from __future__ import annotations

import datetime

from PySide6.QtCore import QDate, QStringListModel, Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QDateEdit, QDoubleSpinBox, QLineEdit

from shelter_app.domain import regions
from shelter_app.i18n import current_language, tr


class DateField(QDateEdit):
    """A date typed with the keyboard (day/month/year) or picked from a calendar."""

    def __init__(self, value: datetime.date | None = None, parent=None):
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("dd/MM/yyyy" if current_language() == "id" else "yyyy-MM-dd")
        self.setMaximumDate(QDate.currentDate())
        self.set_date(value or datetime.date.today())

    def date_value(self) -> datetime.date:
        qdate = self.date()
        return datetime.date(qdate.year(), qdate.month(), qdate.day())

    def set_date(self, value: datetime.date) -> None:
        self.setDate(QDate(value.year, value.month, value.day))


class ChoiceBox(QComboBox):
    """A list of codes shown with their translated labels (``domain.choices``)."""

    def __init__(self, choices: dict[str, str], value: str | None = None, parent=None):
        super().__init__(parent)
        for code, label in choices.items():
            self.addItem(tr(label), code)
        if value is not None:
            self.set_code(value)

    def code(self) -> str:
        return self.currentData()

    def set_code(self, code: str) -> None:
        index = self.findData(code)
        if index >= 0:
            self.setCurrentIndex(index)


class VillagePicker(QLineEdit):
    """Type part of a village name ("sukamanah, cugenang"); pick it from the official list."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setPlaceholderText(tr("Type a village name, e.g. Gasol, Cugenang"))
        self._codes: dict[str, str] = {}
        self._model = QStringListModel(self)
        completer = QCompleter(self._model, self)
        completer.setCaseSensitivity(Qt.CaseInsensitive)
        completer.setFilterMode(Qt.MatchContains)
        self.setCompleter(completer)
        self.textEdited.connect(self._suggest)

    def _suggest(self, text: str) -> None:
        if len(text.strip()) < 3:
            return
        found = regions.search_villages(text, limit=30)
        self._codes = {regions.full_name(v): v.code for v in found}
        self._model.setStringList(list(self._codes))

    def code(self) -> str:
        """The code of the chosen village; empty when nothing (or an unknown name) was chosen."""
        text = self.text().strip()
        if not text:
            return ""
        if text in self._codes:
            return self._codes[text]
        village = regions.village(text)
        return village.code if village else text  # the service explains an unknown code

    def set_code(self, code: str) -> None:
        village = regions.village(code) if code else None
        if village:
            name = regions.full_name(village)
            self._codes[name] = code
            self.setText(name)
        else:
            self.setText(code or "")


def number_field(decimals: int = 0, maximum: float = 10**9, suffix: str = "") -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setDecimals(decimals)
    box.setMaximum(maximum)
    box.setGroupSeparatorShown(True)
    if suffix:
        box.setSuffix(f" {suffix}")
    return box
