"""The hub's schema: the log of every laptop's operations, the laptops seen, the reports.

``hub_op.seq`` gives the order laptops pull in; pushes take a lock so that sequence numbers
become visible in order and no pull skips one. Data and bases are JSONB, so the district can
also query the log directly.
"""


def up(migrator, db):
    db.execute_sql("CREATE TABLE hub_info (id uuid PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now())")
    db.execute_sql("INSERT INTO hub_info (id) VALUES (gen_random_uuid())")
    db.execute_sql("""
        CREATE TABLE hub_op (
            seq bigserial PRIMARY KEY,
            node char(32) NOT NULL,
            hlc bigint NOT NULL,
            tbl varchar(60) NOT NULL,
            row_id char(32) NOT NULL,
            action varchar(12) NOT NULL,
            data jsonb NOT NULL,
            bases jsonb,
            at text NOT NULL,
            by text NOT NULL DEFAULT '',
            received_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (node, hlc)
        )""")
    db.execute_sql("CREATE INDEX hub_op_row ON hub_op (tbl, row_id)")
    db.execute_sql("""
        CREATE TABLE hub_node (
            node char(32) PRIMARY KEY,
            label text NOT NULL DEFAULT '',
            last_push timestamptz,
            last_pull timestamptz
        )""")
    db.execute_sql("""
        CREATE TABLE hub_report (
            id uuid PRIMARY KEY,
            filename text NOT NULL,
            title text NOT NULL,
            pdf bytea NOT NULL,
            node char(32) NOT NULL,
            received_at timestamptz NOT NULL DEFAULT now()
        )""")


def down(migrator, db):
    for table in ("hub_report", "hub_node", "hub_op", "hub_info"):
        db.execute_sql(f"DROP TABLE {table}")
