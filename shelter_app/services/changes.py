"""Undoing a change, as a person asks for it: your own change (volunteers and coordinators)
or another person's (coordinators), recorded in the audit trail, with every derived figure
brought along (the presence index of the records the change touched is refreshed in the same
transaction: the undo of a bulk creation, of a check-out, of a person's facts...)."""

from __future__ import annotations

import json

from shelter_app.domain.errors import RuleViolation
from shelter_app.history import records
from shelter_app.i18n import _
from shelter_app.services import audit, presence
from shelter_app.services.access import require
from shelter_app.storage.models import Change


def undo(seq: int) -> Change:
    actor = require("history.undo_own")
    with records.transaction():
        change = Change.get_or_none(Change.seq == seq)
        if change is not None and change.table == "audit_entry":
            raise RuleViolation("change", _("The audit trail is only appended to; its entries cannot be undone."))
        if change is not None and change.account != actor.id:
            require("history.undo_any")
        done = records.undo(seq)
        ids = set(json.loads(change.data)["ids"]) if change.action == "bulk_insert" else {change.row_id}
        presence.refresh_records({change.table: ids})
        audit.record("undo", target=str(seq), table=change.table)
    return done


def latest(limit: int) -> list[Change]:
    require("history.view")
    return records.latest(limit, skip_tables=("audit_entry",))  # the audit trail has its own command
