"""Edits that lost to a concurrent edit of the same field, kept for a coordinator.

An edit knows which operations it replaced (``bases``). For one field of one record, an
edit that is neither the winner (the highest (hlc, node)) nor replaced by a later edit,
and whose value differs from the winner's, was made without knowing of the winner: it is a
conflict. The list is a function of the operations held, so every laptop holding the same
operations shows the same conflicts. A coordinator settles one by keeping the current value
("accept") or bringing the lost one back ("restore"): either way a new edit that replaces
both, which travels like any other (``sync.settling``).
"""

from __future__ import annotations

import datetime
import json
import uuid
from dataclasses import dataclass

from shelter_app.history.operations import MODELS_BY_TABLE, STAMPS, Op, from_change, from_json, same, stored_ops
from shelter_app.storage.models import SyncConflict


def losers(model, name: str, ops: list[Op]) -> list[Op]:
    touching = [op for op in ops if name in op.effects()]
    if not touching:
        return []
    winner = max(touching, key=lambda op: op.key)
    replaced = {base for op in touching for base in op.bases.get(name, [])}
    value = winner.effects()[name]
    return [
        op
        for op in touching
        if op is not winner
        and op.action != "insert"
        and op.name not in replaced
        and not same(model, name, op.effects()[name], value)
    ]


def recompute(table: str, row_id: str, fields, ops: list[Op]) -> None:
    """Rewrite the conflicts of these fields of one record. A field set by one operation only
    has none, and nothing to rewrite: skipped cheaply."""
    model = MODELS_BY_TABLE[table]
    for name in fields:
        if name in STAMPS or sum(1 for op in ops if name in op.effects()) < 2:
            continue
        SyncConflict.delete().where(
            SyncConflict.table == table, SyncConflict.row_id == row_id, SyncConflict.field == name
        ).execute()
        for op in losers(model, name, ops):
            SyncConflict.create(
                table=table,
                row_id=row_id,
                field=name,
                op_node=op.node,
                op_hlc=op.hlc,
                value=json.dumps(op.effects()[name], ensure_ascii=False),
                by=op.by,
                at=datetime.datetime.fromisoformat(op.at),
            )


def after_local_edit(table: str, row_id: str, fields, held: list[Op], change) -> None:
    """A local edit can start a conflict as well as end one: an edit that lost with the same
    value as the winner becomes one when the winner is edited to something else."""
    recompute(table, row_id, fields, held + [from_change(change)])


@dataclass(frozen=True)
class Conflict:
    id: int
    table: str
    row_id: str
    field: str
    lost_value: object  # Python value
    lost_by: str
    lost_at: datetime.datetime
    current_value: object
    current_by: str
    current_at: datetime.datetime | None
    record: object  # the record (possibly deleted)
    winner: str  # "hlc.node" of the operation that holds the current value
    loser: str  # "hlc.node" of the lost edit


def listed(limit: int | None = None) -> list[Conflict]:
    """Every conflict waiting for review, newest first."""
    query = SyncConflict.select().order_by(SyncConflict.at.desc(), SyncConflict.id.desc())
    if limit:
        query = query.limit(limit)
    found = []
    for row in query:
        model = MODELS_BY_TABLE[row.table]
        record = model.get_or_none(model.id == uuid.UUID(row.row_id))
        if record is None:
            continue
        ops = stored_ops(row.table, row.row_id)
        touching = [op for op in ops if row.field in op.effects()]
        winner = max(touching, key=lambda op: op.key) if touching else None
        found.append(
            Conflict(
                id=row.id,
                table=row.table,
                row_id=row.row_id,
                field=row.field,
                lost_value=from_json(model, row.field, json.loads(row.value)),
                lost_by=row.by,
                lost_at=row.at,
                current_value=getattr(record, row.field)
                if row.field not in _fk_names(model)
                else record.__data__.get(row.field),
                current_by=winner.by if winner else "",
                current_at=datetime.datetime.fromisoformat(winner.at) if winner else None,
                record=record,
                winner=winner.name if winner else "",
                loser=f"{row.op_hlc}.{row.op_node}",
            )
        )
    return found


def _fk_names(model) -> set[str]:
    return {name for name, field in model._meta.fields.items() if hasattr(field, "rel_model")}


def count() -> int:
    return SyncConflict.select().count()
