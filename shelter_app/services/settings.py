"""Reading and changing the settings kept in the database, as ``domain.settings_catalog``
declares them.

- Scope "laptop" (where reports go, the hub, the backup folder): the local ``setting`` table,
  never synced.
- Scope "operation" (standards profile, age bands): ``OperationSetting`` records, written
  through ``history.records``: every change is in the history (who, when, old and new
  value), can be undone, and travels with sync.

``value(key)`` is what the setting is now (its default when unset); ``change(key, value)``
and ``change_text(key, text)`` check the value through the declaration and store it, or
refuse it with a RuleViolation naming the setting, leaving everything as it was. An empty
value unsets a setting. ``state``/``set_state`` keep the machinery's own bookkeeping (sync
cursors, the last sync's outcome) in the same local table: not settings, never shown.
"""

from __future__ import annotations

import json

from shelter_app.domain import settings_catalog as catalog
from shelter_app.domain.settings_catalog import LAPTOP, OPERATION, SettingSpec
from shelter_app.domain.standards import PROFILES, AgeBand, Profile
from shelter_app.history import records
from shelter_app.history.records import atomic
from shelter_app.services import audit
from shelter_app.services.access import requires
from shelter_app.storage.models import OperationSetting, Setting

# --- reading ---------------------------------------------------------------------------


def _stored_json(spec: SettingSpec):
    """The JSON value kept for a setting, None when unset."""
    if spec.scope == OPERATION:
        row = OperationSetting.get_or_none(OperationSetting.id == OperationSetting.id_for(spec.key))
        return json.loads(row.value) if row is not None and row.deleted_at is None else None
    if spec.scope == LAPTOP:
        return state(spec.key)
    raise ValueError(f"{spec.key} is kept by the window (scope {spec.scope}), not in the database")


def stored(key: str):
    """The value set for a declared setting, None when it is not set."""
    spec = catalog.spec(key)
    found = _stored_json(spec)
    return None if found is None else spec.kind.from_json(found)


def value(key: str):
    """A declared setting's value now: the one set, else its default."""
    found = stored(key)
    return catalog.spec(key).default if found is None else found


def listed(scope: str) -> list[tuple[SettingSpec, object]]:
    """The settings a person can set in one scope, in declared order, with the value set (or None)."""
    return [(spec, stored(spec.key)) for spec in catalog.settable() if spec.scope == scope]


# --- changing --------------------------------------------------------------------------


@requires("settings.edit")
@atomic
def change(key: str, new) -> None:
    """Check a value through the declaration and keep it; None or "" unsets the setting."""
    spec = catalog.for_database(key)
    _write(spec, spec.check(new))
    audit.record("setting_changed", target=key)


@requires("settings.edit")
@atomic
def change_text(key: str, text: str) -> None:
    """What a person typed (``shelter-app config set``, a line edit), checked and kept."""
    spec = catalog.for_database(key)
    _write(spec, spec.parse(text))
    audit.record("setting_changed", target=key)


@atomic
def keep(key: str, new) -> None:
    """A setting Posko keeps by itself (not typed by a person: the import's column choices)."""
    spec = catalog.spec(key)
    _write(spec, new)


def _write(spec: SettingSpec, new) -> None:
    plain = None if new is None else spec.kind.to_json(new)
    if spec.scope == LAPTOP:
        set_state(spec.key, plain)
        return
    text = json.dumps(plain, ensure_ascii=False, sort_keys=True)
    row = OperationSetting.get_or_none(OperationSetting.id == OperationSetting.id_for(spec.key))
    if row is None:
        if plain is not None:
            records.create(OperationSetting, id=OperationSetting.id_for(spec.key), key=spec.key, value=text)
        return
    if row.deleted_at is not None:  # its first setting was undone
        if plain is None:
            return
        records.restore(row)
    records.update(row, value=text)


# --- the machinery's bookkeeping --------------------------------------------------------


def state(key: str, default=None):
    """A value the machinery keeps in this laptop's ``setting`` table (JSON), or ``default``."""
    row = Setting.get_or_none(Setting.key == key)
    return json.loads(row.value) if row else default


def set_state(key: str, new) -> None:
    """Keep a value in this laptop's ``setting`` table; None removes it."""
    with records.transaction():
        if new is None:
            Setting.delete().where(Setting.key == key).execute()
            return
        text = json.dumps(new)
        Setting.insert(key=key, value=text).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: text}
        ).execute()


# --- the operation's standards ----------------------------------------------------------


def profile() -> Profile:
    return PROFILES.get(value("standards_profile"), PROFILES[catalog.spec("standards_profile").default])


def set_profile(code: str) -> None:
    change("standards_profile", code)


def age_bands() -> tuple[AgeBand, ...]:
    return value("age_bands")


def set_age_bands(bands: list[AgeBand]) -> None:
    """Bands must start at 0, follow each other without gaps and end open."""
    change("age_bands", bands)
