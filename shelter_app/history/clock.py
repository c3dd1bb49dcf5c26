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
# A stamp fits a signed 64-bit integer; one received more than a day ahead of this clock is
# quarantined (``sync.merge``) and never counted here, so the next change can always be stamped.
MAX_STAMP = 2**63 - 1
FUTURE_MARGIN = (24 * 3600 * 1000) << SHIFT


def _where() -> str:
    db = database.obj
    return f"{socket.gethostname()}:{getattr(db, 'database', '')}"


def node_id() -> str:
    """This laptop's id (32 hex digits), made on first use; kept on the open database object
    afterwards, since every change asks for it. (An id made in a transaction that is rolled
    back is stored afresh at the next start: harmless, the operations keep their own.)"""
    db = database.obj
    cached = getattr(db, "_posko_node", None)
    if cached:
        return cached
    db._posko_node = _load_node_id()
    return db._posko_node


def _load_node_id() -> str:
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
        conflict_target=[Setting.key], update={Setting.value: json.dumps(value)}
    ).execute()


def wall() -> int:
    return int(time.time() * 1000) << SHIFT


def last_stamp(node: str) -> int:
    """The highest stamp held: any operation's, and the end of this laptop's own spans (a
    stamp beyond a day ahead of the clock, held from before the gate, is not counted)."""
    ceiling = wall() + FUTURE_MARGIN
    top = Change.select(Change.hlc).where(Change.hlc <= ceiling).order_by(Change.hlc.desc()).limit(1).scalar() or 0
    own = (
        Change.select(Change.hlc + Change.span - 1)
        .where(Change.node == node, Change.hlc <= ceiling)
        .order_by(Change.hlc.desc())
        .limit(1)
        .scalar()
        or 0
    )
    return max(top, own)


def tick(node: str) -> int:
    """A new stamp (a bulk insert then owns the ``span`` stamps from it); call inside the
    transaction that stores it."""
    return max(wall(), last_stamp(node) + 1)
