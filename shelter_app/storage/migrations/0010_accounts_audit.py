"""Accounts, their passwords and the audit trail (synced records), and the account on each change.

``account`` (username, role, profile, disabled, room for a wrapped key), ``account_credential``
(the argon2id hash only) and ``audit_entry`` (appended, never edited) are synced like every
record; ``change.account`` names the account that made a change ("" for the changes made
before accounts existed).

A frozen copy of the models as they were when this migration was written.
"""

import uuid

from peewee import *


def _models(db):
    class Base(Model):
        id = UUIDField(primary_key=True, default=uuid.uuid4)
        created_at = DateTimeField()
        created_by = CharField(max_length=100, default="")
        updated_at = DateTimeField()
        updated_by = CharField(max_length=100, default="")
        deleted_at = DateTimeField(null=True)

        class Meta:
            database = db

    class Account(Base):
        username = CharField(max_length=60, index=True)
        full_name = CharField(max_length=200, default="")
        role = CharField(max_length=20)
        position = CharField(max_length=200, default="")
        agency = CharField(max_length=200, default="")
        phone = CharField(max_length=30, default="")
        disabled = BooleanField(default=False)
        key_slot = TextField(null=True)

        class Meta:
            table_name = "account"

    class AccountCredential(Base):
        account = ForeignKeyField(Account, backref="credentials")
        password_hash = CharField(max_length=200)

        class Meta:
            table_name = "account_credential"

    class AuditEntry(Base):
        at = DateTimeField(index=True)
        account = CharField(max_length=32, default="")
        username = CharField(max_length=60, default="")
        action = CharField(max_length=40)
        persons = IntegerField(default=0)
        target = TextField(default="")
        detail = TextField(default="{}")

        class Meta:
            table_name = "audit_entry"

    return Account, AccountCredential, AuditEntry


def up(migrator, db):
    db.create_tables(list(_models(db)))
    # A default in the schema itself: the frozen models of older migrations insert without it.
    db.execute_sql("""ALTER TABLE "change" ADD COLUMN account VARCHAR(32) NOT NULL DEFAULT ''""")


def down(migrator, db):
    migrator.migrate(migrator.drop_column("change", "account"))
    for model in reversed(_models(db)):
        migrator.migrate(migrator.drop_table(model._meta.table_name))
