"""The window signed in as each role: what an observer sees (never a name), what a volunteer
may not do (disabled, with the reason), the first coordinator, the idle lock, switching user."""

import datetime

from PySide6.QtCore import QModelIndex, QTimer
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QLineEdit, QPushButton

from shelter_app.demo.generator import build_demo
from shelter_app.domain.permissions import OBSERVER, VOLUNTEER
from shelter_app.history import records
from shelter_app.services import accounts, audit
from shelter_app.storage.models import Person
from shelter_app.ui.dialogs.accounts.sign_in import FirstCoordinatorDialog, SignInDialog
from shelter_app.ui.main_window import PAGES, MainWindow
from tests.conftest import PASSWORD, USER

PASSWORDS = {VOLUNTEER: "hujan-deras-2022", OBSERVER: "angin-barat-2022"}
NAMES = {VOLUNTEER: "relawan", OBSERVER: "pemantau"}


def _as(role):
    accounts.add_account(NAMES[role], role, f"Akun {role}", PASSWORDS[role])
    accounts.sign_in(NAMES[role], PASSWORDS[role])


def _columns(model, root) -> int:
    try:
        return model.columnCount(root)
    except TypeError:  # a list model
        return 1


def _rows(window) -> int:
    views = [v for v in window.findChildren(QAbstractItemView) if v.isVisible() and v.model() is not None]
    return sum(v.model().rowCount(QModelIndex()) for v in views)


def _texts(window) -> str:
    """Every text the window shows: labels, buttons, fields and the cells of every list."""
    parts = []
    for widget in window.findChildren(QLabel) + window.findChildren(QPushButton):
        if widget.isVisible():
            parts.append(widget.text())
    parts += [w.text() for w in window.findChildren(QLineEdit) if w.isVisible()]
    for view in window.findChildren(QAbstractItemView):
        model = view.model()
        if model is None or not view.isVisible():
            continue
        root = QModelIndex()
        for row in range(min(model.rowCount(root), 300)):
            for column in range(_columns(model, root)):
                parts.append(str(model.index(row, column).data() or ""))
    return "\n".join(parts)


def test_an_observer_sees_every_page_but_never_a_name(ctx, qtbot, screenshot):
    build_demo(persons=300, seed=3)
    names = [name for (name,) in Person.select(Person.name).tuples() if len(name) > 6]
    _as(OBSERVER)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    shown = list(window.pages)
    assert "roster" not in shown and "sync" not in shown and "dashboard" in shown
    for key in shown:
        window.go_to(key)
        qtbot.waitUntil(lambda key=key: window.pages[key].isVisible())
        if key == "dashboard":  # its figures load in a worker: wait for the sites' rows
            qtbot.waitUntil(lambda: _rows(window.pages["dashboard"]) > 0, timeout=10000)
        screenshot(window, f"observer_{key}_id")
        text = _texts(window)
        leaked = [name for name in names if name in text]
        assert not leaked, (key, leaked[:3])
    assert len(shown) < len(PAGES)
    kinds = window.pages["reports"].kind
    assert [kinds.itemData(i) for i in range(kinds.count())] == ["daily", "summary", "stock"]  # no rosters, no cards


def test_a_volunteer_sees_what_is_not_theirs_disabled_with_the_reason(ctx, qtbot, screenshot):
    _as(VOLUNTEER)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    assert "roster" in window.pages and "sync" in window.pages
    data = window.menuBar().actions()[0].menu()
    importing, export = data.actions()[:2]  # import a roster, export the roster
    assert importing.isEnabled()
    assert not export.isEnabled() and "koordinator" in export.toolTip()
    window.go_to("settings")
    spin = window.pages["settings"].lock_minutes
    assert not spin.isEnabled() and "koordinator" in spin.toolTip()
    screenshot(window, "volunteer_settings_id")


def test_the_first_coordinator_is_made_in_the_window(qapp, qtbot, tmp_path, screenshot):
    from shelter_app.storage.session import open_database

    db = open_database(str(tmp_path / "fresh.db"))
    records.set_actor(None)
    try:
        dialog = FirstCoordinatorDialog()
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.full_name.setText("Dewi Lestari")
        dialog.username.setText("dewi")
        dialog.position.setText("Koordinator posko")
        dialog.agency.setText("Dinas Sosial Kab. Cianjur")
        dialog.password.setText("bukit-hijau-2022")
        dialog.again.setText("bukit-hijau-2023")
        dialog._submit()
        assert dialog.error.isVisible() and not accounts.has_accounts()  # the two differ
        dialog.again.setText("bukit-hijau-2022")
        screenshot(dialog, "first_coordinator_id")
        dialog._submit()
        assert accounts.has_accounts() and records.actor().username == "dewi"
    finally:
        db.close()


def test_idle_lock_and_unlock_with_the_password(ctx, qtbot, screenshot):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    now = [1000.0]
    lock = window.idle_lock
    lock.clock = lambda: now[0]
    lock.last = now[0]
    now[0] += 9 * 60
    lock.check()
    assert not lock.locked  # 9 minutes: still open (10 by default)
    now[0] += 60
    lock.check()
    assert lock.locked and not window.centralWidget().isVisible()
    screenshot(window, "locked_id")
    lock.dialog.password.setText("bukan-kata-sandinya")
    lock.dialog._submit()
    assert lock.locked and lock.dialog.error.isVisible()
    now[0] += 1
    lock.dialog.password.setText(PASSWORD)
    lock.dialog._submit()
    assert not lock.locked and window.centralWidget().isVisible()
    actions = [e.action for e in audit.entries()]
    assert actions[-3:] == ["lock", "unlock_failed", "unlock"]


def test_switch_user_is_one_click(ctx, qtbot):
    accounts.add_account("relawan", VOLUNTEER, "Budi Relawan", PASSWORDS[VOLUNTEER])
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    assert "settings" in window.pages

    def answer():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SignInDialog):
            QTimer.singleShot(50, answer)
            return
        dialog.username.setText("relawan")
        dialog.password.setText(PASSWORDS[VOLUNTEER])
        dialog._submit()

    QTimer.singleShot(50, answer)
    window.switch_user()
    assert records.actor().username == "relawan" and not window.idle_lock.locked
    assert not window.pages["settings"].lock_minutes.isEnabled()  # rebuilt for the new role
    accounts.sign_in(USER, PASSWORD)
    assert [e.action for e in audit.entries(username=USER)][-2:] == ["sign_out", "sign_in"]


def test_full_nik_on_screen_is_for_coordinators_and_leaves_a_trace(ctx, qtbot, operation):
    from shelter_app.domain.identity import make_nik
    from shelter_app.services import roster
    from shelter_app.ui.dialogs.roster.household_view import HouseholdView

    nik = make_nik("32.03.11", datetime.date(1990, 1, 1), "P", 7)
    household = roster.register_household(kk=None)
    roster.add_person(
        household.id, confirmed=True, name="Siti Aminah", sex="P", birth_date=datetime.date(1990, 1, 1), nik=nik
    )
    view = HouseholdView(ctx, household.id)
    qtbot.addWidget(view)
    view.full_nik.setChecked(True)
    assert view.members_model.index(0, 4).data() == nik
    assert [(e.action, e.persons) for e in audit.entries(action="full_identity_shown")] == [("full_identity_shown", 1)]

    _as(VOLUNTEER)
    view = HouseholdView(ctx, household.id)
    qtbot.addWidget(view)
    assert not view.full_nik.isEnabled() and "koordinator" in view.full_nik.toolTip()
    assert view.members_model.index(0, 4).data() != nik
