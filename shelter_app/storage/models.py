"""The tables of an evacuation operation.

Every synced record has a random UUID key, who and when it was created and last changed,
and a tombstone instead of a hard delete, so that laptops can later merge their copies.
Nothing here is SQLite-only: the same models serve the PostgreSQL hub. Rules live in
``shelter_app.services``; these classes only say what is stored.
"""

from __future__ import annotations

import datetime
import uuid

from peewee import (
    AutoField,
    BigIntegerField,
    BlobField,
    BooleanField,
    CharField,
    CompositeKey,
    DatabaseProxy,
    DateField,
    DateTimeField,
    DecimalField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
    UUIDField,
)

database = DatabaseProxy()


def utc_now() -> datetime.datetime:
    """Naive UTC, the same on every laptop whatever its time zone."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Record(BaseModel):
    """A synced record: UUID key, audit stamps, soft delete."""

    id = UUIDField(primary_key=True, default=uuid.uuid4)
    created_at = DateTimeField(default=utc_now)
    created_by = CharField(max_length=100, default="")
    updated_at = DateTimeField(default=utc_now)
    updated_by = CharField(max_length=100, default="")
    deleted_at = DateTimeField(null=True)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


# --- events and sites -------------------------------------------------------------------


class Event(Record):
    name = CharField(max_length=200)
    kind = CharField(max_length=30)  # domain.choices.EVENT_KINDS
    started_on = DateField()
    ended_on = DateField(null=True)
    region_code = CharField(max_length=13, default="")  # regency or district, dotted
    notes = TextField(default="")
    glide = CharField(max_length=30, default="")  # GLIDE number, e.g. EQ-2022-000191-IDN


class Site(Record):
    event = ForeignKeyField(Event, backref="sites")
    name = CharField(max_length=200, index=True)
    kind = CharField(max_length=30)  # domain.choices.SITE_KINDS
    village_code = CharField(max_length=13, default="")
    address = TextField(default="")
    latitude = FloatField(null=True)
    longitude = FloatField(null=True)
    capacity_day = IntegerField(default=0)
    capacity_night = IntegerField(default=0)
    covered_area_m2 = FloatField(default=0)
    status = CharField(max_length=10, default="open")  # open / closed
    opened_on = DateField()
    closed_on = DateField(null=True)
    contact_name = CharField(max_length=200, default="")
    contact_phone = CharField(max_length=30, default="")
    notes = TextField(default="")
    managing_agency = CharField(max_length=200, default="")  # CCCM: who manages the site
    land_ownership = CharField(max_length=20, default="")  # domain.choices.LAND_OWNERSHIP


class Installation(Record):
    """Pallet floors, water installations, toilets, taps, generators, kitchens, tents."""

    site = ForeignKeyField(Site, backref="installations")
    kind = CharField(max_length=20)  # domain.choices.INSTALLATION_KINDS
    name = CharField(max_length=200, default="")
    subkind = CharField(max_length=30, default="")  # e.g. water: tank / purifier / well
    quantity = IntegerField(default=1)  # pallets, taps, tents, generators...
    floor_area_m2 = FloatField(default=0)  # pallets and tents: covered floor
    litres_per_day = FloatField(default=0)  # clean-water installations, all units together
    toilets_female = IntegerField(default=0)
    toilets_male = IntegerField(default=0)
    toilets_accessible = IntegerField(default=0)
    power_kw = FloatField(default=0)  # generators, all units together
    state = CharField(max_length=10, default="planned")  # planned/working/broken/removed
    state_since = DateField()
    notes = TextField(default="")


class InstallationState(Record):
    """One change of an installation's state; the history is never overwritten."""

    installation = ForeignKeyField(Installation, backref="state_changes")
    state = CharField(max_length=10)
    changed_on = DateField()
    note = TextField(default="")


# --- the roster -------------------------------------------------------------------------


class Household(Record):
    kk = CharField(max_length=16, null=True, index=True)
    origin_village_code = CharField(max_length=13, default="")
    address = TextField(default="")
    notes = TextField(default="")


class Person(Record):
    household = ForeignKeyField(Household, backref="members")
    nik = CharField(max_length=16, null=True, index=True)
    name = CharField(max_length=200)
    # The name's normalised key (``domain.names.name_key``): sorting, duplicates, prefix search.
    name_key = CharField(max_length=200, index=True)
    sex = CharField(max_length=1)  # L (laki-laki) / P (perempuan)
    birth_date = DateField()
    birth_date_estimated = BooleanField(default=False)
    relationship = CharField(max_length=20, default="other")  # domain.choices.RELATIONSHIPS
    pregnant = BooleanField(default=False)
    lactating = BooleanField(default=False)
    disability = BooleanField(default=False)
    disability_note = CharField(max_length=200, default="")
    chronic_illness = BooleanField(default=False)
    unaccompanied_child = BooleanField(default=False)
    phone = CharField(max_length=30, default="")
    notes = TextField(default="")


class Stay(Record):
    """A person's time at one site. A transfer closes one stay and opens the next."""

    person = ForeignKeyField(Person, backref="stays")
    site = ForeignKeyField(Site, backref="stays")
    arrived_on = DateField()
    left_on = DateField(null=True)
    leave_reason = CharField(max_length=20, null=True)  # domain.choices.LEAVE_REASONS
    leave_note = TextField(default="")
    came_from = ForeignKeyField(Site, null=True, backref="transfers_out")
    arrival_reason = CharField(max_length=20, default="")  # "" new (or transfer: came_from), "born"

    class Meta:
        indexes = ((("site", "arrived_on"), False), (("site", "left_on"), False))


# --- the social stockpile ---------------------------------------------------------------


class StockItem(Record):
    name = CharField(max_length=200, index=True)
    category = CharField(max_length=20)  # domain.choices.STOCK_CATEGORIES
    unit = CharField(max_length=20)
    has_expiry = BooleanField(default=False)
    # Which minimum standard the item meets ("rice"); empty for the others.
    standard = CharField(max_length=20, default="")
    # What one person uses a day, for days of supply (rice: 0.4 kg); 0 = not consumed daily.
    per_person_per_day = DecimalField(max_digits=12, decimal_places=4, default=0)
    low_stock_level = DecimalField(max_digits=14, decimal_places=3, default=0)
    notes = TextField(default="")


class StockLot(Record):
    item = ForeignKeyField(StockItem, backref="lots")
    code = CharField(max_length=60, default="")
    year = IntegerField(null=True)
    expires_on = DateField(null=True)
    source = CharField(max_length=20, default="")  # donated / procured / government


class StockMovement(Record):
    """One movement of stock at a site. ``delta`` is signed: on hand is their sum."""

    site = ForeignKeyField(Site, backref="stock_movements")
    item = ForeignKeyField(StockItem, backref="movements")
    lot = ForeignKeyField(StockLot, null=True, backref="movements")
    kind = CharField(max_length=20)  # domain.choices.MOVEMENT_KINDS
    delta = DecimalField(max_digits=14, decimal_places=3)
    moved_on = DateField()
    household = ForeignKeyField(Household, null=True, backref="distributions")
    other_site = ForeignKeyField(Site, null=True, backref="stock_transfers_in")
    transfer_id = UUIDField(null=True)  # both legs of one transfer
    reason = CharField(max_length=20, default="")  # adjustments: domain.choices.ADJUST_REASONS
    reference = CharField(max_length=200, default="")  # delivery note, donor...
    note = TextField(default="")

    class Meta:
        # Covers the balance query (sum of delta per site and item up to a day): see 0002.
        indexes = ((("site", "item", "moved_on", "deleted_at", "delta"), False),)


# --- activities -------------------------------------------------------------------------


class Activity(Record):
    site = ForeignKeyField(Site, backref="activities")
    kind = CharField(max_length=30)  # domain.choices.ACTIVITY_KINDS
    title = CharField(max_length=200)
    held_on = DateField()
    ends_on = DateField(null=True)
    facilitator = CharField(max_length=200, default="")
    outcome = TextField(default="")


class ActivityParticipant(Record):
    activity = ForeignKeyField(Activity, backref="participants")
    person = ForeignKeyField(Person, backref="activities")


class KitchenMeals(Record):
    """The portions a community kitchen (an activity) served on one day."""

    activity = ForeignKeyField(Activity, backref="meals")
    served_on = DateField()
    morning = IntegerField(default=0)
    midday = IntegerField(default=0)
    evening = IntegerField(default=0)

    class Meta:
        indexes = ((("activity", "served_on"), False),)


class SiteDay(Record):
    """What a site's coordinator records for the day's report: urgent needs (JSON list of
    item, quantity, unit, priority), obstacles (kendala) and follow-up (rencana tindak lanjut)."""

    site = ForeignKeyField(Site, backref="days")
    day = DateField()
    urgent_needs = TextField(default="[]")
    obstacles = TextField(default="")
    follow_up = TextField(default="")

    class Meta:
        indexes = ((("site", "day"), False),)


# --- the operation's settings -----------------------------------------------------------

# uuid5 namespace of the operation settings' ids: one id per key on every laptop.
OPERATION_SETTING_NAMESPACE = uuid.UUID("5d0c6a3e-6f2b-5b8e-9a51-706f736b6f73")


class OperationSetting(Record):
    """One setting that belongs to the whole operation (``domain.settings_catalog``, scope
    "operation"): synced and recorded like any record. Its id comes from its key, so two
    laptops setting the same key edit one record, merged like any other field."""

    key = CharField(max_length=100, index=True)
    value = TextField(default="null")  # JSON

    @staticmethod
    def id_for(key: str) -> uuid.UUID:
        return uuid.uuid5(OPERATION_SETTING_NAMESPACE, key)


# --- accounts and the audit trail (synced; services.accounts, services.audit) ------------

# uuid5 namespace of the accounts' ids: a username names one account on every laptop.
ACCOUNT_NAMESPACE = uuid.UUID("0b6f3c1e-2d4a-5f7b-8c9d-6163636f756e")


class Account(Record):
    """A person who signs in, with a role (``domain.permissions``). Its id comes from the
    username, so the same username made on two laptops is one account. ``key_slot`` is room
    for the operation key wrapped with a key derived from the password (encryption at rest);
    the password hash itself lives apart, in ``AccountCredential``."""

    username = CharField(max_length=60, index=True)
    full_name = CharField(max_length=200, default="")
    role = CharField(max_length=20)  # domain.permissions.ROLES
    position = CharField(max_length=200, default="")
    agency = CharField(max_length=200, default="")
    phone = CharField(max_length=30, default="")
    disabled = BooleanField(default=False)
    key_slot = TextField(null=True)  # JSON, the wrapped operation key (none yet)

    @staticmethod
    def id_for(username: str) -> uuid.UUID:
        return uuid.uuid5(ACCOUNT_NAMESPACE, username.strip().lower())


class AccountCredential(Record):
    """An account's password as an argon2id hash (its parameters and salt inside), and
    nothing else: one per account, its id the account's."""

    account = ForeignKeyField(Account, backref="credentials")
    password_hash = CharField(max_length=200)


class AuditEntry(Record):
    """One line of the audit trail: appended, never edited, synced to the hub with the data.
    ``action`` names what happened (``services.audit``), ``persons`` how many persons' data
    it touched, ``target`` where it went (a file, a printer, the hub), ``detail`` JSON."""

    at = DateTimeField(default=utc_now, index=True)
    account = CharField(max_length=32, default="")  # the account's id, "" before a sign-in
    username = CharField(max_length=60, default="")
    action = CharField(max_length=40)
    persons = IntegerField(default=0)
    target = TextField(default="")
    detail = TextField(default="{}")  # JSON, never personal data or a password


# --- local tables (not synced) ----------------------------------------------------------


class Change(BaseModel):
    """The history of every change to a record: who, when, which fields, old and new."""

    seq = AutoField()
    table = CharField(max_length=60)
    row_id = CharField(max_length=32, index=True)
    action = CharField(max_length=12)  # insert / update / delete / restore / bulk_insert
    # JSON: {"field": [old, new]} for update, the row for insert; ids for bulk_insert.
    data = TextField(default="{}")
    at = DateTimeField(default=utc_now)
    by = CharField(max_length=100, default="")
    undoes = IntegerField(null=True)  # seq of the change this one undid
    # Sync (shelter_app.sync): the operation's hybrid-logical-clock stamp and the laptop that
    # made it; (node, hlc) names the operation everywhere. A bulk insert of n rows owns n
    # consecutive stamps. ``bases``: JSON {field: ["hlc.node", ...]}, the operations this edit
    # knowingly replaced. ``source``: where a received operation came from ("" = made here).
    hlc = BigIntegerField(default=0)
    node = CharField(max_length=32, default="")
    span = IntegerField(default=1)
    bases = TextField(null=True)
    source = CharField(max_length=60, default="")
    # The account that made the change (its id; "" before accounts); ``by`` is the display name.
    account = CharField(max_length=32, default="")

    class Meta:
        indexes = ((("node", "hlc"), True), (("hlc",), False))


class SyncConflict(BaseModel):
    """An edit that lost to a concurrent edit of the same field (derived from the operations
    by ``history.conflicts``; the same on every laptop that holds the same operations)."""

    id = AutoField()
    table = CharField(max_length=60)
    row_id = CharField(max_length=32)
    field = CharField(max_length=60)
    op_node = CharField(max_length=32)
    op_hlc = BigIntegerField()
    value = TextField()  # JSON of the losing value
    by = CharField(max_length=100, default="")
    at = DateTimeField()

    class Meta:
        indexes = ((("table", "row_id", "field", "op_node", "op_hlc"), True),)


class SyncQuarantine(BaseModel):
    """A received operation that broke a rule (``history.field_rules``): kept aside, never
    applied, with where it came from and why. Local to this laptop, never synced."""

    id = AutoField()
    received_at = DateTimeField(default=utc_now)
    source = CharField(max_length=80, default="")  # "file:<node>" or "hub:<id>"
    table = CharField(max_length=60, default="")
    row_id = CharField(max_length=64, default="")
    node = CharField(max_length=64, default="")
    hlc = CharField(max_length=40, default="")  # as text: it may be outside the 64-bit range
    action = CharField(max_length=20, default="")
    field = CharField(max_length=80, default="")
    reason = TextField(default="")  # JSON {"msgid": ..., "params": {...}}, rendered on demand
    operation = TextField(default="")  # the operation as received (JSON, cut at 20,000 characters)

    class Meta:
        indexes = ((("node", "hlc", "table", "row_id"), True),)


class Setting(BaseModel):
    """This laptop's settings (scope "laptop" in ``domain.settings_catalog``) and the
    machinery's own bookkeeping (laptop id, sync cursors): JSON values, never synced."""

    key = CharField(max_length=100, primary_key=True)
    value = TextField()


class Presence(BaseModel):
    """Derived from stays and persons, one row per stay, with the person's facts as small
    integers, so that the figures of every site on any day are one index scan. Rebuilt from
    the records at any time (``services.presence``); never edited by hand, never synced."""

    stay_id = UUIDField(primary_key=True)
    person_id = UUIDField(index=True)
    site_id = UUIDField()
    household_id = UUIDField()
    arrived = IntegerField()  # date.toordinal()
    left = IntegerField(null=True)
    leave_reason = CharField(max_length=20, null=True)
    came_from = UUIDField(null=True)
    female = IntegerField()  # 1 = perempuan
    birth = IntegerField()  # date.toordinal()
    flags = IntegerField()  # services.presence.FLAG_*

    class Meta:
        indexes = (
            # Site then sex first: a day's figures group by them while reading the index in order.
            (("site_id", "female", "arrived", "left", "birth", "flags"), False),
            (("site_id", "household_id", "arrived", "left", "flags"), False),
            (("arrived", "site_id"), False),
            (("left", "site_id"), False),
        )


class SearchKey(BaseModel):
    """Derived: every key a live person is found by (each word of the name, the digits of the
    NIK and of the household's KK that the screen shows), written by the database's triggers
    from ``domain.names.search_keys`` (SQLite; migration 0009). Never edited, never synced."""

    key = CharField(max_length=200)
    sort = CharField(max_length=200)  # the person's name_key: matches come in name order
    owner = UUIDField()  # the person's id

    class Meta:
        table_name = "search_key"
        primary_key = CompositeKey("key", "sort", "owner")
        indexes = ((("owner", "key"), False),)


SYNCED_MODELS = [
    Event,
    Site,
    Installation,
    InstallationState,
    Household,
    Person,
    Stay,
    StockItem,
    StockLot,
    StockMovement,
    Activity,
    ActivityParticipant,
    OperationSetting,
    KitchenMeals,
    SiteDay,
    Account,
    AccountCredential,
    AuditEntry,
]


# --- the report outbox (local, not synced; outbox.queue) ----------------------------------


class OutboxItem(BaseModel):
    """A generated report waiting to leave (or gone): the PDF itself is kept here, so the
    queue survives restarts and power cuts."""

    id = UUIDField(primary_key=True, default=uuid.uuid4)
    title = CharField(max_length=300)
    kind = CharField(max_length=30)
    pdf = BlobField()
    created_at = DateTimeField(default=utc_now, index=True)
    created_by = CharField(max_length=100, default="")


class OutboxDelivery(BaseModel):
    """One report to one destination ("folder" or "email"): attempts, last error, next try."""

    id = AutoField()
    item = ForeignKeyField(OutboxItem, backref="deliveries", on_delete="CASCADE")
    destination = CharField(max_length=30)
    status = CharField(max_length=10, default="pending")  # pending / done
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(default=utc_now)
    last_attempt_at = DateTimeField(null=True)
    last_error = TextField(default="")  # JSON {"msgid": ..., "params": {...}}, rendered on demand
    delivered_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("item", "destination"), True),
            (("status", "next_attempt_at"), False),
        )


LOCAL_MODELS = [Change, SyncConflict, SyncQuarantine, Setting, Presence, SearchKey, OutboxItem, OutboxDelivery]
ALL_MODELS = SYNCED_MODELS + LOCAL_MODELS
