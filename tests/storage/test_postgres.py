"""The same models, migrations and services on PostgreSQL, for the shared hub."""

import datetime

import pytest

from shelter_app.history import records
from shelter_app.services import roster, sites, stats, stays, stock
from shelter_app.storage.session import open_database
from tests.postgres_server import postgres_server, unavailable_reason

D = datetime.date
pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_url():
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    with postgres_server() as url:
        yield url


def small_operation():
    records.set_operator("pg")
    event = sites.create_event("Banjir", "flood", D(2022, 11, 21))
    site = sites.create_site(event.id, "Masjid Al-Ikhlas", "mosque", D(2022, 11, 21), capacity_night=50)
    hh = roster.register_household()
    ids = [
        roster.add_person(hh.id, name="Ibu", sex="P", age_years=35, relationship="head", lactating=True).person.id,
        roster.add_person(hh.id, name="Bayi", sex="L", age_years=0, relationship="child").person.id,
    ]
    stays.check_in(ids, site.id, D(2022, 11, 22))
    rice = stock.add_item("Beras", "food", "kg", per_person_per_day="0.4", standard="rice")
    stock.receive(site.id, rice.id, 20, D(2022, 11, 22))
    stock.issue(site.id, rice.id, 5, D(2022, 11, 23))
    return stats.figures(D(2022, 11, 23))


def without_ids(figures):
    return {**figures, "sites": [{k: v for k, v in s.items() if k != "id"} for s in figures["sites"]]}


def test_schema_and_services_work_on_postgresql_as_on_sqlite(pg_url, tmp_path):
    db = open_database(pg_url)
    try:
        assert "schema_migration" in db.get_tables()
        on_pg = small_operation()
    finally:
        db.close()
    db = open_database(str(tmp_path / "same.db"))
    try:
        on_sqlite = small_operation()
    finally:
        db.close()
    assert on_pg["total"]["persons"] == 2
    assert without_ids(on_pg) == without_ids(on_sqlite)


def test_persons_at_two_places_at_once_are_found_and_settled_on_postgresql(pg_url):
    from shelter_app.storage.models import Stay
    from shelter_app.sync import duplicates

    db = open_database(pg_url)
    try:
        with db.atomic() as transaction:  # rolled back: the module's other tests see no trace
            records.set_operator("pg")
            event = sites.create_event("Gempa", "earthquake", D(2022, 11, 21))
            school = sites.create_site(event.id, "SDN Cugenang 1", "school", D(2022, 11, 21))
            mosque = sites.create_site(event.id, "Masjid Al-Ikhlas", "mosque", D(2022, 11, 21))
            hh = roster.register_household()
            person = roster.add_person(hh.id, name="Rina", sex="P", age_years=4, relationship="child").person
            first = stays.check_in([person.id], school.id, D(2022, 11, 23)).stays[0]
            # what a merge of two laptops leaves: a second live stay over the same days
            second = records.create(Stay, person=person, site=mosque, arrived_on=D(2022, 11, 24))
            [pair] = duplicates.two_places()
            assert [stay.id for stay in pair.stays] == [first.id, second.id]
            assert [stay.site.name for stay in pair.stays] == ["SDN Cugenang 1", "Masjid Al-Ikhlas"]
            assert stats.figures(D(2022, 11, 25), school.id)["total"]["persons"] == 1
            duplicates.keep_stay(second.id, first.id)
            assert duplicates.two_places() == []
            assert stats.figures(D(2022, 11, 25), school.id)["total"]["persons"] == 0
            assert stats.figures(D(2022, 11, 25), mosque.id)["total"]["persons"] == 1
            transaction.rollback()
    finally:
        db.close()
