"""Records, fields and values of the synced tables as people read them (the Sync page's lists).

A conflict names a table, a record id, a column and two values as stored; a coordinator
needs "Person: Siti Aminah", "Name", "22/11/2022", "Yes", a site's name rather than its id.
"""

from __future__ import annotations

import datetime
import decimal
import json
import uuid

from peewee import ForeignKeyField

from shelter_app.domain import choices, identity, regions, settings_catalog
from shelter_app.domain.errors import RuleViolation
from shelter_app.history.operations import MODELS_BY_TABLE
from shelter_app.i18n import N_, tr, translate
from shelter_app.i18n.formats import local_time, number, short_date
from shelter_app.storage.models import (
    Activity,
    Event,
    Household,
    Installation,
    OperationSetting,
    Person,
    Site,
    Stay,
    StockItem,
)

TABLE_LABELS = {
    "event": N_("Disaster event"),
    "site": N_("Site"),
    "installation": N_("Installation"),
    "installation_state": N_("Installation state change"),
    "household": N_("Household"),
    "person": N_("Person"),
    "stay": N_("Stay at a site"),
    "stock_item": N_("Stock item"),
    "stock_lot": N_("Stock lot"),
    "stock_movement": N_("Stock movement"),
    "activity": N_("Activity"),
    "activity_participant": N_("Activity participant"),
    "operation_setting": N_("Setting of the operation"),
    "kitchen_meals": N_("Meals served by a kitchen"),
    "site_day": N_("Report fields of a site's day"),
}

# The label of a column, first for its table, else for its name wherever it appears.
FIELD_LABELS = {
    "name": N_("Name"),
    "notes": N_("Notes"),
    "note": N_("Note"),
    "address": N_("Address"),
    "phone": N_("Phone"),
    "site": N_("Site"),
    "person": N_("Person"),
    "household": N_("Household"),
    "item": N_("Item"),
    "activity": N_("Activity"),
    "installation": N_("Installation"),
    "event": N_("Event"),
    "state": N_("State"),
    "quantity": N_("Quantity"),
    "deleted_at": N_("Deleted"),
    # event
    "event.kind": N_("Kind of disaster"),
    "started_on": N_("Start date"),
    "ended_on": N_("End date"),
    "region_code": N_("Region"),
    # site
    "site.kind": N_("Kind of site"),
    "village_code": N_("Village"),
    "latitude": N_("Latitude"),
    "longitude": N_("Longitude"),
    "capacity_day": N_("Capacity by day"),
    "capacity_night": N_("Capacity by night"),
    "covered_area_m2": N_("Covered floor area"),
    "site.status": N_("Status of the site"),
    "opened_on": N_("Opening date"),
    "closed_on": N_("Closing date"),
    "contact_name": N_("Contact person"),
    "contact_phone": N_("Contact phone"),
    # installations
    "installation.kind": N_("Kind of installation"),
    "subkind": N_("Type of water installation"),
    "floor_area_m2": N_("Floor area (m²)"),
    "litres_per_day": N_("Litres per day"),
    "toilets_female": N_("Toilets for women"),
    "toilets_male": N_("Toilets for men"),
    "toilets_accessible": N_("Accessible toilets"),
    "power_kw": N_("Power (kW)"),
    "state_since": N_("State since"),
    "changed_on": N_("Date"),
    # households and persons
    "kk": N_("KK number"),
    "origin_village_code": N_("Village of origin"),
    "nik": N_("NIK"),
    "sex": N_("Sex"),
    "birth_date": N_("Birth date"),
    "birth_date_estimated": N_("Birth date estimated"),
    "relationship": N_("Relationship to the head"),
    "pregnant": N_("Pregnant"),
    "lactating": N_("Breast-feeding"),
    "disability": N_("Disability"),
    "disability_note": N_("Disability details"),
    "chronic_illness": N_("Chronic illness"),
    "unaccompanied_child": N_("Unaccompanied child"),
    # stays
    "arrived_on": N_("Arrival date"),
    "left_on": N_("Departure date"),
    "leave_reason": N_("Reason for leaving"),
    "leave_note": N_("Note"),
    "came_from": N_("Transferred from"),
    # stock
    "stock_item.name": N_("Item name"),
    "category": N_("Category"),
    "unit": N_("Unit"),
    "has_expiry": N_("Has an expiry date"),
    "standard": N_("Standard"),
    "per_person_per_day": N_("Use per person per day"),
    "low_stock_level": N_("Low-stock level"),
    "lot": N_("Lot"),
    "code": N_("Lot code"),
    "year": N_("Year"),
    "expires_on": N_("Expiry date"),
    "source": N_("Source"),
    "stock_movement.kind": N_("Kind"),
    "delta": N_("Quantity"),
    "moved_on": N_("Date"),
    "other_site": N_("Other site"),
    "transfer_id": N_("Transfer"),
    "reason": N_("Reason"),
    "reference": N_("Reference"),
    # activities
    "activity.kind": N_("Kind of activity"),
    "title": N_("Title"),
    "held_on": N_("Date"),
    "ends_on": N_("End date"),
    "facilitator": N_("Facilitator"),
    "outcome": N_("Outcome"),
    # settings of the operation
    "operation_setting.key": N_("Setting"),
    "operation_setting.value": N_("Value"),
}

# Columns holding a code from a list: shown by its label.
CHOICES = {
    "event.kind": choices.EVENT_KINDS,
    "site.kind": choices.SITE_KINDS,
    "site.status": choices.SITE_STATUSES,
    "installation.kind": choices.INSTALLATION_KINDS,
    "installation.subkind": choices.WATER_KINDS,
    "installation.state": choices.INSTALLATION_STATES,
    "installation_state.state": choices.INSTALLATION_STATES,
    "person.sex": choices.SEXES,
    "person.relationship": choices.RELATIONSHIPS,
    "stay.leave_reason": choices.LEAVE_REASONS,
    "stock_item.category": choices.STOCK_CATEGORIES,
    "stock_movement.kind": choices.MOVEMENT_KINDS,
    "stock_movement.reason": choices.ADJUST_REASONS,
    "stock_lot.source": choices.STOCK_SOURCES,
    "activity.kind": choices.ACTIVITY_KINDS,
}
MASKED = {"nik", "kk"}
REGION_LEVELS = {1: regions.province, 2: regions.regency, 3: regions.district, 4: regions.village}


def table_label(table: str) -> str:
    return translate(TABLE_LABELS[table]) if table in TABLE_LABELS else table.replace("_", " ")


def field_label(table: str, field: str) -> str:
    msgid = FIELD_LABELS.get(f"{table}.{field}") or FIELD_LABELS.get(field)
    return translate(msgid) if msgid else field.replace("_", " ")


def who_when(by: str, at: datetime.datetime | None) -> str:
    """Ani, 23/11/2022 10:31."""
    parts = [by or tr("(unknown)"), local_time(at)]
    return ", ".join(part for part in parts if part)


def _region(code: str) -> str:
    found = REGION_LEVELS.get(len(code.split(".")), lambda _code: None)(code)
    return regions.full_name(found) if found else code


def describe(record, deleted_note: bool = True) -> str:
    """ "Person: Siti Aminah", "Site: SDN Cugenang 1", "Household, KK ••••0011"; otherwise the
    kind of record. A deleted record says so."""
    table = record._meta.table_name
    kind = table_label(table)
    what = ""
    if isinstance(record, (Person, Site, Event, StockItem)):
        what = record.name
    elif isinstance(record, Activity):
        what = record.title
    elif isinstance(record, Installation):
        what = record.name or choices.label(choices.INSTALLATION_KINDS, record.kind)
    elif isinstance(record, Household):
        text = tr("Household, KK {kk}", kk=identity.mask(record.kk)) if record.kk else kind
        return text + (f" ({tr('deleted')})" if deleted_note and record.deleted_at else "")
    elif isinstance(record, Stay):
        person = Person.get_or_none(Person.id == record.person_id)
        what = person.name if person else ""
    elif isinstance(record, OperationSetting):
        spec = settings_catalog.BY_KEY.get(record.key)
        what = str(spec.title) if spec else record.key
    text = f"{kind}: {what}" if what else kind
    if deleted_note and record.deleted_at is not None:
        text += f" ({tr('deleted')})"
    return text


def _related(field: ForeignKeyField, value) -> str:
    model = field.rel_model
    key = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    record = model.get_or_none(model.id == key)
    return describe(record, deleted_note=False).split(": ", 1)[-1] if record is not None else tr("(unknown)")


def value_text(table: str, field: str, value) -> str:
    """A field's value as people read it: dates in the language's format, Yes/No, labels of
    codes, names of linked records, masked NIK and KK."""
    if field == "deleted_at":
        return tr("deleted") if value else tr("not deleted")
    if value is None or value == "":
        return tr("(empty)")
    if table == "operation_setting" and field == "value":
        return _setting_text(str(value))
    model = MODELS_BY_TABLE.get(table)
    column = model._meta.fields.get(field) if model is not None else None
    if isinstance(column, ForeignKeyField):
        try:
            return _related(column, value)
        except ValueError:
            return str(value)
    if isinstance(value, bool):
        return tr("Yes") if value else tr("No")
    if isinstance(value, datetime.datetime):
        return local_time(value)
    if isinstance(value, datetime.date):
        return short_date(value)
    if isinstance(value, (int, float, decimal.Decimal)):
        return number(value, 3)
    if f"{table}.{field}" in CHOICES:
        return choices.label(CHOICES[f"{table}.{field}"], str(value))
    if field in MASKED:
        return identity.mask(str(value))
    if field.endswith("region_code") or field.endswith("village_code"):
        return _region(str(value))
    return str(value)


def _setting_text(stored: str) -> str:
    """An operation setting's value (JSON) as its declaration shows it."""
    try:
        plain = json.loads(stored)
    except ValueError:
        return stored
    if plain is None:
        return tr("(empty)")
    for spec in settings_catalog.declared(settings_catalog.OPERATION):  # the one whose checks it passes
        try:
            return spec.show(spec.check(spec.kind.from_json(plain)))
        except (RuleViolation, TypeError, KeyError, AttributeError, ValueError):
            continue
    return str(plain)
