"""Applying received operations to this laptop's records, whatever order they come in.

For each field the value is the one set by the highest (hlc, node) among every operation
held for the record; the received operation is stored in the history first, so the result
depends only on which operations are held, never on their order. An operation already held
is skipped: receiving the same one twice changes nothing. An operation for a record whose
insert has not arrived yet is kept, and counted in when the insert comes.

After a batch the presence index is refreshed for the persons touched
(``presence.refresh_records``), so populations are recomputed from the merged stays; stock
on hand is always summed from the movements.
"""

from __future__ import annotations

import datetime
import json
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from peewee import SqliteDatabase

from shelter_app.history import conflicts, records
from shelter_app.history.operations import ACTIONS, MODELS_BY_TABLE, Op, from_change, from_json, to_json, winners
from shelter_app.services import presence
from shelter_app.storage.models import Change, database
from shelter_app.sync import account_claims


@dataclass
class Applied:
    received: int = 0  # operations looked at
    new: int = 0  # stored now (the others were already held)
    # operations refused by the check of their account (``sync.account_claims``), not applied
    refused: list = field(default_factory=list)

    def add(self, other: Applied) -> None:
        self.received += other.received
        self.new += other.new
        self.refused.extend(other.refused)


log = logging.getLogger(__name__)

CHUNK = 500  # ids per IN (...) query


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _held_names(ops: list[Op]) -> set[tuple[int, str]]:
    """(hlc, node) of the operations in ``ops`` that this laptop already holds."""
    wanted = {op.key for op in ops}
    held = set()
    for part in _chunks(sorted({op.hlc for op in ops})):
        held.update(
            row for row in Change.select(Change.hlc, Change.node).where(Change.hlc.in_(part)).tuples() if row in wanted
        )
    # A bulk insert made here holds a run of stamps under one history row.
    bulk_nodes = {row[0] for row in Change.select(Change.node).where(Change.span > 1).distinct().tuples()}
    for op in ops:
        if op.node in bulk_nodes and op.key not in held:
            start = (
                Change.select(Change.hlc, Change.span)
                .where(Change.node == op.node, Change.hlc <= op.hlc)
                .order_by(Change.hlc.desc())
                .limit(1)
                .tuples()
                .first()
            )
            if start and start[0] + start[1] > op.hlc:
                held.add(op.key)
    return held


def _stored(keys: set[tuple[str, str]]) -> dict[tuple[str, str], list[Op]]:
    found: dict[tuple[str, str], list[Op]] = {key: [] for key in keys}
    for part in _chunks(sorted({row_id for _table, row_id in keys})):
        for change in Change.select().where(Change.row_id.in_(part), Change.action.in_(ACTIONS)):
            if (change.table, change.row_id) in found:
                found[(change.table, change.row_id)].append(from_change(change))
    return found


def _rows(keys: set[tuple[str, str]]) -> dict[tuple[str, str], dict]:
    found = {}
    for table in {table for table, _row_id in keys}:
        model = MODELS_BY_TABLE[table]
        ids = [uuid.UUID(row_id) for t, row_id in keys if t == table]
        for part in _chunks(ids):
            for row in model.select().where(model.id.in_(part)).dicts():
                found[(table, row["id"].hex)] = row
    return found


def apply(ops: Iterable[Op], source: str, touched: dict[str, set[str]] | None = None) -> Applied:
    """Merge a batch of operations in one transaction.

    The presence index is refreshed in the same transaction, unless ``touched`` is given: then
    the records touched are added to it, the index is marked stale, and the caller refreshes
    it once at the end of a long merge (``refresh_presence``)."""
    ops = list(ops)
    result = Applied(received=len(ops))
    db = database.obj
    with database.atomic():
        if isinstance(db, SqliteDatabase):
            # A batch may hold a person before the household it belongs to.
            database.execute_sql("PRAGMA defer_foreign_keys = ON")
        held = _held_names(ops)
        ops, result.refused = account_claims.split([op for op in ops if op.key not in held])
        for refused in result.refused:
            log.warning("operation %s refused: %s", refused.op.name, refused.reason.text("en"))
        fresh = []
        for op in ops:
            if op.key not in held:
                held.add(op.key)  # the same operation twice in one batch counts once
                fresh.append(op)
        keys = {(op.table, op.row_id) for op in fresh}
        stored, rows = _stored(keys), _rows(keys)
        history, inserted, updated = [], {}, {}
        for op in fresh:
            key = (op.table, op.row_id)
            history.append(_history_row(op, rows.get(key), source))
            stored[key].append(op)
            _merge_into(op, stored[key], rows, inserted, updated)
            conflicts.recompute(op.table, op.row_id, op.effects(), stored[key])
        _write(inserted, updated, rows, history)
        result.new = len(fresh)
        now: dict[str, set[str]] = {} if touched is None else touched
        for table, row_id in keys:
            now.setdefault(table, set()).add(row_id)
        if touched is None:
            presence.refresh_records(now)
        elif keys:
            presence.mark_stale()
    return result


def refresh_presence(touched: dict[str, set[str]]) -> None:
    """After a long merge: the index of the persons touched, or all of it, then not stale."""
    if not touched and not presence.is_stale():
        return
    with database.atomic():
        presence.refresh_records(touched)
        presence.clear_stale()


def _history_row(op: Op, row: dict | None, source: str) -> dict:
    data = op.data
    if op.action == "update":
        data = {name: [to_json(row.get(name)) if row else None, value] for name, value in op.data.items()}
    return dict(
        table=op.table,
        row_id=op.row_id,
        action=op.action,
        data=json.dumps(data, ensure_ascii=False, sort_keys=True),
        at=datetime.datetime.fromisoformat(op.at),
        by=op.by,
        hlc=op.hlc,
        node=op.node,
        span=1,
        bases=json.dumps(op.bases, sort_keys=True) if op.bases else None,
        source=source,
        account=op.account,
    )


def _merge_into(op: Op, held: list[Op], rows: dict, inserted: dict, updated: dict) -> None:
    """The record's values after ``op``: its fields where it is the highest operation."""
    model = MODELS_BY_TABLE[op.table]
    key = (op.table, op.row_id)
    best = winners(held)
    row = rows.get(key)
    if row is not None:
        for name, value in op.effects().items():
            if best[name] is op:
                new = from_json(model, name, value)
                if row[name] != new:
                    row[name] = new
                    if key not in inserted:
                        updated.setdefault(key, {})[name] = new
        return
    inserts = [held_op for held_op in held if held_op.action == "insert"]
    if not inserts:
        return  # its insert has not arrived yet: counted in when it does
    first = max(inserts, key=lambda held_op: held_op.key)
    row = {"id": uuid.UUID(op.row_id)}
    for name, value in first.data.items():
        if name != "id":
            row[name] = from_json(model, name, best[name].effects()[name] if name in best else value)
    rows[key] = inserted[key] = row


def _write(inserted: dict, updated: dict, rows: dict, history: list[dict]) -> None:
    by_table: dict[str, list[dict]] = {}
    for (table, _row_id), row in inserted.items():
        by_table.setdefault(table, []).append(row)
    for table, new_rows in by_table.items():
        records.insert_rows(MODELS_BY_TABLE[table], new_rows)
    for (table, row_id), changes in updated.items():
        model = MODELS_BY_TABLE[table]
        model.update(changes).where(model.id == uuid.UUID(row_id)).execute()
    records.insert_rows(Change, history)
