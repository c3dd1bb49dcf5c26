"""What every page shares: the settings, the working database, and signals between pages."""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, QSettings, Signal

from shelter_app import APP_ID, APP_NAME
from shelter_app.i18n import LANGUAGES, set_language
from shelter_app.history import records


def app_settings() -> QSettings:
    """The user's window settings (language, operator, sizes), an INI file in their config folder."""
    return QSettings(QSettings.IniFormat, QSettings.UserScope, APP_NAME, APP_ID)


class AppContext(QObject):
    data_changed = Signal()  # a page changed records: others reload when shown
    navigate = Signal(str, object)  # page key, argument (e.g. a site id to open)
    language_changed = Signal(str)

    def __init__(self, database_target: str, settings: QSettings | None = None):
        super().__init__()
        self.database_target = database_target
        self.settings = settings or app_settings()
        self.apply_language(str(self.settings.value("language", "id")))
        records.set_operator(self.operator())

    def operator(self) -> str:
        """--operator / $SHELTER_APP_OPERATOR for this session, else the name set in Settings."""
        return os.environ.get("SHELTER_APP_OPERATOR") or str(self.settings.value("operator", ""))

    def set_operator(self, name: str) -> None:
        self.settings.setValue("operator", name.strip())
        records.set_operator(name)

    def language(self) -> str:
        return str(self.settings.value("language", "id"))

    def apply_language(self, lang: str) -> None:
        set_language(lang if lang in LANGUAGES else "id")

    def set_language(self, lang: str) -> None:
        self.settings.setValue("language", lang)
        self.apply_language(lang)
        self.language_changed.emit(lang)
