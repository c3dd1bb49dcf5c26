"""The welcome panel an empty database shows: what Posko does, and the two ways to begin —
create the first event and site, or load the demo operation in a worker."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from shelter_app import APP_NAME
from shelter_app.domain import choices
from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import tr
from shelter_app.services import overview
from shelter_app.ui.forms.fields import ChoiceBox, DateField, VillagePicker, localised, number_field
from shelter_app.ui.widgets.errors import FieldErrors, show_unexpected
from shelter_app.ui.widgets.worker import Job

log = logging.getLogger(__name__)
DEMO_PERSONS = 3000
DEMO_SEED = 7


class WelcomePanel(QWidget):
    """Shown instead of the dashboard until the database holds an event."""

    created = Signal(str)  # "form": the first event and site exist; "demo": the demo was loaded
    demo_ended = Signal(str)  # "done", "cancelled" or "failed": the demo job is over

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("welcome")
        self.demo_job: Job | None = None
        self.progress: QProgressDialog | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        heading = QLabel("<h1>{}</h1>".format(tr("Welcome to {app}", app=APP_NAME)))
        heading.setObjectName("welcome_heading")
        outer.addWidget(heading)
        intro = QLabel(
            tr(
                "{app} keeps the register of evacuees at each evacuation site: who arrived and who left, "
                "households and vulnerable groups, installations, stock and activities. From it, {app} "
                "counts every site's population day by day and shows where water, toilets, space or food "
                "fall short of the standards. To begin, create your disaster event and its first site, "
                "or load the demo operation to try everything out first.",
                app=APP_NAME,
            )
        )
        intro.setWordWrap(True)
        intro.setObjectName("welcome_intro")
        outer.addWidget(intro)
        choices_row = QHBoxLayout()
        choices_row.setSpacing(16)
        choices_row.addWidget(self._build_form(), 3)
        choices_row.addWidget(self._build_demo(), 2, Qt.AlignTop)
        outer.addLayout(choices_row)
        outer.addStretch(1)

    # --- (a) the first event and site ----------------------------------------------------

    def _build_form(self) -> QGroupBox:
        box = QGroupBox(tr("Start a new operation"))
        box.setObjectName("first_site_form")
        layout = QVBoxLayout(box)
        general = QLabel()
        self.errors = FieldErrors(general)
        layout.addWidget(general)

        # One form for both parts, so that their labels line up.
        form = QFormLayout()
        event_form = site_form = form
        event_form.addRow(QLabel("<b>{}</b>".format(tr("The disaster event"))))
        self.event_name = QLineEdit()
        self.event_name.setObjectName("event_name")
        self.event_name.setPlaceholderText(tr("e.g. Cianjur earthquake 2022"))
        self.event_kind = ChoiceBox(choices.EVENT_KINDS)
        self.event_kind.setObjectName("event_kind")
        self.event_started = DateField()
        self.event_started.setObjectName("event_started_on")
        self._row(event_form, tr("Event name"), self.event_name, "event_name")
        self._row(event_form, tr("Kind of disaster"), self.event_kind, "event_kind")
        self._row(event_form, tr("Start date"), self.event_started, "event_started_on")

        site_form.addRow(QLabel("<b>{}</b>".format(tr("Its first evacuation site"))))
        self.site_name = QLineEdit()
        self.site_name.setObjectName("site_name")
        self.site_name.setPlaceholderText(tr("e.g. Posko Lapangan Desa Gasol"))
        self.site_kind = ChoiceBox(choices.SITE_KINDS)
        self.site_kind.setObjectName("site_kind")
        self.village = VillagePicker()
        self.village.setObjectName("village_code")
        self.village.setPlaceholderText(tr("Type part of the village name, then pick it from the list"))
        self.capacity_night = number_field(maximum=1_000_000, suffix=tr("persons"))
        self.capacity_night.setObjectName("capacity_night")
        self.capacity_day = number_field(maximum=1_000_000, suffix=tr("persons"))
        self.capacity_day.setObjectName("capacity_day")
        self._row(site_form, tr("Site name"), self.site_name, "name")
        self._row(site_form, tr("Kind of site"), self.site_kind, "kind")
        self._row(site_form, tr("Village"), self.village, "village_code")
        self._row(site_form, tr("Capacity by night"), self.capacity_night, "capacity_night")
        self._row(site_form, tr("Capacity by day"), self.capacity_day, "capacity_day")
        self.covered_area = number_field(maximum=1_000_000, suffix="m²")
        self.covered_area.setObjectName("covered_area_m2")
        self.covered_area.setToolTip(
            tr("The covered floor where people sleep (classrooms, halls, tents); 0 if not known yet")
        )
        self._row(site_form, tr("Covered floor area"), self.covered_area, "covered_area_m2")
        # The site opens the day the event starts (the Sites page can change it later), so a
        # problem with its opening date shows at the general label.
        layout.addLayout(site_form)

        buttons = QHBoxLayout()
        self.create_button = QPushButton(tr("&Create event and site"))
        self.create_button.setObjectName("create_first_site")
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.create_clicked)
        buttons.addStretch(1)
        buttons.addWidget(self.create_button)
        layout.addLayout(buttons)
        self._form_box = box
        return box

    def _row(self, form: QFormLayout, label: str, widget: QWidget, field: str) -> None:
        form.addRow(label, widget)
        form.addRow("", self.errors.add(field, widget))

    def keyPressEvent(self, event) -> None:
        """Enter anywhere in the form saves it (line edits and spin boxes pass it up to here)."""
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and self._form_box.isAncestorOf(self.focusWidget()):
            self.create_clicked()
            return
        super().keyPressEvent(event)

    def create_clicked(self) -> None:
        self.errors.clear()
        started = self.event_started.date_value()
        event = dict(name=self.event_name.text(), kind=self.event_kind.code(), started_on=started)
        site = dict(
            name=self.site_name.text(),
            kind=self.site_kind.code(),
            opened_on=started,
            village_code=self.village.code(),
            capacity_night=int(self.capacity_night.value()),
            capacity_day=int(self.capacity_day.value()),
            covered_area_m2=float(self.covered_area.value()),
        )
        try:
            overview.create_first_site(event, site)
        except RuleViolation as error:
            self.errors.show(error)
            return
        except Exception:
            show_unexpected(self, "creating the first event and site")
            return
        self.created.emit("form")

    # --- (b) the demo operation ----------------------------------------------------------

    def _build_demo(self) -> QGroupBox:
        box = QGroupBox(tr("Or try {app} first", app=APP_NAME))
        box.setObjectName("demo_box")
        layout = QVBoxLayout(box)
        text = QLabel(
            tr(
                "The demo is an invented operation after the Cianjur earthquake of 21 November 2022: "
                "several evacuation sites in real villages, with evacuees, installations, stock and "
                "activities from November to December 2022. Use it in a separate database, not "
                "beside real data."
            )
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        self.demo_persons = localised(QSpinBox())
        self.demo_persons.setObjectName("demo_persons")
        self.demo_persons.setRange(50, 500_000)
        self.demo_persons.setSingleStep(1000)
        self.demo_persons.setGroupSeparatorShown(True)
        self.demo_persons.setValue(DEMO_PERSONS)
        form.addRow(tr("Evacuees in the demo"), self.demo_persons)
        layout.addLayout(form)
        general = QLabel()
        self.demo_errors = FieldErrors(general)
        layout.addWidget(self.demo_errors.add("persons", self.demo_persons))
        layout.addWidget(general)
        self.demo_button = QPushButton(tr("&Load the demo operation (Cianjur earthquake 2022)"))
        self.demo_button.setObjectName("load_demo")
        self.demo_button.clicked.connect(self.load_demo_clicked)
        layout.addWidget(self.demo_button)
        self.demo_note = QLabel()
        self.demo_note.setWordWrap(True)
        self.demo_note.setObjectName("demo_note")
        layout.addWidget(self.demo_note)
        return box

    def load_demo_clicked(self) -> None:
        if self.demo_job is not None:
            return  # one build at a time
        from shelter_app.demo.generator import build_demo  # imported when wanted: keeps start-up quick

        self.demo_errors.clear()
        self.demo_note.clear()
        persons = self.demo_persons.value()
        self._set_busy(True)
        self.progress = QProgressDialog(tr("Building the demo operation…"), tr("Cancel"), 0, 100, self)
        self.progress.setObjectName("demo_progress")
        self.progress.setWindowTitle(APP_NAME)
        self.progress.setWindowModality(Qt.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.setValue(0)
        self.progress.canceled.connect(self.cancel_demo)
        self.demo_job = Job(
            lambda progress, cancelled: build_demo(persons, seed=DEMO_SEED, progress=progress, cancelled=cancelled)
        )
        self.demo_job.progressed.connect(self._demo_progressed)
        self.demo_job.finished.connect(self._demo_finished)
        self.demo_job.failed.connect(self._demo_failed)
        self.progress.show()
        self.demo_job.start()

    def cancel_demo(self) -> None:
        if self.demo_job is not None:
            self.demo_job.cancel()
            self.demo_note.setText(tr("Stopping the demo build…"))
        if self.progress is not None:
            self.progress.hide()

    def stop_demo(self) -> None:
        """Cancel a running build and wait until its transaction is rolled back."""
        if self.demo_job is not None:
            self.demo_job.cancel()
            self.demo_job.wait(60000)

    def _demo_progressed(self, done: int, total: int) -> None:
        if self.progress is None or not total:
            return
        # Persons are most of the work; installations, stock and activities follow them.
        self.progress.setValue(min(90, 90 * done // total))
        if done >= total:
            self.progress.setLabelText(tr("Adding installations, stock and activities…"))

    def _demo_finished(self, _summary) -> None:
        self._end_demo()
        self.demo_ended.emit("done")
        self.created.emit("demo")

    def _demo_failed(self, error) -> None:
        from shelter_app.demo.generator import DemoCancelled

        self._end_demo()
        if isinstance(error, DemoCancelled):
            self.demo_note.setText(tr("The demo was cancelled; nothing was saved."))
            self.demo_ended.emit("cancelled")
            return
        if isinstance(error, RuleViolation):
            self.demo_errors.show(error)
        else:
            try:
                raise error
            except Exception:  # logged with its traceback, shown as a short message
                show_unexpected(self, "building the demo operation")
        self.demo_ended.emit("failed")

    def _end_demo(self) -> None:
        if self.demo_job is not None:
            self.demo_job.wait(10000)  # the thread is only closing its connection now
            self.demo_job = None
        if self.progress is not None:
            self.progress.canceled.disconnect(self.cancel_demo)
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.demo_button, self.create_button, self.demo_persons):
            widget.setEnabled(not busy)
