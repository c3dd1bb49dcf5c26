"""The operation's settings (standards profile, age bands) become synced records.

``operation_setting`` holds one record per key, its id a uuid5 of the key (the same on every
laptop, so two laptops setting one key edit one record), its value as JSON text. The keys of
scope "operation" (``domain.settings_catalog``) move over from the local ``setting`` table,
each with an insert in the history stamped as this laptop's own operation, so the next sync
carries them to the other laptops. The ``setting`` table keeps this laptop's settings only.

A frozen copy of the models as they were when this migration was written.
"""

import datetime
import json
import time
import uuid

from peewee import *

NAMESPACE = uuid.UUID("5d0c6a3e-6f2b-5b8e-9a51-706f736b6f73")  # models.OPERATION_SETTING_NAMESPACE
KEYS = ("standards_profile", "age_bands")
TABLE = "operation_setting"


def _models(db):
    class OperationSetting(Model):
        id = UUIDField(primary_key=True, default=uuid.uuid4)
        created_at = DateTimeField()
        created_by = CharField(max_length=100, default="")
        updated_at = DateTimeField()
        updated_by = CharField(max_length=100, default="")
        deleted_at = DateTimeField(null=True)
        key = CharField(max_length=100, index=True)
        value = TextField(default="null")

        class Meta:
            database = db
            table_name = TABLE

    class Setting(Model):
        key = CharField(max_length=100, primary_key=True)
        value = TextField()

        class Meta:
            database = db
            table_name = "setting"

    class Change(Model):
        seq = AutoField()
        table = CharField(max_length=60)
        row_id = CharField(max_length=32)
        action = CharField(max_length=12)
        data = TextField(default="{}")
        at = DateTimeField()
        by = CharField(max_length=100, default="")
        undoes = IntegerField(null=True)
        hlc = BigIntegerField(default=0)
        node = CharField(max_length=32, default="")
        span = IntegerField(default=1)
        bases = TextField(null=True)
        source = CharField(max_length=60, default="")

        class Meta:
            database = db
            table_name = "change"

    return OperationSetting, Setting, Change


def _node(Setting) -> str:
    """This laptop's id (``history.clock``), made as migration 0005 makes it when there is none."""
    row = Setting.get_or_none(Setting.key == "sync.node")
    stored = json.loads(row.value) if row else {}
    if stored.get("id"):
        return stored["id"]
    node = uuid.uuid4().hex
    Setting.replace(key="sync.node", value=json.dumps({"id": node})).execute()
    return node


def up(migrator, db):
    OperationSetting, Setting, Change = _models(db)
    db.create_tables([OperationSetting])
    rows = {row.key: row.value for row in Setting.select().where(Setting.key.in_(KEYS))}
    if not rows:
        return
    node = _node(Setting)
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None, microsecond=0)
    top = Change.select(fn.MAX(Change.hlc + Change.span - 1)).scalar() or 0
    stamp = max(int(time.time() * 1000) << 16, top + 1)
    for key in KEYS:
        if key not in rows or json.loads(rows[key]) is None:
            continue
        row_id = uuid.uuid5(NAMESPACE, key)
        OperationSetting.create(id=row_id, created_at=now, updated_at=now, key=key, value=rows[key])
        data = {
            "id": row_id.hex,
            "created_at": now.isoformat(),
            "created_by": "",
            "updated_at": now.isoformat(),
            "updated_by": "",
            "deleted_at": None,
            "key": key,
            "value": rows[key],
        }
        Change.create(
            table=TABLE,
            row_id=row_id.hex,
            action="insert",
            at=now,
            by="",
            hlc=stamp,
            node=node,
            data=json.dumps(data, ensure_ascii=False, sort_keys=True),
        )
        stamp += 1
    Setting.delete().where(Setting.key.in_(KEYS)).execute()


def down(migrator, db):
    OperationSetting, Setting, Change = _models(db)
    for row in OperationSetting.select().where(OperationSetting.deleted_at.is_null()):
        Setting.replace(key=row.key, value=row.value).execute()
    Change.delete().where(Change.table == TABLE).execute()
    migrator.migrate(migrator.drop_table(TABLE))
