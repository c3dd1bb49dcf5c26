"""A change as an operation that travels between laptops.

An operation is named by (hlc, node) and says what it set, field by field:

- ``insert``: every field of the new record;
- ``update``: the fields changed, plus ``updated_at``/``updated_by`` from when and who;
- ``delete``/``restore``: ``deleted_at`` (the tombstone), plus the same two stamps.

Deletion is therefore an edit of one field like any other: it propagates, it can be undone,
and an edit made elsewhere to another field of a deleted record is kept underneath.
The history table (``Change``) is the log of operations: local ones written by
``history.records``, received ones by ``sync.merge``. A bulk insert is one history row
holding the ids; it is expanded here into one insert per record, read from the table.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from peewee import BooleanField, DateField, DateTimeField, DecimalField, ForeignKeyField, UUIDField

from shelter_app.storage.models import SYNCED_MODELS, Change

MODELS_BY_TABLE = {model._meta.table_name: model for model in SYNCED_MODELS}
ACTIONS = ("insert", "update", "delete", "restore")
# Stamps the machinery sets, and fields derived from another (the search key of a name):
# never a conflict of their own.
STAMPS = {"id", "created_at", "created_by", "updated_at", "updated_by", "name_key"}


@dataclass(frozen=True)
class Op:
    node: str
    hlc: int
    table: str
    row_id: str  # 32 hex digits
    action: str  # ACTIONS
    data: dict  # insert: the row; update: {field: new value}; delete: {"note": ...}
    at: str  # ISO time, UTC
    by: str
    bases: dict = field(default_factory=dict)  # {field: ["hlc.node", ...]}
    account: str = ""  # the id of the account that made it ("" before accounts)

    @property
    def key(self) -> tuple[int, str]:
        return (self.hlc, self.node)

    @property
    def name(self) -> str:
        return f"{self.hlc}.{self.node}"

    @functools.cached_property
    def effects_cached(self) -> dict:
        return self._effects()

    def effects(self) -> dict:
        """Field -> JSON value, everything this operation sets (do not change the dict)."""
        return self.effects_cached

    def _effects(self) -> dict:
        stamps = {"updated_at": self.at, "updated_by": self.by}
        if self.action == "insert":
            return {name: value for name, value in self.data.items() if name != "id"}
        if self.action == "update":
            return {**self.data, **stamps}
        if self.action == "delete":
            return {"deleted_at": self.at, **stamps}
        return {"deleted_at": None, **stamps}

    def to_wire(self) -> dict:
        wire = {
            "n": self.node,
            "h": self.hlc,
            "t": self.table,
            "r": self.row_id,
            "a": self.action,
            "d": self.data,
            "at": self.at,
            "by": self.by,
        }
        if self.bases:
            wire["b"] = self.bases
        if self.account:
            wire["u"] = self.account
        return wire

    @classmethod
    def from_wire(cls, wire: dict) -> Op:
        """An operation from outside; a ValueError when it does not have the shape of one."""
        try:
            op = cls(
                node=str(wire["n"]),
                hlc=int(wire["h"]),
                table=str(wire["t"]),
                row_id=str(wire["r"]),
                action=str(wire["a"]),
                data=dict(wire["d"]),
                at=str(wire["at"]),
                by=str(wire["by"]),
                bases=dict(wire.get("b") or {}),
                account=str(wire.get("u") or ""),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"not an operation: {error}") from None
        # Its table, fields and values are checked by the merge, as a hub row's are
        # (``sync.merge.check``): one that breaks a rule is quarantined, not applied.
        return op


# --- values ----------------------------------------------------------------------------


def to_json(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def from_json(model, name: str, value):
    """The Python value a JSON value stands for in this model's field."""
    if value is None:
        return None
    target = model._meta.fields[name]
    if isinstance(target, ForeignKeyField):
        target = target.rel_field
    if isinstance(target, UUIDField):
        return uuid.UUID(value)
    if isinstance(target, DateTimeField):
        return datetime.datetime.fromisoformat(value)
    if isinstance(target, DateField):
        return datetime.date.fromisoformat(value)
    if isinstance(target, DecimalField):
        return decimal.Decimal(value)
    if isinstance(target, BooleanField):
        return bool(value)
    return value


def same(model, name: str, left, right) -> bool:
    """Equal as stored (a decimal "5" and "5.000" are the same quantity)."""
    return from_json(model, name, left) == from_json(model, name, right)


def row_json(model, row: dict) -> dict:
    """A row from ``.dicts()`` as the JSON an insert carries."""
    return {name: to_json(row[name]) for name in model._meta.fields}


# --- the history as operations ---------------------------------------------------------


def _iso(at) -> str:
    return at.isoformat() if isinstance(at, datetime.datetime) else str(at)


def from_change(change: Change) -> Op:
    """One history row (not a bulk insert) as an operation."""
    data = json.loads(change.data)
    if change.action == "update":
        data = {name: pair[1] for name, pair in data.items()}
    return Op(
        node=change.node,
        hlc=change.hlc,
        table=change.table,
        row_id=change.row_id,
        action=change.action,
        data=data,
        at=_iso(change.at),
        by=change.by,
        bases=json.loads(change.bases) if change.bases else {},
        account=change.account or "",
    )


def expand(changes: Iterable[Change], chunk: int = 2000) -> Iterator[Op]:
    """The operations of history rows, bulk inserts expanded into one insert per record."""
    for change in changes:
        if change.action != "bulk_insert":
            if change.action in ACTIONS and change.table in MODELS_BY_TABLE:
                yield from_change(change)
            continue
        model = MODELS_BY_TABLE[change.table]
        ids = json.loads(change.data)["ids"]
        for start in range(0, len(ids), chunk):
            part = ids[start : start + chunk]
            rows = {
                row["id"].hex: row for row in model.select().where(model.id.in_([uuid.UUID(i) for i in part])).dicts()
            }
            for offset, row_id in enumerate(part):
                row = rows.get(row_id)
                if row is not None:
                    yield Op(
                        node=change.node,
                        hlc=change.hlc + start + offset,
                        table=change.table,
                        row_id=row_id,
                        action="insert",
                        data=row_json(model, row),
                        at=_iso(change.at),
                        by=change.by,
                        account=change.account or "",
                    )


def stored_ops(table: str, row_id: str) -> list[Op]:
    """The operations held for one record (inserts from a bulk insert excepted)."""
    query = Change.select().where(Change.row_id == row_id, Change.table == table, Change.action.in_(ACTIONS))
    return [from_change(change) for change in query]


def winners(ops: Iterable[Op]) -> dict[str, Op]:
    """Field -> the operation whose value it holds: the highest (hlc, node) that set it."""
    best: dict[str, Op] = {}
    for op in ops:
        for name in op.effects():
            if name not in best or op.key > best[name].key:
                best[name] = op
    return best


def bases_for(held: list[Op], fields: Iterable[str], model=None) -> dict:
    """For a local edit: per field, the operations whose value it replaces: the one in use,
    and any other not yet replaced that set the same value (the user saw that value too, so
    replacing it is no conflict)."""
    best = winners(held)
    bases = {}
    for name in fields:
        if name not in best:
            continue
        touching = [op for op in held if name in op.effects()]
        replaced = {base for op in touching for base in op.bases.get(name, [])}
        value = best[name].effects()[name]
        seen = {best[name].name} | {
            op.name
            for op in touching
            if op.action != "insert"
            and op.name not in replaced
            and (model is None or same(model, name, op.effects()[name], value))
        }
        bases[name] = sorted(seen)
    return bases
