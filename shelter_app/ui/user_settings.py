"""The person's own settings (scope "user" in ``domain.settings_catalog``): language, name,
the last database, window sizes and splitter positions.

One small store over QSettings (an INI file in the user's config folder). It takes only
declared keys, given by the declaration itself (``KEYS.ROSTER_SPLITTER`` is the declared
"roster/splitter"), returns a setting's declared default when it is not set, and checks what a
person chooses (language, name) through the declaration before keeping it.
"""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCore import QSettings

from shelter_app import APP_ID, APP_NAME
from shelter_app.domain import settings_catalog as catalog
from shelter_app.domain.settings_catalog import USER, Opaque, SettingSpec

# Every user setting by name: "window/geometry" is KEYS.WINDOW_GEOMETRY.
KEYS = SimpleNamespace(
    **{spec.key.upper().replace("/", "_").replace(".", "_"): spec for spec in catalog.declared(USER)}
)


def _spec(key: SettingSpec | str) -> SettingSpec:
    spec = key if isinstance(key, SettingSpec) else catalog.BY_KEY.get(key)
    if spec is None or spec.scope != USER:
        raise KeyError(f"{key!r} is not a user setting declared in domain.settings_catalog")
    return spec


class UserSettings:
    """Declared user settings, kept in QSettings."""

    def __init__(self, qsettings: QSettings | None = None):
        self.qsettings = qsettings or QSettings(QSettings.IniFormat, QSettings.UserScope, APP_NAME, APP_ID)

    def value(self, key: SettingSpec | str):
        """The setting now, or its declared default. Layouts come back as Qt gave them; the
        others as text (what an INI file keeps)."""
        spec = _spec(key)
        raw = self.qsettings.value(spec.key)
        if raw is None:
            return spec.default
        return raw if isinstance(spec.kind, Opaque) else str(raw)

    def set_value(self, key: SettingSpec | str, value) -> None:
        """Keep a setting; a person's choice is checked by the declaration first (RuleViolation)."""
        spec = _spec(key)
        if not isinstance(spec.kind, Opaque):
            value = spec.check(value)
        if value is None:
            self.qsettings.remove(spec.key)
        else:
            self.qsettings.setValue(spec.key, value)

    def remove(self, key: SettingSpec | str) -> None:
        self.qsettings.remove(_spec(key).key)

    def sync(self) -> None:
        self.qsettings.sync()
