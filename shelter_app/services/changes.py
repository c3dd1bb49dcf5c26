"""Undoing a change, as a person asks for it: your own change (volunteers and coordinators)
or another person's (coordinators), recorded in the audit trail."""

from __future__ import annotations

from shelter_app.domain.errors import RuleViolation
from shelter_app.history import records
from shelter_app.i18n import _
from shelter_app.services import audit
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
        audit.record("undo", target=str(seq), table=change.table if change else "")
    return done


def latest(limit: int) -> list[Change]:
    require("history.view")
    return records.latest(limit)
