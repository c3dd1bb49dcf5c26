"""The social stockpile: movements, balances that never go negative, stock cards."""

import datetime
from decimal import Decimal

import pytest

from shelter_app.domain.errors import RuleViolation
from shelter_app.services import roster, stock
from shelter_app.storage.models import StockMovement

D = datetime.date


@pytest.fixture
def rice(db):
    return stock.add_item("Beras", "food", "kg", has_expiry=True, per_person_per_day="0.4", standard="rice")


def test_receive_issue_distribute_and_balance(operation, rice):
    _event, tent, _school = operation
    hh = roster.register_household()
    lot = stock.add_lot(rice.id, code="LS-2022-017", year=2022, expires_on=D(2023, 6, 1), source="government")
    stock.receive(tent.id, rice.id, "100", D(2022, 11, 22), lot_id=lot.id, reference="BAST 12")
    stock.issue(tent.id, rice.id, 30, D(2022, 11, 23), note="dapur umum")
    stock.distribute(tent.id, rice.id, Decimal("2.5"), D(2022, 11, 24), hh.id)
    assert stock.on_hand(tent.id, rice.id) == Decimal("67.5")
    assert stock.on_hand(tent.id, rice.id, D(2022, 11, 23)) == Decimal("70")
    opening, lines = stock.stock_card(tent.id, rice.id, D(2022, 11, 23), D(2022, 11, 30))
    assert opening == 100 and [line.balance for line in lines] == [70, Decimal("67.5")]
    assert lines[-1].movement.household_id == hh.id


def test_stock_never_goes_negative_even_by_a_backdated_issue(operation, rice):
    _event, tent, _school = operation
    stock.receive(tent.id, rice.id, 50, D(2022, 11, 22))
    stock.issue(tent.id, rice.id, 40, D(2022, 11, 25))
    with pytest.raises(RuleViolation) as caught:
        stock.issue(tent.id, rice.id, 20, D(2022, 11, 23))  # fine on the 23rd, negative on the 25th
    assert caught.value.field == "quantity"
    assert "2022-11-25" in caught.value.text("id")
    assert StockMovement.select().count() == 2


def test_transfer_moves_stock_between_sites_as_two_linked_legs(operation, rice):
    _event, tent, school = operation
    stock.receive(tent.id, rice.id, 50, D(2022, 11, 22))
    out, into = stock.transfer(tent.id, school.id, rice.id, 20, D(2022, 11, 23))
    assert out.transfer_id == into.transfer_id
    assert (stock.on_hand(tent.id, rice.id), stock.on_hand(school.id, rice.id)) == (30, 20)
    stock.cancel_movement(into.id)
    assert (stock.on_hand(tent.id, rice.id), stock.on_hand(school.id, rice.id)) == (50, 0)


def test_cancel_refused_when_later_issues_depend_on_it(operation, rice):
    _event, tent, _school = operation
    received = stock.receive(tent.id, rice.id, 50, D(2022, 11, 22))
    stock.issue(tent.id, rice.id, 40, D(2022, 11, 25))
    with pytest.raises(RuleViolation):
        stock.cancel_movement(received.id)
    assert stock.on_hand(tent.id, rice.id) == 10


def test_adjustment_needs_a_reason_and_cannot_go_negative(operation, rice):
    _event, tent, _school = operation
    stock.receive(tent.id, rice.id, 10, D(2022, 11, 22))
    with pytest.raises(RuleViolation) as caught:
        stock.adjust(tent.id, rice.id, -3, D(2022, 11, 23), "stolen?")
    assert caught.value.field == "reason"
    stock.adjust(tent.id, rice.id, -3, D(2022, 11, 23), "damaged", note="wet")
    with pytest.raises(RuleViolation):
        stock.adjust(tent.id, rice.id, -30, D(2022, 11, 23), "lost")
    assert stock.on_hand(tent.id, rice.id) == 7


@pytest.mark.parametrize("quantity", [0, -5, "abc"])
def test_quantities_must_be_positive_numbers(operation, rice, quantity):
    _event, tent, _school = operation
    with pytest.raises(RuleViolation) as caught:
        stock.receive(tent.id, rice.id, quantity, D(2022, 11, 22))
    assert caught.value.field == "quantity"


def test_expiring_lots_and_low_stock_are_reported(operation, rice):
    _event, tent, _school = operation
    stock.update_item(rice.id, low_stock_level=20)
    lot = stock.add_lot(rice.id, code="OLD", expires_on=D(2022, 12, 10))
    stock.receive(tent.id, rice.id, 15, D(2022, 11, 22), lot_id=lot.id)
    assert [lot.code for lot, _qty in stock.expiring_lots(tent.id, D(2022, 11, 30))] == ["OLD"]
    assert [(i.name, q) for i, q in stock.low_stock(tent.id, D(2022, 11, 30))] == [("Beras", 15)]


def test_lot_of_an_expiring_item_needs_an_expiry_date(db, rice):
    with pytest.raises(RuleViolation) as caught:
        stock.add_lot(rice.id, code="X")
    assert caught.value.field == "expires_on"


def test_a_new_operation_starts_with_the_lumbung_sosial_catalogue_once(db):
    from shelter_app.i18n import set_language
    from shelter_app.services import overview

    set_language("id")
    first = overview.create_first_site(
        dict(name="Banjir Garut", kind="flood", started_on=datetime.date(2022, 11, 21)),
        dict(name="SDN 1", kind="school", opened_on=datetime.date(2022, 11, 21), covered_area_m2=240),
    )
    assert first.covered_area_m2 == 240
    names = {item.name: item for item in stock.items()}
    for wanted in ("Beras", "Makanan siap saji", "Mi instan", "Air minum kemasan", "Minyak goreng", "Selimut"):
        assert wanted in names
    assert {"Tikar", "Terpal", "Tenda keluarga", "Popok bayi", "Pembalut wanita", "Genset"} <= set(names)
    assert names["Beras"].unit == "kg" and names["Beras"].standard == "rice" and names["Beras"].has_expiry
    assert len(names) == 16
    assert stock.add_starting_catalogue() == []  # a catalogue already there is left alone
    stock.update_item(names["Selimut"].id, name="Selimut tebal")  # editable like any item
    assert stock.find_item("Selimut tebal").unit == "lembar"


def test_receiving_with_no_item_chosen_never_says_none(db):
    from shelter_app.domain.errors import RuleViolation
    from shelter_app.services import sites

    event = sites.create_event("Banjir Garut", "flood", datetime.date(2022, 11, 21))
    site = sites.create_site(event.id, "SDN 1", "school", datetime.date(2022, 11, 21))
    with pytest.raises(RuleViolation) as refused:
        stock.receive(site.id, None, "10", datetime.date(2022, 11, 22))
    assert "None" not in refused.value.text() and refused.value.field == "item"
