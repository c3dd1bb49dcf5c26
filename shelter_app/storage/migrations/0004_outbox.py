"""The report outbox: generated reports waiting to go to a folder or by e-mail, with one
delivery row per report and destination (attempts, last error, next attempt).

A frozen copy of the models as they were when this migration was written; both tables are
local to one laptop and never synced.
"""

import uuid

from peewee import *


def up(migrator, db):
    class OutboxItem(Model):
        id = UUIDField(primary_key=True, default=uuid.uuid4)
        title = CharField(max_length=300)
        kind = CharField(max_length=30)
        pdf = BlobField()
        created_at = DateTimeField(index=True)
        created_by = CharField(max_length=100, default="")

        class Meta:
            database = db
            table_name = "outbox_item"

    db.create_tables([OutboxItem])

    class OutboxDelivery(Model):
        id = AutoField()
        item = ForeignKeyField(OutboxItem, on_delete="CASCADE")
        destination = CharField(max_length=30)
        status = CharField(max_length=10, default="pending")
        attempts = IntegerField(default=0)
        next_attempt_at = DateTimeField()
        last_attempt_at = DateTimeField(null=True)
        last_error = TextField(default="")
        delivered_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "outbox_delivery"
            indexes = ((("item", "destination"), True), (("status", "next_attempt_at"), False))

    db.create_tables([OutboxDelivery])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("outbox_delivery"))
    migrator.migrate(migrator.drop_table("outbox_item"))
