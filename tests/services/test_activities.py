"""Activities for evacuees with participants from the roster."""

import datetime

import pytest

from shelter_app.domain.errors import RuleViolation
from shelter_app.services import activities, roster

D = datetime.date


def test_activity_with_participants_and_outcome(operation):
    _event, tent, _school = operation
    hh = roster.register_household()
    a = roster.add_person(hh.id, name="Imas", sex="P", age_years=30, relationship="head").person
    b = roster.add_person(hh.id, name="Cucu", sex="P", age_years=12, relationship="child").person
    cafe = activities.create_activity(
        tent.id, "livelihood", "Cafe Kreasi", D(2022, 12, 5), ends_on=D(2022, 12, 12), facilitator="Tagana Cianjur"
    )
    assert activities.add_participants(cafe.id, [a.id, b.id, a.id]) == 2
    assert activities.add_participants(cafe.id, [a.id]) == 0
    activities.update_activity(cafe.id, outcome="Omzet hari pertama Rp 350.000")
    assert [p.name for p in activities.participants(cafe.id)] == ["Cucu", "Imas"]
    assert [x.title for x in activities.activities(tent.id, on=D(2022, 12, 8))] == ["Cafe Kreasi"]
    assert activities.activities(tent.id, on=D(2022, 12, 4)) == []
    activities.remove_participant(cafe.id, b.id)
    assert [p.name for p in activities.participants(cafe.id)] == ["Imas"]


def test_activity_needs_a_known_kind_and_a_date_within_the_event(operation):
    _event, tent, _school = operation
    with pytest.raises(RuleViolation) as caught:
        activities.create_activity(tent.id, "party", "X", D(2022, 12, 5))
    assert caught.value.field == "kind"
    with pytest.raises(RuleViolation) as caught:
        activities.create_activity(tent.id, "education", "X", D(2022, 11, 1))
    assert caught.value.field == "held_on"
