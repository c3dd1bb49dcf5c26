"""The movements officials count (births, deaths, referrals, arrivals and departures by reason),
the meals of a community kitchen, and the recorded fields of a site's day (issue 12)."""

import datetime

import pytest

from shelter_app.domain.errors import RuleViolation
from shelter_app.services import activities, roster, site_days, stats, stays
from shelter_app.storage.models import Change

D = datetime.date


def family(n=3):
    hh = roster.register_household()
    ids = [
        roster.add_person(hh.id, confirmed=True, name=f"P{i}", sex="LP"[i % 2], age_years=30).person.id
        for i in range(n)
    ]
    return hh, ids


def test_a_birth_is_a_new_member_arrived_by_birth_and_reasons_sum_to_their_totals(operation):
    _event, tent, school = operation
    hh, ids = family(4)
    stays.check_in(ids, tent.id, D(2022, 11, 22))
    stays.check_out([ids[0]], D(2022, 11, 25), "hospital")
    stays.check_out([ids[1]], D(2022, 11, 25), "deceased")
    stays.transfer([ids[2]], school.id, D(2022, 11, 25))
    born = stays.record_birth(hh.id, tent.id, D(2022, 11, 25), "Bayi", "P")
    baby = born.stays[0].person
    assert (baby.household_id, baby.birth_date, born.stays[0].arrival_reason) == (hh.id, D(2022, 11, 25), "born")
    day = stats.figures(D(2022, 11, 25))
    tent_figures = day["sites"][0]
    assert tent_figures["arrivals_by_reason"] == {"new": 0, "transferred": 0, "born": 1, "returned_from_hospital": 0}
    assert tent_figures["departures_by_reason"]["hospital"] == 1
    assert tent_figures["departures_by_reason"]["deceased"] == 1
    assert tent_figures["departures_by_reason"]["transferred"] == 1
    assert day["total"]["arrivals_by_reason"]["transferred"] == 1
    for entry in [*day["sites"], day["total"]]:
        assert sum(entry["arrivals_by_reason"].values()) == entry["arrivals"]
        assert sum(entry["departures_by_reason"].values()) == entry["departures"]
    # Back from hospital: the person's last stay ended with a referral.
    stays.check_in([ids[0]], tent.id, D(2022, 11, 27))
    assert stats.figures(D(2022, 11, 27))["sites"][0]["arrivals_by_reason"]["returned_from_hospital"] == 1


def test_a_birth_needs_the_household_at_the_site(operation):
    _event, tent, school = operation
    hh, ids = family(2)
    stays.check_in(ids, tent.id, D(2022, 11, 22))
    before = Change.select().count()
    with pytest.raises(RuleViolation) as caught:
        stays.record_birth(hh.id, school.id, D(2022, 11, 23), "Bayi", "L")
    assert caught.value.field == "household"
    assert Change.select().count() == before  # nothing recorded


def test_meals_of_a_community_kitchen_are_recorded_per_day_and_corrected(operation):
    _event, tent, _school = operation
    kitchen = activities.create_activity(tent.id, "community_kitchen", "Dapur umum", D(2022, 11, 22))
    activities.record_meals(kitchen.id, D(2022, 11, 23), morning=120, midday=130, evening=110)
    activities.record_meals(kitchen.id, D(2022, 11, 23), morning=125, midday=130, evening=110)
    served = activities.meals_served(tent.id, D(2022, 11, 23))
    assert [(a.title, m.morning, m.midday, m.evening) for a, m in served] == [("Dapur umum", 125, 130, 110)]
    with pytest.raises(RuleViolation) as caught:
        activities.record_meals(kitchen.id, D(2022, 11, 24), morning=-1)
    assert caught.value.field == "morning"
    other = activities.create_activity(tent.id, "education", "Sekolah darurat", D(2022, 11, 22))
    with pytest.raises(RuleViolation):
        activities.record_meals(other.id, D(2022, 11, 23), morning=10)


def test_the_day_fields_urgent_needs_obstacles_and_follow_up(operation):
    _event, tent, _school = operation
    site_days.record_day(
        tent.id,
        D(2022, 11, 23),
        urgent_needs=[{"item": "Tandon air", "quantity": "2", "unit": "buah", "priority": "high"}],
        obstacles="Jalan berlumpur",
    )
    site_days.record_day(tent.id, D(2022, 11, 23), follow_up="Minta truk air ke BPBD")
    fields = site_days.day_fields(tent.id, D(2022, 11, 23))
    assert [(n.item, n.quantity, n.unit, n.priority) for n in fields.urgent_needs] == [
        ("Tandon air", 2.0, "buah", "high")
    ]
    assert (fields.obstacles, fields.follow_up) == ("Jalan berlumpur", "Minta truk air ke BPBD")
    with pytest.raises(RuleViolation) as caught:
        site_days.record_day(tent.id, D(2022, 11, 23), urgent_needs=[{"item": "Air", "quantity": "0", "unit": "L"}])
    assert caught.value.field == "urgent_needs.1.quantity"
    assert site_days.day_fields(tent.id, D(2022, 11, 23)).urgent_needs[0].item == "Tandon air"
