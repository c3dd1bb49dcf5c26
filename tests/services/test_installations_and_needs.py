"""Installations over time and the needs and gaps they leave against the standards."""

import datetime

import pytest

from shelter_app.domain.errors import RuleViolation
from shelter_app.services import installations, roster, settings, stats, stays, stock

D = datetime.date


def populate(site, n, day=D(2022, 11, 22)):
    hh = roster.register_household()
    ids = [
        roster.add_person(hh.id, confirmed=True, name=f"P{i}", sex="LP"[i % 2], age_years=30).person.id
        for i in range(n)
    ]
    stays.check_in(ids, site.id, day)
    return ids


def test_state_history_decides_what_works_on_each_day(operation):
    _event, tent, _school = operation
    water = installations.add_installation(
        tent.id, "water", state="planned", since=D(2022, 11, 21), subkind="tank", litres_per_day=2000
    )
    installations.change_state(water.id, "working", D(2022, 11, 23))
    installations.change_state(water.id, "broken", D(2022, 11, 26), note="pompa rusak")
    installations.change_state(water.id, "working", D(2022, 11, 28))
    assert [s.state for s in installations.state_history(water.id)] == ["planned", "working", "broken", "working"]
    assert installations.totals([tent.id], D(2022, 11, 22))[tent.id].water_litres_per_day == 0
    assert installations.totals([tent.id], D(2022, 11, 24))[tent.id].water_litres_per_day == 2000
    assert installations.totals([tent.id], D(2022, 11, 27))[tent.id].water_litres_per_day == 0
    assert installations.totals([tent.id], D(2022, 11, 29))[tent.id].water_litres_per_day == 2000


def test_state_cannot_go_back_before_the_last_change(operation):
    _event, tent, _school = operation
    toilet = installations.add_installation(
        tent.id, "toilet", state="working", since=D(2022, 11, 25), toilets_female=3, toilets_male=1
    )
    with pytest.raises(RuleViolation) as caught:
        installations.change_state(toilet.id, "broken", D(2022, 11, 24))
    assert caught.value.field == "on"


def test_needs_and_gaps_against_bnpb_and_sphere(operation):
    _event, _tent, school = operation
    populate(school, 50)
    installations.add_installation(
        school.id, "water", state="working", since=D(2022, 11, 21), subkind="tank", litres_per_day=500
    )
    installations.add_installation(
        school.id, "toilet", state="working", since=D(2022, 11, 21), toilets_female=1, toilets_male=1
    )
    rice = stock.add_item("Beras", "food", "kg", per_person_per_day="0.4", standard="rice")
    stock.receive(school.id, rice.id, 30, D(2022, 11, 22))
    needs = stats.figures(D(2022, 11, 23))["sites"][1]["needs"]
    assert needs["water"] == {"required": 750.0, "available": 500.0, "gap": 250.0, "unit": "L/day", "status": "short"}
    assert (needs["toilets"]["required"], needs["toilets"]["available"], needs["toilets"]["gap"]) == (3.0, 2, 1.0)
    assert needs["rice"]["required"] == 20.0 and needs["rice"]["days_of_supply"] == 1.5
    assert needs["rice"]["status"] == "short"
    # A school with no covered area entered: not recorded (never "critical"), no gap counted.
    assert needs["covered_area"]["status"] == "not_recorded" and needs["covered_area"]["gap"] == 0
    # BNPB's tap standard (Kemenkes 2011: 1 per 80-100 persons): counts of things are whole.
    assert needs["taps"]["required"] == 1.0 and needs["taps"]["gap"] == 1.0
    settings.set_profile("sphere")
    needs = stats.figures(D(2022, 11, 23))["sites"][1]["needs"]
    assert needs["covered_area"]["required"] == 175.0
    assert needs["taps"]["required"] == 1.0  # 50 / 250 = 0.2, a whole tap


def test_custom_age_bands_change_the_figures(operation):
    from shelter_app.domain.standards import AgeBand

    _event, tent, _school = operation
    populate(tent, 2)
    settings.set_age_bands([AgeBand("muda", 0, 40), AgeBand("tua", 40, None)])
    bands = stats.figures(D(2022, 11, 23))["total"]["age_bands"]
    assert set(bands) == {"muda", "tua"}
    with pytest.raises(RuleViolation):
        settings.set_age_bands([AgeBand("a", 0, 10), AgeBand("b", 20, None)])
