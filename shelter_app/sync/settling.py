"""A coordinator settling a conflict (``history.conflicts``) found after a merge.

Keeping the current value ("accept") or bringing the lost one back ("restore") is either way
a new edit that replaces both operations, and travels to the other laptops like any other.
"""

from __future__ import annotations

from shelter_app.domain.errors import RuleViolation
from shelter_app.history import conflicts, records
from shelter_app.i18n import _
from shelter_app.services.access import requires
from shelter_app.services.roster import name_key


@requires("sync.settle")
def resolve(conflict_id: int, restore: bool) -> None:
    """Settle one conflict: keep the current value (``restore=False``, "accept") or bring the
    lost value back (``restore=True``). Recorded as an edit that replaces both."""
    found = [c for c in conflicts.listed() if c.id == conflict_id]
    if not found:
        raise RuleViolation("conflict", _("This conflict was already settled."))
    conflict = found[0]
    settles = {conflict.field: [conflict.winner, conflict.loser]}
    value = conflict.lost_value if restore else conflict.current_value
    with records.transaction():
        if conflict.field == "deleted_at":
            records.set_deleted(conflict.record, value is not None, resolves=settles)
        else:
            if conflict.record.deleted_at is not None:
                raise RuleViolation("conflict", _("This record was deleted; restore it before settling its conflicts."))
            changes = {conflict.field: value}
            if conflict.table == "person" and conflict.field == "name":
                changes["name_key"] = name_key(value)
            records.update(conflict.record, resolves=settles, **changes)
