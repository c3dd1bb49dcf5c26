"""The Stock page: receive, distribute to a household, transfer, adjust and cancel through the
dialogs with the keyboard; on hand, warnings and the stock card follow; errors sit under the field."""

import datetime
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from shelter_app.services import roster, stays, stock, stock_overview
from shelter_app.storage.models import StockMovement
from shelter_app.ui.pages.stock import StockPage

D = datetime.date
DAY = D(2022, 11, 25)


@pytest.fixture
def stocked(ctx, operation):
    """Beras (expires) and tarpaulins in the catalogue; one household staying at the tent camp."""
    _event, tent, school = operation
    rice = stock.add_item(
        "Beras", "food", "kg", has_expiry=True, per_person_per_day="0.4", standard="rice", low_stock_level=50
    )
    tarp = stock.add_item("Terpal", "shelter", "lembar", low_stock_level=5)
    household = roster.register_household(kk="3203112907190001")
    siti = roster.add_person(household.id, name="Siti Aminah", sex="P", age_years=41, relationship="head").person
    ujang = roster.add_person(household.id, name="Ujang", sex="L", age_years=9, relationship="child").person
    stays.check_in([siti.id, ujang.id], tent.id, D(2022, 11, 21))
    return tent, school, rice, tarp, household


def open_page(ctx, qtbot, day=DAY):
    page = StockPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.refresh_if_stale()
    page.day.set_date(day)
    return page


def select_item(page, name):
    row = next(i for i in range(page.on_hand_model.rowCount()) if page.on_hand_model.row_at(i).name == name)
    page.on_hand.selectRow(row)


def cell(model, row, key):
    column = [c.key for c in model.columns].index(key)
    return model.data(model.index(row, column))


def test_receive_then_distribute_to_a_household_with_the_keyboard(ctx, qtbot, stocked):
    tent, _school, rice, _tarp, household = stocked
    page = open_page(ctx, qtbot)
    select_item(page, "Beras")
    assert page.on_hand_model.row_at(page.on_hand.currentIndex().row()).status == "low"  # nothing yet, level 50

    receive = page.open_receive()
    assert receive.item.currentText() == "Beras" and receive.lot.currentData() == "new"  # it expires: a new lot
    qtbot.keyClicks(receive.quantity.edit, "100")
    qtbot.keyClicks(receive.lot_code, "LS-2022-017")
    receive.lot_source.setCurrentIndex(receive.lot_source.findData("government"))
    qtbot.keyClicks(receive.reference, "BAST 12/XI/2022")
    qtbot.keyClick(receive.reference, Qt.Key_Return)  # the expiry date is missing
    assert "kedaluwarsa" in receive.errors.labels["expires_on"].text()
    assert receive.focusWidget() is receive.lot_expiry and stock.on_hand(tent.id, rice.id) == 0
    qtbot.keyClicks(receive.lot_expiry, "06/2023")  # as printed on the sack: the end of June
    qtbot.keyClick(receive.lot_expiry, Qt.Key_Return)
    assert receive.result() == QDialog.Accepted
    assert stock.on_hand(tent.id, rice.id) == 100
    assert stock_overview.lots_of(rice.id)[0].expires_on == D(2023, 6, 30)
    select_item(page, "Beras")
    row = page.on_hand.currentIndex().row()
    assert cell(page.on_hand_model, row, "on_hand") == "100"
    assert cell(page.on_hand_model, row, "status") == "Cukup"
    assert cell(page.on_hand_model, row, "days_of_supply") == "125"  # 100 kg / (2 persons x 0,4 kg)

    give = page.open_distribute()
    assert give.item.currentText() == "Beras"
    qtbot.keyClicks(give.search, "3203112907")  # the KK, as a scanner types it
    qtbot.keyClick(give.search, Qt.Key_Return)
    assert give.household_id == household.id and "Siti Aminah" in give.chosen.text()
    assert give.focusWidget() is give.quantity.edit
    qtbot.keyClicks(give.quantity.edit, "2,5")
    qtbot.keyClick(give.quantity.edit, Qt.Key_Return)
    assert stock.on_hand(tent.id, rice.id) == Decimal("97.5")
    assert "Siti Aminah" in give.log.text() and give.household_id is None  # ready for the next household
    assert give.isVisible()

    # The same household again, far more than is held: the refusal sits under the quantity.
    qtbot.keyClicks(give.search, "siti")
    qtbot.keyClick(give.search, Qt.Key_Return)
    give.quantity.edit.clear()
    qtbot.keyClicks(give.quantity.edit, "500")
    qtbot.keyClick(give.quantity.edit, Qt.Key_Return)
    error = give.errors.labels["quantity"]
    assert not error.isHidden() and "tidak cukup" in error.text() and "Beras" in error.text()
    assert stock.on_hand(tent.id, rice.id) == Decimal("97.5")
    give.reject()

    select_item(page, "Beras")
    assert cell(page.on_hand_model, page.on_hand.currentIndex().row(), "on_hand") == "97,5"
    card = page.card_model
    assert card.rowCount() == 2 and cell(card, 0, "balance") == "97,5"  # the latest first
    page.card.sortByColumn(0, Qt.AscendingOrder)  # the user clicks the date header: oldest first
    assert [cell(card, r, "balance") for r in range(2)] == ["100", "97,5"]
    assert cell(card, 0, "kind") == "Diterima" and cell(card, 0, "lot") == "LS-2022-017"
    assert "Siti Aminah" in cell(card, 1, "party") and cell(card, 1, "given") == "2,5"


def test_distributing_without_a_household_says_so_under_the_household(ctx, qtbot, stocked):
    tent, _school, rice, _tarp, _household = stocked
    stock.receive(tent.id, rice.id, 10, D(2022, 11, 22))
    page = open_page(ctx, qtbot)
    give = page.open_distribute()
    qtbot.keyClicks(give.search, "nobody here")
    qtbot.keyClick(give.search, Qt.Key_Return)
    assert "nobody here" in give.errors.labels["household"].text()
    give.quantity.setFocus()
    qtbot.keyClicks(give.quantity.edit, "1")
    qtbot.keyClick(give.quantity.edit, Qt.Key_Return)
    assert "Pilih rumah tangga" in give.errors.labels["household"].text()
    assert stock.on_hand(tent.id, rice.id) == 10


def test_transfer_adjust_and_cancel_keep_the_history(ctx, qtbot, stocked):
    tent, school, _rice, tarp, _household = stocked
    stock.receive(tent.id, tarp.id, 40, D(2022, 11, 22), reference="BAST 3")
    page = open_page(ctx, qtbot)
    select_item(page, "Terpal")

    move = page.open_transfer()
    move.to_site.setCurrentIndex(move.to_site.findText(school.name))
    qtbot.keyClicks(move.quantity.edit, "15")
    qtbot.keyClick(move.quantity.edit, Qt.Key_Return)
    assert (stock.on_hand(tent.id, tarp.id), stock.on_hand(school.id, tarp.id)) == (25, 15)

    adjust = page.open_adjust()
    qtbot.keyClicks(adjust.quantity.edit, "0")
    qtbot.keyClick(adjust.quantity.edit, Qt.Key_Return)
    assert adjust.errors.labels["quantity"].text() == "Jumlah tidak boleh nol."
    adjust.quantity.edit.clear()
    qtbot.keyClicks(adjust.quantity.edit, "-3")
    adjust.reason.setCurrentIndex(adjust.reason.findData("damaged"))
    qtbot.keyClicks(adjust.note, "robek kena angin")
    qtbot.keyClick(adjust.note, Qt.Key_Return)
    assert adjust.result() == QDialog.Accepted
    assert stock.on_hand(tent.id, tarp.id) == 22
    damaged = StockMovement.get(StockMovement.kind == "adjusted")
    assert damaged.reason == "damaged" and damaged.delta == -3 and damaged.note == "robek kena angin"

    select_item(page, "Terpal")
    card = page.card_model
    page.card.sortByColumn(0, Qt.AscendingOrder)
    assert [cell(card, r, "kind") for r in range(card.rowCount())] == [
        "Diterima",
        "Pindah keluar (ke lokasi lain)",
        "Penyesuaian",
    ]
    assert cell(card, 1, "party") == school.name and cell(card, 2, "reason") == "Rusak"

    page.card.selectRow(1)  # the transfer was typed in error
    cancel = page.open_cancel()
    qtbot.keyClicks(cancel.note, "salah lokasi")
    qtbot.keyClick(cancel.note, Qt.Key_Return)
    assert (stock.on_hand(tent.id, tarp.id), stock.on_hand(school.id, tarp.id)) == (37, 0)
    select_item(page, "Terpal")
    assert StockMovement.select().where(StockMovement.deleted_at.is_null(False)).count() == 2  # kept, marked
    # The cancelled transfer stays on the card, struck through, and counts for nothing.
    assert [cell(card, r, "kind") for r in range(card.rowCount())] == [
        "Diterima",
        "Pindah keluar (ke lokasi lain) (dibatalkan)",
        "Penyesuaian",
    ]
    assert [cell(card, r, "balance") for r in range(card.rowCount())] == ["40", "40", "37"]
    assert "salah lokasi" in cell(card, 1, "note")
    assert card.data(card.index(1, 0), Qt.FontRole).strikeOut()
    assert "1 dibatalkan" in page.opening.text()
    page.card.selectRow(1)
    assert page.open_cancel() is None and page.opening.text() == "Mutasi ini sudah dibatalkan."


def test_issue_to_the_kitchen_refused_beyond_what_is_held(ctx, qtbot, stocked):
    tent, _school, rice, _tarp, _household = stocked
    stock.receive(tent.id, rice.id, 30, D(2022, 11, 22))
    page = open_page(ctx, qtbot)
    select_item(page, "Beras")
    issue = page.open_issue()
    qtbot.keyClicks(issue.quantity.edit, "31")
    qtbot.keyClicks(issue.reference, "Dapur umum")
    qtbot.keyClick(issue.reference, Qt.Key_Return)
    assert "tidak cukup" in issue.errors.labels["quantity"].text()
    assert issue.focusWidget() is issue.quantity.edit
    issue.quantity.edit.clear()
    qtbot.keyClicks(issue.quantity.edit, "12")
    qtbot.keyClick(issue.quantity.edit, Qt.Key_Return)
    assert stock.on_hand(tent.id, rice.id) == 18
    assert StockMovement.get(StockMovement.kind == "issued").reference == "Dapur umum"


def test_low_stock_and_lots_near_expiry_are_marked_with_colour_and_word(ctx, qtbot, stocked):
    tent, _school, rice, tarp, _household = stocked
    lot = stock.add_lot(rice.id, code="LS-2021-044", year=2021, expires_on=D(2022, 12, 10))
    stock.receive(tent.id, rice.id, 80, D(2022, 11, 22), lot_id=lot.id)
    stock.receive(tent.id, tarp.id, 2, D(2022, 11, 22))
    page = open_page(ctx, qtbot)
    rows = {page.on_hand_model.row_at(i).name: i for i in range(page.on_hand_model.rowCount())}
    model = page.on_hand_model
    assert cell(model, rows["Terpal"], "status") == "Stok menipis"
    assert cell(model, rows["Beras"], "status") == "Segera kedaluwarsa"
    status_column = [c.key for c in model.columns].index("status")
    assert model.data(model.index(rows["Terpal"], status_column), Qt.BackgroundRole) is not None
    assert model.data(model.index(rows["Beras"], 0), Qt.BackgroundRole) is not None
    assert page.lots_model.rowCount() == 1 and cell(page.lots_model, 0, "days_left") == "15"
    assert "Terpal" in page.summary.text() and "Stok menipis" in page.summary.text()
    page.day.set_date(D(2022, 12, 11))  # a day after it expired
    assert cell(page.on_hand_model, rows["Beras"], "status") == "Kedaluwarsa"


def test_catalogue_add_and_edit_item(ctx, qtbot, stocked):
    page = open_page(ctx, qtbot)
    page.tabs.setCurrentIndex(1)
    new = page.open_new_item()
    qtbot.keyClicks(new.name, "beras")  # the same name in other letters
    qtbot.keyClicks(new.unit, "kg")
    qtbot.keyClick(new.unit, Qt.Key_Return)
    assert "sudah ada dalam katalog" in new.errors.labels["name"].text()
    new.name.clear()
    qtbot.keyClicks(new.name, "Minyak goreng")
    new.unit.clear()
    qtbot.keyClicks(new.unit, "liter")
    new.has_expiry.setChecked(True)
    new.low_level.clear()
    qtbot.keyClicks(new.low_level, "20")
    qtbot.keyClick(new.low_level, Qt.Key_Return)
    assert new.result() == QDialog.Accepted
    oil = next(item for item in stock.items() if item.name == "Minyak goreng")
    assert oil.unit == "liter" and oil.has_expiry and oil.low_stock_level == 20
    names = [page.catalogue_model.row_at(i).name for i in range(page.catalogue_model.rowCount())]
    assert names == ["Beras", "Minyak goreng", "Terpal"]

    page.catalogue.selectRow(1)
    edit = page.open_edit_item()
    edit.per_person.clear()
    qtbot.keyClicks(edit.per_person, "abc")
    qtbot.keyClick(edit.per_person, Qt.Key_Return)
    assert "bukan angka" in edit.errors.labels["per_person_per_day"].text()
    edit.per_person.clear()
    qtbot.keyClicks(edit.per_person, "0,02")
    qtbot.keyClick(edit.per_person, Qt.Key_Return)
    assert stock.find_item("Minyak goreng").per_person_per_day == Decimal("0.02")


def test_every_stock_model_passes_the_model_tester(ctx, qtbot, qtmodeltester, stocked):
    tent, school, rice, _tarp, _household = stocked
    lot = stock.add_lot(rice.id, code="A1", expires_on=D(2022, 12, 1))
    stock.receive(tent.id, rice.id, 50, D(2022, 11, 22), lot_id=lot.id)
    out, _into = stock.transfer(tent.id, school.id, rice.id, 5, D(2022, 11, 23))
    stock.cancel_movement(out.id, note="salah")  # a struck-through line too
    page = open_page(ctx, qtbot)
    select_item(page, "Beras")
    give = page.open_distribute()
    qtbot.keyClicks(give.search, "Siti")
    give.search_now()
    for model in (page.on_hand_model, page.lots_model, page.card_model, page.catalogue_model, give.results_model):
        assert model.rowCount() > 0
        qtmodeltester.check(model)


def demo_page(ctx, qtbot):
    from shelter_app.demo.generator import build_demo

    build_demo(persons=600, seed=3)
    page = open_page(ctx, qtbot, D(2022, 12, 10))
    page.site.setCurrentIndex(page.site.findText("Posko Lapangan Desa Gasol"))
    select_item(page, "Beras")
    return page


def shot(screenshot, widget, name):
    QApplication.processEvents()  # let the layouts settle, as they do before the user sees them
    screenshot(widget, name)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_screenshots_with_the_demo(ctx, qtbot, screenshot, lang):
    ctx.set_language(lang)
    page = demo_page(ctx, qtbot)
    assert page.on_hand_model.rowCount() > 10 and page.card_model.rowCount() > 5
    shot(screenshot, page, f"stock_{lang}")
    page.tabs.setCurrentIndex(1)
    shot(screenshot, page, f"stock_catalogue_{lang}")
    page.tabs.setCurrentIndex(0)
    for name in ("receive", "issue", "distribute", "transfer", "adjust"):
        dialog = getattr(page, f"open_{name}")()
        if name == "distribute":
            qtbot.keyClicks(dialog.search, "a")
            dialog.search_now()
        if name == "adjust":  # with a refusal under the quantity
            qtbot.keyClicks(dialog.quantity.edit, "-99999")
            qtbot.keyClick(dialog.quantity.edit, Qt.Key_Return)
            assert dialog.errors.labels["quantity"].text()
        shot(screenshot, dialog, f"stock_{name}_{lang}")
        dialog.reject()
    page.card.selectRow(0)
    cancel = page.open_cancel()
    shot(screenshot, cancel, f"stock_cancel_{lang}")
    cancel.reject()
    page.tabs.setCurrentIndex(1)
    page.catalogue.selectRow(0)
    item = page.open_edit_item()
    shot(screenshot, item, f"stock_item_{lang}")
    item.reject()


def test_a_long_stock_card_loads_a_page_at_a_time_with_running_balances(ctx, qtbot, stocked):
    tent, _school, _rice, tarp, _household = stocked
    for n in range(250):
        stock.receive(tent.id, tarp.id, 1, D(2022, 11, 21) + datetime.timedelta(days=n % 4), reference=f"BAST {n}")
    page = open_page(ctx, qtbot)
    select_item(page, "Terpal")
    card = page.card_model
    assert card.rowCount() == 200 and card.canFetchMore()
    assert cell(card, 0, "balance") == "250"
    card.fetchMore()
    assert card.rowCount() == 250 and cell(card, 249, "balance") == "1"
    assert "250 mutasi" in page.opening.text() and "masuk 250" in page.opening.text()


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("31/05/2023", D(2023, 5, 31)),
        ("31-05-2023", D(2023, 5, 31)),
        ("2023-05-31", D(2023, 5, 31)),
        ("05/2023", D(2023, 5, 31)),
        ("12/2023", D(2023, 12, 31)),
        ("", None),
    ],
)
def test_expiry_dates_as_printed_on_packs(typed, expected):
    assert stock_overview.parse_expiry(typed) == expected


def test_an_expiry_that_is_not_a_date_is_explained(db):
    from shelter_app.domain.errors import RuleViolation

    with pytest.raises(RuleViolation) as caught:
        stock_overview.parse_expiry("besok")
    assert caught.value.field == "expires_on" and "31/05/2023" in caught.value.text("id")
