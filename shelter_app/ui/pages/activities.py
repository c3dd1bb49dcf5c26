"""Activities: the list per site and period, each activity's details and its participants."""

from __future__ import annotations

import datetime
import html

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
)

from shelter_app.domain import choices
from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import N_, ntr, tr
from shelter_app.services import activities, sites
from shelter_app.ui.dialogs.activities.activity_dialog import ActivityDialog
from shelter_app.ui.dialogs.activities.participants_dialog import (
    PERSON_COLUMNS,
    AddParticipantsDialog,
    person_row,
    person_table,
)
from shelter_app.ui.forms.fields import DateField, find_data
from shelter_app.ui.forms.formatting import fmt_date
from shelter_app.ui.forms.palette import ERROR_STYLE
from shelter_app.ui.user_settings import KEYS
from shelter_app.ui.widgets.errors import show_unexpected
from shelter_app.ui.widgets.lazy_model import Column, ListModel
from shelter_app.ui.widgets.page import Page

ACTIVITY_COLUMNS = [
    Column("held_on", N_("Date"), fmt_date),
    Column("ends_on", N_("Until"), fmt_date),
    Column("kind", N_("Kind"), lambda code: choices.label(choices.ACTIVITY_KINDS, code)),
    Column("title", N_("Title")),
    Column("site_name", N_("Site")),
    Column("facilitator", N_("Facilitator")),
]


class ActivityRow:
    """An activity with its site's name, for the list."""

    def __init__(self, activity, site_names: dict):
        self.activity = activity
        self.id = activity.id
        self.held_on, self.ends_on = activity.held_on, activity.ends_on
        self.kind, self.title, self.facilitator = activity.kind, activity.title, activity.facilitator
        self.site_name = site_names.get(activity.site_id, "")


class ActivitiesPage(Page):
    key = "activities"
    title = N_("Activities")

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.dialog = None
        layout = QVBoxLayout(self)
        heading = tr("Activities")
        layout.addWidget(QLabel(f"<h2>{heading}</h2>"))

        bar = QHBoxLayout()
        site_label = QLabel(tr("&Site"))
        self.site = QComboBox()
        self.site.setObjectName("site_filter")
        self.site.setMinimumWidth(260)
        site_label.setBuddy(self.site)
        from_label = QLabel(tr("&From"))
        self.start = DateField()
        self.start.setObjectName("start")
        from_label.setBuddy(self.start)
        to_label = QLabel(tr("T&o"))
        self.end = DateField()
        self.end.setObjectName("end")
        to_label.setBuddy(self.end)
        for widget in (site_label, self.site, from_label, self.start, to_label, self.end):
            bar.addWidget(widget)
        bar.addStretch(1)
        self.new_button = QPushButton(tr("&New activity…"))
        self.new_button.setObjectName("new_activity_button")
        self.new_button.clicked.connect(self.open_new)
        self.edit_button = QPushButton(tr("&Edit activity…"))
        self.edit_button.setObjectName("edit_activity_button")
        self.edit_button.clicked.connect(self.open_edit)
        bar.addWidget(self.new_button)
        bar.addWidget(self.edit_button)
        layout.addLayout(bar)

        self.model = ListModel(ACTIVITY_COLUMNS)
        self.list = QTableView()
        self.list.setObjectName("activities")
        self.list.setModel(self.model)
        self.list.horizontalHeader().setSortIndicator(0, Qt.DescendingOrder)  # the latest first
        self.list.setSortingEnabled(True)
        self.list.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.list.setWordWrap(False)
        self.list.verticalHeader().hide()
        self.list.verticalHeader().setDefaultSectionSize(self.list.fontMetrics().height() + 8)
        self.list.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.list.horizontalHeader().setResizeContentsPrecision(60)
        self.list.horizontalHeader().setStretchLastSection(True)
        self.list.selectionModel().currentRowChanged.connect(lambda *_a: self.load_participants())
        self.list.doubleClicked.connect(lambda _index: self.open_edit())

        self.details_box = QGroupBox(tr("Participants"))
        details = QVBoxLayout(self.details_box)
        self.details = QLabel()
        self.details.setObjectName("activity_details")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.RichText)
        details.addWidget(self.details)
        self.participants_model = ListModel(PERSON_COLUMNS)
        self.participants = person_table(self.participants_model, "participants")
        self.participants.horizontalHeader().setSortIndicator(0, Qt.AscendingOrder)
        self.participants.setSortingEnabled(True)
        details.addWidget(self.participants, 1)
        self.error = QLabel()
        self.error.setObjectName("error_persons")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        details.addWidget(self.error)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(tr("&Add participants…"))
        self.add_button.setObjectName("add_participants_button")
        self.add_button.clicked.connect(self.open_add_participants)
        self.remove_button = QPushButton(tr("&Remove participant"))
        self.remove_button.setObjectName("remove_participant_button")
        self.remove_button.clicked.connect(self.remove_selected)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        details.addLayout(buttons)

        # Stacked: both tables need the full width for their columns.
        self.split = QSplitter(Qt.Vertical)
        self.split.setObjectName("activities_split")
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.list)
        self.split.addWidget(self.details_box)
        self.split.setSizes([300, 400])
        state = self.ctx.settings.value(KEYS.ACTIVITIES_SPLIT)
        if isinstance(state, QByteArray):
            self.split.restoreState(state)
        layout.addWidget(self.split, 1)

        self._range_set = False
        self.site.currentIndexChanged.connect(lambda _i: self.load_list())
        self.start.dateChanged.connect(lambda _d: self.load_list())
        self.end.dateChanged.connect(lambda _d: self.load_list())

    # --- loading -----------------------------------------------------------------------

    def refresh(self) -> None:
        current = self.site.currentData()
        self.site.blockSignals(True)
        self.site.clear()
        self.site.addItem(tr("All sites"), None)
        for site in sites.sites():
            self.site.addItem(site.name, site.id)
        index = find_data(self.site, current) if current is not None else 0
        self.site.setCurrentIndex(max(index, 0))
        self.site.blockSignals(False)
        if not self._range_set:  # the whole operation so far, until the user narrows it
            events = sites.events()
            first = min(
                (event.started_on for event in events), default=datetime.date.today() - datetime.timedelta(days=30)
            )
            for field, value in ((self.start, first), (self.end, datetime.date.today())):
                field.blockSignals(True)
                field.set_date(value)
                field.blockSignals(False)
            self._range_set = True
        self.load_list()

    def load_list(self) -> None:
        keep = self.selected_id()
        start, end = self.start.date_value(), self.end.date_value()
        site_names = {site.id: site.name for site in sites.sites()}  # one query, not one per activity
        rows = [
            ActivityRow(a, site_names)
            for a in activities.activities(self.site.currentData())
            if a.held_on <= end and (a.ends_on or a.held_on) >= start
        ]
        self.model.set_rows(rows)
        index = next((i for i in range(self.model.rowCount()) if self.model.row_at(i).id == keep), 0)
        if self.model.rowCount():
            self.list.selectRow(index)  # the model was reset: this changes the current row and loads it
        else:
            self.load_participants()

    def selected(self) -> ActivityRow | None:
        index = self.list.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def selected_id(self):
        row = self.selected()
        return row.id if row else None

    def load_participants(self) -> None:
        self.error.hide()
        row = self.selected()
        enabled = row is not None
        for button in (self.add_button, self.remove_button, self.edit_button):
            button.setEnabled(enabled)
        if row is None:
            self.details_box.setTitle(tr("Participants"))
            self.details.setText(tr("No activity in this period. Create one with “New activity…”."))
            self.participants_model.set_rows([])
            return
        activity = row.activity
        persons = activities.participants(activity.id)
        self.details_box.setTitle(tr("Participants: {title}", title=activity.title))
        when = fmt_date(activity.held_on) + (f" – {fmt_date(activity.ends_on)}" if activity.ends_on else "")
        lines = [
            f"<b>{html.escape(choices.label(choices.ACTIVITY_KINDS, activity.kind))}</b> · {when} · "
            f"{html.escape(row.site_name)}"
        ]
        if activity.facilitator:
            lines.append(tr("Facilitator: {name}", name=html.escape(activity.facilitator)))
        if activity.outcome:
            lines.append(tr("Outcome: {text}", text=html.escape(activity.outcome)))
        lines.append(ntr("{n} participant", "{n} participants", len(persons)))
        self.details.setText("<br>".join(lines))
        self.participants_model.set_rows([person_row(p, activity.held_on) for p in persons])

    # --- actions -------------------------------------------------------------------------

    def _open(self, dialog):
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_new(self):
        return self._open(ActivityDialog(self.ctx, None, self.site.currentData(), datetime.date.today(), self))

    def open_edit(self):
        row = self.selected()
        return self._open(ActivityDialog(self.ctx, row.activity, parent=self)) if row else None

    def open_add_participants(self):
        row = self.selected()
        return self._open(AddParticipantsDialog(self.ctx, row.activity, self)) if row else None

    def remove_selected(self) -> int:
        """Remove the selected participants; the history keeps that they took part."""
        row = self.selected()
        chosen = sorted({index.row() for index in self.participants.selectionModel().selectedRows()})
        self.error.hide()
        if row is None or not chosen:
            self.error.setText(tr("Select the participants to remove first."))
            self.error.show()
            return 0
        try:
            for index in chosen:
                activities.remove_participant(row.id, self.participants_model.row_at(index).person_id)
        except RuleViolation as error:
            self.error.setText(error.text())
            self.error.show()
            return 0
        except Exception:
            show_unexpected(self, "removing a participant")
            return 0
        self.ctx.data_changed.emit()
        return len(chosen)

    # --- navigation and state ------------------------------------------------------------

    def open_item(self, argument) -> None:
        """Another page shows the activities of a site (its id)."""
        self.refresh_if_stale()
        index = find_data(self.site, argument)
        if index >= 0:
            self.site.setCurrentIndex(index)

    def save_state(self) -> None:
        self.ctx.settings.set_value(KEYS.ACTIVITIES_SPLIT, self.split.saveState())
