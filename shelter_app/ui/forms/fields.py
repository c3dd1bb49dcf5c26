"""The input widgets of every form: dates, choice lists, the village picker, numbers and
quantities, a birth date typed as on paper, lists chosen by typing, and Enter that moves on."""

from __future__ import annotations

import datetime

from PySide6.QtCore import QDate, QElapsedTimer, QEvent, QLocale, QObject, QStringListModel, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from shelter_app.domain import choices, regions
from shelter_app.i18n import current_language, tr
from shelter_app.ui.forms.formatting import relationship_word, sex_word
from shelter_app.ui.forms.palette import HINT_STYLE


def localised(box: QAbstractSpinBox) -> QAbstractSpinBox:
    """Numbers (and a date's calendar) written the user's way: 3.000 in Indonesian, 3,000 in English."""
    box.setLocale(
        QLocale(QLocale.Indonesian, QLocale.Indonesia)
        if current_language() == "id"
        else QLocale(QLocale.English, QLocale.UnitedStates)
    )
    return box


class DateField(QDateEdit):
    """A date typed with the keyboard (day/month/year) or picked from a calendar."""

    def __init__(self, value: datetime.date | None = None, parent=None):
        super().__init__(parent)
        self.setCalendarPopup(True)
        localised(self)
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
    """A count or a measure picked with the arrows or typed, grouped the user's way."""
    box = QDoubleSpinBox()
    box.setDecimals(decimals)
    box.setMaximum(maximum)
    box.setGroupSeparatorShown(True)
    if suffix:
        box.setSuffix(f" {suffix}")
    return localised(box)


def find_data(combo: QComboBox, value) -> int:
    """The index of the entry holding ``value`` (ids compared as text: Qt cannot compare UUIDs)."""
    if value is None:
        return -1
    return next((i for i in range(combo.count()) if str(combo.itemData(i)) == str(value)), -1)


class QuantityField(QWidget):
    """A quantity typed as text (2,5 or 2.5: the services read both) with its unit beside it
    and a hint after it."""

    def __init__(self, hint: str = "", parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setObjectName("quantity")
        self.edit.setMaximumWidth(140)
        self.unit = QLabel()
        self.hint = QLabel(hint)
        self.hint.setStyleSheet(HINT_STYLE)
        layout.addWidget(self.edit)
        layout.addWidget(self.unit)
        layout.addSpacing(8)
        layout.addWidget(self.hint)
        layout.addStretch(1)
        self.setFocusProxy(self.edit)

    def text(self) -> str:
        return self.edit.text().strip()


class BirthDateEdit(QLineEdit):
    """A birth date typed as on paper, digits only: 09071984 shows as 09/07/1984."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._day_first = current_language() == "id"
        self.setInputMask("00/00/0000;_" if self._day_first else "0000-00-00;_")
        self.setPlaceholderText("dd/mm/yyyy" if self._day_first else "yyyy-mm-dd")
        self.setMinimumWidth(110)
        self.setMaximumWidth(140)

    def digits(self) -> str:
        return "".join(ch for ch in self.text() if ch.isdigit())

    def mousePressEvent(self, event) -> None:
        """A click past what was typed puts the cursor where the next digit goes, so that the
        digits typed next are taken (the mask ignores keys typed beyond its blanks)."""
        super().mousePressEvent(event)
        blank = self.displayText().find("_")
        if blank >= 0 and self.cursorPosition() > blank:
            self.setCursorPosition(blank)

    def is_blank(self) -> bool:
        return not self.digits()

    def date_value(self) -> datetime.date | None:
        """The date typed, or None while it is incomplete or not a real date."""
        digits = self.digits()
        if len(digits) != 8:
            return None
        try:
            if self._day_first:
                return datetime.date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
            return datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        except ValueError:
            return None

    def set_date(self, day: datetime.date | None) -> None:
        if day is None:
            self.clear()
        else:
            self.setText(day.strftime("%d/%m/%Y") if self._day_first else day.isoformat())


class TypeToChoose(QComboBox):
    """Typing the start of an item chooses it ("su" -> Suami). What was typed is forgotten when
    the field is left or after a pause, so the next member starts afresh."""

    PAUSE_MS = 1000
    LETTERS: dict[str, str] = {}  # single keys that mean a code whatever the language

    def __init__(self, parent=None):
        super().__init__(parent)
        self._typed = ""
        self._clock = QElapsedTimer()

    def focusInEvent(self, event) -> None:
        self._typed = ""
        super().focusInEvent(event)

    def keyPressEvent(self, event) -> None:
        text = event.text().strip().lower()
        if not text or event.modifiers() & (Qt.ControlModifier | Qt.AltModifier) or not text.isprintable():
            super().keyPressEvent(event)
            return
        if not self._clock.isValid() or self._clock.elapsed() > self.PAUSE_MS:
            self._typed = ""
        self._clock.restart()
        if self._choose(self._typed + text):
            self._typed += text
            return
        self._typed = text  # no item goes on like that: start again from this key
        if not self._choose(text) and text in self.LETTERS:
            self.setCurrentIndex(max(0, self.findData(self.LETTERS[text])))

    def _choose(self, start: str) -> bool:
        for index in range(self.count()):
            if self.itemText(index) and self.itemText(index).lower().startswith(start):
                self.setCurrentIndex(index)
                return True
        return False


class SexBox(TypeToChoose):
    """Blank until chosen: a wrong default would pass every check unnoticed. L/M and P/F/W
    choose in either language."""

    LETTERS = {"l": "L", "m": "L", "p": "P", "f": "P", "w": "P"}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.addItem("", "")
        for code in choices.SEXES:
            self.addItem(sex_word(code), code)

    def code(self) -> str:
        return self.currentData() or ""

    def set_code(self, code: str) -> None:
        self.setCurrentIndex(max(0, self.findData(code or "")))


class RelationshipBox(TypeToChoose):
    def __init__(self, parent=None):
        super().__init__(parent)
        for code in choices.RELATIONSHIPS:
            self.addItem(relationship_word(code), code)

    def code(self) -> str:
        return self.currentData()

    def set_code(self, code: str) -> None:
        self.setCurrentIndex(max(0, self.findData(code)))


class EnterMovesOn(QObject):
    """Enter in a field goes to the next field, as Tab does; on ``last`` it calls ``submit``,
    and so does Ctrl+Enter anywhere (when the dialog's shortcut has not already taken it)."""

    def __init__(self, parent: QWidget, submit):
        super().__init__(parent)
        self._submit = submit
        self.last: QWidget | None = None

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.KeyPress and event.key() in (Qt.Key_Return, Qt.Key_Enter):
            if watched is self.last or event.modifiers() & Qt.ControlModifier:
                self._submit()
            else:
                QApplication.sendEvent(watched, QKeyEvent(QEvent.KeyPress, Qt.Key_Tab, Qt.NoModifier))
            return True
        return False
