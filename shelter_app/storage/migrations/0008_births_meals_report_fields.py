"""What the daily report a district officer signs needs (issue 12).

- ``stay.arrival_reason``: "" for a new arrival (or a transfer, told by ``came_from``),
  "born" for a baby born at the site;
- ``kitchen_meals``: the portions a community kitchen (an activity) served on a day, morning,
  midday and evening (synced records);
- ``site_day``: the recorded fields of a site's day: urgent needs (a JSON list of item,
  quantity, unit and priority), obstacles (*kendala*) and follow-up (*rencana tindak lanjut*)
  (synced records);
- ``site.managing_agency``, ``site.land_ownership`` (public / private / customary) and
  ``event.glide`` (the GLIDE number, e.g. EQ-2022-000191-IDN) for the DTM/CCCM site export.

A frozen copy of the models as they were when this migration was written.
"""

import uuid

from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("stay", "arrival_reason", CharField(max_length=20, default="")),
        migrator.add_column("site", "managing_agency", CharField(max_length=200, default="")),
        migrator.add_column("site", "land_ownership", CharField(max_length=20, default="")),
        migrator.add_column("event", "glide", CharField(max_length=30, default="")),
    )

    class Record(Model):
        id = UUIDField(primary_key=True, default=uuid.uuid4)
        created_at = DateTimeField()
        created_by = CharField(max_length=100, default="")
        updated_at = DateTimeField()
        updated_by = CharField(max_length=100, default="")
        deleted_at = DateTimeField(null=True)

        class Meta:
            database = db

    class Activity(Record):
        class Meta:
            table_name = "activity"

    class Site(Record):
        class Meta:
            table_name = "site"

    class KitchenMeals(Record):
        activity = ForeignKeyField(Activity, backref="meals")
        served_on = DateField()
        morning = IntegerField(default=0)
        midday = IntegerField(default=0)
        evening = IntegerField(default=0)

        class Meta:
            table_name = "kitchen_meals"
            indexes = ((("activity", "served_on"), False),)

    class SiteDay(Record):
        site = ForeignKeyField(Site, backref="days")
        day = DateField()
        urgent_needs = TextField(default="[]")
        obstacles = TextField(default="")
        follow_up = TextField(default="")

        class Meta:
            table_name = "site_day"
            indexes = ((("site", "day"), False),)

    db.create_tables([KitchenMeals, SiteDay])


def down(migrator, db):
    db.execute_sql("DROP TABLE IF EXISTS kitchen_meals")
    db.execute_sql("DROP TABLE IF EXISTS site_day")
    migrator.migrate(
        migrator.drop_column("stay", "arrival_reason"),
        migrator.drop_column("site", "managing_agency"),
        migrator.drop_column("site", "land_ownership"),
        migrator.drop_column("event", "glide"),
    )
