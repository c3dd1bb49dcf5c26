"""Stock balances read only an index: (site, item, day, tombstone, delta) replaces (site, item, day).

Summing a site's movements up to a day then never visits the table rows, which matters once
an operation has hundreds of thousands of distributions.
"""


def up(migrator, db):
    migrator.migrate(
        migrator.drop_index("stock_movement", "stockmovement_site_id_item_id_moved_on"),
        migrator.add_index("stock_movement", ("site_id", "item_id", "moved_on", "deleted_at", "delta")),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index("stock_movement", "stock_movement_site_id_item_id_moved_on_deleted_at_delta"),
        migrator.add_index("stock_movement", ("site_id", "item_id", "moved_on")),
    )
