"""Each operation on the hub names the account that made it ("" before accounts)."""


def up(migrator, db):
    db.execute_sql("ALTER TABLE hub_op ADD COLUMN account varchar(32) NOT NULL DEFAULT ''")


def down(migrator, db):
    db.execute_sql("ALTER TABLE hub_op DROP COLUMN account")
