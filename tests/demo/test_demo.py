"""The demo operation: plausible, reproducible, consistent, and all-or-nothing."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from shelter_app.demo.generator import END, START, DemoCancelled, DemoSummary, build_demo
from shelter_app.domain.errors import RuleViolation
from shelter_app.domain.identity import check_nik, parse_kk
from shelter_app.storage.models import (
    Activity,
    ActivityParticipant,
    Event,
    Household,
    Installation,
    InstallationState,
    Person,
    Presence,
    Site,
    Stay,
    StockMovement,
)
from shelter_app.storage.session import open_database

PERSONS, SEED = 600, 3


@pytest.fixture
def db(tmp_path):
    database = open_database(str(tmp_path / "t.db"))
    yield database
    database.close()


@pytest.fixture
def summary(db) -> DemoSummary:
    return build_demo(persons=PERSONS, seed=SEED)


def roster() -> list[tuple]:
    return list(Person.select(Person.id, Person.name, Person.nik).order_by(Person.id).tuples())


def test_counts_are_in_range(summary):
    assert summary.persons == PERSONS == Person.select().count()
    assert summary.sites == Site.select().count() == 6
    assert 120 <= summary.households == Household.select().count() <= 210
    assert PERSONS <= summary.stays == Stay.select().count() <= PERSONS * 1.3
    assert summary.movements == StockMovement.select().count() > 200
    assert 10 <= summary.activities == Activity.select().count()
    assert Event.select().count() == 1
    assert Presence.select().count() == summary.stays  # the index was rebuilt
    kinds = {site.kind for site in Site.select()}
    assert {"tent_camp", "school", "mosque", "government_building", "sports_hall", "spontaneous"} <= kinds
    assert Site.select().where(Site.status == "closed").count() == 1
    movement_kinds = {row[0] for row in StockMovement.select(StockMovement.kind).tuples()}
    assert movement_kinds == {"received", "issued", "distributed", "transfer_out", "transfer_in", "adjusted"}


def test_proportions_are_plausible(summary):
    persons = list(Person.select())
    heads = [p for p in persons if p.relationship == "head"]
    with_nik = sum(1 for p in persons if p.nik)
    assert 0.82 <= with_nik / len(persons) <= 0.97
    assert 0.03 <= sum(p.birth_date_estimated for p in persons) / len(persons) <= 0.14
    assert 0.03 <= sum(p.sex == "P" for p in heads) / len(heads) <= 0.22
    assert 2.9 <= len(persons) / len(heads) <= 4.5
    assert not any(p.pregnant and p.lactating for p in persons)
    assert all(p.phone.startswith("08") and 11 <= len(p.phone) <= 13 for p in persons if p.phone)
    left = {s.person_id for s in Stay.select().where(Stay.leave_reason.not_in(["transferred"]))}
    assert 0.12 <= len(left) / len(persons) <= 0.4


def test_same_seed_same_data_other_seed_other_data(db, tmp_path):
    build_demo(persons=PERSONS, seed=SEED)
    first = roster()
    again = open_database(str(tmp_path / "again.db"))
    try:
        build_demo(persons=PERSONS, seed=SEED)
        assert roster() == first
    finally:
        again.close()
    other = open_database(str(tmp_path / "other.db"))
    try:
        build_demo(persons=PERSONS, seed=SEED + 1)
        second = roster()
        assert {row[0] for row in second}.isdisjoint({row[0] for row in first})
        assert [row[1] for row in second] != [row[1] for row in first]
    finally:
        other.close()


def test_every_nik_and_kk_is_valid(summary):
    niks = []
    for person in Person.select().where(Person.nik.is_null(False)):
        check_nik(person.nik, person.birth_date, person.sex, person.birth_date_estimated, today=END)
        niks.append(person.nik)
    assert len(niks) == len(set(niks))
    kks = [h.kk for h in Household.select().where(Household.kk.is_null(False))]
    assert len(kks) == len(set(kks))
    for kk in kks:
        parse_kk(kk)


def test_one_head_per_household_and_ages_fit(summary):
    heads = Counter(p.household_id for p in Person.select().where(Person.relationship == "head"))
    assert set(heads) == {h.id for h in Household.select()}
    assert set(heads.values()) == {1}
    members = defaultdict(list)
    for person in Person.select():
        members[person.household_id].append(person)
    for people in members.values():
        head = next(p for p in people if p.relationship == "head")
        for person in people:
            if person.relationship in ("child", "grandchild"):
                assert person.birth_date > head.birth_date
            if person.relationship in ("parent", "parent_in_law"):
                assert person.birth_date < head.birth_date


def test_stays_never_overlap_and_stay_in_the_period(summary):
    sites = {site.id: site for site in Site.select()}
    stays = defaultdict(list)
    for stay in Stay.select():
        assert START <= stay.arrived_on <= END
        assert stay.left_on is None or stay.arrived_on < stay.left_on <= END
        assert (stay.left_on is None) == (stay.leave_reason is None)
        site = sites[stay.site_id]
        assert stay.arrived_on >= site.opened_on
        if site.closed_on is not None:
            assert stay.left_on is not None and stay.left_on <= site.closed_on
        stays[stay.person_id].append(stay)
    assert len(stays) == PERSONS
    for person_stays in stays.values():
        person_stays.sort(key=lambda s: s.arrived_on)
        for before, after in zip(person_stays, person_stays[1:]):
            assert before.left_on is not None and before.left_on <= after.arrived_on
            if after.came_from_id is not None:
                assert before.leave_reason == "transferred" and before.left_on == after.arrived_on
                assert after.came_from_id == before.site_id != after.site_id


def test_stock_never_negative(summary):
    by_day = defaultdict(lambda: defaultdict(Decimal))
    by_lot = defaultdict(lambda: defaultdict(Decimal))
    for movement in StockMovement.select():
        by_day[(movement.site_id, movement.item_id)][movement.moved_on] += movement.delta
        by_lot[(movement.site_id, movement.item_id, movement.lot_id)][movement.moved_on] += movement.delta
        assert START <= movement.moved_on <= END
        assert (movement.delta > 0) == (movement.kind in ("received", "transfer_in"))
        assert (movement.household_id is not None) == (movement.kind == "distributed")
    for days in (*by_day.values(), *by_lot.values()):
        balance = Decimal(0)
        for day in sorted(days):
            balance += days[day]
            assert balance >= 0


def test_transfers_pair_up(summary):
    legs = defaultdict(list)
    for movement in StockMovement.select().where(StockMovement.transfer_id.is_null(False)):
        legs[movement.transfer_id].append(movement)
    assert legs
    for pair in legs.values():
        out, into = sorted(pair, key=lambda m: m.delta)
        assert (out.kind, into.kind) == ("transfer_out", "transfer_in")
        assert out.delta == -into.delta and out.item_id == into.item_id and out.moved_on == into.moved_on
        assert out.other_site_id == into.site_id and into.other_site_id == out.site_id


def test_installation_state_is_its_latest_history(summary):
    history = defaultdict(list)
    for change in InstallationState.select():
        history[change.installation_id].append((change.changed_on, change.state))
    installations = list(Installation.select())
    assert installations
    for installation in installations:
        days = sorted(history[installation.id])
        assert len({day for day, _state in days}) == len(days)  # one change per day
        assert days[0][1] == "planned"
        assert (installation.state_since, installation.state) == days[-1]


def test_participants_were_at_the_site(summary):
    stays = defaultdict(list)
    for stay in Stay.select():
        stays[stay.person_id].append(stay)
    links = list(ActivityParticipant.select(ActivityParticipant, Activity).join(Activity))
    assert links
    for link in links:
        activity = link.activity
        assert any(
            s.site_id == activity.site_id
            and s.arrived_on <= activity.held_on
            and (s.left_on is None or s.left_on > activity.held_on)
            for s in stays[link.person_id]
        )


def test_progress_reports_persons(db):
    calls = []
    build_demo(persons=PERSONS, seed=SEED, progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1] == (PERSONS, PERSONS)


@pytest.mark.parametrize("after_calls", [0, 3])
def test_cancel_leaves_nothing(db, after_calls):
    asked = []

    def cancelled():
        asked.append(1)
        return len(asked) > after_calls

    with pytest.raises(DemoCancelled):
        build_demo(persons=PERSONS, seed=SEED, cancelled=cancelled)
    assert Event.select().count() == 0
    assert Person.select().count() == 0
    assert Stay.select().count() == 0
    assert Site.select().count() == 0


def test_refuses_a_second_demo_and_too_few_persons(db):
    with pytest.raises(RuleViolation) as small:
        build_demo(persons=10)
    assert small.value.field == "persons"
    build_demo(persons=PERSONS, seed=SEED)
    with pytest.raises(RuleViolation) as second:
        build_demo(persons=PERSONS, seed=SEED + 1)
    assert second.value.field == "persons"
    assert Event.select().count() == 1
    assert Person.select().count() == PERSONS


def test_presence_rebuild_in_sql_equals_the_rows_computed_in_python(tmp_path):
    from shelter_app.services import presence
    from shelter_app.storage.models import Presence

    db = open_database(str(tmp_path / "p.db"))
    try:
        build_demo(persons=300, seed=5)
        expected = sorted(tuple(sorted(row.items())) for row in presence.rows_for(None))
        assert presence.rebuild() == len(expected)
        got = sorted(tuple(sorted(row.items())) for row in Presence.select().dicts())
        assert got == expected
    finally:
        db.close()


def test_vulnerable_flags_fit_the_household(summary):
    """A breast-feeding mother has a child under two in her household; a separated child has
    no adult of its household (it is registered as a household of its own)."""
    members = defaultdict(list)
    for person in Person.select():
        members[person.household_id].append(person)
    lactating = [p for p in Person.select() if p.lactating]
    assert lactating
    for mother in lactating:
        babies = [p for p in members[mother.household_id] if p.id != mother.id and (mother.birth_date < p.birth_date)]
        assert any((datetime.date(2022, 11, 21) - p.birth_date).days < 2 * 366 for p in babies), mother.name
    for child in Person.select().where(Person.unaccompanied_child == True):  # noqa: E712
        adults = [
            p
            for p in members[child.household_id]
            if p.id != child.id and (datetime.date(2022, 11, 21) - p.birth_date).days >= 18 * 365
        ]
        assert adults == [], child.name
