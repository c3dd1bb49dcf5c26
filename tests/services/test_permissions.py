"""Each role walks every service entry point: one row per action of the permission table,
allowed or refused as the table says, the refusal naming the roles that may, and a refused
action leaving the data as it was."""

import datetime
import inspect
import pkgutil
from importlib import import_module

import pytest

import shelter_app
from shelter_app.domain.errors import RuleViolation
from shelter_app.domain.permissions import COORDINATOR, OBSERVER, PERMISSIONS, ROLES, VOLUNTEER, allowed
from shelter_app.history import records
from shelter_app.services import (
    accounts,
    activities,
    anonymise,
    audit,
    changes,
    installations,
    roster,
    sites,
    stays,
    stock,
)
from shelter_app.services import settings as stored_settings
from shelter_app.storage.models import AuditEntry, Change, Household
from tests.conftest import USER

D = datetime.date
DAY = D(2022, 11, 25)
PASSWORDS = {VOLUNTEER: "hujan-deras-2022", OBSERVER: "angin-barat-2022"}
NAMES = {VOLUNTEER: "relawan", OBSERVER: "pemantau", COORDINATOR: USER}


class World:
    def __init__(self, operation, tmp_path, db):
        self.event, self.tent, self.school = operation
        self.tmp = tmp_path
        self.db_path = tmp_path / "posko.db"
        self.household = roster.register_household(kk="3203012503770033")
        self.person = roster.add_person(
            self.household.id,
            confirmed=True,
            name="Siti Aminah",
            sex="P",
            birth_date=D(1990, 1, 1),
            relationship="head",
        ).person
        stays.check_in([self.person.id], self.tent.id, D(2022, 11, 22))
        self.newcomer = roster.add_person(
            self.household.id,
            confirmed=True,
            name="Adi Saputra",
            sex="L",
            birth_date=D(2012, 3, 3),
            relationship="child",
        ).person
        self.item = stock.add_item("Beras", "food", "kg")
        self.coordinator_change = Change.select().where(Change.table == "household").get().seq
        for role in (VOLUNTEER, OBSERVER):
            accounts.add_account(NAMES[role], role, f"Akun {role}", PASSWORDS[role])

    def own_change(self) -> int:
        """A change made by the account signed in (for the undo of one's own change)."""
        return records.create(Household, kk=None).id and Change.select().order_by(Change.seq.desc()).get().seq


# action -> what a person of that role tries (one row per action of the permission table)
ROWS = {
    "figures.view": lambda w: sites.sites(),
    "reports.aggregate": lambda w: __import__("shelter_app.reports.summary", fromlist=["x"]).operation_summary(DAY),
    "stock.view": lambda w: stock.items(),
    "profile.own": lambda w: accounts.update_profile(records.actor().username, phone="081234567890"),
    "roster.view": lambda w: roster.search("Siti"),
    "roster.edit": lambda w: roster.register_household(kk=None),
    "stays.edit": lambda w: stays.check_in([w.newcomer.id], w.tent.id, DAY),
    "stock.edit": lambda w: stock.receive(w.tent.id, w.item.id, 100, DAY),
    "activities.edit": lambda w: activities.create_activity(w.tent.id, "community_kitchen", "Dapur umum", DAY),
    "installations.edit": lambda w: installations.add_installation(w.tent.id, "toilet", toilets_female=2),
    "roster.import": lambda w: _import(w),
    "sync.run": lambda w: __import__("shelter_app.sync.sync_file", fromlist=["x"]).export(w.tmp / "a.posko-sync"),
    "reports.personal": lambda w: __import__("shelter_app.reports.cards", fromlist=["x"]).household_cards(w.tent),
    "export.sites": lambda w: __import__("shelter_app.exchange.sites_export", fromlist=["x"]).export_sites(
        w.tmp / "s.csv", "csv"
    ),
    "backup.make": lambda w: __import__("shelter_app.exchange.backups", fromlist=["x"]).manual(
        w.db_path, out=w.tmp / "b.db"
    ),
    "history.view": lambda w: changes.latest(5),
    "history.undo_own": lambda w: changes.undo(w.own_seq),
    "sites.edit": lambda w: sites.create_site(w.event.id, "Posko Baru", "school", DAY),
    "identity.full": lambda w: __import__("shelter_app.reports.roster", fromlist=["x"]).site_roster(
        w.tent, DAY, full_nik=True
    ),
    "export.personal": lambda w: __import__("shelter_app.exchange.roster_export", fromlist=["x"]).export_roster(
        w.tmp / "r.csv", "csv", day=DAY
    ),
    "history.undo_any": lambda w: changes.undo(w.coordinator_change),
    "settings.edit": lambda w: stored_settings.change_text("standards_profile", "sphere"),
    "accounts.manage": lambda w: accounts.add_account("baru", VOLUNTEER, "Orang Baru", "sandi-baru-123"),
    "backup.restore": lambda w: __import__("shelter_app.exchange.backups", fromlist=["x"]).restore(
        w.tmp / "none.db", w.tmp / "other.db"
    ),
    "sync.settle": lambda w: __import__("shelter_app.sync.settling", fromlist=["x"]).resolve(999, restore=False),
    "audit.view": lambda w: audit.entries(),
    "data.anonymise": lambda w: anonymise.anonymise(DAY),
}


def _import(world):
    from shelter_app.exchange.roster_import import import_roster

    path = world.tmp / "roster.csv"
    path.write_text("nama,jenis kelamin,tanggal lahir\nBudi,L,2001-01-01\n", encoding="utf-8")
    return import_roster(path, dry_run=True, backup=False)


def test_every_action_of_the_table_has_a_row():
    assert set(ROWS) == set(PERMISSIONS)


def test_every_checked_entry_point_names_an_action_of_the_table():
    checked = {}
    for package in ("services", "sync", "exchange", "reports"):
        root = import_module(f"shelter_app.{package}")
        for info in pkgutil.iter_modules(root.__path__):
            module = import_module(f"shelter_app.{package}.{info.name}")
            for name, func in inspect.getmembers(module, inspect.isfunction):
                if getattr(func, "permission", None) and func.__module__ == module.__name__:
                    checked[f"{module.__name__}.{name}"] = func.permission
    assert len(checked) > 80  # the services' entry points, not a handful
    assert set(checked.values()) <= set(PERMISSIONS), set(checked.values()) - set(PERMISSIONS)
    assert shelter_app  # the package walked


@pytest.mark.parametrize("action", sorted(ROWS))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_do_what_the_table_says(db, operation, tmp_path, role, action):
    world = World(operation, tmp_path, db)
    if role == COORDINATOR:
        records.actor()  # the fixture's coordinator is signed in
    else:
        accounts.sign_in(NAMES[role], PASSWORDS[role])
    world.own_seq = world.own_change()
    if allowed(role, action):
        try:
            ROWS[action](world)
        except RuleViolation as error:  # a rule of the data (no such conflict, no file) is fine
            assert error.field != "account", error.text("en")
        return
    before = Change.select().where(Change.table != "audit_entry").count()
    entries = AuditEntry.select().count()
    with pytest.raises(RuleViolation) as refused:
        ROWS[action](world)
    assert refused.value.field == "account"
    allowed_roles = [r for r in ROLES if allowed(r, action)]
    words = {COORDINATOR: "koordinator", VOLUNTEER: "relawan", OBSERVER: "pemantau"}
    text_id, text_en = refused.value.text("id"), refused.value.text("en")
    assert all(words[r] in text_id and r in text_en for r in allowed_roles), (text_id, text_en)
    assert f"({words[role]})" in text_id and f"({role})" in text_en
    assert Change.select().where(Change.table != "audit_entry").count() == before  # nothing changed
    assert AuditEntry.select().count() == entries


def test_nobody_signed_in_may_do_nothing(db, operation):
    records.set_actor(None)
    with pytest.raises(RuleViolation) as refused:
        sites.sites()
    assert "Sign in" in refused.value.text("en") and "Masuk" in refused.value.text("id")
