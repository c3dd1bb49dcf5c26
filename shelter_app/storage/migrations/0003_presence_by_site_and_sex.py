"""The presence index is ordered by site, then sex: a day's figures group by both while
reading the index in order, with no sorting, which halves the time for a whole operation.

Only the derived (local, rebuildable) presence table changes.
"""


def up(migrator, db):
    migrator.migrate(
        migrator.drop_index("presence", "presence_site_id_arrived_left_female_birth_flags"),
        migrator.add_index("presence", ("site_id", "female", "arrived", "left", "birth", "flags")),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index("presence", "presence_site_id_female_arrived_left_birth_flags"),
        migrator.add_index("presence", ("site_id", "arrived", "left", "female", "birth", "flags")),
    )
