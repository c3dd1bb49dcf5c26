"""Several laptops of one operation in one test process: each its own SQLite file, one bound
at a time (the models use whichever database is bound)."""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from shelter_app.domain.permissions import Actor
from shelter_app.history import records
from shelter_app.history.operations import to_json
from shelter_app.services import accounts, roster, sites, stays, stock
from shelter_app.storage.database import bind
from shelter_app.storage.models import SYNCED_MODELS, Account, Presence, SyncConflict
from shelter_app.storage.session import open_database
from shelter_app.sync import sync_file
from tests.conftest import USER, sign_in_coordinator


class Laptop:
    def __init__(self, path: Path, operator: str):
        self.path = path
        self.operator = operator
        self.db = open_database(str(path))
        records.set_operator(operator)
        self.actor = _operation_account(path.parent)

    @contextmanager
    def active(self):
        bind(self.db)
        records.set_operator(self.operator)
        records.set_actor(self.actor)
        yield self

    def close(self) -> None:
        self.db.close()


# folder of a test's laptops -> its coordinator's account, signed in
_ACCOUNTS: dict = {}


def _operation_account(folder) -> Actor:
    """The laptops of one test belong to one operation with one coordinator (``koordinator``),
    made on the first laptop; the others get the account with their first sync, as a laptop
    joining an operation does (their own changes name it meanwhile)."""
    if accounts.has_accounts():  # a laptop opened again: its account, without a new sign-in
        row = Account.get_by_id(Account.id_for(USER))
        return Actor(id=row.id.hex, username=row.username, role=row.role, name=row.full_name)
    if folder not in _ACCOUNTS:
        sign_in_coordinator()
        _ACCOUNTS[folder] = records.actor()
    return _ACCOUNTS[folder]


def _plain(value):
    if isinstance(value, Decimal):
        return value.normalize()
    return to_json(value)


def dump() -> dict:
    """Every synced record of the bound database, field by field, comparable between laptops."""
    return {
        model._meta.table_name: {
            row["id"].hex: {name: _plain(value) for name, value in row.items()} for row in model.select().dicts()
        }
        for model in SYNCED_MODELS
    }


def presence_dump() -> set:
    return {tuple(_plain(v) for v in row) for row in Presence.select().tuples()}


def conflicts_dump() -> set:
    return {(c.table, c.row_id, c.field, c.op_node, c.op_hlc, c.value) for c in SyncConflict.select()}


def carry(source: Laptop, target: Laptop, folder) -> sync_file.Imported:
    """Export on one laptop, import on the other (a USB stick between them)."""
    path = folder / f"{source.operator}-{datetime.datetime.now().timestamp()}.posko-sync"
    with source.active():
        sync_file.export(path)
    with target.active():
        return sync_file.import_file(path)


def exchange(a, b, folder):
    carry(a, b, folder)
    carry(b, a, folder)


D = datetime.date


def setup_operation(a):
    """One event, one site, one household head checked in, rice received: on laptop ``a``."""
    with a.active():
        event = sites.create_event("Gempa Cianjur", "earthquake", D(2022, 11, 21), region_code="32.03")
        site = sites.create_site(event.id, "SDN Cugenang 1", "school", D(2022, 11, 21), capacity_night=100)
        household = roster.register_household(kk="3203012503770011")
        person = roster.add_person(
            household.id, confirmed=True, name="Siti Aminah", sex="P", birth_date=D(1980, 5, 1), relationship="head"
        ).person
        stays.check_in([person.id], site.id, D(2022, 11, 22))
        rice = stock.add_item("Beras", "food", "kg", standard="rice")
        stock.receive(site.id, rice.id, 100, D(2022, 11, 22))
        return site, household, person, rice
