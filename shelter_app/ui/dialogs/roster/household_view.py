"""One household: its members, every stay of each member (the history is never hidden), and what
it received from the stock; with the buttons to add or correct a member and to move it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
)

from shelter_app.domain import choices, regions
from shelter_app.domain.errors import RuleViolation
from shelter_app.domain.permissions import refusal
from shelter_app.i18n import N_, ntr, tr, translate
from shelter_app.services import access, audit, roster_query, stays
from shelter_app.ui import fit
from shelter_app.ui.dialogs.roster.household_details import HouseholdDetailsDialog
from shelter_app.ui.dialogs.roster.household_form import HouseholdForm, PersonDialog
from shelter_app.ui.dialogs.roster.stay_dialogs import DIALOGS
from shelter_app.ui.forms.formatting import (
    age_text,
    fmt_date,
    masked,
    presence_text,
    relationship_word,
    sex_word,
    vulnerable_words,
)
from shelter_app.ui.forms.palette import HINT, HINT_STYLE
from shelter_app.ui.user_settings import KEYS
from shelter_app.ui.widgets.errors import show_unexpected
from shelter_app.ui.widgets.lazy_model import RIGHT, ROW_ROLE, Column, ListModel
from shelter_app.ui.widgets.tables import table_view


class Age(int):
    """An age that sorts as a number and shows ± when the birth date is estimated."""

    def __new__(cls, years: int, estimated: bool):
        value = super().__new__(cls, years)
        value.estimated = estimated
        return value

    def __str__(self) -> str:
        return age_text(int(self), self.estimated)


@dataclass(frozen=True)
class StayLine:
    person: str
    site: str
    arrived: datetime.date
    left: datetime.date | None
    reason: str
    note: str


class HouseholdView(QDialog):
    def __init__(self, ctx, household_id, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.household_id = household_id
        self.rows: list = []
        self._dialog = None
        self.setObjectName("household_view")
        self.setWindowTitle(tr("Household"))
        fit.fit(self, 1100, 720, "household_view")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.heading = QLabel(objectName="heading")
        self.heading.setTextFormat(Qt.RichText)
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextSelectableByMouse)
        top.addWidget(self.heading, 1)
        self.full_nik = QCheckBox(tr("Show full &NIK and KK"), objectName="show_full_nik")
        self.full_nik.toggled.connect(self._full_nik_toggled)
        if not access.can("identity.full"):  # coordinators only: disabled, with the reason
            self.full_nik.setEnabled(False)
            actor = access.current()
            self.full_nik.setToolTip(refusal("identity.full", actor.role if actor else None).text())
        top.addWidget(self.full_nik, 0, Qt.AlignTop)
        layout.addLayout(top)

        self.members_model = ListModel(
            [
                Column("name", N_("Name")),
                Column("sex", N_("Sex"), sex_word),
                Column("age", N_("Age"), align=RIGHT),
                Column("relationship", N_("Relationship"), relationship_word),
                Column("nik", N_("NIK"), lambda nik: masked(nik, self.full_nik.isChecked())),
                Column("place", N_("Where"), sortable=False),
                Column("groups", N_("Vulnerable"), vulnerable_words, sortable=False),
            ]
        )
        self.members = table_view(self.members_model, "members", sortable=False)
        self.members.setSortingEnabled(False)
        self.members.doubleClicked.connect(lambda _index: self.correct_member())
        self.stays_model = ListModel(
            [
                Column("person", N_("Name")),
                Column("site", N_("Site")),
                Column("arrived", N_("Arrived"), fmt_date),
                Column("left", N_("Left"), fmt_date),
                Column("reason", N_("Reason for leaving")),
                Column("note", N_("Note")),
            ]
        )
        self.stays = table_view(self.stays_model, "stays", sortable=False)
        self.received_model = ListModel(
            [
                Column("moved_on", N_("Date"), fmt_date),
                Column("item_name", N_("Item")),
                Column("amount", N_("Quantity"), align=RIGHT),
                Column("site_name", N_("Site")),
                Column("note", N_("Note")),
            ]
        )
        self.received = table_view(self.received_model, "distributions", sortable=False)
        tabs = QTabWidget()
        tabs.addTab(self.stays, tr("Stays (every arrival, transfer and departure)"))
        tabs.addTab(self.received, tr("Received from the stock"))
        self.splitter = QSplitter(Qt.Vertical)
        self.splitter.addWidget(self.members)
        self.splitter.addWidget(tabs)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        layout.addWidget(self.splitter, 1)

        buttons = QHBoxLayout()
        self.buttons = {}
        for key, label, action in (
            ("add_member", N_("&Add member"), self.add_member),
            ("correct_member", N_("C&orrect member"), self.correct_member),
            ("correct_household", N_("Correct &household"), self.correct_household),
            ("check_in", N_("Check &in"), lambda: self.move("check_in")),
            ("transfer", N_("&Transfer"), lambda: self.move("transfer")),
            ("check_out", N_("Check o&ut"), lambda: self.move("check_out")),
        ):
            button = QPushButton(translate(label), objectName=key)
            button.setAutoDefault(False)
            button.clicked.connect(action)
            buttons.addWidget(button)
            self.buttons[key] = button
        buttons.addStretch(1)
        close = QPushButton(tr("Close"), objectName="close")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        hint = QLabel(tr("Moves apply to the whole household; untick it in the dialog to move only the chosen member."))
        hint.setStyleSheet(HINT_STYLE)
        layout.addWidget(hint)
        state = ctx.settings.value(KEYS.ROSTER_HOUSEHOLD_SPLITTER)
        if state is not None:
            self.splitter.restoreState(state)
        ctx.data_changed.connect(self.refresh)
        self.refresh()

    # --- showing -------------------------------------------------------------------------

    def _full_nik_toggled(self, on: bool) -> None:
        if on:
            try:  # checked by the service, and written in the audit trail
                audit.full_identity_shown(len(roster_query.household_rows(self.household_id)), "household view")
            except RuleViolation as error:
                self.full_nik.setChecked(False)
                self.full_nik.setToolTip(error.text())
                return
        self.refresh()

    def refresh(self) -> None:
        household = roster_query.household_for(self.household_id)
        if household is None:
            self.heading.setText(tr("This household is no longer on the roster."))
            return
        full = self.full_nik.isChecked()
        self.rows = roster_query.household_rows(self.household_id)
        head = next((r for r in self.rows if r.relationship == "head"), None)
        village = regions.village(household.origin_village_code) if household.origin_village_code else None
        facts = [tr("KK {kk}", kk=masked(household.kk, full)) if household.kk else tr("no KK")]
        if village:
            facts.append(tr("from {village}", village=regions.full_name(village)))
        if household.address:
            facts.append(household.address)
        facts.append(ntr("{n} member", "{n} members", len(self.rows)))
        title = tr("Household of {name}", name=head.name) if head else tr("Household (no head recorded)")
        card = tr("Card number: {number}", number=household.id.hex)
        self.heading.setText(
            f"<b style='font-size:14pt'>{escape(title)}</b><br>{escape(' · '.join(facts))}"
            f"<br><span style='color:{HINT}'>{escape(card)}</span>"
        )
        self.setWindowTitle(title)
        self.members_model.set_rows([_Member(r) for r in self.rows])
        self.members.resizeColumnsToContents()
        if self.rows and not self.members.selectionModel().hasSelection():
            self.members.selectRow(0)
        lines = []
        for row in self.rows:
            for stay in stays.stays_of(row.id):
                reason = choices.label(choices.LEAVE_REASONS, stay.leave_reason) if stay.leave_reason else ""
                if stay.is_deleted:
                    reason = tr("entered by mistake (deleted)")
                lines.append(StayLine(row.name, stay.site.name, stay.arrived_on, stay.left_on, reason, stay.leave_note))
        self.stays_model.set_rows(lines)
        self.stays.resizeColumnsToContents()
        self.received_model.set_rows([_Received(d) for d in roster_query.distributions(self.household_id)])
        self.received.resizeColumnsToContents()

    def selected(self):
        index = self.members.currentIndex()
        row = self.members_model.data(index, ROW_ROLE) if index.isValid() else None
        return row.row if row is not None else (self.rows[0] if self.rows else None)

    # --- actions ---------------------------------------------------------------------------

    def _open(self, dialog) -> QDialog:
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        self._dialog = dialog
        dialog.open()
        return dialog

    def add_member(self) -> QDialog:
        household = roster_query.household_for(self.household_id)
        return self._open(HouseholdForm(self.ctx, household, self))

    def correct_member(self) -> QDialog | None:
        row = self.selected()
        if row is None:
            return None
        try:
            person = roster_query.person(row.id)
        except Exception:
            show_unexpected(self, "opening a person to correct")
            return None
        return self._open(PersonDialog(self.ctx, person, self))

    def correct_household(self) -> QDialog | None:
        household = roster_query.household_for(self.household_id)
        return self._open(HouseholdDetailsDialog(self.ctx, household, self)) if household else None

    def move(self, kind: str) -> QDialog | None:
        row = self.selected()
        if row is None:
            return None
        return self._open(DIALOGS[kind](self.ctx, row.id, self.household_id, whole_household=True, parent=self))

    def done(self, result: int) -> None:
        self.ctx.settings.set_value(KEYS.ROSTER_HOUSEHOLD_SPLITTER, self.splitter.saveState())
        try:
            self.ctx.data_changed.disconnect(self.refresh)
        except (RuntimeError, TypeError):
            pass
        super().done(result)


class _Member:
    """A member as the table shows it."""

    def __init__(self, row):
        self.row = row
        self.name, self.sex, self.relationship, self.nik = row.name, row.sex, row.relationship, row.nik
        self.age = Age(row.age, row.birth_date_estimated)
        self.place = presence_text(row) + (f" — {row.site_name}" if row.site_name else "")
        self.groups = row.vulnerable


class _Received:
    def __init__(self, line):
        self.moved_on, self.item_name, self.site_name, self.note = (
            line.moved_on,
            line.item_name,
            line.site_name,
            line.note,
        )
        self.amount = f"{line.quantity.normalize():f} {line.unit}"
