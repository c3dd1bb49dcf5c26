"""The Activities page: create an activity, add participants by searching the roster, remove one."""

import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from shelter_app.services import activities, roster, stays
from shelter_app.ui.pages.activities import ActivitiesPage

D = datetime.date


@pytest.fixture
def people(ctx, operation):
    _event, tent, school = operation
    household = roster.register_household(kk="3203112907190001")
    imas = roster.add_person(
        household.id, name="Imas Masitoh", sex="P", birth_date=D(1988, 5, 1), relationship="head"
    ).person
    cucu = roster.add_person(
        household.id, name="Cucu Sumarni", sex="P", birth_date=D(2010, 3, 3), relationship="child"
    ).person
    other = roster.register_household()
    ilham = roster.add_person(
        other.id, name="Ilham Maulana", sex="L", birth_date=D(2003, 1, 1), relationship="head"
    ).person
    stays.check_in([imas.id, cucu.id, ilham.id], tent.id, D(2022, 11, 21))
    return tent, school, imas, cucu, ilham


def open_page(ctx, qtbot):
    page = ActivitiesPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.refresh_if_stale()
    return page


def texts(model, key):
    column = [c.key for c in model.columns].index(key)
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def test_create_an_activity_and_add_participants_by_searching(ctx, qtbot, people):
    tent, _school, imas, cucu, ilham = people
    page = open_page(ctx, qtbot)
    assert page.model.rowCount() == 0 and not page.add_button.isEnabled()

    form = page.open_new()
    form.kind.setCurrentIndex(form.kind.findData("vocational_training"))
    form.site.setCurrentIndex(form.site.findText(tent.name))
    form.held_on.set_date(D(2022, 12, 2))
    form.several_days.setChecked(True)
    form.ends_on.set_date(D(2022, 11, 30))  # before the start: refused under the end date
    qtbot.keyClicks(form.title_edit, "Pelatihan menganyam bambu")
    qtbot.keyClicks(form.facilitator, "Tagana Cianjur")
    qtbot.keyClick(form.facilitator, Qt.Key_Return)
    assert (
        form.errors.labels["ends_on"].text()
        == "Tanggal selesai lebih awal daripada tanggal mulai; periksa kembali kedua tanggal."
    )
    assert activities.activities() == []
    form.ends_on.set_date(D(2022, 12, 5))
    qtbot.keyClick(form.facilitator, Qt.Key_Return)
    assert form.result() == QDialog.Accepted
    [weaving] = activities.activities()
    assert (weaving.kind, weaving.ends_on, weaving.facilitator) == (
        "vocational_training",
        D(2022, 12, 5),
        "Tagana Cianjur",
    )
    assert texts(page.model, "title") == ["Pelatihan menganyam bambu"]
    assert texts(page.model, "kind") == ["Pelatihan vokasi"]

    add = page.open_add_participants()
    qtbot.keyClicks(add.search, "i")  # as you type: results come when typing pauses
    qtbot.waitUntil(lambda: add.model.rowCount() == 2)
    assert texts(add.model, "name") == ["Ilham Maulana", "Imas Masitoh"]
    assert texts(add.model, "site") == [tent.name, tent.name]
    assert texts(add.model, "household")[1] == "KK 320311••0001"  # KK masked on screen as on printouts
    qtbot.keyClicks(add.search, "m")
    qtbot.keyClick(add.search, Qt.Key_Return)  # search now, go to the results
    assert texts(add.model, "name") == ["Imas Masitoh"] and add.focusWidget() is add.results
    qtbot.keyClick(add.results, Qt.Key_Return)
    assert [p.id for p in activities.participants(weaving.id)] == [imas.id]
    assert add.search.text() == "" and add.focusWidget() is add.search and "Imas Masitoh" in add.log.text()

    qtbot.keyClicks(add.search, "3203112907")  # by KK: both members of the household
    qtbot.keyClick(add.search, Qt.Key_Return)
    assert sorted(texts(add.model, "name")) == ["Cucu Sumarni", "Imas Masitoh"]
    assert "sudah menjadi peserta" in texts(add.model, "taking_part")
    add.results.selectAll()
    qtbot.keyClick(add.results, Qt.Key_Return)  # the one already taking part is left as is
    assert sorted(p.name for p in activities.participants(weaving.id)) == ["Cucu Sumarni", "Imas Masitoh"]
    add.accept()

    assert texts(page.participants_model, "name") == ["Cucu Sumarni", "Imas Masitoh"]
    assert texts(page.participants_model, "age") == ["12", "34"]  # on the day of the activity
    assert "2 peserta" in page.details.text()

    page.participants.selectRow(0)
    qtbot.mouseClick(page.remove_button, Qt.LeftButton)
    assert [p.name for p in activities.participants(weaving.id)] == ["Imas Masitoh"]
    assert texts(page.participants_model, "name") == ["Imas Masitoh"]
    del ilham, cucu


def test_edit_an_activity_keeps_its_site_and_filters_by_site_and_dates(ctx, qtbot, people):
    tent, school, *_persons = people
    kitchen = activities.create_activity(tent.id, "community_kitchen", "Dapur umum", D(2022, 11, 22))
    activities.create_activity(school.id, "education", "Sekolah darurat", D(2022, 11, 28), ends_on=D(2022, 12, 3))
    page = open_page(ctx, qtbot)
    assert texts(page.model, "title") == ["Sekolah darurat", "Dapur umum"]  # the latest first
    page.site.setCurrentIndex(page.site.findText(school.name))
    assert texts(page.model, "title") == ["Sekolah darurat"]
    page.site.setCurrentIndex(0)
    page.start.set_date(D(2022, 12, 1))  # still running on the 1st
    assert texts(page.model, "title") == ["Sekolah darurat"]
    page.start.set_date(D(2022, 11, 21))

    page.list.selectRow(1)
    form = page.open_edit()
    assert not form.site.isEnabled() and form.title_edit.text() == "Dapur umum"
    form.outcome.setPlainText("600 porsi per hari")
    form.title_edit.setFocus()
    qtbot.keyClick(form.title_edit, Qt.Key_Return)
    assert form.result() == QDialog.Accepted
    assert activities.activities(tent.id)[0].outcome == "600 porsi per hari"
    page.list.selectRow(texts(page.model, "title").index("Dapur umum"))
    assert "600 porsi per hari" in page.details.text()
    assert kitchen.id == page.selected_id()


def test_every_activity_model_passes_the_model_tester(ctx, qtbot, qtmodeltester, people):
    tent, _school, imas, cucu, _ilham = people
    event = activities.create_activity(tent.id, "health", "Posyandu", D(2022, 11, 24))
    activities.add_participants(event.id, [imas.id, cucu.id])
    page = open_page(ctx, qtbot)
    add = page.open_add_participants()
    qtbot.keyClicks(add.search, "i")
    add.search_now()
    for model in (page.model, page.participants_model, add.model):
        assert model.rowCount() > 0
        qtmodeltester.check(model)


def shot(screenshot, widget, name):
    QApplication.processEvents()  # let the layouts settle, as they do before the user sees them
    screenshot(widget, name)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_screenshots_with_the_demo(ctx, qtbot, screenshot, lang):
    from shelter_app.demo.generator import build_demo

    ctx.set_language(lang)
    build_demo(persons=600, seed=3)
    page = open_page(ctx, qtbot)
    assert page.model.rowCount() > 10 and page.participants_model.rowCount() > 0
    shot(screenshot, page, f"activities_{lang}")
    form = page.open_edit()
    shot(screenshot, form, f"activities_edit_{lang}")
    form.reject()
    form = page.open_new()
    form.held_on.set_date(D(2022, 12, 1))
    qtbot.keyClick(form.title_edit, Qt.Key_Return)  # no title: the message sits under the title
    assert form.errors.labels["title"].text()
    shot(screenshot, form, f"activities_new_{lang}")
    form.reject()
    add = page.open_add_participants()
    qtbot.keyClicks(add.search, "sri")
    add.search_now()
    shot(screenshot, add, f"activities_add_participants_{lang}")
