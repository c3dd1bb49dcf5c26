"""Registering a household in one fast form, in the order of the paper registration form,
and correcting one person.

The household part (KK, village of origin, address) comes first, then one member at a time
(``member_editor``). Saving a member starts the next one with the cursor in the name field;
the members saved so far are listed beside the form. Probable duplicates are shown before
anything is saved, with a button to save anyway. At the bottom the household can be checked
in at a site right away.
"""

from __future__ import annotations

import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shelter_app.domain import identity
from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import ntr, tr
from shelter_app.services import roster, roster_query, sites, stays
from shelter_app.ui import fit
from shelter_app.ui.dialogs.roster.member_editor import MemberEditor, describe
from shelter_app.ui.forms.fields import DateField, VillagePicker
from shelter_app.ui.forms.formatting import age_text, relationship_word, sex_word
from shelter_app.ui.forms.layout import field_row, fit_height, message_label, say
from shelter_app.ui.forms.palette import ERROR_STYLE, FINE_STYLE, HINT_STYLE, NOTICE_STYLE
from shelter_app.ui.user_settings import KEYS
from shelter_app.ui.widgets.errors import FieldErrors, show_unexpected


class HouseholdForm(QDialog):
    """Register a household and its members; or, given a household, add members to it."""

    saved = Signal()  # a member was saved or the household checked in

    def __init__(self, ctx, household=None, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.household = household
        self.member_ids: list = []
        self.setObjectName("household_form")
        self.setWindowTitle(tr("Register a household") if household is None else tr("Add members to the household"))
        fit.fit(self, 1000, 720, "household_form")
        general = message_label("errors_general", ERROR_STYLE)
        self.errors = FieldErrors(general)
        outer = QVBoxLayout(self)
        outer.addWidget(general)
        columns = QHBoxLayout()
        outer.addLayout(columns, 1)
        left = QVBoxLayout()
        columns.addLayout(left, 3)

        box = QGroupBox(tr("Household"))
        form = QFormLayout(box)
        self.kk = QLineEdit(objectName="kk")
        self.kk.setPlaceholderText(tr("16 digits; optional — many families lost their card"))
        self.kk.setMaxLength(24)
        self.village = VillagePicker()
        self.village.setObjectName("origin_village_code")
        self.address = QLineEdit(objectName="address")
        self.address.setPlaceholderText(tr("Kampung, RT/RW"))
        form.setLabelAlignment(Qt.AlignLeft | Qt.AlignTop)
        field_row(form, tr("&KK number"), self.kk, self.kk, self.errors.add("kk", self.kk))
        field_row(
            form,
            tr("&Village of origin"),
            self.village,
            self.village,
            self.errors.add("origin_village_code", self.village),
        )
        field_row(form, tr("Addr&ess"), self.address, self.address, self.errors.add("address", self.address))
        left.addWidget(box, 0)

        self.member_box = QGroupBox()
        member_layout = QVBoxLayout(self.member_box)
        self.editor = MemberEditor(self.errors, self._household_kk)
        self.editor.submitted.connect(self.save_member)
        member_layout.addWidget(self.editor)
        left.addWidget(self.member_box, 0)
        left.addStretch(1)

        right = QVBoxLayout()
        columns.addLayout(right, 2)
        right.addWidget(QLabel(tr("Members saved")))
        self.members = QListWidget(objectName="members")
        self.members.setFocusPolicy(Qt.NoFocus)
        self.members.setWordWrap(True)
        right.addWidget(self.members, 1)
        self.duplicates = QGroupBox(tr("Already on the roster?"), objectName="duplicates")
        duplicates_layout = QVBoxLayout(self.duplicates)
        self.duplicates_text = QLabel(objectName="duplicates_text")
        self.duplicates_text.setWordWrap(True)
        self.duplicates_text.setStyleSheet(NOTICE_STYLE)
        self.save_anyway = QPushButton(tr("Not the same person: save an&yway"), objectName="save_anyway")
        self.save_anyway.setAutoDefault(False)
        self.save_anyway.clicked.connect(lambda: self.save_member(confirmed=True))
        duplicates_layout.addWidget(self.duplicates_text)
        duplicates_layout.addWidget(self.save_anyway)
        self.duplicates.hide()
        right.addWidget(self.duplicates)
        self.status = message_label("status", FINE_STYLE)
        right.addWidget(self.status)

        checkin = QGroupBox(tr("Check the household in (optional)"))
        row = QHBoxLayout(checkin)
        self.site = QComboBox(objectName="site")
        self.site.addItem(tr("— not now —"), None)
        for site in sites.sites(include_closed=False):
            self.site.addItem(site.name, site.id)
        last = str(ctx.settings.value(KEYS.ROSTER_CHECKIN_SITE))
        for index in range(1, self.site.count()):
            if self.site.itemData(index).hex == last:
                self.site.setCurrentIndex(index)
        self.arrived_on = DateField()
        self.arrived_on.setObjectName("arrived_on")
        at_label = QLabel(tr("At si&te"))
        at_label.setBuddy(self.site)
        row.addWidget(at_label)
        row.addWidget(self.site, 2)
        on_label = QLabel(tr("on"))
        row.addWidget(on_label)
        row.addWidget(self.arrived_on)
        outer.addWidget(checkin)
        site_errors = QHBoxLayout()
        site_errors.addWidget(self.errors.add("site", self.site))
        site_errors.addWidget(self.errors.add("arrived_on", self.arrived_on))
        site_errors.addWidget(self.errors.add("persons", self.members))
        outer.addLayout(site_errors)

        buttons = QHBoxLayout()
        hint = QLabel(tr("Enter: next field · Enter on the phone or Ctrl+Enter: save the member · Esc: close"))
        hint.setStyleSheet(HINT_STYLE)
        buttons.addWidget(hint, 1)
        self.save_button = QPushButton(tr("Save &member"), objectName="save_member")
        self.finish_button = QPushButton(tr("&Finish"), objectName="finish")
        self.close_button = QPushButton(tr("Close"), objectName="close")
        for button in (self.save_button, self.finish_button, self.close_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        self.save_button.clicked.connect(lambda: self.save_member())
        self.finish_button.clicked.connect(self.finish_clicked)
        self.close_button.clicked.connect(self.reject)
        outer.addLayout(buttons)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(
                QKeySequence(keys), self, activated=lambda: self.save_member(), context=Qt.WidgetWithChildrenShortcut
            )

        household_fields = [self.kk, self.village, self.address]
        for widget in household_fields:
            widget.installEventFilter(self.editor.enter)
        chain = (
            household_fields
            + self.editor.order
            + [self.save_button, self.site, self.arrived_on, self.finish_button, self.close_button]
        )
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)
        self.kk.textEdited.connect(lambda _text: self.editor._duplicate_timer.start())
        if household is not None:
            self._show_household(household)
            for member in roster.members(household.id):
                self._list_member(member)
        self._start_member()

    # --- the household -----------------------------------------------------------------

    def _household_kk(self) -> str | None:
        if self.household is not None:
            return self.household.kk
        try:
            return identity.parse_kk(self.kk.text()) if identity.normalize_number(self.kk.text()) else None
        except RuleViolation:
            return None

    def _household_fields(self) -> dict:
        return {
            "kk": self.kk.text().strip() or None,
            "origin_village_code": self.village.code(),
            "address": self.address.text(),
        }

    def _show_household(self, household) -> None:
        """The household exists: its fields are shown, not typed again."""
        self.kk.setText(household.kk or "")
        self.village.set_code(household.origin_village_code)
        self.address.setText(household.address)
        for widget in (self.kk, self.village, self.address):
            widget.setReadOnly(True)
            widget.setFocusPolicy(Qt.NoFocus)

    def _start_member(self) -> None:
        self.member_box.setTitle(tr("Member {n}", n=self.members.count() + 1))
        has_head = self.household is not None and roster.head_of(self.household.id) is not None
        self.editor.clear("child" if has_head else "head")
        if self.household is None:
            self.kk.setFocus()

    def _list_member(self, person) -> None:
        age = age_text(roster.age_on(person.birth_date, datetime.date.today()), person.birth_date_estimated)
        self.members.addItem(
            ntr(
                "{name} — {relationship}, {sex}, {age} year",
                "{name} — {relationship}, {sex}, {age} years",
                roster.age_on(person.birth_date, datetime.date.today()),
                name=person.name,
                relationship=relationship_word(person.relationship),
                sex=sex_word(person.sex),
                age=age,
            )
        )

    # --- saving ------------------------------------------------------------------------

    def save_member(self, confirmed: bool = False) -> bool:
        """Save the member being typed; True when saved."""
        self.errors.clear()
        say(self.status, "")
        try:
            data = self.editor.values()
            if self.household is None:
                self.household, saved = roster_query.register_household_with_member(
                    self._household_fields(), data, confirmed=confirmed
                )
                self._show_household(self.household)
            else:
                saved = roster.add_person(self.household.id, confirmed=confirmed, **data)
        except roster.ProbableDuplicate as duplicate:
            self.duplicates_text.setText(
                tr(
                    "{names}. If this is the same person, open their household instead.",
                    names=describe(duplicate.candidates),
                )
            )
            self.duplicates.show()
            self.save_anyway.setFocus()
            return False
        except RuleViolation as problem:
            self.errors.show(problem)
            return False
        except Exception:
            show_unexpected(self, "saving a household member")
            return False
        self.duplicates.hide()
        self.member_ids.append(saved.person.id)
        self._list_member(saved.person)
        notices = " ".join(n.text() for n in saved.notices)
        say(
            self.status,
            tr("{name} saved.", name=saved.person.name) + (" " + notices if notices else ""),
            NOTICE_STYLE if notices else FINE_STYLE,
        )
        self.ctx.data_changed.emit()
        self.saved.emit()
        self._start_member()
        self.editor.name.setFocus()
        return True

    def finish_clicked(self) -> bool:
        """Save the member still being typed, check the new members in if a site is chosen,
        and close. Stays open to show what needs looking at."""
        if self.editor.name.text().strip() and not self.save_member():
            return False
        site_id = self.site.currentData()
        if site_id is not None and self.member_ids:
            self.errors.clear()
            try:
                moved = stays.check_in(self.member_ids, site_id, self.arrived_on.date_value())
            except RuleViolation as problem:
                self.errors.show(problem)
                return False
            except Exception:
                show_unexpected(self, "checking a household in")
                return False
            self.ctx.settings.set_value(KEYS.ROSTER_CHECKIN_SITE, site_id.hex)
            self.member_ids = []
            self.ctx.data_changed.emit()
            self.saved.emit()
            if moved.notices:
                say(self.status, " ".join(n.text() for n in moved.notices), NOTICE_STYLE)
                self.finish_button.setEnabled(False)
                self.close_button.setFocus()
                return True
        self.accept()
        return True


class PersonDialog(QDialog):
    """Correct a person's details; the history keeps the old values."""

    def __init__(self, ctx, person, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.person = person
        self.setObjectName("person_dialog")
        self.setWindowTitle(tr("Correct {name}", name=person.name))
        fit.fit(self, 720, 470, "member_form")
        general = message_label("errors_general", ERROR_STYLE)
        self.errors = FieldErrors(general)
        layout = QVBoxLayout(self)
        layout.addWidget(general)
        self.editor = MemberEditor(self.errors, lambda: person.household.kk)
        self.editor.phone.setPlaceholderText(tr("e.g. 0812 3456 7890"))
        self.editor.set_person(person)
        self.editor.submitted.connect(self.accept_clicked)
        layout.addWidget(self.editor)
        self.status = message_label("status")
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton(tr("Sa&ve correction"), objectName="save")
        cancel = QPushButton(tr("Cancel"))
        for button in (self.save_button, cancel):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        self.save_button.clicked.connect(self.accept_clicked)
        cancel.clicked.connect(self.reject)
        layout.addLayout(buttons)
        self.editor.chain_tab_order(after=self.save_button)
        self.editor.name.setFocus()

    def accept_clicked(self) -> bool:
        self.errors.clear()
        try:
            data = self.editor.values()
            if data.get("birth_date") is None and "age_years" not in data:
                data.pop("birth_date", None)
            if (
                self.person.birth_date_estimated
                and self.editor.age_only.isChecked()
                and data.get("age_years") == roster.age_on(self.person.birth_date, datetime.date.today())
            ):
                data.pop("age_years")  # unchanged: keep the estimated date as it was
                data.pop("birth_date", None)
                data["birth_date_estimated"] = True
            saved = roster.update_person(self.person.id, **data)
        except RuleViolation as problem:
            self.errors.show(problem)
            fit_height(self)
            return False
        except Exception:
            show_unexpected(self, "correcting a person")
            return False
        self.ctx.data_changed.emit()
        if saved.notices:
            say(self.status, " ".join(n.text() for n in saved.notices))
            self.save_button.setEnabled(False)
            return True
        self.accept()
        return True
