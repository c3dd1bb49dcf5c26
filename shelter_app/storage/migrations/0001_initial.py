"""The first schema: events, sites, installations, roster, stays, stock, activities, history.

A frozen copy of the models as they were when this migration was written (rendered by
playhouse.migrations.template); later model changes get migrations of their own.
"""

import uuid

from peewee import *


def up(migrator, db):
    class Event(Model):
        id = UUIDField(primary_key=True, default=uuid.uuid4)
        created_at = DateTimeField()
        created_by = CharField(max_length=100, default="")
        updated_at = DateTimeField()
        updated_by = CharField(max_length=100, default="")
        deleted_at = DateTimeField(null=True)
        name = CharField(max_length=200)
        kind = CharField(max_length=30)
        started_on = DateField()
        ended_on = DateField(null=True)
        region_code = CharField(max_length=13, default="")
        notes = TextField(default="")

        class Meta:
            database = db
            table_name = "event"

    db.create_tables([Event])

    class Site(Model):
        id = UUIDField(primary_key=True, default=uuid.uuid4)
        created_at = DateTimeField()
        created_by = CharField(max_length=100, default="")
        updated_at = DateTimeField()
        updated_by = CharField(max_length=100, default="")
        deleted_at = DateTimeField(null=True)
        event = ForeignKeyField(Event)
        name = CharField(index=True, max_length=200)
        kind = CharField(max_length=30)
        village_code = CharField(max_length=13, default="")
        address = TextField(default="")
        latitude = FloatField(null=True)
        longitude = FloatField(null=True)
        capacity_day = IntegerField(default=0)
        capacity_night = IntegerField(default=0)
        covered_area_m2 = FloatField(default=0)
        status = CharField(max_length=10, default="open")
        opened_on = DateField()
        closed_on = DateField(null=True)
        contact_name = CharField(max_length=200, default="")
        contact_phone = CharField(max_length=30, default="")
        notes = TextField(default="")

        class Meta:
            database = db
            table_name = "site"

    db.create_tables([Site])

    class Activity(Model):
        id = UUIDField(primary_key=True, default=uuid.uuid4)
        created_at = DateTimeField()
        created_by = CharField(max_length=100, default="")
        updated_at = DateTimeField()
        updated_by = CharField(max_length=100, default="")
        deleted_at = DateTimeField(null=True)
        site = ForeignKeyField(Site)
        kind = CharField(max_length=30)
        title = CharField(max_length=200)
        held_on = DateField()
        ends_on = DateField(null=True)
        facilitator = CharField(max_length=200, default="")
        outcome = TextField(default="")

        class Meta:
            database = db
            table_name = "activity"

    db.create_tables([Activity])

    class Household(Model):
        id = UUIDField(primary_key=True, default=uuid.uuid4)
        created_at = DateTimeField()
        created_by = CharField(max_length=100, default="")
        updated_at = DateTimeField()
        updated_by = CharField(max_length=100, default="")
        deleted_at = DateTimeField(null=True)
        kk = CharField(index=True, null=True, max_length=16)
        origin_village_code = CharField(max_length=13, default="")
        address = TextField(default="")
        notes = TextField(default="")

        class Meta:
            database = db
            table_name = "household"

    db.create_tables([Household])

    class Person(Model):
        id = UUIDField(primary_key=True, default=uuid.uuid4)
        created_at = DateTimeField()
        created_by = CharField(max_length=100, default="")
        updated_at = DateTimeField()
        updated_by = CharField(max_length=100, default="")
        deleted_at = DateTimeField(null=True)
        household = ForeignKeyField(Household)
        nik = CharField(index=True, null=True, max_length=16)
        name = CharField(max_length=200)
        name_key = CharField(index=True, max_length=200)
        sex = CharField(max_length=1)
        birth_date = DateField()
        birth_date_estimated = BooleanField(default=False)
        relationship = CharField(max_length=20, default="other")
        pregnant = BooleanField(default=False)
        lactating = BooleanField(default=False)
        disability = BooleanField(default=False)
        disability_note = CharField(max_length=200, default="")
        chronic_illness = BooleanField(default=False)
        unaccompanied_child = BooleanField(default=False)
        phone = CharField(max_length=30, default="")
        notes = TextField(default="")

        class Meta:
            database = db
            table_name = "person"

    db.create_tables([Person])

    class ActivityParticipant(Model):
        id = UUIDField(primary_key=True, default=uuid.uuid4)
        created_at = DateTimeField()
        created_by = CharField(max_length=100, default="")
        updated_at = DateTimeField()
        updated_by = CharField(max_length=100, default="")
        deleted_at = DateTimeField(null=True)
        activity = ForeignKeyField(Activity)
        person = ForeignKeyField(Person)

        class Meta:
            database = db
            table_name = "activity_participant"

    db.create_tables([ActivityParticipant])

    class Change(Model):
        seq = AutoField()
        table = CharField(max_length=60)
        row_id = CharField(index=True, max_length=32)
        action = CharField(max_length=12)
        data = TextField(default="{}")
        at = DateTimeField()
        by = CharField(max_length=100, default="")
        undoes = IntegerField(null=True)

        class Meta:
            database = db
            table_name = "change"

    db.create_tables([Change])

    class Installation(Model):
        id = UUIDField(primary_key=True, default=uuid.uuid4)
        created_at = DateTimeField()
        created_by = CharField(max_length=100, default="")
        updated_at = DateTimeField()
        updated_by = CharField(max_length=100, default="")
        deleted_at = DateTimeField(null=True)
        site = ForeignKeyField(Site)
        kind = CharField(max_length=20)
        name = CharField(max_length=200, default="")
        subkind = CharField(max_length=30, default="")
        quantity = IntegerField(default=1)
        floor_area_m2 = FloatField(default=0)
        litres_per_day = FloatField(default=0)
        toilets_female = IntegerField(default=0)
        toilets_male = IntegerField(default=0)
        toilets_accessible = IntegerField(default=0)
        power_kw = FloatField(default=0)
        state = CharField(max_length=10, default="planned")
        state_since = DateField()
        notes = TextField(default="")

        class Meta:
            database = db
            table_name = "installation"

    db.create_tables([Installation])

    class InstallationState(Model):
        id = UUIDField(primary_key=True, default=uuid.uuid4)
        created_at = DateTimeField()
        created_by = CharField(max_length=100, default="")
        updated_at = DateTimeField()
        updated_by = CharField(max_length=100, default="")
        deleted_at = DateTimeField(null=True)
        installation = ForeignKeyField(Installation)
        state = CharField(max_length=10)
        changed_on = DateField()
        note = TextField(default="")

        class Meta:
            database = db
            table_name = "installation_state"

    db.create_tables([InstallationState])

    class Presence(Model):
        stay_id = UUIDField(primary_key=True)
        person_id = UUIDField(index=True)
        site_id = UUIDField()
        household_id = UUIDField()
        arrived = IntegerField()
        left = IntegerField(null=True)
        leave_reason = CharField(null=True, max_length=20)
        came_from = UUIDField(null=True)
        female = IntegerField()
        birth = IntegerField()
        flags = IntegerField()

        class Meta:
            database = db
            table_name = "presence"
            indexes = (
                (("site_id", "arrived", "left", "female", "birth", "flags"), False),
                (("site_id", "household_id", "arrived", "left", "flags"), False),
                (("arrived", "site_id"), False),
                (("left", "site_id"), False),
            )

    db.create_tables([Presence])

    class Setting(Model):
        key = CharField(primary_key=True, max_length=100)
        value = TextField()

        class Meta:
            database = db
            table_name = "setting"

    db.create_tables([Setting])

    class Stay(Model):
        id = UUIDField(primary_key=True, default=uuid.uuid4)
        created_at = DateTimeField()
        created_by = CharField(max_length=100, default="")
        updated_at = DateTimeField()
        updated_by = CharField(max_length=100, default="")
        deleted_at = DateTimeField(null=True)
        person = ForeignKeyField(Person)
        site = ForeignKeyField(Site)
        arrived_on = DateField()
        left_on = DateField(null=True)
        leave_reason = CharField(null=True, max_length=20)
        leave_note = TextField(default="")
        came_from = ForeignKeyField(Site, null=True)

        class Meta:
            database = db
            table_name = "stay"
            indexes = ((("site", "arrived_on"), False), (("site", "left_on"), False))

    db.create_tables([Stay])

    class StockItem(Model):
        id = UUIDField(primary_key=True, default=uuid.uuid4)
        created_at = DateTimeField()
        created_by = CharField(max_length=100, default="")
        updated_at = DateTimeField()
        updated_by = CharField(max_length=100, default="")
        deleted_at = DateTimeField(null=True)
        name = CharField(index=True, max_length=200)
        category = CharField(max_length=20)
        unit = CharField(max_length=20)
        has_expiry = BooleanField(default=False)
        standard = CharField(max_length=20, default="")
        per_person_per_day = DecimalField(max_digits=12, decimal_places=4, default=0)
        low_stock_level = DecimalField(max_digits=14, decimal_places=3, default=0)
        notes = TextField(default="")

        class Meta:
            database = db
            table_name = "stock_item"

    db.create_tables([StockItem])

    class StockLot(Model):
        id = UUIDField(primary_key=True, default=uuid.uuid4)
        created_at = DateTimeField()
        created_by = CharField(max_length=100, default="")
        updated_at = DateTimeField()
        updated_by = CharField(max_length=100, default="")
        deleted_at = DateTimeField(null=True)
        item = ForeignKeyField(StockItem)
        code = CharField(max_length=60, default="")
        year = IntegerField(null=True)
        expires_on = DateField(null=True)
        source = CharField(max_length=20, default="")

        class Meta:
            database = db
            table_name = "stock_lot"

    db.create_tables([StockLot])

    class StockMovement(Model):
        id = UUIDField(primary_key=True, default=uuid.uuid4)
        created_at = DateTimeField()
        created_by = CharField(max_length=100, default="")
        updated_at = DateTimeField()
        updated_by = CharField(max_length=100, default="")
        deleted_at = DateTimeField(null=True)
        site = ForeignKeyField(Site)
        item = ForeignKeyField(StockItem)
        lot = ForeignKeyField(StockLot, null=True)
        kind = CharField(max_length=20)
        delta = DecimalField(max_digits=14, decimal_places=3)
        moved_on = DateField()
        household = ForeignKeyField(Household, null=True)
        other_site = ForeignKeyField(Site, null=True)
        transfer_id = UUIDField(null=True)
        reason = CharField(max_length=20, default="")
        reference = CharField(max_length=200, default="")
        note = TextField(default="")

        class Meta:
            database = db
            table_name = "stock_movement"
            indexes = ((("site", "item", "moved_on"), False),)

    db.create_tables([StockMovement])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("stock_movement"))
    migrator.migrate(migrator.drop_table("stock_lot"))
    migrator.migrate(migrator.drop_table("stock_item"))
    migrator.migrate(migrator.drop_table("stay"))
    migrator.migrate(migrator.drop_table("setting"))
    migrator.migrate(migrator.drop_table("presence"))
    migrator.migrate(migrator.drop_table("installation_state"))
    migrator.migrate(migrator.drop_table("installation"))
    migrator.migrate(migrator.drop_table("change"))
    migrator.migrate(migrator.drop_table("activity_participant"))
    migrator.migrate(migrator.drop_table("person"))
    migrator.migrate(migrator.drop_table("household"))
    migrator.migrate(migrator.drop_table("activity"))
    migrator.migrate(migrator.drop_table("site"))
    migrator.migrate(migrator.drop_table("event"))
