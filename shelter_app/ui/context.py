"""What every page shares: the settings, the working database, and signals between pages."""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, QSettings, Signal

from shelter_app.history import records
from shelter_app.i18n import LANGUAGES, set_language
from shelter_app.ui import fit, qt_words
from shelter_app.ui.user_settings import KEYS, UserSettings


def app_settings() -> UserSettings:
    """The user's window settings (language, operator, sizes), an INI file in their config folder."""
    return UserSettings()


class AppContext(QObject):
    data_changed = Signal()  # a page changed records: others reload when shown
    navigate = Signal(str, object)  # page key, argument (e.g. a site id to open)
    language_changed = Signal(str)

    def __init__(self, database_target: str, settings: UserSettings | QSettings | None = None):
        super().__init__()
        self.database_target = database_target
        self.settings = settings if isinstance(settings, UserSettings) else UserSettings(settings)
        fit.use_settings(self.settings)  # dialogs remember their sizes here
        qt_words.install()  # Qt's own dialogs (file, message box, print) speak the app's language
        self.apply_language(self.language())
        records.set_operator(self.operator())

    def operator(self) -> str:
        """--operator / $SHELTER_APP_OPERATOR for this session, else the name set in Settings."""
        return os.environ.get("SHELTER_APP_OPERATOR") or self.settings.value(KEYS.OPERATOR)

    def set_operator(self, name: str) -> None:
        self.settings.set_value(KEYS.OPERATOR, name)
        records.set_operator(name)

    def language(self) -> str:
        return self.settings.value(KEYS.LANGUAGE)

    def apply_language(self, lang: str) -> None:
        set_language(lang if lang in LANGUAGES else "id")

    def set_language(self, lang: str) -> None:
        self.settings.set_value(KEYS.LANGUAGE, lang)
        self.apply_language(lang)
        self.language_changed.emit(lang)
