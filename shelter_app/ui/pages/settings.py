"""Settings: language, the operator's name, standards profile, age bands, data folder."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QScrollArea, QTableWidget, QWidget, QTableWidgetItem, QVBoxLayout, QHeaderView,
)

from shelter_app.domain.errors import RuleViolation
from shelter_app.exchange import backups
from shelter_app.domain.standards import AGE_BAND_LABELS, PROFILES, AgeBand
from shelter_app.i18n import N_, _, tr
from shelter_app.services import outbox, presence
from shelter_app.services import settings as operation_settings
from shelter_app.services.records import transaction
from shelter_app.storage.session import open_database
from shelter_app.ui.widgets.page import Page
from shelter_app.ui.widgets.errors import FieldErrors

LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}


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

        person = QGroupBox(tr("You and this laptop"))
        form = QFormLayout(person)
        self.language = QComboBox()
        self.language.setObjectName("language")
        for code, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(list(LANGUAGE_NAMES).index(ctx.language()))
        self.language.activated.connect(self._language_chosen)
        form.addRow(tr("Language"), self.language)
        self.operator = QLineEdit(ctx.operator())
        self.operator.setObjectName("operator")
        self.operator.setPlaceholderText(tr("Your name, recorded on every change you make"))
        self.operator.editingFinished.connect(self._operator_changed)
        form.addRow(tr("Operator's name"), self.operator)
        folder = QHBoxLayout()
        self.database = QLabel(ctx.database_target)
        self.database.setWordWrap(True)
        choose = QPushButton(tr("Open another database file…"))
        choose.clicked.connect(self._choose_database)
        folder.addWidget(self.database, 1)
        folder.addWidget(choose)
        form.addRow(tr("Database"), folder)
        layout.addWidget(person)

        safety = QGroupBox(tr("Backups"))
        form = QFormLayout(safety)
        backup_row = QHBoxLayout()
        self.backup_folder = QLabel()
        self.backup_folder.setWordWrap(True)
        choose_backups = QPushButton(tr("Choose a folder (e.g. a USB stick)…"))
        choose_backups.clicked.connect(self._choose_backup_folder)
        backup_row.addWidget(self.backup_folder, 1)
        backup_row.addWidget(choose_backups)
        form.addRow(tr("Backup folder"), backup_row)
        form.addRow(self.errors.add("backup_folder", self.backup_folder))
        layout.addWidget(safety)

        sending = QGroupBox(tr("Sending reports (outbox)"))
        form = QFormLayout(sending)
        self.outbox_fields = {}
        for key, label, placeholder in (
            ("outbox.folder", tr("Folder (USB stick, synced drive)"), tr("e.g. /media/usb/laporan")),
            ("hub.url", tr("Hub (sync server)"), "postgresql://posko@10.0.0.5:5432/posko"),
            ("smtp.host", tr("Mail server"), tr("e.g. smtp.gmail.com")),
            ("smtp.port", tr("Port"), "587"),
            ("smtp.security", tr("Security"), "starttls / tls / none"),
            ("smtp.user", tr("Mail user"), ""),
            ("smtp.from", tr("From address"), ""),
            ("smtp.to", tr("To addresses (comma-separated)"), tr("e.g. pusdalops@dinsos.go.id")),
        ):
            field = QLineEdit()
            field.setObjectName(key)
            field.setPlaceholderText(placeholder)
            self.outbox_fields[key] = field
            form.addRow(label, field)
            form.addRow(self.errors.add(key, field))
            if key == "hub.url":
                hub_hint = QLabel(tr("The laptops of the operation sync through the hub, and reports are sent to it. "
                                     "Its password is never stored: set SHELTER_APP_HUB_PASSWORD or PGPASSWORD, or "
                                     "keep it in the system's keyring."))
                hub_hint.setWordWrap(True)
                hub_hint.setStyleSheet("color: #555555;")
                form.addRow(hub_hint)
        hint = QLabel(tr("The mail password is never stored: set SHELTER_APP_SMTP_PASSWORD or keep it in the "
                         "system's keyring."))
        hint.setWordWrap(True)
        form.addRow(hint)
        save_outbox = QPushButton(tr("Save sending settings"))
        save_outbox.setObjectName("save_outbox")
        save_outbox.clicked.connect(self.save_outbox)
        form.addRow(save_outbox)
        layout.addWidget(sending)

        operation = QGroupBox(tr("This operation (saved in its database)"))
        form = QFormLayout(operation)
        self.profile = QComboBox()
        self.profile.setObjectName("standards_profile")
        for code, profile in PROFILES.items():
            self.profile.addItem(tr(profile.label), code)
        self.profile.activated.connect(self._profile_chosen)
        form.addRow(tr("Standards profile"), self.profile)
        form.addRow(self.errors.add("standards_profile", self.profile))
        self.bands = QTableWidget(0, 3)
        self.bands.setObjectName("age_bands")
        self.bands.setHorizontalHeaderLabels([tr("Band"), tr("From age"), tr("Below age (empty: no limit)")])
        self.bands.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.bands.setMinimumHeight(190)
        form.addRow(tr("Age bands"), self.bands)
        form.addRow(self.errors.add("age_bands", self.bands))
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
        self.profile.setCurrentIndex(list(PROFILES).index(operation_settings.profile().code))
        self.bands.setRowCount(0)
        for band in operation_settings.age_bands():
            self._add_band_row(band.name, band.min_years, band.max_years)
        self.database.setText(self.ctx.database_target)
        self.backup_folder.setText(str(backups.folder(self.ctx.database_target)))
        for key, value in outbox.config().items():
            if key in self.outbox_fields:
                text = ", ".join(value) if isinstance(value, list) else "" if value is None else str(value)
                self.outbox_fields[key].setText(text)

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
            operation_settings.set_age_bands(self._bands_from_table())
        except RuleViolation as error:
            self.errors.show(error)
            return
        self.ctx.data_changed.emit()

    def _profile_chosen(self) -> None:
        self.errors.clear()
        operation_settings.set_profile(self.profile.currentData())
        self.ctx.data_changed.emit()

    def _operator_changed(self) -> None:
        self.ctx.set_operator(self.operator.text())
        window = self.window()
        if hasattr(window, "update_status"):
            window.update_status()

    def _language_chosen(self) -> None:
        code = self.language.currentData()
        if code != self.ctx.language():
            self.ctx.set_language(code)

    def save_outbox(self) -> bool:
        self.errors.clear()
        try:
            with transaction():
                for key, field in self.outbox_fields.items():
                    outbox.set_config(key, field.text().strip())
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
            self, tr("Open or create a database"), self.ctx.database_target, tr("Posko database (*.db)"),
            options=QFileDialog.DontConfirmOverwrite,
        )
        if path:
            self.open_database_file(path)

    def open_database_file(self, path: str) -> None:
        self.errors.clear()
        try:
            open_database(path)
            presence.ensure_fresh()
        except RuleViolation as error:
            self.errors.show(error)
            open_database(self.ctx.database_target)
            return
        self.ctx.database_target = path
        self.ctx.settings.setValue("database/path", path)
        self.ctx.data_changed.emit()
        self.refresh()
        window = self.window()
        if hasattr(window, "update_status"):
            window.update_status()

