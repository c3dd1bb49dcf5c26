"""Laptops syncing through a PostgreSQL hub, and reports delivered to it."""

import datetime

import pytest

from shelter_app.domain.errors import RuleViolation
from shelter_app.outbox import queue
from shelter_app.services import roster, settings
from shelter_app.storage.models import Change, Person
from shelter_app.sync import hub
from tests.laptops import Laptop, conflicts_dump, dump, presence_dump, setup_operation

D = datetime.date


@pytest.fixture
def trio(tmp_path):
    laptops = [Laptop(tmp_path / f"{name}.db", name) for name in ("Ani", "Budi", "Citra")]
    yield laptops
    for laptop in laptops:
        laptop.close()


def sync(laptop, url):
    with laptop.active():
        return hub.sync(url)


def state(laptop):
    with laptop.active():
        return dump(), presence_dump(), conflicts_dump()


def test_three_laptops_converge_through_the_hub_and_nothing_is_sent_twice(trio, hub_url):
    a, b, c = trio
    _site, household, person, _rice = setup_operation(a)
    first = sync(a, hub_url)
    assert first.pushed > 0 and first.pulled == 0
    assert sync(b, hub_url).new == first.pushed
    with b.active():
        roster.update_person(person.id, phone="081234567890")
    with c.active():
        roster.register_household(kk="3203012503770022")
    for laptop in (b, c, a, b, c):
        sync(laptop, hub_url)
    assert state(a) == state(b) == state(c)
    again = sync(a, hub_url)
    assert (again.pushed, again.new) == (0, 0)
    with a.active():
        assert Person.get_by_id(person.id).phone == "081234567890"
    import psycopg2

    with psycopg2.connect(hub_url) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT count(*), count(DISTINCT (node, hlc)) FROM hub_op")
        total, distinct = cursor.fetchone()
        assert total == distinct


def test_an_interrupted_pull_carries_on_without_applying_anything_twice(trio, hub_url, monkeypatch):
    a, b, _c = trio
    setup_operation(a)
    with a.active():
        household = roster.register_household(kk="3203012503770033")
        for number in range(30):
            roster.add_person(
                household.id,
                confirmed=True,
                name=f"Anak {number}",
                sex="L",
                birth_date=D(2015, 1, 1),
                relationship="child",
            )
    sync(a, hub_url)
    monkeypatch.setattr(hub, "PULL_BATCH", 10)
    calls = {"n": 0}
    real_apply = hub.merge.apply

    def failing_apply(ops, source, touched=None):
        calls["n"] += 1
        if calls["n"] == 3:
            raise hub.OperationalError("server closed the connection unexpectedly")
        return real_apply(ops, source, touched)

    monkeypatch.setattr(hub.merge, "apply", failing_apply)
    with b.active():
        with pytest.raises(hub.HubError) as lost:
            hub.sync(hub_url)
        assert "terputus" in lost.value.message.text("id") or "lost" in lost.value.message.text("en")
        assert hub.last().ok is False
        held_before = Change.select().count()
        assert 0 < held_before
    monkeypatch.setattr(hub.merge, "apply", real_apply)
    sync(b, hub_url)
    assert state(a)[0] == state(b)[0]


def test_wrong_hub_address_or_password_in_words(db, tmp_path):
    with pytest.raises(RuleViolation):
        hub.check_url("postgresql://posko:rahasia@10.0.0.5/posko")
    with pytest.raises(RuleViolation):
        hub.check_url("mysql://10.0.0.5/posko")
    assert hub.check_url(" postgresql://posko@10.0.0.5:5432/posko ") == "postgresql://posko@10.0.0.5:5432/posko"
    from tests.postgres_server import free_port

    with pytest.raises(hub.HubError) as unreachable:
        hub.sync(f"postgresql://posko@127.0.0.1:{free_port()}/posko")
    assert "Posko" in unreachable.value.message.text("id")


def test_the_hub_stores_each_report_once(db, hub_url, tmp_path):
    settings.change_text("hub.url", hub_url)
    item = queue.add(b"%PDF-1.4 laporan", "Laporan harian 2022-11-23", "daily")
    assert queue.send_due().sent == 1
    # The delivery is forgotten (as after a crash before it was recorded): sent again, stored once.
    from shelter_app.storage.models import OutboxDelivery

    OutboxDelivery.update(status="pending").execute()
    assert queue.send_now().sent == 1
    assert hub.reports_on_hub(hub_url) == [(item.id.hex, "Laporan harian 2022-11-23")]


def test_a_laptop_restored_from_a_backup_gets_its_later_changes_back_from_the_hub(tmp_path, hub_url):
    from shelter_app.exchange import backups

    a = Laptop(tmp_path / "a.db", "Ani")
    _site, _household, person, _rice = setup_operation(a)
    with a.active():
        hub.sync(hub_url)
        saved = backups.manual(a.path, tmp_path / "before.db")
        roster.update_person(person.id, phone="081234567890")  # made after the backup, sent to the hub
        hub.sync(hub_url)
    a.close()
    backups.restore(saved, a.path)
    a = Laptop(a.path, "Ani")
    try:
        with a.active():
            assert Person.get_by_id(person.id).phone == ""
            hub.sync(hub_url)
            assert Person.get_by_id(person.id).phone == "081234567890"
            roster.update_person(person.id, notes="setelah dipulihkan")
            assert hub.sync(hub_url).pushed > 0
    finally:
        a.close()
