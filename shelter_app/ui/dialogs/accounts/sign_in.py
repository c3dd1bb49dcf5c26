"""The window's sign-in, its lock and the first coordinator of an operation.

Every check is the services' (``services.accounts``): a wrong password, a disabled account or
a wait after failed attempts comes back as a message in the user's language, shown here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from shelter_app import APP_NAME
from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import tr
from shelter_app.services import accounts
from shelter_app.services.access import current


class _Dialog(QDialog):
    def __init__(self, parent, title: str, intro: str, ok_text: str):
        super().__init__(parent)
        self.setWindowTitle(f"{title} — {APP_NAME}")
        self.setModal(True)
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        heading = QLabel(intro)
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText(ok_text)
        self.buttons.button(QDialogButtonBox.Cancel).setText(tr("Cancel"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def line(self, label: str, password: bool = False, text: str = "") -> QLineEdit:
        edit = QLineEdit(text)
        if password:
            edit.setEchoMode(QLineEdit.Password)
        self.form.addRow(label, edit)
        return edit

    def show_error(self, error: RuleViolation) -> None:
        self.error.setText(error.text())
        self.error.show()

    def _submit(self) -> None:
        try:
            self.submit()
        except RuleViolation as error:
            self.show_error(error)
            return
        self.accept()

    def submit(self) -> None:  # pragma: no cover - each dialog says what it does
        raise NotImplementedError


class SignInDialog(_Dialog):
    """Who is at the laptop: username and password."""

    def __init__(self, parent=None, username: str = ""):
        super().__init__(parent, tr("Sign in"), tr("Sign in with your account to open the operation."), tr("Sign in"))
        self.username = self.line(tr("Username"), text=username)
        self.password = self.line(tr("Password"), password=True)
        (self.password if username else self.username).setFocus(Qt.OtherFocusReason)

    def submit(self) -> None:
        try:
            accounts.sign_in(self.username.text(), self.password.text())
        finally:
            self.password.clear()


class UnlockDialog(_Dialog):
    """The window locked itself (idle) or was locked: the same account's password unlocks it;
    "switch user" signs another account in."""

    def __init__(self, parent=None):
        actor = current()
        who = actor.name or actor.username if actor else ""
        super().__init__(
            parent,
            tr("Locked"),
            tr("The window is locked. {name}, type your password to unlock it.", name=who),
            tr("Unlock"),
        )
        self.password = self.line(tr("Password"), password=True)
        self.switch = self.buttons.addButton(tr("Switch user"), QDialogButtonBox.ActionRole)
        self.switch.clicked.connect(self._switch_user)
        self.switched = False

    def submit(self) -> None:
        try:
            accounts.unlock(self.password.text())
        finally:
            self.password.clear()

    def _switch_user(self) -> None:
        accounts.sign_out()
        dialog = SignInDialog(self)
        if dialog.exec() == QDialog.Accepted:
            self.switched = True
            self.accept()


class FirstCoordinatorDialog(_Dialog):
    """A new operation (or one from before accounts): its first coordinator."""

    def __init__(self, parent=None):
        super().__init__(
            parent,
            tr("First coordinator"),
            tr(
                "This operation has no accounts yet. Create the first coordinator: the person "
                "responsible for this posko, who can add the volunteers' accounts."
            ),
            tr("Create and sign in"),
        )
        self.full_name = self.line(tr("Full name"))
        self.username = self.line(tr("Username"))
        self.position = self.line(tr("Position"))
        self.agency = self.line(tr("Agency"))
        self.phone = self.line(tr("Phone"))
        self.password = self.line(tr("Password (at least 8 characters)"), password=True)
        self.again = self.line(tr("The same password again"), password=True)

    def submit(self) -> None:
        if self.password.text() != self.again.text():
            raise RuleViolation("password", _differ())
        accounts.create_first_coordinator(
            self.username.text(),
            self.full_name.text(),
            self.password.text(),
            position=self.position.text(),
            agency=self.agency.text(),
            phone=self.phone.text(),
        )


def _differ():
    from shelter_app.i18n import _

    return _("The two passwords differ; nothing was changed.")


def sign_in_at_start(parent=None) -> bool:
    """Before the window opens: the first coordinator, or a sign-in. False when cancelled."""
    if not accounts.has_accounts():
        return FirstCoordinatorDialog(parent).exec() == QDialog.Accepted
    return SignInDialog(parent).exec() == QDialog.Accepted
