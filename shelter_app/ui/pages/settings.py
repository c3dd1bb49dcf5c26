"""Settings: language, the operator's name, backups, where reports go, the hub, standards
profile, age bands, data folder. Each row's label, hint and checks come from the settings'
declaration (``domain.settings_catalog``)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shelter_app.domain import settings_catalog as catalog
from shelter_app.domain.errors import RuleViolation
from shelter_app.domain.permissions import refusal
from shelter_app.domain.standards import AGE_BAND_LABELS, AgeBand
from shelter_app.exchange import backups
from shelter_app.history.records import transaction
from shelter_app.i18n import N_, _, tr
from shelter_app.services import access, database, presence
from shelter_app.services import settings as stored_settings
from shelter_app.ui.user_settings import KEYS
from shelter_app.ui.widgets.errors import FieldErrors
from shelter_app.ui.widgets.page import Page

HINT_STYLE = "color: #555555;"


def _label(spec: catalog.SettingSpec) -> str:
    return tr(spec.label) if spec.label else spec.key


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    return label


class SettingsPage(Page):
    key = "settings"
    title = N_("Settings")

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()  # taller than a small laptop screen: it scrolls rather than squeezes
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        content = QWidget()
        scroll.setWidget(content)
        outer.addWidget(scroll)
        layout = QVBoxLayout(content)
        heading = QLabel(f"<h2>{tr('Settings')}</h2>")
        layout.addWidget(heading)
        general = QLabel()
        self.errors = FieldErrors(general)
        layout.addWidget(general)

        person = QGroupBox(tr(catalog.GROUPS["person"]))
        form = QFormLayout(person)
        self.language = QComboBox()
        self.language.setObjectName(KEYS.LANGUAGE.key)
        for code in KEYS.LANGUAGE.choices:
            self.language.addItem(str(KEYS.LANGUAGE.kind.label(code)), code)
        self.language.setCurrentIndex(max(self.language.findData(ctx.language()), 0))
        self.language.activated.connect(self._language_chosen)
        form.addRow(_label(KEYS.LANGUAGE), self.language)
        self.operator = QLineEdit(ctx.operator())
        self.operator.setObjectName(KEYS.OPERATOR.key)
        self.operator.setPlaceholderText(tr(KEYS.OPERATOR.placeholder))
        self.operator.editingFinished.connect(self._operator_changed)
        form.addRow(_label(KEYS.OPERATOR), self.operator)
        # Who answers for the daily report: printed with the signature line.
        self.profile_fields = {}
        for key in ("profile/position", "profile/agency", "profile/phone"):
            spec = catalog.spec(key)
            field = QLineEdit(str(ctx.settings.value(key) or ""))
            field.setObjectName(key)
            field.editingFinished.connect(
                lambda key=key, field=field: ctx.settings.set_value(key, field.text().strip())
            )
            self.profile_fields[key] = field
            form.addRow(_label(spec), field)
        folder = QHBoxLayout()
        self.database = QLabel(ctx.database_target)
        self.database.setWordWrap(True)
        choose = QPushButton(tr("Open another database file…"))
        choose.clicked.connect(self._choose_database)
        folder.addWidget(self.database, 1)
        folder.addWidget(choose)
        form.addRow(_label(KEYS.DATABASE_PATH), folder)
        layout.addWidget(person)

        backup_spec = catalog.spec(backups.SETTING_KEY)
        safety = QGroupBox(tr(catalog.GROUPS[backup_spec.group]))
        form = QFormLayout(safety)
        backup_row = QHBoxLayout()
        self.backup_folder = QLabel()
        self.backup_folder.setWordWrap(True)
        self.backup_folder.setToolTip(tr(backup_spec.help))
        choose_backups = QPushButton(tr("Choose a folder (e.g. a USB stick)…"))
        choose_backups.clicked.connect(self._choose_backup_folder)
        backup_row.addWidget(self.backup_folder, 1)
        backup_row.addWidget(choose_backups)
        form.addRow(_label(backup_spec), backup_row)
        form.addRow(self.errors.add(backup_spec.key, self.backup_folder))
        lock_spec = catalog.spec("lock_after_minutes")
        self.lock_minutes = QSpinBox()
        self.lock_minutes.setObjectName(lock_spec.key)
        self.lock_minutes.setRange(lock_spec.kind.low, lock_spec.kind.high)
        self.lock_minutes.setValue(int(stored_settings.value(lock_spec.key)))
        self.lock_minutes.setToolTip(tr(lock_spec.help))
        if not access.can("settings.edit"):
            self.lock_minutes.setEnabled(False)
            self.lock_minutes.setToolTip(refusal("settings.edit", access.current().role).text())
        self.lock_minutes.editingFinished.connect(self._lock_minutes_changed)
        form.addRow(_label(lock_spec), self.lock_minutes)
        form.addRow(self.errors.add(lock_spec.key, self.lock_minutes))
        layout.addWidget(safety)

        sending = QGroupBox(tr(catalog.GROUPS["sending"]))
        form = QFormLayout(sending)
        self.outbox_fields = {}
        for spec in catalog.declared(catalog.LAPTOP, group="sending", editable=True):
            field = QLineEdit()
            field.setObjectName(spec.key)
            field.setPlaceholderText(tr(spec.placeholder) if spec.placeholder else spec.hint())
            self.outbox_fields[spec.key] = field
            form.addRow(_label(spec), field)
            form.addRow(self.errors.add(spec.key, field))
            if spec.help:
                form.addRow(_hint(tr(spec.help)))
        form.addRow(
            _hint(
                tr(
                    "The mail password is never stored: set SHELTER_APP_SMTP_PASSWORD or keep it in the "
                    "system's keyring."
                )
            )
        )
        self.sending = sending
        save_outbox = QPushButton(tr("Save sending settings"))
        save_outbox.setObjectName("save_outbox")
        save_outbox.clicked.connect(self.save_outbox)
        form.addRow(save_outbox)
        layout.addWidget(sending)

        operation = QGroupBox(tr(catalog.GROUPS["operation"]))
        form = QFormLayout(operation)
        form.addRow(
            _hint(
                tr(
                    "Shared with the other laptops of the operation by sync; every change is kept in "
                    "the history and can be undone."
                )
            )
        )
        profile_spec = catalog.spec("standards_profile")
        self.profile = QComboBox()
        self.profile.setObjectName(profile_spec.key)
        self.profile.setToolTip(tr(profile_spec.help))
        for code in profile_spec.choices:
            self.profile.addItem(str(profile_spec.kind.label(code)), code)
        self.profile.activated.connect(self._profile_chosen)
        form.addRow(_label(profile_spec), self.profile)
        form.addRow(self.errors.add(profile_spec.key, self.profile))
        self.number_fields = {}
        for key in ("report_cutoff_hour", "sphere_toilet_first_phase_days"):
            spec = catalog.spec(key)
            field = QLineEdit()
            field.setObjectName(key)
            field.setToolTip(tr(spec.help))
            field.editingFinished.connect(lambda key=key: self._number_changed(key))
            self.number_fields[key] = field
            form.addRow(_label(spec), field)
            form.addRow(self.errors.add(key, field))
        bands_spec = catalog.spec("age_bands")
        self.bands = QTableWidget(0, 3)
        self.bands.setObjectName(bands_spec.key)
        self.bands.setToolTip(tr(bands_spec.help))
        self.bands.setHorizontalHeaderLabels([tr("Band"), tr("From age"), tr("Below age (empty: no limit)")])
        self.bands.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.bands.setMinimumHeight(190)
        form.addRow(_label(bands_spec), self.bands)
        form.addRow(self.errors.add(bands_spec.key, self.bands))
        buttons = QHBoxLayout()
        add = QPushButton(tr("Add band"))
        add.clicked.connect(lambda: self._add_band_row("", 0, None))
        save = QPushButton(tr("Save age bands"))
        save.setObjectName("save_age_bands")
        save.clicked.connect(self.save_bands)
        buttons.addWidget(add)
        buttons.addWidget(save)
        buttons.addStretch(1)
        form.addRow(buttons)
        layout.addWidget(operation)
        layout.addStretch(1)

    def refresh(self) -> None:
        self.profile.setCurrentIndex(max(self.profile.findData(stored_settings.profile().code), 0))
        for key, field in self.number_fields.items():
            field.setText(str(stored_settings.value(key)))
        self.bands.setRowCount(0)
        for band in stored_settings.age_bands():
            self._add_band_row(band.name, band.min_years, band.max_years)
        self.database.setText(self.ctx.database_target)
        self.backup_folder.setText(str(backups.folder(self.ctx.database_target)))
        for spec, value in stored_settings.listed(catalog.LAPTOP):
            if spec.key in self.outbox_fields:
                self.outbox_fields[spec.key].setText(spec.show(value))

    def _add_band_row(self, name: str, low: int, high: int | None) -> None:
        row = self.bands.rowCount()
        self.bands.insertRow(row)
        item = QTableWidgetItem(name)
        item.setToolTip(tr(AGE_BAND_LABELS[name]) if name in AGE_BAND_LABELS else "")
        self.bands.setItem(row, 0, item)
        self.bands.setItem(row, 1, QTableWidgetItem(str(low)))
        self.bands.setItem(row, 2, QTableWidgetItem("" if high is None else str(high)))

    def _bands_from_table(self) -> list[AgeBand]:
        bands = []
        for row in range(self.bands.rowCount()):
            cells = [(self.bands.item(row, c).text().strip() if self.bands.item(row, c) else "") for c in range(3)]
            if not any(cells):
                continue
            try:
                bands.append(AgeBand(cells[0], int(cells[1]), int(cells[2]) if cells[2] else None))
            except ValueError:
                raise RuleViolation("age_bands", _("Ages must be whole numbers of years.")) from None
        return bands

    def save_bands(self) -> None:
        self.errors.clear()
        try:
            stored_settings.set_age_bands(self._bands_from_table())
        except RuleViolation as error:
            self.errors.show(error)
            return
        self.ctx.data_changed.emit()

    def _number_changed(self, key: str) -> None:
        field = self.number_fields[key]
        if field.text().strip() == str(stored_settings.value(key)):
            return
        self.errors.clear()
        try:
            stored_settings.change_text(key, field.text())
        except RuleViolation as error:
            self.errors.show(error)
            return
        self.ctx.data_changed.emit()

    def _profile_chosen(self) -> None:
        self.errors.clear()
        try:
            stored_settings.set_profile(self.profile.currentData())
        except RuleViolation as error:
            self.errors.show(error)
            return
        self.ctx.data_changed.emit()

    def _operator_changed(self) -> None:
        self.ctx.set_operator(self.operator.text())
        window = self.window()
        if hasattr(window, "update_status"):
            window.update_status()

    def _lock_minutes_changed(self) -> None:
        if self.lock_minutes.value() == int(stored_settings.value("lock_after_minutes")):
            return
        self.errors.clear()
        try:
            stored_settings.change("lock_after_minutes", self.lock_minutes.value())
        except RuleViolation as error:
            self.errors.show(error)

    def _language_chosen(self) -> None:
        code = self.language.currentData()
        if code != self.ctx.language():
            self.ctx.set_language(code)

    def open_item(self, argument) -> None:
        """Another page sends the person here: "sending" puts the cursor in the first field of
        where reports are sent."""
        if argument == "sending" and self.outbox_fields:
            first = next(iter(self.outbox_fields.values()))
            scroll = self.findChild(QScrollArea)
            if scroll is not None:
                scroll.ensureWidgetVisible(self.sending)
            first.setFocus()

    def save_outbox(self) -> bool:
        self.errors.clear()
        try:
            with transaction():
                for key, field in self.outbox_fields.items():
                    stored_settings.change_text(key, field.text())
        except RuleViolation as error:
            self.errors.show(error)
            return False
        window = self.window()
        if hasattr(window, "send_outbox"):
            window.send_outbox(force=True)
        if hasattr(window, "sync_in_background"):
            window.sync_in_background()  # a hub just set up is tried at once
        return True

    def _choose_backup_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, tr("Backup folder"), self.backup_folder.text())
        if path:
            self.set_backup_folder(path)

    def set_backup_folder(self, path: str) -> None:
        self.errors.clear()
        try:
            backups.set_folder(path)
        except RuleViolation as error:
            self.errors.show(error)
            return
        self.backup_folder.setText(str(backups.folder(self.ctx.database_target)))

    def _choose_database(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self,
            tr("Open or create a database"),
            self.ctx.database_target,
            tr("Posko database (*.db)"),
            options=QFileDialog.DontConfirmOverwrite,
        )
        if path:
            self.open_database_file(path)

    def open_database_file(self, path: str) -> None:
        self.errors.clear()
        try:
            database.open_operation(path)
            presence.ensure_fresh()
        except RuleViolation as error:
            self.errors.show(error)
            database.open_operation(self.ctx.database_target)
            return
        self.ctx.database_target = path
        self.ctx.settings.set_value(KEYS.DATABASE_PATH, path)
        self.ctx.data_changed.emit()
        self.refresh()
        window = self.window()
        if hasattr(window, "update_status"):
            window.update_status()
