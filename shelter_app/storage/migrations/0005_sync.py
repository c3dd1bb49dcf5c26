"""Sync between laptops: every change becomes an operation with a hybrid-logical-clock stamp.

``change`` gains ``hlc`` (64-bit: milliseconds << 16 | counter), ``node`` (the laptop that
made it), ``span`` (a bulk insert of n rows owns n consecutive stamps), ``bases`` (per field,
the operations this edit knowingly replaced: what tells a sequential edit from a conflict)
and ``source`` (where a received operation came from, so it is not pushed back there).
Existing changes are stamped in order from their times, as this laptop's own.
``sync_conflict`` is derived from the operations: edits that lost to a concurrent edit of
the same field, for a coordinator to review.
"""

import datetime
import json
import uuid

from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("change", "hlc", BigIntegerField(default=0)),
        migrator.add_column("change", "node", CharField(max_length=32, default="")),
        migrator.add_column("change", "span", IntegerField(default=1)),
        migrator.add_column("change", "bases", TextField(null=True)),
        migrator.add_column("change", "source", CharField(max_length=60, default="")),
    )

    class Setting(Model):
        key = CharField(max_length=100, primary_key=True)
        value = TextField()

        class Meta:
            database = db
            table_name = "setting"

    node = uuid.uuid4().hex
    rows = db.execute_sql('SELECT seq, at, action, data FROM "change" ORDER BY seq').fetchall()
    if rows:
        Setting.replace(key="sync.node", value=json.dumps({"id": node})).execute()
    last = 0
    updates = []
    for seq, at, action, data in rows:
        if isinstance(at, str):
            at = datetime.datetime.fromisoformat(at)
        stamp = max(int(at.replace(tzinfo=datetime.UTC).timestamp() * 1000) << 16, last + 1)
        span = len(json.loads(data)["ids"]) if action == "bulk_insert" else 1
        last = stamp + span - 1
        updates.append((stamp, node, span, seq))
    cursor = db.cursor()
    marker = "%s" if db.param == "%s" else "?"
    for start in range(0, len(updates), 5000):
        cursor.executemany(
            f'UPDATE "change" SET hlc = {marker}, node = {marker}, span = {marker} WHERE seq = {marker}',
            updates[start : start + 5000],
        )
    # Written out: the migrator's add_index mistakes a column called "node" for something else.
    db.execute_sql('CREATE UNIQUE INDEX "change_node_hlc" ON "change" ("node", "hlc")')
    db.execute_sql('CREATE INDEX "change_hlc" ON "change" ("hlc")')

    class SyncConflict(Model):
        id = AutoField()
        table = CharField(max_length=60)
        row_id = CharField(max_length=32)
        field = CharField(max_length=60)
        op_node = CharField(max_length=32)
        op_hlc = BigIntegerField()
        value = TextField()
        by = CharField(max_length=100, default="")
        at = DateTimeField()

        class Meta:
            database = db
            table_name = "sync_conflict"
            indexes = ((("table", "row_id", "field", "op_node", "op_hlc"), True),)

    db.create_tables([SyncConflict])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("sync_conflict"))
    migrator.migrate(
        migrator.drop_index("change", "change_node_hlc"),
        migrator.drop_index("change", "change_hlc"),
        migrator.drop_column("change", "hlc"),
        migrator.drop_column("change", "node"),
        migrator.drop_column("change", "span"),
        migrator.drop_column("change", "bases"),
        migrator.drop_column("change", "source"),
    )
