"""Correcting a household's own details: KK number, village of origin, address, notes."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

from shelter_app.i18n import N_, tr
from shelter_app.services import roster
from shelter_app.ui.forms.fields import VillagePicker
from shelter_app.ui.forms.form_dialog import FormDialog


class HouseholdDetailsDialog(FormDialog):
    """The history keeps the old values: a correction never erases them."""

    heading = N_("Correct the household")
    save_text = N_("&Save")
    min_width = 560

    def __init__(self, ctx, household, parent=None):
        super().__init__(parent, ctx=ctx)
        self.household_id = household.id
        self.setObjectName("household_details")
        self.kk = self.add_field("kk", tr("&KK number"), QLineEdit(household.kk or ""))
        self.kk.setPlaceholderText(tr("16 digits; leave empty when the family has no card"))
        self.village = self.add_field("origin_village_code", tr("&Village of origin"), VillagePicker())
        self.village.set_code(household.origin_village_code)
        self.address = self.add_field("address", tr("A&ddress"), QLineEdit(household.address))
        self.notes = self.add_field("notes", tr("&Notes"), QPlainTextEdit(household.notes))
        self.notes.setMaximumHeight(80)

    def submit(self):
        return roster.update_household(
            self.household_id,
            kk=self.kk.text(),
            origin_village_code=self.village.code(),
            address=self.address.text(),
            notes=self.notes.toPlainText(),
        )

    def save(self) -> bool:
        """Save clicked (the household view's tests call it by this name)."""
        return self.accept_clicked()
