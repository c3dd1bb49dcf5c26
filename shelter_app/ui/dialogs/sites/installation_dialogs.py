"""Adding or correcting an installation of a site, and changing its state (Installations page)."""

from __future__ import annotations

import datetime

from PySide6.QtWidgets import QLineEdit

from shelter_app.domain import choices
from shelter_app.i18n import tr
from shelter_app.services import installations
from shelter_app.ui.dialogs.sites.site_dialogs import SiteForm, number_of, text_of
from shelter_app.ui.forms.fields import ChoiceBox, DateField, number_field
from shelter_app.ui.forms.formatting import fmt_date

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


class InstallationDialog(SiteForm):
    """Add an installation to a site, or correct one (``row``: a site_overview.InstallationRow).

    Correcting never touches the state: that is ``StateDialog``, which keeps the history.
    """

    def __init__(self, site_id, row=None, parent=None):
        super().__init__(parent, title=tr("Edit installation") if row else tr("New installation"))
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
        for name in self.details:
            self.set_field_visible(name, name in shown)
        self.adjustSize()

    def values(self) -> dict:
        data = {"kind": self.kind.code(), "name": text_of(self.name), "notes": text_of(self.notes)}
        data["subkind"] = ""
        for name in self.visible_fields():
            widget = self.details[name]
            data[name] = widget.code() if name == "subkind" else number_of(widget, name in INTEGER_FIELDS)
        return data

    def submit(self):
        data = self.values()
        if self.row is not None:
            return installations.update_installation(self.row.id, **data)
        kind = data.pop("kind")
        return installations.add_installation(
            self.site_id, kind, state=self.state.code(), since=self.since.date_value(), note=text_of(self.note), **data
        )


# The state a volunteer most likely records next.
NEXT_STATE = {"planned": "working", "working": "broken", "broken": "working", "removed": "working"}


class StateDialog(SiteForm):
    """A new state of an installation from a day on, with a note; the history keeps the old ones."""

    def __init__(self, row, parent=None, day: datetime.date | None = None):
        super().__init__(parent, title=tr("Change state"))
        self.row = row
        self.set_intro(
            tr(
                "{name}: {state} since {date}.",
                name=row.name or row.kind_label,
                state=row.state_label,
                date=fmt_date(row.state_since),
            )
        )
        self.state = self.add_field(
            "state", tr("New state"), ChoiceBox(choices.INSTALLATION_STATES, NEXT_STATE.get(row.state))
        )
        self.on = self.add_field("on", tr("From"), DateField(day))
        self.note = self.add_field("note", tr("Note"), QLineEdit())
        self.note.setPlaceholderText(tr("e.g. pump broken, waiting for spare part"))
        self.state.setFocus()

    def submit(self):
        return installations.change_state(self.row.id, self.state.code(), self.on.date_value(), text_of(self.note))
