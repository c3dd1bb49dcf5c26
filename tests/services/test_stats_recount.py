"""The figures the services report equal an independent recount from the stays themselves."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shelter_app.domain.errors import RuleViolation
from shelter_app.history import records
from shelter_app.services import roster, sites, stats, stays
from shelter_app.services.stats import age_band_of
from shelter_app.storage.models import Household, Person, Stay
from shelter_app.storage.session import open_database

D = datetime.date
START = D(2022, 11, 21)
DAYS = 20

person_st = st.fixed_dictionaries(
    {
        "sex": st.sampled_from("LP"),
        "age": st.integers(0, 90),
        "disability": st.booleans(),
        "chronic_illness": st.booleans(),
        "head": st.booleans(),
    }
)
action_st = st.tuples(
    st.sampled_from(["check_in", "transfer", "check_out"]),
    st.integers(0, 11),  # person index
    st.integers(0, 2),  # site index
    st.integers(0, DAYS),  # day offset
)


def recount(day: datetime.date, site_ids):
    """Count from Stay and Person rows directly, without the presence index."""
    counts = {
        sid: {
            "persons": 0,
            "male": 0,
            "female": 0,
            "households": set(),
            "arrivals": 0,
            "departures": 0,
            "bands": {},
            "disability": 0,
            "chronic_illness": 0,
            "female_headed": set(),
        }
        for sid in site_ids
    }
    heads = {
        p.household_id: p for p in Person.select().where(Person.relationship == "head", Person.deleted_at.is_null())
    }
    for stay in Stay.select().join(Person).where(Stay.deleted_at.is_null(), Person.deleted_at.is_null()):
        person, c = stay.person, counts[stay.site_id]
        if stay.arrived_on == day:
            c["arrivals"] += 1
        if stay.left_on == day:
            c["departures"] += 1
        if not (stay.arrived_on <= day and (stay.left_on is None or stay.left_on > day)):
            continue
        c["persons"] += 1
        c["male" if person.sex == "L" else "female"] += 1
        c["households"].add(person.household_id)
        band = age_band_of(person.birth_date, day)
        c["bands"][band] = c["bands"].get(band, 0) + 1
        c["disability"] += person.disability
        c["chronic_illness"] += person.chronic_illness
        head = heads.get(person.household_id)
        if head is not None and head.sex == "P":
            c["female_headed"].add(person.household_id)
    return counts


@pytest.mark.slow
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    people=st.lists(person_st, min_size=1, max_size=12),
    actions=st.lists(action_st, max_size=30),
    day_offset=st.integers(0, DAYS),
)
def test_figures_equal_a_recount_from_the_stays(tmp_path_factory, people, actions, day_offset):
    db = open_database(str(tmp_path_factory.mktemp("recount") / "p.db"))
    try:
        records.set_operator("hypothesis")
        event = sites.create_event("Uji", "flood", START)
        site_list = [sites.create_site(event.id, f"Posko {i}", "school", START) for i in range(3)]
        households = [roster.register_household() for _ in range(3)]
        ids = []
        for index, p in enumerate(people):
            hh = households[index % 3]
            relationship = "head" if p["head"] and roster.head_of(hh.id) is None else "other"
            ids.append(
                roster.add_person(
                    hh.id,
                    confirmed=True,
                    name=f"Orang {index}",
                    sex=p["sex"],
                    age_years=p["age"],
                    disability=p["disability"],
                    chronic_illness=p["chronic_illness"],
                    relationship=relationship,
                    today=START,
                ).person.id
            )
        for kind, who, where, offset in actions:
            person, site, day = ids[who % len(ids)], site_list[where], START + datetime.timedelta(days=offset)
            try:
                if kind == "check_in":
                    stays.check_in([person], site.id, day)
                elif kind == "transfer":
                    stays.transfer([person], site.id, day)
                else:
                    stays.check_out([person], day, "returned_home")
            except RuleViolation:
                pass  # refused moves leave nothing behind; the recount proves it
        day = START + datetime.timedelta(days=day_offset)
        figures = stats.figures(day)
        expected = recount(day, [s.id for s in site_list])
        for entry in figures["sites"]:
            want = expected[next(s.id for s in site_list if s.name == entry["name"])]
            assert entry["persons"] == want["persons"]
            assert (entry["male"], entry["female"]) == (want["male"], want["female"])
            assert entry["households"] == len(want["households"])
            assert (entry["arrivals"], entry["departures"]) == (want["arrivals"], want["departures"])
            assert {b: c["total"] for b, c in entry["age_bands"].items() if c["total"]} == want["bands"]
            assert entry["vulnerable"]["disability"] == want["disability"]
            assert entry["vulnerable"]["chronic_illness"] == want["chronic_illness"]
            assert entry["vulnerable"]["female_headed_households"] == len(want["female_headed"])
            one = stats.figures(day, site_id=next(s.id for s in site_list if s.name == entry["name"]))
            assert one["sites"][0]["persons"] == entry["persons"]
        assert figures["total"]["persons"] == sum(e["persons"] for e in figures["sites"])
        assert Household.select().count() == 3
    finally:
        db.close()
