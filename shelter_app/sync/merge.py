"""Applying received operations to this laptop's records, whatever order they come in.

For each field the value is the one set by the highest (hlc, node) among every operation
held for the record; the received operation is stored in the history first, so the result
depends only on which operations are held, never on their order. An operation already held
is skipped: receiving the same one twice changes nothing. An operation for a record whose
insert has not arrived yet is kept, and counted in when the insert comes.

After a batch the presence index is refreshed for the persons touched, so populations are
recomputed from the merged stays; stock on hand is always summed from the movements.
"""

from __future__ import annotations

import datetime
import json
import uuid
from dataclasses import dataclass
from typing import Iterable

from peewee import SqliteDatabase

from shelter_app.services import presence
from shelter_app.storage.models import Change, Household, Person, Stay, database
from shelter_app.sync import conflicts
from shelter_app.sync.ops import MODELS_BY_TABLE, Op, from_json, stored_ops, to_json, winners

REBUILD_ABOVE = 20000  # persons touched in one batch beyond which the index is rebuilt whole


@dataclass
class Applied:
    received: int = 0  # operations looked at
    new: int = 0  # stored now (the others were already held)
    conflicts: int = 0  # conflicts listed for the fields touched

    def add(self, other: "Applied") -> None:
        self.received += other.received
        self.new += other.new
        self.conflicts += other.conflicts


def _bulk_nodes() -> set[str]:
    return {row[0] for row in Change.select(Change.node).where(Change.span > 1).distinct().tuples()}


def is_held(op: Op, bulk_nodes: set[str]) -> bool:
    if Change.select().where(Change.node == op.node, Change.hlc == op.hlc).exists():
        return True
    if op.node not in bulk_nodes:
        return False
    start = (Change.select(Change.hlc, Change.span).where(Change.node == op.node, Change.hlc <= op.hlc)
             .order_by(Change.hlc.desc()).limit(1).tuples().first())
    return bool(start) and start[0] + start[1] > op.hlc


def apply(ops: Iterable[Op], source: str) -> Applied:
    """Merge a batch of operations in one transaction."""
    result = Applied()
    touched: dict[str, set[str]] = {}
    db = database.obj
    with database.atomic():
        if isinstance(db, SqliteDatabase):
            # A batch may hold a person before the household it belongs to.
            database.execute_sql("PRAGMA defer_foreign_keys = ON")
        bulk_nodes = _bulk_nodes()
        for op in ops:
            result.received += 1
            if is_held(op, bulk_nodes):
                continue
            result.conflicts += _apply_one(op, source)
            result.new += 1
            touched.setdefault(op.table, set()).add(op.row_id)
        _refresh_presence(touched)
    return result


def _store(op: Op, row: dict | None, source: str) -> None:
    data = op.data
    if op.action == "update":
        data = {name: [to_json(row.get(name)) if row else None, value] for name, value in op.data.items()}
    Change.create(table=op.table, row_id=op.row_id, action=op.action,
                  data=json.dumps(data, ensure_ascii=False, sort_keys=True),
                  at=datetime.datetime.fromisoformat(op.at), by=op.by, hlc=op.hlc, node=op.node, span=1,
                  bases=json.dumps(op.bases, sort_keys=True) if op.bases else None, source=source)


def _apply_one(op: Op, source: str) -> int:
    model = MODELS_BY_TABLE[op.table]
    key = uuid.UUID(op.row_id)
    before = stored_ops(op.table, op.row_id)
    row = model.select().where(model.id == key).dicts().first()
    _store(op, row, source)
    held = before + [op]
    best = winners(held)
    if row is not None:
        changes = {}
        for name, value in op.effects().items():
            if best[name] is op:
                new = from_json(model, name, value)
                if row[name] != new:
                    changes[name] = new
        if changes:
            model.update(changes).where(model.id == key).execute()
    else:
        inserts = [held_op for held_op in held if held_op.action == "insert"]
        if inserts:
            first = max(inserts, key=lambda held_op: held_op.key)
            values = {name: from_json(model, name, best[name].effects()[name] if name in best else value)
                      for name, value in first.data.items() if name != "id"}
            model.insert(id=key, **values).execute()
    return conflicts.recompute(op.table, op.row_id, op.effects(), held)


def _refresh_presence(touched: dict[str, set[str]]) -> None:
    persons = {uuid.UUID(i) for i in touched.get(Person._meta.table_name, ())}
    stays = [uuid.UUID(i) for i in touched.get(Stay._meta.table_name, ())]
    for start in range(0, len(stays), 500):
        persons.update(row[0] for row in Stay.select(Stay.person).where(
            Stay.id.in_(stays[start:start + 500])).tuples())
    households = {uuid.UUID(i) for i in touched.get(Household._meta.table_name, ())}
    if len(persons) + len(households) > REBUILD_ABOVE:
        presence.rebuild()
        return
    # A changed head of household changes the figures of every member: refresh whole households.
    ids = list(persons)
    for start in range(0, len(ids), 500):
        households.update(row[0] for row in Person.select(Person.household).where(
            Person.id.in_(ids[start:start + 500])).tuples())
    presence.refresh_households(households)
