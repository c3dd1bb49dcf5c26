"""Received operations that broke a rule are kept aside in ``sync_quarantine`` (the
operation, its source, the reason), never applied. Local to one laptop, never synced.

A frozen copy of the model as it was when this migration was written.
"""

import datetime

from peewee import *


def up(migrator, db):
    class SyncQuarantine(Model):
        id = AutoField()
        received_at = DateTimeField(default=datetime.datetime.utcnow)
        source = CharField(max_length=80, default="")
        table = CharField(max_length=60, default="")
        row_id = CharField(max_length=64, default="")
        node = CharField(max_length=64, default="")
        hlc = CharField(max_length=40, default="")
        action = CharField(max_length=20, default="")
        field = CharField(max_length=80, default="")
        reason = TextField(default="")
        operation = TextField(default="")

        class Meta:
            database = db
            table_name = "sync_quarantine"
            indexes = ((("node", "hlc", "table", "row_id"), True),)

    db.create_tables([SyncQuarantine])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("sync_quarantine"))
