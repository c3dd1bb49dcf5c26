"""The roster page, the household form, the stay dialogs and the household view, driven as a
volunteer drives them: with the keyboard, from the paper form, in Bahasa Indonesia."""

from __future__ import annotations

import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from shelter_app.domain.identity import make_kk, make_nik
from shelter_app.i18n import set_language
from shelter_app.services import roster, roster_query, stats, stays, stock
from shelter_app.ui.dialogs.roster.household_form import HouseholdForm
from shelter_app.ui.dialogs.roster.household_view import HouseholdView
from shelter_app.ui.dialogs.roster.stay_dialogs import CheckInDialog, CheckOutDialog
from shelter_app.ui.dialogs.roster.stay_dialogs import StayTransferDialog as TransferDialog
from shelter_app.ui.pages.roster import RosterPage

D = datetime.date
KK = make_kk("32.03.11", D(2015, 5, 1), 4321)
EUIS_NIK = make_nik("32.03.11", D(1984, 7, 9), "P", 3)
ASEP_NIK = make_nik("32.03.11", D(1979, 2, 2), "L", 8)


@pytest.fixture(autouse=True)
def no_stale_plans():
    roster_query.forget_estimates()
    yield
    roster_query.forget_estimates()


def focused(dialog):
    return dialog.focusWidget()


def press(qtbot, dialog, key=Qt.Key_Return, times=1, modifier=Qt.NoModifier):
    """Press a key where the cursor is (what the keyboard would do)."""
    for _ in range(times):
        qtbot.keyClick(focused(dialog), key, modifier)


def shown_errors(dialog) -> dict:
    labels = {"": dialog.errors.general, **dialog.errors.labels}
    return {field: label.text() for field, label in labels.items() if label.text()}


def typed(qtbot, dialog, text):
    qtbot.keyClicks(focused(dialog), text)


@pytest.fixture
def shot(screenshot):
    """A screenshot once the layouts have caught up with the texts just shown."""

    def take(widget, name):
        QApplication.processEvents()
        return screenshot(widget, name)

    return take


def col(model, key: str) -> int:
    return [c.key for c in model.columns].index(key)


def make_page(ctx, qtbot):
    page = RosterPage(ctx)
    qtbot.addWidget(page)
    page.resize(1090, 760)
    page.show()
    page.refresh_if_stale()
    wait_count(qtbot, page)
    return page


def wait_count(qtbot, page):
    """Until the worker's count is shown (its signal crosses threads: wait for the label)."""
    qtbot.waitUntil(
        lambda: page.count_job is not None and page.count_job.wait(0) and "…" not in page.count_label.text(),
        timeout=10000,
    )


def search(qtbot, page, text):
    page.search.setFocus()
    page.search.selectAll()
    qtbot.keyClicks(page.search, text)
    qtbot.waitUntil(lambda: page.filter.text == text.strip(), timeout=3000)  # the debounce fired
    wait_count(qtbot, page)
    return [page.model.row_at(i) for i in range(page.model.rowCount())]


def member_fields(
    qtbot, form, name, nik=None, sex_keys=None, birth=None, age=None, relationship_keys=None, flags=(), phone=""
):
    """Type one member in the order of the paper form, moving on with Enter."""
    editor = form.editor
    assert focused(form) is editor.name
    typed(qtbot, form, name)
    press(qtbot, form)
    assert focused(form) is editor.nik
    if nik:
        typed(qtbot, form, nik)
    press(qtbot, form)
    assert focused(form) is editor.sex
    if sex_keys:
        typed(qtbot, form, sex_keys)
    press(qtbot, form)
    assert focused(form) is editor.birth_date
    if birth:
        editor.birth_date.selectAll()
        typed(qtbot, form, birth)
    press(qtbot, form)
    assert focused(form) is editor.age_only
    if age is not None:
        press(qtbot, form, Qt.Key_Space)  # tick "age only": the cursor goes to the age
        assert focused(form) is editor.age
        editor.age.selectAll()
        typed(qtbot, form, str(age))
    press(qtbot, form)
    assert focused(form) is editor.relationship
    if relationship_keys:
        typed(qtbot, form, relationship_keys)
    press(qtbot, form)
    for flag in ("pregnant", "lactating", "disability", "chronic_illness", "unaccompanied_child"):
        assert focused(form) is editor.flags[flag]
        if flag in flags:
            press(qtbot, form, Qt.Key_Space)
        press(qtbot, form)
        if flag == "disability" and flag in flags:
            assert focused(form) is editor.disability_note
            press(qtbot, form)
    assert focused(form) is editor.phone
    typed(qtbot, form, phone)


def test_register_search_check_in_transfer_and_check_out(ctx, operation, qtbot, qtmodeltester, shot):
    _event, tent, school = operation
    # Asep was registered at another desk last week: typing him again is pointed out.
    elsewhere = roster.register_household()
    roster.add_person(elsewhere.id, name="Asep Saepudin", sex="L", birth_date=D(1979, 2, 2), relationship="head")

    page = make_page(ctx, qtbot)
    assert page.count_label.text() == "1 jiwa"
    form = page.register_household()
    assert isinstance(form, HouseholdForm)
    qtbot.waitExposed(form)
    form.activateWindow()

    # --- the household part, then member 1: the NIK fills in sex and birth date ---------
    assert focused(form) is form.kk
    typed(qtbot, form, KK)
    press(qtbot, form)
    assert focused(form) is form.village
    typed(qtbot, form, "Gasol, Cugenang, Kabupaten Cianjur, Jawa Barat")  # as the list suggests it
    assert form.village.completer().completionCount() == 1
    assert form.village.code() == "32.03.11.2002"
    press(qtbot, form)
    assert focused(form) is form.address
    typed(qtbot, form, "Kp. Gasol RT 02/05")
    press(qtbot, form)
    member_fields(qtbot, form, "Euis Kurniasih", nik=EUIS_NIK, flags=("lactating",), phone="0812 3456 7890")
    assert form.editor.sex.code() == "P" and form.editor.birth_date.date_value() == D(1984, 7, 9)
    assert "Kepala keluarga" == form.editor.relationship.currentText()
    assert "cocok" in form.editor.nik_check.text()
    press(qtbot, form)  # Enter on the phone saves the member
    assert form.members.count() == 1 and form.errors.general.isHidden()
    household = form.household
    assert household.kk == KK and household.origin_village_code == "32.03.11.2002"
    [euis] = roster.members(household.id)
    assert (euis.name, euis.nik, euis.sex, euis.relationship, euis.lactating, euis.phone) == (
        "Euis Kurniasih",
        EUIS_NIK,
        "P",
        "head",
        True,
        "081234567890",
    )
    assert focused(form) is form.editor.name  # the next member starts at the name
    assert form.member_box.title() == "Anggota 2"

    # --- member 2: a NIK that does not fit is explained while typing ----------------------
    editor = form.editor
    typed(qtbot, form, "Asep Saepudin")
    press(qtbot, form)
    press(qtbot, form)  # no NIK yet
    typed(qtbot, form, "L")
    assert editor.sex.code() == "L"
    press(qtbot, form)
    typed(qtbot, form, "02021979")
    qtbot.waitUntil(editor.duplicate_hint.isVisible, timeout=3000)
    assert "Asep Saepudin" in editor.duplicate_hint.text() and "02/02/1979" in editor.duplicate_hint.text()
    editor.nik.setFocus()
    wrong = make_nik("32.03.11", D(1979, 2, 2), "P", 8)  # a woman's NIK typed for Asep
    qtbot.keyClicks(editor.nik, wrong[:15])
    assert editor.nik_check.text() == "15 dari 16 digit"
    qtbot.keyClicks(editor.nik, wrong[15])
    assert "perempuan" in editor.nik_check.text() and "laki-laki" in editor.nik_check.text()
    shot(form, "roster_flow_form_nik_mismatch_id")
    editor.nik.clear()
    qtbot.keyClicks(editor.nik, ASEP_NIK)
    assert "cocok" in editor.nik_check.text()
    assert editor.sex.code() == "L" and editor.birth_date.date_value() == D(1979, 2, 2)
    editor.relationship.setFocus()
    typed(qtbot, form, "Suami")
    assert editor.relationship.code() == "husband"
    press(qtbot, form, Qt.Key_Return, modifier=Qt.ControlModifier)  # Ctrl+Enter saves from anywhere
    # Saving shows the probable duplicate and waits for the volunteer's word.
    assert form.duplicates.isVisible() and "Asep Saepudin" in form.duplicates_text.text()
    assert form.members.count() == 1
    shot(form, "roster_flow_form_duplicate_id")
    qtbot.mouseClick(form.save_anyway, Qt.LeftButton)
    assert form.members.count() == 2 and not form.duplicates.isVisible()

    # --- member 3: a child whose birth date is unknown -------------------------------------
    member_fields(qtbot, form, "Neng Siti", sex_keys="P", age=9, relationship_keys="Anak")
    press(qtbot, form)
    assert form.members.count() == 3, shown_errors(form)
    neng = next(p for p in roster.members(household.id) if p.name == "Neng Siti")
    assert neng.birth_date_estimated and roster.age_on(neng.birth_date, D.today()) == 9 and neng.relationship == "child"
    shot(form, "roster_flow_form_three_members_id")
    form.finish_clicked()
    assert not form.isVisible()

    # --- search as you type: by name, then by KK --------------------------------------------
    rows = search(qtbot, page, "euis")
    assert [r.name for r in rows] == ["Euis Kurniasih"]
    assert page.count_label.text() == "1 jiwa"
    rows = search(qtbot, page, KK[:10])
    assert [r.name for r in rows] == ["Asep Saepudin", "Euis Kurniasih", "Neng Siti"]
    assert page.count_label.text() == "3 jiwa"
    qtmodeltester.check(page.model)
    assert page.model.index(0, col(page.model, "nik")).data() == ASEP_NIK[:6] + "••" + ASEP_NIK[-4:]
    page.full_nik.setChecked(True)
    assert page.model.index(0, col(page.model, "nik")).data() == ASEP_NIK

    # --- check the whole household in at the tent ---------------------------------------------
    page.table.selectRow(1)
    assert page.selected_row().name == "Euis Kurniasih"
    qtbot.mouseClick(page.buttons["check_in"], Qt.LeftButton)
    dialog = page._dialog
    assert isinstance(dialog, CheckInDialog) and dialog.who.text().startswith("Euis Kurniasih")
    dialog.site.setCurrentIndex(dialog.site.findText(tent.name))
    dialog.date.set_date(D(2022, 11, 22))
    dialog.whole.setFocus()
    qtbot.keyClick(dialog.whole, Qt.Key_Space)
    assert "Asep Saepudin" in dialog.who.text() and "Neng Siti" in dialog.who.text()
    shot(dialog, "roster_flow_check_in_household_id")
    assert dialog.accept_clicked()
    assert [s.site_id for p in roster.members(household.id) for s in stays.stays_of(p.id)] == [tent.id] * 3
    assert stats.figures(D(2022, 11, 23), tent.id)["sites"][0]["persons"] == 3
    assert stats.figures(D(2022, 11, 23), tent.id)["sites"][0]["households"] == 1

    # --- transfer Asep alone to the school ---------------------------------------------------------
    rows = [page.model.row_at(i) for i in range(page.model.rowCount())]
    assert [r.status for r in rows] == ["present"] * 3 and rows[0].site_name == tent.name
    page.table.selectRow(0)
    qtbot.mouseClick(page.buttons["transfer"], Qt.LeftButton)
    dialog = page._dialog
    assert isinstance(dialog, TransferDialog) and not dialog.whole.isChecked()
    assert dialog.site.findText(tent.name) == -1  # not to where he already is
    dialog.site.setCurrentIndex(dialog.site.findText(school.name))
    dialog.date.set_date(D(2022, 11, 25))
    qtbot.keyClicks(dialog.note, "Tenda penuh")
    shot(dialog, "roster_flow_transfer_id")
    assert dialog.accept_clicked()
    asep_stays = stays.stays_of(rows[0].id)
    assert [(s.site_id, s.left_on, s.leave_reason) for s in asep_stays] == [
        (tent.id, D(2022, 11, 25), "transferred"),
        (school.id, None, None),
    ]
    day = stats.figures(D(2022, 11, 26))
    persons = {s["name"]: s["persons"] for s in day["sites"]}
    assert persons[tent.name] == 2 and persons[school.name] == 1
    assert day["sites"][[s["name"] for s in day["sites"]].index(school.name)]["transfers_in"] == 0  # on the 25th

    # --- check Neng out: she went home with her aunt -----------------------------------------------
    page.table.selectRow(2)
    assert page.selected_row().name == "Neng Siti"
    qtbot.mouseClick(page.buttons["check_out"], Qt.LeftButton)
    dialog = page._dialog
    assert isinstance(dialog, CheckOutDialog)
    dialog.date.set_date(D(2022, 11, 22))  # the day she arrived: refused, next to the date
    dialog.reason.set_code("returned_home")
    assert not dialog.accept_clicked()
    assert "paling cepat sehari" in dialog.errors.text("left_on") and dialog.errors.labels["left_on"].isVisible()
    dialog.date.set_date(D(2022, 11, 27))
    shot(dialog, "roster_flow_check_out_error_id")
    assert dialog.accept_clicked()
    figures = stats.figures(D(2022, 11, 28))
    persons = {s["name"]: s["persons"] for s in figures["sites"]}
    assert persons[tent.name] == 1 and persons[school.name] == 1
    departures = stats.figures(D(2022, 11, 27), tent.id)["sites"][0]["departures"]
    assert departures == 1

    # --- the page shows where everyone is now -------------------------------------------------------
    rows = [page.model.row_at(i) for i in range(page.model.rowCount())]
    assert [(r.name, r.status, r.site_name) for r in rows] == [
        ("Asep Saepudin", "present", school.name),
        ("Euis Kurniasih", "present", tent.name),
        ("Neng Siti", "left", tent.name),
    ]
    assert page.model.index(2, col(page.model, "status")).data() == "Keluar 27/11/2022 (Pulang ke rumah)"
    page.status.setCurrentIndex(page.status.findData("present"))
    page.status.activated.emit(page.status.currentIndex())
    assert [r.name for r in (page.model.row_at(i) for i in range(page.model.rowCount()))] == [
        "Asep Saepudin",
        "Euis Kurniasih",
    ]
    wait_count(qtbot, page)
    assert page.count_label.text() == "2 jiwa"
    qtmodeltester.check(page.model)
    shot(page, "roster_flow_page_present_id")

    # --- the household view: members, every stay, history never hidden -----------------------------
    page.status.setCurrentIndex(page.status.findData("all"))
    page.status.activated.emit(page.status.currentIndex())
    page.table.selectRow(1)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key_Return)  # Enter opens the household
    view = page._dialog
    assert isinstance(view, HouseholdView)
    assert view.members_model.rowCount() == 3 and view.stays_model.rowCount() == 4
    qtmodeltester.check(view.members_model)
    qtmodeltester.check(view.stays_model)
    assert view.members_model.index(0, 4).data() == EUIS_NIK[:6] + "••" + EUIS_NIK[-4:]
    view.full_nik.setChecked(True)
    assert view.members_model.index(0, 4).data() == EUIS_NIK
    assert "Kepala keluarga" == view.members_model.index(0, 3).data()
    assert view.members_model.index(2, 2).data() == "±9"
    shot(view, "roster_flow_household_view_id")
    wait_count(qtbot, page)


def test_check_in_over_capacity_is_saved_with_a_notice(ctx, operation, qtbot):
    _event, tent, _school = operation  # the tent holds 4 at night
    household = roster.register_household()
    ids = [
        roster.add_person(
            household.id, name=f"Anggota {i}", sex="L", age_years=20 + i, relationship="head" if i == 0 else "child"
        ).person.id
        for i in range(5)
    ]
    dialog = CheckInDialog(ctx, ids[0], household.id, whole_household=True)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.site.setCurrentIndex(dialog.site.findText(tent.name))
    dialog.date.set_date(D(2022, 11, 22))
    assert dialog.accept_clicked()
    assert dialog.isVisible() and "kapasitas" in dialog.result_label.text()
    assert dialog.cancel_button.text() == "Tutup" and not dialog.save_button.isEnabled()
    assert len(stays.residents(tent.id, D(2022, 11, 22))) == 5


def test_form_errors_show_next_to_their_field_and_nothing_is_saved(ctx, operation, qtbot):
    form = HouseholdForm(ctx)
    qtbot.addWidget(form)
    form.show()
    qtbot.keyClicks(form.kk, "3203")
    form.editor.name.setFocus()
    qtbot.keyClicks(form.editor.name, "Ujang")
    assert not form.save_member()
    assert "jenis kelamin" in form.errors.text("sex").lower()
    form.editor.sex.set_code("L")
    qtbot.keyClicks(form.editor.birth_date, "31021990")
    assert not form.save_member()
    assert "bukan tanggal" in form.errors.text("birth_date")
    form.editor.birth_date.clear()
    qtbot.keyClicks(form.editor.birth_date, "01021990")
    assert not form.save_member()
    assert "16 digit" in form.errors.text("kk") and form.errors.labels["kk"].isVisible()
    assert form.household is None and roster_query.count_persons(roster_query.RosterFilter()) == 0
    form.kk.clear()
    form.editor.flags["pregnant"].setChecked(True)
    assert not form.save_member()
    assert "perempuan" in form.errors.text("pregnant")
    assert form.household is None  # the household is only kept with its first member


def test_household_form_checks_in_on_finish(ctx, operation, qtbot):
    _event, tent, _school = operation
    form = HouseholdForm(ctx)
    qtbot.addWidget(form)
    form.show()
    form.editor.name.setText("Dadang")
    form.editor.sex.set_code("L")
    form.editor.birth_date.set_date(D(1970, 1, 1))
    assert form.save_member()
    form.editor.name.setText("Iis")
    form.editor.sex.set_code("P")
    form.editor.relationship.set_code("wife")
    form.editor.age_only.setChecked(True)
    form.editor.age.setValue(48)
    form.site.setCurrentIndex(form.site.findText(tent.name))
    form.arrived_on.set_date(D(2022, 11, 23))
    assert form.finish_clicked()  # saves Iis, then checks both in
    assert not form.isVisible()
    assert len(stays.residents(tent.id, D(2022, 11, 23))) == 2
    assert ctx.settings.value("roster/checkin_site") == tent.id.hex
    again = HouseholdForm(ctx)
    qtbot.addWidget(again)
    assert again.site.currentText() == tent.name  # the desk's site is remembered


def test_scanned_household_card_opens_the_household(ctx, operation, qtbot):
    household = roster.register_household(kk=KK)
    roster.add_person(household.id, name="Euis Kurniasih", sex="P", birth_date=D(1984, 7, 9), relationship="head")
    page = make_page(ctx, qtbot)
    page.search.setFocus()
    qtbot.keyClicks(page.search, household.id.hex)  # a USB scanner types the card's number...
    qtbot.keyClick(page.search, Qt.Key_Return)  # ...and Enter
    view = page._dialog
    assert isinstance(view, HouseholdView) and view.household_id == household.id
    assert page.search.text() == ""
    assert "Euis Kurniasih" in view.heading.text()
    view.reject()
    page.open_item(household.id.hex)
    assert page._dialog.household_id == household.id


def test_household_view_lists_distributions_adds_and_corrects_members(ctx, operation, qtbot, qtmodeltester):
    _event, tent, _school = operation
    household = roster.register_household(kk=KK)
    head = roster.add_person(
        household.id, name="Euis Kurniasih", sex="P", birth_date=D(1984, 7, 9), relationship="head"
    ).person
    stays.check_in([head.id], tent.id, D(2022, 11, 22))
    item = stock.add_item("Beras", "food", "kg")
    stock.receive(tent.id, item.id, 100, D(2022, 11, 22))
    stock.distribute(tent.id, item.id, 5, D(2022, 11, 23), household.id)
    view = HouseholdView(ctx, household.id)
    qtbot.addWidget(view)
    view.show()
    assert view.received_model.rowCount() == 1
    assert view.received_model.index(0, 2).data() == "5 kg"
    qtmodeltester.check(view.received_model)

    form = view.add_member()
    assert form.household.id == household.id and form.members.count() == 1
    assert form.editor.relationship.code() == "child" and not form.kk.isEnabled() or form.kk.isReadOnly()
    form.editor.name.setText("Rina")
    form.editor.sex.set_code("P")
    form.editor.age_only.setChecked(True)
    form.editor.age.setValue(12)
    assert form.save_member()
    form.accept()
    assert view.members_model.rowCount() == 2  # refreshed by the change

    view.members.selectRow(1)
    dialog = view.correct_member()
    assert dialog.editor.name.text() == "Rina" and dialog.editor.age_only.isChecked()
    dialog.editor.name.selectAll()
    qtbot.keyClicks(dialog.editor.name, "Rina Marlina")
    assert dialog.accept_clicked()
    rina = next(p for p in roster.members(household.id) if p.relationship == "child")
    assert rina.name == "Rina Marlina" and rina.birth_date_estimated
    from shelter_app.history import records

    assert [c.action for c in records.history(rina.id)] == ["insert", "update"]

    dialog = view.move("check_out")
    assert dialog.whole.isChecked() and "Euis Kurniasih" in dialog.who.text() and "Rina" not in dialog.who.text()


def test_roster_of_a_large_operation_loads_a_page_at_a_time(ctx, qtbot, qtmodeltester):
    from shelter_app.demo.generator import build_demo

    build_demo(persons=600, seed=3)
    page = make_page(ctx, qtbot)
    assert page.model.loaded_rows() == 200 and page.count_label.text() == "600 jiwa"
    page.table.sortByColumn(col(page.model, "age"), Qt.AscendingOrder)  # by age, youngest first
    ages = [page.model.row_at(i).age for i in range(page.model.rowCount())]
    assert ages == sorted(ages) and page.model.loaded_rows() == 200
    page.table.sortByColumn(col(page.model, "status"), Qt.AscendingOrder)  # status: not sortable over the roster
    assert page.table.horizontalHeader().sortIndicatorSection() == col(page.model, "age")
    page.table.sortByColumn(0, Qt.AscendingOrder)
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: page.model.loaded_rows() == 400, timeout=3000)
    page.vulnerable.setCurrentIndex(page.vulnerable.findData("disability"))
    page.vulnerable.activated.emit(page.vulnerable.currentIndex())
    wait_count(qtbot, page)
    n = int(page.count_label.text().split()[0])
    assert n == page.model.rowCount() and all(
        "Disabilitas" in page.model.index(i, col(page.model, "vulnerable")).data() for i in range(n)
    )
    qtmodeltester.check(page.model)
    page.save_state()
    assert ctx.settings.value("roster/header") is not None and ctx.settings.value("roster/splitter") is not None


@pytest.mark.parametrize("lang", ["id", "en"])
def test_screenshots(ctx, qtbot, shot, lang):
    """Every window of the roster in both languages, filled with the demo, to look at."""
    from shelter_app.demo.generator import build_demo

    build_demo(persons=600, seed=3)
    ctx.set_language(lang)
    page = make_page(ctx, qtbot)
    page.resize(1090, 760)
    shot(page, f"roster_page_{lang}")
    row = page.selected_row()
    view = page.open_household()
    shot(view, f"roster_household_view_{lang}")
    view.reject()
    for kind in ("check_in", "transfer", "check_out"):
        dialog = page.move(kind)
        shot(dialog, f"roster_{kind}_{lang}")
        dialog.reject()
    form = page.register_household()
    form.editor.name.setText(row.name)
    form.editor.check_duplicates()
    form.editor.nik.setText(make_nik("32.03.11", D(1984, 7, 9), "P", 3))
    form.editor.check_nik()
    shot(form, f"roster_form_{lang}")
    form.reject()
    person = page.correct_person()
    shot(person, f"roster_correct_person_{lang}")
    person.reject()
    set_language("id")


def test_household_details_are_corrected_with_the_old_values_kept(ctx, operation, qtbot, shot):
    from shelter_app.history import records
    from shelter_app.storage.models import Household

    household = roster.register_household(kk=KK, address="Kp. Lama")
    roster.add_person(household.id, name="Euis Kurniasih", sex="P", birth_date=D(1984, 7, 9), relationship="head")
    view = HouseholdView(ctx, household.id)
    qtbot.addWidget(view)
    view.show()
    dialog = view.correct_household()
    dialog.kk.setText("123")
    assert not dialog.save()
    assert "16" in dialog.errors.text("kk")
    dialog.kk.clear()
    dialog.address.selectAll()
    qtbot.keyClicks(dialog.address, "Kp. Gasol RT 02/05")
    dialog.village.set_code("32.03.11.2002")
    shot(dialog, "roster_household_details")
    assert dialog.save()
    saved = Household.get_by_id(household.id)
    assert (saved.kk, saved.address, saved.origin_village_code) == (None, "Kp. Gasol RT 02/05", "32.03.11.2002")
    assert records.history(household.id)[-1].action == "update"
    assert "Gasol" in view.heading.text()
