"""Correcting a household's own details: KK number, village of origin, address, notes."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout

from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import tr
from shelter_app.services import roster
from shelter_app.ui.widgets.errors import FieldErrors
from shelter_app.ui.widgets.fields import VillagePicker


class HouseholdDetailsDialog(QDialog):
    """The history keeps the old values: a correction never erases them."""

    def __init__(self, ctx, household, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.household_id = household.id
        self.setObjectName("household_details")
        self.setWindowTitle(tr("Correct the household"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        general = QLabel()
        self.errors = FieldErrors(general)
        layout.addWidget(general)
        form = QFormLayout()
        self.kk = QLineEdit(household.kk or "", objectName="kk")
        self.kk.setPlaceholderText(tr("16 digits; leave empty when the family has no card"))
        self.village = VillagePicker()
        self.village.set_code(household.origin_village_code)
        self.address = QLineEdit(household.address, objectName="address")
        self.notes = QPlainTextEdit(household.notes)
        self.notes.setMaximumHeight(80)
        for label, field, widget in ((tr("&KK number"), "kk", self.kk),
                                     (tr("&Village of origin"), "origin_village_code", self.village),
                                     (tr("A&ddress"), "address", self.address), (tr("&Notes"), "notes", self.notes)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            form.addRow(caption, widget)
            form.addRow(self.errors.add(field, widget))
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Save).setText(tr("&Save"))
        buttons.button(QDialogButtonBox.Cancel).setText(tr("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> bool:
        self.errors.clear()
        try:
            roster.update_household(self.household_id, kk=self.kk.text(), origin_village_code=self.village.code(),
                                    address=self.address.text(), notes=self.notes.toPlainText())
        except RuleViolation as error:
            self.errors.show(error)
            return False
        self.ctx.data_changed.emit()
        self.accept()
        return True
