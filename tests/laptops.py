"""Several laptops of one operation in one test process: each its own SQLite file, one bound
at a time (the models use whichever database is bound)."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from shelter_app.services import records
from shelter_app.storage.database import bind
from shelter_app.storage.models import SYNCED_MODELS, Presence, SyncConflict
from shelter_app.storage.session import open_database
from shelter_app.sync.ops import to_json


class Laptop:
    def __init__(self, path: Path, operator: str):
        self.path = path
        self.operator = operator
        self.db = open_database(str(path))

    @contextmanager
    def active(self):
        bind(self.db)
        records.set_operator(self.operator)
        yield self

    def close(self) -> None:
        self.db.close()


def _plain(value):
    if isinstance(value, Decimal):
        return value.normalize()
    return to_json(value)


def dump() -> dict:
    """Every synced record of the bound database, field by field, comparable between laptops."""
    return {model._meta.table_name: {row["id"].hex: {name: _plain(value) for name, value in row.items()}
                                     for row in model.select().dicts()}
            for model in SYNCED_MODELS}


def presence_dump() -> set:
    return {tuple(_plain(v) for v in row) for row in Presence.select().tuples()}


def conflicts_dump() -> set:
    return {(c.table, c.row_id, c.field, c.op_node, c.op_hlc, c.value) for c in SyncConflict.select()}


def new_id() -> uuid.UUID:
    return uuid.uuid4()
