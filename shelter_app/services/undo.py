"""Undo one change (``history.records.undo``) and bring every derived figure along: the
presence index of the records the change touched is refreshed in the same transaction (the
undo of a bulk creation, of a check-out, of a person's facts...)."""

from __future__ import annotations

import json

from shelter_app.history import records
from shelter_app.history.records import atomic
from shelter_app.services import presence
from shelter_app.storage.models import Change


@atomic
def undo(seq: int) -> Change:
    done = records.undo(seq)
    original = Change.get(Change.seq == seq)
    if original.action == "bulk_insert":
        ids = set(json.loads(original.data)["ids"])
    else:
        ids = {original.row_id}
    presence.refresh_records({original.table: ids})
    return done
