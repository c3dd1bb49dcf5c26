"""Creating or correcting a site, and closing it (Sites page).

Each dialog calls one service when Save is pressed (or Enter): a broken rule is shown under
the field it concerns and the dialog stays open; Esc cancels.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLineEdit

from shelter_app.domain import choices
from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import N_, tr
from shelter_app.services import sites, stock
from shelter_app.ui.forms.fields import ChoiceBox, DateField, VillagePicker, number_field
from shelter_app.ui.forms.form_dialog import FormDialog


class SiteForm(FormDialog):
    """The look of the Sites and Installations pages' dialogs: every field as wide as the form."""

    save_text = N_("&Save")
    min_width = 520
    field_growth = QFormLayout.AllNonFixedFieldsGrow


def text_of(widget: QLineEdit) -> str:
    return widget.text().strip()


def number_of(box, integer: bool = False):
    return int(round(box.value())) if integer else box.value()


class SiteDialog(SiteForm):
    """Create a site, or correct one (``site`` given). Fields in the order of a site form."""

    def __init__(self, site=None, parent=None):
        super().__init__(parent, title=tr("Edit site") if site else tr("New evacuation site"))
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
        self.capacity_night = self.add_field(
            "capacity_night", tr("Capacity by night"), number_field(suffix=tr("persons"))
        )
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
            self.event_box = self.add_field(
                "event", tr("Disaster event"), ChoiceBox({e.id.hex: e.name for e in self.events})
            )
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
            name=text_of(self.name),
            kind=self.kind.code(),
            opened_on=self.opened_on.date_value(),
            village_code=self.village.code(),
            address=text_of(self.address),
            contact_name=text_of(self.contact_name),
            contact_phone=text_of(self.contact_phone),
            capacity_day=number_of(self.capacity_day, True),
            capacity_night=number_of(self.capacity_night, True),
            covered_area_m2=number_of(self.covered_area),
            latitude=text_of(self.latitude),
            longitude=text_of(self.longitude),
            notes=text_of(self.notes),
        )

    def _event_id(self):
        if self.event_box is not None:
            return self.event_box.code()
        if self.events:
            return self.events[0].id
        fields = self.event_fields
        try:
            event = sites.create_event(
                text_of(fields["name"]), fields["kind"].code(), fields["started_on"].date_value()
            )
        except RuleViolation as error:  # shown under the event's own fields
            raise RuleViolation(f"event_{error.field}", error.message) from None
        stock.add_starting_catalogue()  # a new operation starts with the lumbung sosial items
        self.events = [event]
        for widget in fields.values():
            widget.setEnabled(False)  # created: a second Save must not create it again
        return event.id

    def submit(self):
        data = self.values()
        if self.site is not None:
            return sites.update_site(self.site.id, **data)
        event_id = self._event_id()
        return sites.create_site(event_id, data.pop("name"), data.pop("kind"), data.pop("opened_on"), **data)


class CloseSiteDialog(SiteForm):
    """Close a site from a day on; the service refuses while anyone is still there."""

    def __init__(self, site, parent=None):
        super().__init__(parent, title=tr("Close site"))
        self.site = site
        self.set_intro(
            tr(
                "Close {site} from this day on. Everybody must have been checked out or transferred before that day.",
                site=site.name,
            )
        )
        self.closed_on = self.add_field("closed_on", tr("Closing date"), DateField())
        self.save_button.setText(tr("Close &site"))
        self.closed_on.setFocus()

    def submit(self):
        return sites.close_site(self.site.id, self.closed_on.date_value())
