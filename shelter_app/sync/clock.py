"""This laptop's id and its hybrid logical clock (HLC).

A stamp is one 64-bit integer: wall-clock milliseconds shifted left 16 bits, plus a counter.
A new stamp is above the wall clock and above every stamp this database holds, its own and
received ones alike, so an edit made after seeing another always sorts after it even when
the laptop's clock is wrong. Ties between laptops are broken by the laptop id: the order of
operations is (hlc, node) everywhere.

The id is stored with the host and file it was made for: a database file copied to another
laptop (or restored from a backup) gets a fresh id at its first change, so two laptops never
stamp operations with the same name.
"""

from __future__ import annotations

import json
import socket
import time
import uuid

from shelter_app.storage.models import Change, Setting, database

NODE_KEY = "sync.node"
SHIFT = 16


def _where() -> str:
    db = database.obj
    return f"{socket.gethostname()}:{getattr(db, 'database', '')}"


def node_id() -> str:
    """This laptop's id (32 hex digits), made on first use."""
    row = Setting.get_or_none(Setting.key == NODE_KEY)
    stored = json.loads(row.value) if row else {}
    where = _where()
    if stored.get("id") and stored.get("where") in (None, where):
        if stored.get("where") is None:  # made by the migration: bind it to this place now
            _store({"id": stored["id"], "where": where})
        return stored["id"]
    node = uuid.uuid4().hex
    _store({"id": node, "where": where})
    return node


def _store(value: dict) -> None:
    Setting.insert(key=NODE_KEY, value=json.dumps(value)).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: json.dumps(value)}).execute()


def forget_node() -> None:
    """After a restore: the next change starts a new id (see the module's note)."""
    Setting.delete().where(Setting.key == NODE_KEY).execute()


def wall() -> int:
    return int(time.time() * 1000) << SHIFT


def last_stamp(node: str) -> int:
    """The highest stamp held: any operation's, and the end of this laptop's own spans."""
    top = Change.select(Change.hlc).order_by(Change.hlc.desc()).limit(1).scalar() or 0
    own = (Change.select(Change.hlc + Change.span - 1).where(Change.node == node)
           .order_by(Change.hlc.desc()).limit(1).scalar() or 0)
    return max(top, own)


def tick(node: str, span: int = 1) -> int:
    """The first of ``span`` new stamps; call inside the transaction that stores them."""
    return max(wall(), last_stamp(node) + 1)


def op_name(hlc: int, node: str) -> str:
    return f"{hlc}.{node}"


def parse_name(name: str) -> tuple[int, str]:
    hlc, node = name.split(".", 1)
    return int(hlc), node


def physical(hlc: int) -> float:
    """Seconds since the epoch that a stamp stands for."""
    return (hlc >> SHIFT) / 1000
