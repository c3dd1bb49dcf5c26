"""Creating or correcting an activity (Activities page)."""

from __future__ import annotations

import datetime

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QPlainTextEdit, QWidget

from shelter_app.domain import choices
from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import _, tr
from shelter_app.services import activities, sites
from shelter_app.ui.forms.fields import ChoiceBox, DateField, find_data
from shelter_app.ui.forms.form_dialog import FormDialog


class ActivityDialog(FormDialog):
    """Kind, title, site, dates, facilitator and outcome of an activity, in the order of a report."""

    def __init__(self, ctx, activity=None, site_id=None, day: datetime.date | None = None, parent=None):
        super().__init__(parent, ctx=ctx, title=tr("Edit activity") if activity else tr("New activity"))
        self.activity = activity
        self.kind = ChoiceBox(choices.ACTIVITY_KINDS, activity.kind if activity else None)
        self.kind.setObjectName("kind")
        self.add_field("kind", tr("&Kind"), self.kind)
        self.title_edit = QLineEdit(activity.title if activity else "")
        self.title_edit.setObjectName("title")
        self.title_edit.setPlaceholderText(tr("e.g. Weaving training for mothers"))
        self.add_field("title", tr("&Title"), self.title_edit)
        self.site = QComboBox()
        self.site.setObjectName("site")
        self.site.setMinimumWidth(300)
        for site in sites.sites():
            self.site.addItem(site.name, site.id)
        chosen = activity.site_id if activity else site_id
        if find_data(self.site, chosen) >= 0:
            self.site.setCurrentIndex(find_data(self.site, chosen))
        self.site.setEnabled(activity is None)  # an activity stays at its site; create another elsewhere
        self.add_field("site", tr("&Site"), self.site)
        self.held_on = DateField(activity.held_on if activity else day)
        self.held_on.setObjectName("held_on")
        self.add_field("held_on", tr("&Date"), self.held_on)
        self.several_days = QCheckBox(tr("Lasts several days, until"))
        self.several_days.setObjectName("several_days")
        self.ends_on = DateField((activity.ends_on if activity else None) or self.held_on.date_value())
        self.ends_on.setObjectName("ends_on")
        self.several_days.toggled.connect(self.ends_on.setEnabled)
        self.held_on.dateChanged.connect(self._start_changed)
        self.several_days.setChecked(bool(activity and activity.ends_on))
        self.ends_on.setEnabled(self.several_days.isChecked())
        end = QWidget(objectName="end_date")  # not "ends_on": that is the date inside it
        row = QHBoxLayout(end)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.several_days)
        row.addWidget(self.ends_on)
        row.addStretch(1)
        self.add_field("ends_on", tr("&End date"), end)
        self.errors.widgets["ends_on"] = self.ends_on
        self.facilitator = QLineEdit(activity.facilitator if activity else "")
        self.facilitator.setObjectName("facilitator")
        self.facilitator.setPlaceholderText(tr("who leads it: a person or an organisation"))
        self.add_field("facilitator", tr("&Facilitator"), self.facilitator)
        self.outcome = QPlainTextEdit(activity.outcome if activity else "")
        self.outcome.setObjectName("outcome")
        self.outcome.setTabChangesFocus(True)
        self.outcome.setPlaceholderText(tr("what came of it: products made, follow-up needed…"))
        self.outcome.setMaximumHeight(90)
        self.add_field("outcome", tr("&Outcome"), self.outcome)
        self.kind.setFocus()

    def _start_changed(self) -> None:
        if not self.several_days.isChecked() or self.ends_on.date_value() < self.held_on.date_value():
            self.ends_on.set_date(self.held_on.date_value())

    def submit(self):
        data = dict(
            kind=self.kind.code(),
            title=self.title_edit.text(),
            held_on=self.held_on.date_value(),
            ends_on=self.ends_on.date_value() if self.several_days.isChecked() else None,
            facilitator=self.facilitator.text(),
            outcome=self.outcome.toPlainText(),
        )
        if data["ends_on"] and data["ends_on"] < data["held_on"]:
            # Said plainly here: the service's date check would speak of the disaster's start.
            raise RuleViolation("ends_on", _("The end date is before the start date."))
        if self.activity is None:
            if self.site.currentData() is None:
                raise RuleViolation("site", _("Create a site first: an activity takes place at a site."))
            return activities.create_activity(
                self.site.currentData(), data.pop("kind"), data.pop("title"), data.pop("held_on"), **data
            )
        return activities.update_activity(self.activity.id, **data)
