"""The received operations that broke a rule and were kept aside (``merge.quarantine``):
listed on the Sync page and by ``shelter-app sync quarantine``. What they carried is not
shown (it may hold personal data); the record, the field and the reason are."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

from shelter_app.i18n import current_language
from shelter_app.storage.models import SyncQuarantine


@dataclass(frozen=True)
class Held:
    id: int
    received_at: datetime.datetime
    source: str
    table: str
    row_id: str
    action: str
    field: str
    reason: str  # in the current language


def _reason(stored: str, lang: str) -> str:
    try:
        texts = json.loads(stored)
    except ValueError:
        return stored
    if not isinstance(texts, dict):
        return str(texts)
    return str(texts.get(lang) or texts.get("en") or "")


def listed(limit: int = 1000, lang: str | None = None) -> list[Held]:
    """The newest first."""
    lang = lang or current_language()
    query = SyncQuarantine.select().order_by(SyncQuarantine.id.desc()).limit(limit)
    return [
        Held(
            row.id,
            row.received_at,
            row.source,
            row.table,
            row.row_id,
            row.action,
            row.field,
            _reason(row.reason, lang),
        )
        for row in query
    ]


def count() -> int:
    return SyncQuarantine.select().count()
