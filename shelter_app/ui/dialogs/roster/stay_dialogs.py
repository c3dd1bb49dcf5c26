"""Check-in, transfer and check-out: quick dialogs with a date and a reason, for one person or
for every member of the household it concerns at once."""

from __future__ import annotations

import datetime
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit

from shelter_app.domain import choices
from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import N_, _, ntr, tr, translate
from shelter_app.services import roster_query, sites, stays
from shelter_app.ui.forms.fields import ChoiceBox, DateField
from shelter_app.ui.forms.form_dialog import FormDialog
from shelter_app.ui.forms.layout import say
from shelter_app.ui.forms.palette import FINE_STYLE, HINT_STYLE, NOTICE_STYLE
from shelter_app.ui.user_settings import KEYS


class StayDialog(FormDialog):
    """What the three dialogs share: who moves (one person or the household), a date, Save."""

    date_field = ""  # the service's name of the date
    date_label = ""
    min_width = 560
    field_growth = QFormLayout.AllNonFixedFieldsGrow
    # Which members of the household this applies to, by their status on the chosen day.
    wants_present = True

    def __init__(self, ctx, person_id, household_id, whole_household: bool = False, parent=None):
        super().__init__(parent, ctx=ctx)
        self.person_id = person_id
        self.household_id = household_id
        self.setObjectName(self.__class__.__name__)
        self.cancel_button.setAutoDefault(False)  # Enter saves wherever the focus is

        self.who = QLabel(objectName="who")
        self.who.setWordWrap(True)
        self.whole = QCheckBox(objectName="whole_household")
        self.whole.setChecked(whole_household)
        self.form.setLabelAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.form.addRow(tr("Who"), self.who)
        self.add_field("persons", "", self.whole)

        self.date = DateField()
        self.date.setObjectName(self.date_field)
        self.fields = self.build_fields()  # [(label, field name, widget)] in the order shown
        self.fields.insert(self.date_position, (translate(self.date_label), self.date_field, self.date))
        for label, name, widget in self.fields:
            self.add_field(name, label, widget)

        self.whole.toggled.connect(lambda _on: self.update_who())
        self.date.dateChanged.connect(lambda _d: self.update_who())
        self.add_hint()
        self.update_who()
        self._chain_tab_order()
        self.first_field().setFocus()

    def _chain_tab_order(self) -> None:
        """Tab follows the rows as shown: the household box, the fields, Save and Cancel."""
        chain = [self.whole, *[widget for _label, _name, widget in self.fields], self.save_button, self.cancel_button]
        for first, second in zip(chain, chain[1:]):
            self.setTabOrder(first, second)

    # --- for the subclasses --------------------------------------------------------------

    date_position = 0  # where the date goes among the dialog's own fields

    def build_fields(self) -> list:
        """The dialog's own fields: [(label, service field name, widget)]."""
        return []

    def first_field(self):
        return self.date

    def add_hint(self) -> None:
        """A line under the fields (check-out explains where transfers go)."""

    def move(self, person_ids, day: datetime.date):
        raise NotImplementedError

    # --- who moves -------------------------------------------------------------------------

    def selected_rows(self):
        """The persons the dialog will move on the chosen day: the person, or the members of
        the household whose status fits (present for a transfer or check-out, else absent)."""
        rows = roster_query.household_rows(self.household_id, self.date.date_value())
        person = next((r for r in rows if r.id == self.person_id), None)
        count = sum(1 for r in rows if (r.status == "present") == self.wants_present)
        self.whole.setText(
            ntr(
                "The &whole household: {n} of {total} member",
                "The &whole household: {n} of {total} members",
                len(rows),
                n=count,
                total=len(rows),
            )
        )
        self.whole.setEnabled(len(rows) > 1)
        if self.whole.isChecked():
            return [r for r in rows if (r.status == "present") == self.wants_present]
        return [person] if person else []

    def update_who(self) -> None:
        rows = self.selected_rows()
        lines = []
        for row in rows:
            where = tr("at {site}", site=row.site_name) if row.status == "present" else tr("not at a site")
            lines.append(escape(f"{row.name} ({where})"))
            if (row.status == "present") != self.wants_present:  # say it now, not after Save
                lines.append(f"<span style='{NOTICE_STYLE}'>{escape(self.misfit(row))}</span>")
        self.who.setText("<br>".join(lines) or tr("Nobody in this household fits."))

    def misfit(self, row) -> str:
        if row.status == "present":
            return tr("Already at {site}: use Transfer or Check out.", site=row.site_name)
        return tr("Not at any site on this day: use Check in.")

    # --- saving ----------------------------------------------------------------------------

    def submit(self):
        rows = self.selected_rows()
        if not rows:
            raise RuleViolation("persons", _("Nobody in this household fits on this day; choose another day."))
        return self.move([r.id for r in rows], self.date.date_value())

    def accept_clicked(self) -> bool:
        if not self.try_save():
            return False
        self.ctx.data_changed.emit()
        if self.saved.notices:  # saved, but someone should look: keep the dialog open to read it
            self.stay_open(tr("Saved.") + " " + " ".join(n.text() for n in self.saved.notices))
            return True
        say(self.result_label, tr("Saved."), FINE_STYLE)
        self.accept()
        return True


def _site_box(exclude=None) -> QComboBox:
    box = QComboBox()
    for site in sites.sites(include_closed=False):
        if site.id != exclude:
            box.addItem(site.name, site.id)
    return box


class CheckInDialog(StayDialog):
    heading = N_("Check in")
    date_field = "arrived_on"
    date_label = N_("&Arrival date")
    save_text = N_("&Check in")
    wants_present = False

    def build_fields(self) -> list:
        self.site = _site_box()
        self.site.setObjectName("site")
        last = str(self.ctx.settings.value(KEYS.ROSTER_CHECKIN_SITE))
        for index in range(self.site.count()):
            if self.site.itemData(index).hex == last:
                self.site.setCurrentIndex(index)
        return [(tr("At &site"), "site", self.site)]

    date_position = 1

    def first_field(self):
        return self.site

    def move(self, person_ids, day):
        moved = stays.check_in(person_ids, self.site.currentData(), day)
        self.ctx.settings.set_value(KEYS.ROSTER_CHECKIN_SITE, self.site.currentData().hex)
        return moved


class StayTransferDialog(StayDialog):
    heading = N_("Transfer to another site")
    date_field = "moved_on"
    date_label = N_("Transfer &date")
    save_text = N_("&Transfer")

    def build_fields(self) -> list:
        person = next((r for r in roster_query.household_rows(self.household_id) if r.id == self.person_id), None)
        self.site = _site_box(exclude=person.site_id if person and person.status == "present" else None)
        self.site.setObjectName("to_site")
        self.note = QLineEdit(objectName="note")
        self.note.setPlaceholderText(tr("Why, e.g. the tent was flooded"))
        return [(tr("To &site"), "to_site", self.site), (tr("&Note"), "note", self.note)]

    date_position = 1

    def first_field(self):
        return self.site

    def move(self, person_ids, day):
        return stays.transfer(person_ids, self.site.currentData(), day, note=self.note.text())


class CheckOutDialog(StayDialog):
    heading = N_("Check out")
    date_field = "left_on"
    date_label = N_("&Departure date")
    save_text = N_("&Check out")

    def build_fields(self) -> list:
        reasons = {code: label for code, label in choices.LEAVE_REASONS.items() if code != "transferred"}
        self.reason = ChoiceBox(reasons)
        self.reason.setObjectName("reason")
        self.note = QLineEdit(objectName="note")
        self.note.setPlaceholderText(tr("e.g. back to Kp. Gasol, house repaired"))
        return [(tr("&Reason"), "reason", self.reason), (tr("&Note"), "note", self.note)]

    def add_hint(self) -> None:
        hint = QLabel(tr("A transfer to another site is recorded with Transfer, not here."))
        hint.setStyleSheet(HINT_STYLE)
        self.form.addRow("", hint)

    def move(self, person_ids, day):
        return stays.check_out(person_ids, day, self.reason.code(), note=self.note.text())


DIALOGS = {"check_in": CheckInDialog, "transfer": StayTransferDialog, "check_out": CheckOutDialog}
