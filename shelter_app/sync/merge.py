"""Applying received operations to this laptop's records, whatever order they come in.

For each field the value is the one set by the highest (hlc, node) among every operation
held for the record; the received operation is stored in the history first, so the result
depends only on which operations are held, never on their order. An operation already held
is skipped: receiving the same one twice changes nothing. An operation for a record whose
insert has not arrived yet is kept, and counted in when the insert comes.

Every operation passes the field rules first (``history.field_rules``), as typed entry does:
one that breaks a rule (a wrong type, an unknown choice, a malformed NIK, a stamp outside the
sane window, an unknown table, a change of a record's key or creation stamps) is not applied
but kept in the quarantine (``SyncQuarantine``) with its source and the reason, and the rest
of the batch goes on.

After a batch the presence index is refreshed for the persons touched
(``presence.refresh_records``), so populations are recomputed from the merged stays; stock
on hand is always summed from the movements.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from peewee import ForeignKeyField, SqliteDatabase

from shelter_app.domain.errors import RuleViolation
from shelter_app.history import clock, conflicts, field_rules, records
from shelter_app.history.operations import ACTIONS, MODELS_BY_TABLE, Op, from_change, from_json, to_json, winners
from shelter_app.i18n import _
from shelter_app.services import presence
from shelter_app.storage.models import Change, SyncQuarantine, database, utc_now
from shelter_app.sync import account_claims


@dataclass
class Applied:
    received: int = 0  # operations looked at
    new: int = 0  # stored now (the others were already held)
    quarantined: int = 0  # broke a rule: kept aside, not applied
    # operations refused by the check of their account (``sync.account_claims``), not applied
    refused: list = field(default_factory=list)

    def add(self, other: Applied) -> None:
        self.received += other.received
        self.new += other.new
        self.quarantined += other.quarantined
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
        ops, refused = screen(ops)
        ops, orphans = _with_parents(ops)
        refused += orphans
        ops, mismatched = _with_whole_rules(ops)
        refused += mismatched
        held = _held_names(ops)
        ops, result.refused = account_claims.split([op for op in ops if op.key not in held])
        # An account the operation does not know, or a role it does not have: kept aside too.
        refused += [(claim.op, RuleViolation("account", claim.reason)) for claim in result.refused]
        quarantine(refused, source)
        result.quarantined = len(refused)
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


log = logging.getLogger(__name__)
_HEX32 = re.compile(r"^[0-9a-f]{32}$")
OP_FIELDS_LIMIT = 200  # fields in one operation
BASES_LIMIT = 1000  # names in an operation's bases


def _problem(field: str, message) -> RuleViolation:
    return RuleViolation(field, message)


def check(op: Op, wall: int) -> Op:
    """The operation with its values normalised, or a RuleViolation: what is wrong with it."""
    model = MODELS_BY_TABLE.get(op.table) if isinstance(op.table, str) else None
    if model is None:
        raise _problem(
            "table", _("The change is for {table}, which is not a record that sync carries.", table=str(op.table)[:60])
        )
    if op.action not in ACTIONS:
        raise _problem("action", _("The change has an unknown action {action}.", action=str(op.action)[:20]))
    field_rules.check_stamp(op.hlc, wall)
    if not (
        isinstance(op.node, str) and _HEX32.match(op.node) and isinstance(op.row_id, str) and _HEX32.match(op.row_id)
    ):
        raise _problem("node", _("The change names its laptop or record with a malformed key."))
    if not isinstance(op.data, dict) or len(op.data) > OP_FIELDS_LIMIT:
        raise _problem("data", _("The change carries no valid list of fields."))
    if not _valid_bases(op.bases):
        raise _problem("bases", _("The change carries a malformed list of the changes it replaces."))
    at = field_rules.clean(model, "updated_at", op.at)
    by = field_rules.clean(model, "updated_by", op.by)
    data = op.data
    if op.action == "insert":
        if data.get("id", op.row_id) != op.row_id:
            raise _problem(f"{op.table}.id", _("The change would give the record another key; keys never change."))
        data = field_rules.clean_row(model, {k: v for k, v in data.items() if k != "id"}, complete=True)
        data["id"] = op.row_id
    elif op.action == "update":
        fixed = sorted(set(data) & {*field_rules.IMMUTABLE, "updated_at", "updated_by", "deleted_at"})
        if fixed:
            raise _problem(
                f"{op.table}.{fixed[0]}",
                _("The change would rewrite {field}, which is set once when a record is made.", field=fixed[0]),
            )
        data = field_rules.clean_row(model, data, complete=False)
    else:
        note = data.get("note", "")
        if set(data) - {"note"} or not isinstance(note, str) or len(note) > 200:
            raise _problem("data", _("The change carries a malformed note."))
    return replace(op, at=at, by=by, data=data)


def _valid_bases(bases) -> bool:
    """{field: ["hlc.node", ...]}, of a bounded size."""
    if not isinstance(bases, dict):
        return False
    total = 0
    for name, names in bases.items():
        if not isinstance(name, str) or not isinstance(names, list):
            return False
        total += len(names)
        if total > BASES_LIMIT or not all(isinstance(b, str) and len(b) < 60 for b in names):
            return False
    return True


def screen(ops: list[Op]) -> tuple[list[Op], list[tuple[Op, RuleViolation]]]:
    """The operations that pass the field rules (normalised), and the others with the reason."""
    wall = clock.wall()
    good, refused = [], []
    for op in ops:
        try:
            good.append(check(op, wall))
        except RuleViolation as problem:
            refused.append((op, problem))
        except Exception:  # a shape no rule foresaw: kept aside all the same, never applied
            log.exception("sync: an operation of an unforeseen shape was quarantined")
            refused.append((op, RuleViolation("data", _("The change has a shape this version cannot read."))))
    return good, refused


def _with_parents(ops: list[Op]) -> tuple[list[Op], list[tuple[Op, RuleViolation]]]:
    """The operations whose references (household, site, person...) name a record held here
    or inserted in the same batch, and the others: applied, they would break the database."""
    wanted: dict[type, set[str]] = {}
    for op in ops:
        model = MODELS_BY_TABLE[op.table]
        for name, value in op.data.items() if op.action in ("insert", "update") else ():
            field = model._meta.fields.get(name)
            if isinstance(field, ForeignKeyField) and value is not None:
                wanted.setdefault(field.rel_model, set()).add(value)
    known = {(op.table, op.row_id) for op in ops if op.action == "insert"}
    for model, ids in wanted.items():
        table = model._meta.table_name
        missing = sorted(i for i in ids if (table, i) not in known)
        for part in _chunks(missing):
            found = model.select(model.id).where(model.id.in_([uuid.UUID(i) for i in part])).tuples()
            known.update((table, row[0].hex) for row in found)
    good, refused = [], []
    for op in ops:
        model = MODELS_BY_TABLE[op.table]
        orphan = next(
            (
                name
                for name, value in (op.data.items() if op.action in ("insert", "update") else ())
                if isinstance(model._meta.fields.get(name), ForeignKeyField)
                and value is not None
                and (model._meta.fields[name].rel_model._meta.table_name, value) not in known
            ),
            None,
        )
        if orphan is None:
            good.append(op)
        else:
            refused.append(
                (
                    op,
                    RuleViolation(
                        f"{op.table}.{orphan}",
                        _("The change refers to a record this laptop does not hold ({field}).", field=orphan),
                    ),
                )
            )
    return good, refused


BETWEEN_FIELDS = {"person": {"sex", "pregnant", "lactating"}}  # ``field_rules.check_between``


def _with_whole_rules(ops: list[Op]) -> tuple[list[Op], list[tuple[Op, RuleViolation]]]:
    """Updates that would leave their record breaking a rule between its fields (a man
    recorded as pregnant), judged on the record as held here with the update applied."""
    concerned = [op for op in ops if op.action == "update" and set(op.data) & BETWEEN_FIELDS.get(op.table, set())]
    if not concerned:
        return ops, []
    current = _rows({(op.table, op.row_id) for op in concerned})
    for op in ops:  # a record inserted in this batch
        if op.action == "insert" and (op.table, op.row_id) not in current:
            current[(op.table, op.row_id)] = dict(op.data)
    good, refused = [], []
    asked = {id(op) for op in concerned}
    for op in ops:
        row = current.get((op.table, op.row_id)) if id(op) in asked else None
        if row is None:
            good.append(op)
            continue
        model = MODELS_BY_TABLE[op.table]
        after = {**{name: to_json(value) for name, value in row.items()}, **op.data}
        try:
            field_rules.check_between(model, after)
        except RuleViolation as problem:
            refused.append((op, problem))
            continue
        current[(op.table, op.row_id)] = after
        good.append(op)
    return good, refused


def _text(value, limit: int) -> str:
    return str(value)[:limit]


def quarantine(refused: list[tuple[Op, RuleViolation]], source: str) -> None:
    """Keep refused operations aside; the same one refused again is kept once."""
    now = utc_now()
    for op, problem in refused:
        try:
            wire = json.dumps(op.to_wire(), ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            wire = "{}"
        SyncQuarantine.insert(
            received_at=now,
            source=_text(source, 80),
            table=_text(op.table, 60),
            row_id=_text(op.row_id, 64),
            node=_text(op.node, 64),
            hlc=_text(op.hlc, 40),
            action=_text(op.action, 20),
            field=_text(problem.field, 80),
            reason=json.dumps({lang: problem.text(lang) for lang in ("en", "id")}, ensure_ascii=False),
            operation=wire[:20000],
        ).on_conflict_ignore().execute()


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
            # Only an insert sets the creation stamps (an update that tries is refused earlier);
            # the same record inserted on two laptops keeps those of the highest insert everywhere.
            if best[name] is op and (op.action == "insert" or name not in field_rules.IMMUTABLE):
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
