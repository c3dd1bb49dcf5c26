"""Check-in, transfer and check-out, and the population computed from them."""

import datetime

import pytest

from shelter_app.domain.errors import RuleViolation
from shelter_app.services import roster, sites, stats, stays
from shelter_app.storage.models import Stay

D = datetime.date


def family(n=3):
    hh = roster.register_household()
    ids = [roster.add_person(hh.id, name="Kepala", sex="P", age_years=40, relationship="head").person.id]
    for i in range(n - 1):
        ids.append(roster.add_person(hh.id, name=f"Anak {i}", sex="L", age_years=5 + i, relationship="child").person.id)
    return hh, ids


def test_population_follows_arrivals_transfers_and_departures(operation):
    _event, tent, school = operation
    _hh, ids = family(3)
    stays.check_in(ids, tent.id, D(2022, 11, 22))
    stays.transfer([ids[1]], school.id, D(2022, 11, 25))
    stays.check_out([ids[2]], D(2022, 11, 27), "returned_home")

    def persons(day, site):
        return stats.figures(day)["sites"][[s["name"] for s in stats.figures(day)["sites"]].index(site.name)]

    assert persons(D(2022, 11, 21), tent)["persons"] == 0
    assert persons(D(2022, 11, 22), tent)["arrivals"] == 3
    assert persons(D(2022, 11, 24), tent)["persons"] == 3
    day25 = persons(D(2022, 11, 25), tent)
    assert (day25["persons"], day25["departures"], day25["transfers_out"]) == (2, 1, 1)
    school25 = persons(D(2022, 11, 25), school)
    assert (school25["persons"], school25["arrivals"], school25["transfers_in"]) == (1, 1, 1)
    assert persons(D(2022, 11, 27), tent)["persons"] == 1
    assert stats.figures(D(2022, 11, 30))["total"]["persons"] == 2
    # The household is split over two sites: one household in each site, one in the total.
    assert [s["households"] for s in stats.figures(D(2022, 11, 30))["sites"]] == [1, 1]
    assert stats.figures(D(2022, 11, 30))["total"]["households"] == 1


def test_history_of_stays_is_kept(operation):
    _event, tent, school = operation
    _hh, ids = family(1)
    stays.check_in(ids, tent.id, D(2022, 11, 22))
    stays.transfer(ids, school.id, D(2022, 11, 24))
    history = stays.stays_of(ids[0])
    assert [(s.site_id, s.arrived_on, s.left_on, s.leave_reason) for s in history] == [
        (tent.id, D(2022, 11, 22), D(2022, 11, 24), "transferred"),
        (school.id, D(2022, 11, 24), None, None),
    ]
    assert history[1].came_from_id == tent.id


def test_a_person_is_at_one_site_at_a_time(operation):
    _event, tent, school = operation
    _hh, ids = family(1)
    stays.check_in(ids, tent.id, D(2022, 11, 22))
    with pytest.raises(RuleViolation) as caught:
        stays.check_in(ids, school.id, D(2022, 11, 23))
    assert caught.value.field == "persons"
    assert Stay.select().count() == 1


def test_over_capacity_check_in_is_allowed_with_a_warning(operation):
    _event, tent, _school = operation  # the tent holds 4
    _hh, ids = family(5)
    moved = stays.check_in(ids, tent.id, D(2022, 11, 22))
    assert len(moved.stays) == 5
    assert [n.code for n in moved.notices] == ["over_capacity"]
    assert "4" in moved.notices[0].text("id")


@pytest.mark.parametrize("day", [D(2022, 11, 20), D(2999, 1, 1)])
def test_dates_before_the_event_or_in_the_future_are_refused(operation, day):
    _event, tent, _school = operation
    _hh, ids = family(1)
    with pytest.raises(RuleViolation) as caught:
        stays.check_in(ids, tent.id, day)
    assert caught.value.field == "arrived_on"


def test_a_failed_group_check_in_saves_nobody(operation):
    _event, tent, school = operation
    _hh, ids = family(3)
    stays.check_in([ids[2]], school.id, D(2022, 11, 22))
    with pytest.raises(RuleViolation):
        stays.check_in(ids, tent.id, D(2022, 11, 23))
    assert Stay.select().count() == 1
    assert stats.figures(D(2022, 11, 23))["total"]["persons"] == 1


def test_checkout_needs_a_reason_from_the_list(operation):
    _event, tent, _school = operation
    _hh, ids = family(1)
    stays.check_in(ids, tent.id, D(2022, 11, 22))
    with pytest.raises(RuleViolation) as caught:
        stays.check_out(ids, D(2022, 11, 25), "vacation")
    assert caught.value.field == "reason"


def test_a_site_with_residents_cannot_close(operation):
    _event, tent, _school = operation
    _hh, ids = family(1)
    stays.check_in(ids, tent.id, D(2022, 11, 22))
    with pytest.raises(RuleViolation):
        sites.close_site(tent.id, D(2022, 11, 25))
    stays.check_out(ids, D(2022, 11, 25), "returned_home")
    closed = sites.close_site(tent.id, D(2022, 11, 26))
    assert closed.status == "closed"
    with pytest.raises(RuleViolation) as caught:
        stays.check_in(ids, tent.id, D(2022, 11, 27))
    assert caught.value.field == "site"


def test_correcting_a_stay_updates_the_figures(operation):
    _event, tent, _school = operation
    _hh, ids = family(1)
    stay = stays.check_in(ids, tent.id, D(2022, 11, 24)).stays[0]
    assert stats.figures(D(2022, 11, 22))["total"]["persons"] == 0
    stays.correct_stay(stay.id, arrived_on=D(2022, 11, 22))
    assert stats.figures(D(2022, 11, 22))["total"]["persons"] == 1


def test_deleting_a_person_removes_them_from_the_figures(operation):
    _event, tent, _school = operation
    _hh, ids = family(2)
    stays.check_in(ids, tent.id, D(2022, 11, 22))
    roster.delete_person(ids[1])
    assert stats.figures(D(2022, 11, 23))["total"]["persons"] == 1
