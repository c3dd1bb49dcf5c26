"""Helpers of the gate tests: hand-made sync files and hub rows, and the checks every way in
must pass afterwards."""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json
import uuid
from pathlib import Path

from shelter_app.history import clock, operations
from shelter_app.services import presence, stats
from shelter_app.storage.models import Account, Change, database

OTHER_NODE = "ab" * 16


def write_sync_file(path: Path, wires: list[dict], node: str = OTHER_NODE) -> Path:
    """A well-formed sync file holding exactly these operations (as ``Op.to_wire`` writes them)."""
    lines = [json.dumps(w, ensure_ascii=False, separators=(",", ":")).encode() + b"\n" for w in wires]
    digest = hashlib.sha256(b"".join(lines)).hexdigest()
    with gzip.open(path, "wb") as packed:
        packed.write(json.dumps({"format": "posko-sync", "version": 1, "node": node}).encode() + b"\n")
        for line in lines:
            packed.write(line)
        packed.write(json.dumps({"end": True, "ops": len(lines), "sha256": digest}).encode() + b"\n")
    return path


class Stamps:
    """Fresh stamps of another laptop, just above this one's clock."""

    def __init__(self):
        self.next = clock.wall() + 1

    def __call__(self) -> int:
        self.next += 1
        return self.next


def insert_of(table: str, row_id) -> dict:
    """The insert operation held here for one record, as a wire dict to copy and spoil."""
    key = row_id.hex if isinstance(row_id, uuid.UUID) else row_id
    for op in operations.expand(Change.select().where(Change.table == table)):
        if op.row_id == key and op.action == "insert":
            return op.to_wire()
    raise LookupError(key)


def wire(table: str, row_id: str, action: str, data: dict, hlc: int, node: str = OTHER_NODE) -> dict:
    return {
        "n": node,
        "h": hlc,
        "t": table,
        "r": row_id,
        "a": action,
        "d": data,
        "at": datetime.datetime.now(datetime.UTC).replace(tzinfo=None).isoformat(),
        "by": "Laptop Lain",
        "u": Account.id_for("koordinator").hex,  # made by the operation's coordinator (conftest's account)
    }


def figures_follow(day: datetime.date) -> None:
    """The figures as the app shows them equal those computed from a rebuilt presence index."""
    shown = stats.figures(day)
    presence.rebuild()
    assert stats.figures(day) == shown


def intact() -> None:
    assert database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert database.execute_sql("PRAGMA foreign_key_check").fetchall() == []
