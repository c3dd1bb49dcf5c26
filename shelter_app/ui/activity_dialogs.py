"""Activity dialogs: create or correct an activity; add participants by searching the roster."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from PySide6.QtCore import QTimer, Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QLineEdit,
    QPlainTextEdit, QPushButton, QTableView, QVBoxLayout, QWidget,
)

from shelter_app.domain import choices
from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import N_, _, tr
from shelter_app.services import activities, roster, sites, stays
from shelter_app.ui.stock_dialogs import FormDialog, find_data
from shelter_app.ui.widgets.errors import show_unexpected
from shelter_app.ui.widgets.fields import ChoiceBox, DateField
from shelter_app.ui.dialogs.common import masked
from shelter_app.ui.widgets.tables import table_view
from shelter_app.ui.widgets.lazy_model import Column, ListModel


# --- persons as the activity lists show them ---------------------------------------------


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
    return PersonRow(person.id, person.name, f"{'~' if person.birth_date_estimated else ''}{age}",
                     choices.label(choices.SEXES, person.sex), home, stay.site.name if stay else "", taking_part)


RIGHT = Qt.AlignRight | Qt.AlignVCenter
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


# --- the activity form -------------------------------------------------------------------------


class ActivityDialog(FormDialog):
    """Kind, title, site, dates, facilitator and outcome of an activity, in the order of a report."""

    def __init__(self, ctx, activity=None, site_id=None, day: datetime.date | None = None, parent=None):
        super().__init__(ctx, parent, N_("Edit activity") if activity else N_("New activity"))
        self.activity = activity
        self.kind = ChoiceBox(choices.ACTIVITY_KINDS, activity.kind if activity else None)
        self.kind.setObjectName("kind")
        self.add_field(tr("&Kind"), self.kind, "kind")
        self.title_edit = QLineEdit(activity.title if activity else "")
        self.title_edit.setObjectName("title")
        self.title_edit.setPlaceholderText(tr("e.g. Weaving training for mothers"))
        self.add_field(tr("&Title"), self.title_edit, "title")
        self.site = QComboBox()
        self.site.setObjectName("site")
        self.site.setMinimumWidth(300)
        for site in sites.sites():
            self.site.addItem(site.name, site.id)
        chosen = activity.site_id if activity else site_id
        if find_data(self.site, chosen) >= 0:
            self.site.setCurrentIndex(find_data(self.site, chosen))
        self.site.setEnabled(activity is None)  # an activity stays at its site; create another elsewhere
        self.add_field(tr("&Site"), self.site, "site")
        self.held_on = DateField(activity.held_on if activity else day)
        self.held_on.setObjectName("held_on")
        self.add_field(tr("&Date"), self.held_on, "held_on")
        self.several_days = QCheckBox(tr("Lasts several days, until"))
        self.several_days.setObjectName("several_days")
        self.ends_on = DateField((activity.ends_on if activity else None) or self.held_on.date_value())
        self.ends_on.setObjectName("ends_on")
        self.several_days.toggled.connect(self.ends_on.setEnabled)
        self.held_on.dateChanged.connect(self._start_changed)
        self.several_days.setChecked(bool(activity and activity.ends_on))
        self.ends_on.setEnabled(self.several_days.isChecked())
        end = QWidget()
        row = QHBoxLayout(end)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.several_days)
        row.addWidget(self.ends_on)
        row.addStretch(1)
        self.add_field(tr("&End date"), end, "ends_on")
        self.errors.widgets["ends_on"] = self.ends_on
        self.facilitator = QLineEdit(activity.facilitator if activity else "")
        self.facilitator.setObjectName("facilitator")
        self.facilitator.setPlaceholderText(tr("who leads it: a person or an organisation"))
        self.add_field(tr("&Facilitator"), self.facilitator, "facilitator")
        self.outcome = QPlainTextEdit(activity.outcome if activity else "")
        self.outcome.setObjectName("outcome")
        self.outcome.setTabChangesFocus(True)
        self.outcome.setPlaceholderText(tr("what came of it: products made, follow-up needed…"))
        self.outcome.setMaximumHeight(90)
        self.add_field(tr("&Outcome"), self.outcome, "outcome")
        self.kind.setFocus()

    def _start_changed(self) -> None:
        if not self.several_days.isChecked() or self.ends_on.date_value() < self.held_on.date_value():
            self.ends_on.set_date(self.held_on.date_value())

    def save(self) -> None:
        data = dict(kind=self.kind.code(), title=self.title_edit.text(), held_on=self.held_on.date_value(),
                    ends_on=self.ends_on.date_value() if self.several_days.isChecked() else None,
                    facilitator=self.facilitator.text(), outcome=self.outcome.toPlainText())
        if data["ends_on"] and data["ends_on"] < data["held_on"]:
            # Said plainly here: the service's date check would speak of the disaster's start.
            raise RuleViolation("ends_on", _("The end date is before the start date."))
        if self.activity is None:
            if self.site.currentData() is None:
                raise RuleViolation("site", _("Create a site first: an activity takes place at a site."))
            self.saved = activities.create_activity(self.site.currentData(), data.pop("kind"), data.pop("title"),
                                                    data.pop("held_on"), **data)
        else:
            self.saved = activities.update_activity(self.activity.id, **data)


# --- adding participants ---------------------------------------------------------------------


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
        intro = QLabel(tr("Type a name, NIK or KK. Press Enter or ↓ to go to the results, choose one or more "
                          "persons (Shift or Ctrl to add more), then Enter to add them."))
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
        self.error.setStyleSheet("color: #b00020;")
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
        self.model.set_rows([person_row(p, day, p.id in taking_part) for p in roster.search(self.search.text(), limit=50)])
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
        self.log.setText(tr("Added {n} in this window. Last: {names}.", n=self.added,
                            names=", ".join(row.name for row in chosen)))
        self.ctx.data_changed.emit()
        self.search.clear()
        self.model.set_rows([])
        self.search.setFocus()
        return added
