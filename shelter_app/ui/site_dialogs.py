"""Dialogs of the Sites and Installations pages: create or edit a site, close it, add or edit an
installation and change its state.

Each dialog calls one service when Save is pressed (or Enter): a broken rule is shown under
the field it concerns and the dialog stays open; Esc cancels. Tests drive ``accept_clicked()``
or press Enter on a field; they never call ``exec()``.
"""

from __future__ import annotations

import datetime

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import (
    QAbstractSpinBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget,
)

from shelter_app.domain import choices
from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import current_language, tr
from shelter_app.services import installations, sites
from shelter_app.ui.widgets.errors import FieldErrors, show_unexpected
from shelter_app.ui.widgets.fields import ChoiceBox, DateField, VillagePicker, number_field


INDONESIAN = QLocale(QLocale.Indonesian, QLocale.Indonesia)


class FormDialog(QDialog):
    """A form with an error label under each field and Save / Cancel buttons."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.hide()
        layout.addWidget(self.intro)
        general = QLabel()
        self.errors = FieldErrors(general)
        layout.addWidget(general)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        layout.addLayout(self.form)
        layout.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.Save)
        self.save_button.setText(tr("&Save"))
        self.save_button.setDefault(True)  # Enter in any field saves
        self.buttons.button(QDialogButtonBox.Cancel).setText(tr("Cancel"))
        self.buttons.accepted.connect(self.accept_clicked)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.saved = None  # what the service returned

    def set_intro(self, text: str) -> None:
        self.intro.setText(text)
        self.intro.show()

    def add_field(self, field: str, label: str, widget: QWidget) -> QWidget:
        widget.setObjectName(field)
        if isinstance(widget, QAbstractSpinBox) and current_language() == "id":
            widget.setLocale(INDONESIAN)  # 1.234,5 as the paper forms write it
        self.form.addRow(label, widget)
        self.form.addRow(self.errors.add(field, widget))
        return widget

    def accept_clicked(self) -> None:
        self.errors.clear()
        try:
            self.saved = self.save()
        except RuleViolation as error:
            self.errors.show(error)
            return
        except Exception:
            show_unexpected(self, f"saving in {type(self).__name__}")
            return
        self.accept()

    def save(self):
        raise NotImplementedError


def fmt_date(day: datetime.date | None) -> str:
    """A date as the user reads it: 28/11/2022 in Indonesian, 2022-11-28 in English."""
    if day is None:
        return ""
    return day.strftime("%d/%m/%Y") if current_language() == "id" else day.isoformat()


def fmt_number(value, decimals: int = 0) -> str:
    """1.234,5 in Indonesian, 1,234.5 in English; no decimals when the value is whole."""
    if value is None:
        return ""
    value = float(value)
    if decimals and value == int(value):
        decimals = 0
    text = f"{value:,.{decimals}f}"
    if current_language() == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def _text(widget: QLineEdit) -> str:
    return widget.text().strip()


def _number(box, integer: bool = False):
    return int(round(box.value())) if integer else box.value()


# --- sites ----------------------------------------------------------------------------------


class SiteDialog(FormDialog):
    """Create a site, or correct one (``site`` given). Fields in the order of a site form."""

    def __init__(self, site=None, parent=None):
        super().__init__(tr("Edit site") if site else tr("New evacuation site"), parent)
        self.site = site
        self.events = sites.events()
        self.event_box = None
        self.event_fields: dict = {}
        if site is None:
            self._event_part()
        self.name = self.add_field("name", tr("Site name"), QLineEdit())
        self.name.setPlaceholderText(tr("e.g. SDN Cugenang 1, Posko Lapangan Desa Gasol"))
        self.kind = self.add_field("kind", tr("Kind of site"), ChoiceBox(choices.SITE_KINDS))
        self.opened_on = self.add_field("opened_on", tr("Opening date"), DateField())
        self.village = self.add_field("village_code", tr("Village"), VillagePicker())
        self.address = self.add_field("address", tr("Address"), QLineEdit())
        self.contact_name = self.add_field("contact_name", tr("Contact person"), QLineEdit())
        self.contact_phone = self.add_field("contact_phone", tr("Contact phone"), QLineEdit())
        self.capacity_day = self.add_field("capacity_day", tr("Capacity by day"), number_field(suffix=tr("persons")))
        self.capacity_night = self.add_field("capacity_night", tr("Capacity by night"), number_field(suffix=tr("persons")))
        self.covered_area = self.add_field("covered_area_m2", tr("Covered floor area"), number_field(1, suffix="m²"))
        self.latitude = self.add_field("latitude", tr("Latitude"), QLineEdit())
        self.latitude.setPlaceholderText(tr("e.g. -6.8163 (empty if unknown)"))
        self.longitude = self.add_field("longitude", tr("Longitude"), QLineEdit())
        self.longitude.setPlaceholderText(tr("e.g. 107.1021 (empty if unknown)"))
        self.notes = self.add_field("notes", tr("Notes"), QLineEdit())
        if site is not None:
            self._fill(site)
        self.name.setFocus()

    def _event_part(self) -> None:
        """Which disaster the site belongs to; with no event yet, the first one is created here."""
        if len(self.events) > 1:
            self.event_box = self.add_field("event", tr("Disaster event"), ChoiceBox({e.id.hex: e.name for e in self.events}))
        elif not self.events:
            self.set_intro(tr("No disaster event is recorded yet: describe it first, then the site."))
            self.event_fields = {
                "name": self.add_field("event_name", tr("Event name"), QLineEdit()),
                "kind": self.add_field("event_kind", tr("Kind of disaster"), ChoiceBox(choices.EVENT_KINDS)),
                "started_on": self.add_field("event_started_on", tr("Start date"), DateField()),
            }

    def _fill(self, site) -> None:
        self.name.setText(site.name)
        self.kind.set_code(site.kind)
        self.opened_on.set_date(site.opened_on)
        self.village.set_code(site.village_code)
        self.address.setText(site.address)
        self.contact_name.setText(site.contact_name)
        self.contact_phone.setText(site.contact_phone)
        self.capacity_day.setValue(site.capacity_day)
        self.capacity_night.setValue(site.capacity_night)
        self.covered_area.setValue(site.covered_area_m2)
        self.latitude.setText("" if site.latitude is None else f"{site.latitude:.6f}".rstrip("0").rstrip("."))
        self.longitude.setText("" if site.longitude is None else f"{site.longitude:.6f}".rstrip("0").rstrip("."))
        self.notes.setText(site.notes)

    def values(self) -> dict:
        return dict(
            name=_text(self.name), kind=self.kind.code(), opened_on=self.opened_on.date_value(),
            village_code=self.village.code(), address=_text(self.address),
            contact_name=_text(self.contact_name), contact_phone=_text(self.contact_phone),
            capacity_day=_number(self.capacity_day, True), capacity_night=_number(self.capacity_night, True),
            covered_area_m2=_number(self.covered_area), latitude=_text(self.latitude),
            longitude=_text(self.longitude), notes=_text(self.notes),
        )

    def _event_id(self):
        if self.event_box is not None:
            return self.event_box.code()
        if self.events:
            return self.events[0].id
        fields = self.event_fields
        try:
            event = sites.create_event(_text(fields["name"]), fields["kind"].code(), fields["started_on"].date_value())
        except RuleViolation as error:  # shown under the event's own fields
            raise RuleViolation(f"event_{error.field}", error.message) from None
        self.events = [event]
        for widget in fields.values():
            widget.setEnabled(False)  # created: a second Save must not create it again
        return event.id

    def save(self):
        data = self.values()
        if self.site is not None:
            return sites.update_site(self.site.id, **data)
        event_id = self._event_id()
        return sites.create_site(event_id, data.pop("name"), data.pop("kind"), data.pop("opened_on"), **data)


class CloseSiteDialog(FormDialog):
    """Close a site from a day on; the service refuses while anyone is still there."""

    def __init__(self, site, parent=None):
        super().__init__(tr("Close site"), parent)
        self.site = site
        self.set_intro(tr("Close {site} from this day on. Everybody must have been checked out or "
                          "transferred before that day.", site=site.name))
        self.closed_on = self.add_field("closed_on", tr("Closing date"), DateField())
        self.save_button.setText(tr("Close &site"))
        self.closed_on.setFocus()

    def save(self):
        return sites.close_site(self.site.id, self.closed_on.date_value())


# --- installations --------------------------------------------------------------------------

# Which detail fields each kind of installation uses; the others are hidden.
KIND_FIELDS = {
    "water": ("subkind", "litres_per_day"),
    "toilet": ("toilets_female", "toilets_male", "toilets_accessible"),
    "pallet": ("quantity", "floor_area_m2"),
    "tent": ("quantity", "floor_area_m2"),
    "generator": ("quantity", "power_kw"),
}
OTHER_FIELDS = ("quantity",)
INTEGER_FIELDS = {"quantity", "toilets_female", "toilets_male", "toilets_accessible"}


class InstallationDialog(FormDialog):
    """Add an installation to a site, or correct one (``row``: a site_overview.InstallationRow).

    Correcting never touches the state: that is ``StateDialog``, which keeps the history.
    """

    def __init__(self, site_id, row=None, parent=None):
        super().__init__(tr("Edit installation") if row else tr("New installation"), parent)
        self.site_id, self.row = site_id, row
        self.kind = self.add_field("kind", tr("Kind of installation"), ChoiceBox(choices.INSTALLATION_KINDS))
        self.name = self.add_field("name", tr("Name"), QLineEdit())
        self.name.setPlaceholderText(tr("e.g. Tandon air 5.000 L, MCK darurat blok A"))
        self.details = {
            "subkind": self.add_field("subkind", tr("Type of water installation"), ChoiceBox(choices.WATER_KINDS)),
            "quantity": self.add_field("quantity", tr("Quantity"), number_field()),
            "litres_per_day": self.add_field("litres_per_day", tr("Litres per day"), number_field(suffix=tr("L/day"))),
            "toilets_female": self.add_field("toilets_female", tr("Toilets for women"), number_field()),
            "toilets_male": self.add_field("toilets_male", tr("Toilets for men"), number_field()),
            "toilets_accessible": self.add_field("toilets_accessible", tr("Accessible toilets"), number_field()),
            "floor_area_m2": self.add_field("floor_area_m2", tr("Floor area (m²)"), number_field(1, suffix="m²")),
            "power_kw": self.add_field("power_kw", tr("Power (kW)"), number_field(1, suffix="kW")),
        }
        self.details["quantity"].setValue(1)
        self.notes = self.add_field("notes", tr("Notes"), QLineEdit())
        if row is None:
            self.state = self.add_field("state", tr("State"), ChoiceBox(choices.INSTALLATION_STATES, "working"))
            self.since = self.add_field("since", tr("Since"), DateField())
            self.note = self.add_field("note", tr("Note on the state"), QLineEdit())
        else:
            self._fill(row)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.kind.setFocus()

    def _fill(self, row) -> None:
        self.kind.set_code(row.kind)
        self.name.setText(row.name)
        if row.subkind:
            self.details["subkind"].set_code(row.subkind)
        for name, widget in self.details.items():
            if name != "subkind":
                widget.setValue(getattr(row, name))
        self.notes.setText(row.notes)

    def visible_fields(self) -> tuple[str, ...]:
        return KIND_FIELDS.get(self.kind.code(), OTHER_FIELDS)

    def _kind_changed(self) -> None:
        self.errors.clear()
        shown = self.visible_fields()
        for name, widget in self.details.items():
            self.form.setRowVisible(widget, name in shown)
        self.adjustSize()

    def values(self) -> dict:
        data = {"kind": self.kind.code(), "name": _text(self.name), "notes": _text(self.notes)}
        data["subkind"] = ""
        for name in self.visible_fields():
            widget = self.details[name]
            data[name] = widget.code() if name == "subkind" else _number(widget, name in INTEGER_FIELDS)
        return data

    def save(self):
        data = self.values()
        if self.row is not None:
            return installations.update_installation(self.row.id, **data)
        kind = data.pop("kind")
        return installations.add_installation(self.site_id, kind, state=self.state.code(),
                                              since=self.since.date_value(), note=_text(self.note), **data)


# The state a volunteer most likely records next.
NEXT_STATE = {"planned": "working", "working": "broken", "broken": "working", "removed": "working"}


class StateDialog(FormDialog):
    """A new state of an installation from a day on, with a note; the history keeps the old ones."""

    def __init__(self, row, parent=None, day: datetime.date | None = None):
        super().__init__(tr("Change state"), parent)
        self.row = row
        self.set_intro(tr("{name}: {state} since {date}.", name=row.name or row.kind_label,
                          state=row.state_label, date=fmt_date(row.state_since)))
        self.state = self.add_field("state", tr("New state"), ChoiceBox(choices.INSTALLATION_STATES, NEXT_STATE.get(row.state)))
        self.on = self.add_field("on", tr("From"), DateField(day))
        self.note = self.add_field("note", tr("Note"), QLineEdit())
        self.note.setPlaceholderText(tr("e.g. pump broken, waiting for spare part"))
        self.state.setFocus()

    def save(self):
        return installations.change_state(self.row.id, self.state.code(), self.on.date_value(), _text(self.note))


def open_dialog(owner: QWidget, dialog: QDialog, on_saved) -> QDialog:
    """Show a dialog window-modal without blocking; ``on_saved(result)`` runs after a save.

    The owner keeps the last dialog only, so closed ones do not pile up during a long day.
    """
    previous = getattr(owner, "_open_dialog", None)
    if previous is not None and previous is not dialog:
        previous.deleteLater()
    owner._open_dialog = dialog
    dialog.accepted.connect(lambda: on_saved(dialog.saved))
    dialog.open()
    return dialog
