"""Adding participants to an activity by searching the roster, and the persons as the
Activities page and this dialog list them."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QPushButton, QTableView, QVBoxLayout

from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import N_, tr
from shelter_app.services import activities, roster, stays
from shelter_app.ui.forms.formatting import masked, sex_word
from shelter_app.ui.forms.palette import ERROR_STYLE
from shelter_app.ui.widgets.errors import show_unexpected
from shelter_app.ui.widgets.lazy_model import RIGHT, Column, ListModel
from shelter_app.ui.widgets.tables import table_view


@dataclass
class PersonRow:
    person_id: uuid.UUID
    name: str
    age: str
    sex: str
    household: str  # KK, else the head's name
    site: str  # where the person stays on the activity's day
    taking_part: bool = False


def person_row(person, day: datetime.date, taking_part: bool = False) -> PersonRow:
    age = roster.age_on(person.birth_date, day)
    household = person.household
    if household.kk:
        home = f"KK {masked(household.kk)}"
    else:
        head = person if person.relationship == "head" else roster.head_of(household.id)
        home = tr("household of {name}", name=head.name) if head else tr("no KK")
    stay = stays.stay_on(person.id, day)
    return PersonRow(
        person.id,
        person.name,
        f"{'~' if person.birth_date_estimated else ''}{age}",
        sex_word(person.sex),
        home,
        stay.site.name if stay else "",
        taking_part,
    )


PERSON_COLUMNS = [
    Column("name", N_("Name")),
    Column("age", N_("Age"), align=RIGHT),
    Column("sex", N_("Sex")),
    Column("household", N_("Household")),
    Column("site", N_("Site on the day"), lambda name: name or tr("not at a site")),
]
SEARCH_COLUMNS = PERSON_COLUMNS + [
    Column("taking_part", N_("Taking part"), lambda yes: tr("already taking part") if yes else "", sortable=False),
]


def person_table(model, name: str) -> QTableView:
    """Several persons can be chosen at once."""
    return table_view(model, name, sortable=False, fit_contents=True, multiple=True, alternating=False)


class AddParticipantsDialog(QDialog):
    """Type a name, NIK or KK; pick one or more persons (arrows, Shift); Enter adds them; next."""

    def __init__(self, ctx, activity, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.activity = activity
        self.added = 0
        self.setWindowTitle(tr("Add participants: {title}", title=activity.title))
        self.setMinimumSize(820, 520)
        layout = QVBoxLayout(self)
        intro = QLabel(
            tr(
                "Type a name, NIK or KK. Press Enter or ↓ to go to the results, choose one or more "
                "persons (Shift or Ctrl to add more), then Enter to add them."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        caption = QLabel(tr("&Search the roster"))
        self.search = QLineEdit()
        self.search.setObjectName("person_search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(tr("Name, NIK or KK"))
        caption.setBuddy(self.search)
        layout.addWidget(caption)
        layout.addWidget(self.search)
        self.error = QLabel()
        self.error.setObjectName("error_persons")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.model = ListModel(SEARCH_COLUMNS, [])
        self.results = person_table(self.model, "person_results")
        self.results.doubleClicked.connect(lambda _index: self.add_selected())
        layout.addWidget(self.results, 1)
        self.log = QLabel()
        self.log.setObjectName("added_log")
        self.log.setWordWrap(True)
        layout.addWidget(self.log)
        buttons = QDialogButtonBox()
        self.add_button = QPushButton(tr("&Add selected"))
        self.add_button.setObjectName("add_selected")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_selected)
        close = QPushButton(tr("Close"))
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        buttons.addButton(self.add_button, QDialogButtonBox.ActionRole)
        buttons.addButton(close, QDialogButtonBox.RejectRole)
        layout.addWidget(buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)  # search when typing pauses, not on every key of a scanner
        self._timer.timeout.connect(self.search_now)
        self.search.textEdited.connect(lambda _text: self._timer.start())
        self.search.setFocus()

    def search_now(self) -> None:
        self._timer.stop()
        taking_part = {p.id for p in activities.participants(self.activity.id)}
        day = self.activity.held_on
        self.model.set_rows(
            [person_row(p, day, p.id in taking_part) for p in roster.search(self.search.text(), limit=50)]
        )
        if self.model.rowCount():
            self.results.selectRow(0)

    def keyPressEvent(self, event) -> None:
        key = event.key()
        if self.focusWidget() is self.search and key in (Qt.Key_Return, Qt.Key_Enter, Qt.Key_Down):
            self.search_now()
            if self.model.rowCount():
                self.results.setFocus()
            return
        if key in (Qt.Key_Return, Qt.Key_Enter):
            if self.focusWidget() is self.results:
                self.add_selected()
            return
        super().keyPressEvent(event)

    def selected_rows(self) -> list[PersonRow]:
        rows = sorted({index.row() for index in self.results.selectionModel().selectedRows()})
        return [self.model.row_at(r) for r in rows if self.model.row_at(r) is not None]

    def add_selected(self) -> int:
        chosen = [row for row in self.selected_rows() if not row.taking_part]
        self.error.hide()
        if not chosen:
            self.error.setText(tr("Choose one or more persons who are not taking part yet."))
            self.error.show()
            return 0
        try:
            added = activities.add_participants(self.activity.id, [row.person_id for row in chosen])
        except RuleViolation as error:
            self.error.setText(error.text())
            self.error.show()
            return 0
        except Exception:
            show_unexpected(self, "adding participants")
            return 0
        self.added += added
        self.log.setText(
            tr("Added {n} in this window. Last: {names}.", n=self.added, names=", ".join(row.name for row in chosen))
        )
        self.ctx.data_changed.emit()
        self.search.clear()
        self.model.set_rows([])
        self.search.setFocus()
        return added
