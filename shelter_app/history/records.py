"""The one way a record changes: stamped with who and when, written to the history, undoable.

Every service builds on ``create``, ``update``, ``delete`` and ``bulk_create`` here, inside
``transaction()``, so a broken rule leaves the database exactly as it was. Each history row
is also the operation that sync carries (``history.operations``), stamped by this laptop's
clock (``history.clock``); an edit keeps the conflicts of the fields it sets up to date
(``history.conflicts``).
"""

from __future__ import annotations

import datetime
import functools
import json
import uuid
from collections.abc import Iterable
from contextlib import contextmanager
from typing import TypeVar

from peewee import ForeignKeyField, UUIDField

from shelter_app.domain.errors import RuleViolation
from shelter_app.domain.permissions import Actor
from shelter_app.history import clock, conflicts, field_rules
from shelter_app.history.operations import MODELS_BY_TABLE, bases_for, from_json, stored_ops, to_json
from shelter_app.i18n import _
from shelter_app.storage.models import Change, Record, database, utc_now

R = TypeVar("R", bound=Record)

# One operator for the whole process, so changes made in worker threads are stamped too.
_operator = ""
# Fields the machinery owns; a user's update never sets them directly.
STAMP_FIELDS = {"id", "created_at", "created_by", "updated_at", "updated_by", "deleted_at"}


def set_operator(name: str) -> None:
    """The person recorded on every change from now on."""
    global _operator
    _operator = name.strip()


def operator() -> str:
    return _operator


# The account signed in to this process (``services.accounts``), like the operator: one for
# every thread. None before a sign-in.
_actor: Actor | None = None


def set_actor(actor: Actor | None) -> None:
    """The account recorded on every change from now on (None: signed out)."""
    global _actor
    _actor = actor


def actor() -> Actor | None:
    return _actor


@contextmanager
def transaction():
    """One atomic unit; nested calls become savepoints."""
    with database.atomic():
        yield


def atomic(func):
    """Run a service function in one transaction."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with database.atomic():
            return func(*args, **kwargs)

    return wrapper


def to_json_value(value):
    """A value as the history stores it (JSON); a related record by its id."""
    return value.id.hex if isinstance(value, Record) else to_json(value)


def field_value(instance: Record, name: str):
    """A field's stored value; for a foreign key its id, without loading the related row."""
    field = instance._meta.fields[name]
    if isinstance(field, ForeignKeyField):
        return instance.__data__.get(name)
    return getattr(instance, name)


def _log(
    table: str, row_id, action: str, data: dict, at: datetime.datetime, span: int = 1, bases: dict | None = None
) -> Change:
    """Write the history row, which is also the operation that sync carries (``history.operations``)."""
    node = clock.node_id()
    return Change.create(
        table=table,
        row_id=row_id.hex if isinstance(row_id, uuid.UUID) else str(row_id),
        action=action,
        data=json.dumps(data, ensure_ascii=False, sort_keys=True),
        at=at,
        by=operator(),
        hlc=clock.tick(node),
        node=node,
        span=span,
        bases=json.dumps(bases, sort_keys=True) if bases else None,
        account=_actor.id if _actor else "",
    )


def _gated(model, fields: dict) -> dict:
    """``fields`` through the field rules (``history.field_rules``): text normalised, a
    RuleViolation for a value that breaks a rule."""
    plain = {name: to_json_value(value.id if isinstance(value, Record) else value) for name, value in fields.items()}
    cleaned = field_rules.clean_row(model, plain, complete=False)
    out = dict(fields)
    for name, value in cleaned.items():
        if (
            isinstance(value, str)
            and value != plain.get(name)
            and not isinstance(fields.get(name), (Record, uuid.UUID))
        ):
            out[name] = value
    return out


def _whole(instance: Record) -> dict:
    return {name: to_json_value(field_value(instance, name)) for name in instance._meta.fields}


def create(model: type[R], **fields) -> R:
    now = utc_now()
    who = operator()
    fields = _gated(model, fields)
    instance = model(created_at=now, updated_at=now, created_by=who, updated_by=who, **fields)
    field_rules.check_between(model, _whole(instance))
    instance.save(force_insert=True)
    row = {name: to_json_value(field_value(instance, name)) for name in model._meta.fields}
    _log(model._meta.table_name, instance.id, "insert", row, at=now)
    return instance


def _converter(field):
    """How a Python value becomes a database value; None where the driver takes it as is."""
    target = field.rel_field if isinstance(field, ForeignKeyField) else field
    return target.db_value if isinstance(target, UUIDField) else None


def insert_rows(model, rows: Iterable[dict], defaults: dict | None = None, batch_size: int = 5000) -> int:
    """Insert plain rows through the driver's executemany: no history, no stamps (the callers
    write those). A missing field takes ``defaults`` or the field's default."""
    fields = model._meta.sorted_fields
    given = defaults or {}
    plan = [
        (field.name, _converter(field), given.get(field.name, None if callable(field.default) else field.default))
        for field in fields
    ]
    sql, _params = model.insert({field: None for field in fields}).sql()
    batch: list[tuple] = []
    count = 0
    for row in rows:
        values = []
        for name, convert, default in plan:
            value = row.get(name, default)
            values.append(convert(value) if convert and value is not None else value)
        batch.append(tuple(values))
        if len(batch) >= batch_size:
            database.cursor().executemany(sql, batch)
            count += len(batch)
            batch.clear()
    if batch:
        database.cursor().executemany(sql, batch)
        count += len(batch)
    return count


def bulk_create(model: type[R], rows: Iterable[dict], batch_size: int = 5000) -> list[uuid.UUID]:
    """Insert many new records at once (demo, import) through the driver's executemany.

    Each row is a dict of field names; missing fields take their defaults. Logged as one
    history entry holding the ids: the rows themselves are the record of what was inserted.
    """
    now = utc_now()
    who = operator()
    rows = [_gated(model, row) for row in rows]
    for row in rows:
        if "id" not in row:
            row["id"] = uuid.uuid4()
        field_rules.check_between(model, {name: to_json_value(value) for name, value in row.items()})
    ids: list[uuid.UUID] = [row["id"] for row in rows]
    stamps = {"created_at": now, "updated_at": now, "created_by": who, "updated_by": who}
    insert_rows(model, rows, defaults=stamps, batch_size=batch_size)
    if ids:
        _log(model._meta.table_name, ids[0], "bulk_insert", {"ids": [i.hex for i in ids]}, at=now, span=len(ids))
    return ids


def update(instance: R, resolves: dict | None = None, **fields) -> R:
    """Change fields of a record; logs old and new values of the fields that really changed.

    ``resolves`` ({field: ["hlc.node", ...]}, from ``sync.settling``) names conflicting
    edits this one settles: the field is written even when its value stays the same."""
    unknown = set(fields) - set(instance._meta.fields) | (set(fields) & STAMP_FIELDS)
    if unknown:
        raise ValueError(f"cannot set {sorted(unknown)} on {type(instance).__name__}")
    if instance.deleted_at is not None:
        raise RuleViolation("id", _("This record was deleted; restore it before changing it."))
    fields = _gated(type(instance), fields)
    changes = {}
    for name, new in fields.items():
        old = field_value(instance, name)
        new_plain = new.id if isinstance(new, Record) else new
        if to_json_value(old) != to_json_value(new_plain) or name in (resolves or {}):
            changes[name] = [to_json_value(old), to_json_value(new_plain)]
            setattr(instance, name, new)
    if not changes:
        return instance
    field_rules.check_between(type(instance), _whole(instance))
    table = instance._meta.table_name
    held = stored_ops(table, instance.id.hex)
    bases = bases_for(held, changes, type(instance))
    for name, names in (resolves or {}).items():
        bases[name] = sorted(set(bases.get(name, [])) | set(names))
    instance.updated_at = now = utc_now()
    instance.updated_by = operator()
    instance.save(only=[instance._meta.fields[n] for n in [*changes, "updated_at", "updated_by"]])
    change = _log(table, instance.id, "update", changes, at=now, bases=bases)
    conflicts.after_local_edit(table, instance.id.hex, changes, held, change)
    return instance


def delete(instance: R, note: str = "") -> R:
    """Soft delete: a tombstone that sync can carry and undo can lift."""
    if instance.deleted_at is None:
        _tombstone(instance, utc_now(), "delete", {"note": note})
    return instance


def set_deleted(instance: R, deleted: bool, resolves: dict | None = None) -> R:
    """Delete or restore, written even when the record already is so (settling a conflict)."""
    _tombstone(instance, utc_now() if deleted else None, "delete" if deleted else "restore", {}, resolves)
    return instance


def _tombstone(instance: Record, deleted_at, action: str, data: dict, resolves: dict | None = None) -> None:
    table = instance._meta.table_name
    held = stored_ops(table, instance.id.hex)
    bases = bases_for(held, ["deleted_at"], type(instance))
    for name, names in (resolves or {}).items():
        bases[name] = sorted(set(bases.get(name, [])) | set(names))
    instance.deleted_at = deleted_at
    instance.updated_at = now = deleted_at or utc_now()
    instance.updated_by = operator()
    instance.save(only=[type(instance).deleted_at, type(instance).updated_at, type(instance).updated_by])
    change = _log(table, instance.id, action, data, at=now, bases=bases)
    conflicts.after_local_edit(table, instance.id.hex, ["deleted_at"], held, change)


def restore(instance: R) -> R:
    if instance.deleted_at is not None:
        _tombstone(instance, None, "restore", {})
    return instance


def get(model: type[R], record_id, field: str = "id", include_deleted: bool = False) -> R:
    """A record by id, or a RuleViolation naming the field when it does not exist."""
    if record_id is None or record_id == "":  # nothing chosen in a list: never "No such record: None"
        raise RuleViolation(field, _("Nothing is chosen here: choose one from the list."))
    try:
        key = record_id if isinstance(record_id, uuid.UUID) else uuid.UUID(str(record_id))
        instance = model.get_by_id(key)
    except (ValueError, model.DoesNotExist):
        raise RuleViolation(field, _("No such record: {id}.", id=str(record_id))) from None
    if instance.deleted_at is not None and not include_deleted:
        raise RuleViolation(field, _("This record was deleted: {id}.", id=str(record_id)))
    return instance


def history(row_id) -> list[Change]:
    """Every change to one record, oldest first; bulk inserts are found by their first id."""
    key = row_id.hex if isinstance(row_id, uuid.UUID) else str(row_id)
    return list(Change.select().where(Change.row_id == key).order_by(Change.seq))


def latest(limit: int, skip_tables: tuple[str, ...] = ()) -> list[Change]:
    """The newest changes first, as ``shelter-app history`` lists them."""
    query = Change.select().where(Change.table.not_in(skip_tables)) if skip_tables else Change.select()
    return list(query.order_by(Change.seq.desc()).limit(limit))


@atomic
def undo(seq: int) -> Change:
    """Undo one change by writing its opposite; the history keeps both."""
    change = Change.get_or_none(Change.seq == seq)
    if change is None:
        raise RuleViolation("change", _("No such change: {seq}.", seq=seq))
    if Change.select().where(Change.undoes == seq).exists():
        raise RuleViolation("change", _("This change was already undone."))
    model = MODELS_BY_TABLE.get(change.table)
    if model is None:
        raise RuleViolation("change", _("This change cannot be undone."))
    data = json.loads(change.data)
    ids = [uuid.UUID(i) for i in data["ids"]] if change.action == "bulk_insert" else [uuid.UUID(change.row_id)]
    for record_id in ids:
        instance = model.get_by_id(record_id)
        if change.action in ("insert", "bulk_insert", "restore"):
            delete(instance, note=f"undo {seq}")
        elif change.action == "delete":
            restore(instance)
        elif change.action == "update":
            for name, (_old, new) in data.items():
                if to_json_value(field_value(instance, name)) != new:
                    raise RuleViolation(
                        name,
                        _("This field was changed again since; correct it instead of undoing."),
                    )
            update(instance, **{name: from_json(model, name, old) for name, (old, _new) in data.items()})
    last = Change.select().order_by(Change.seq.desc()).get()
    last.undoes = seq
    last.save(only=[Change.undoes])
    return last


def live(query_model: type[Record]):
    """Condition for records that are not deleted."""
    return query_model.deleted_at.is_null()
