"""The window locks itself after an idle time (the setting ``lock_after_minutes``, 10 by
default) and on request; the signed-in account's password unlocks it, "switch user" signs
another one in. While locked, the window's contents are hidden."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from shelter_app.services import accounts
from shelter_app.services import settings as stored_settings
from shelter_app.ui.dialogs.accounts.sign_in import UnlockDialog

ACTIVITY = {
    QEvent.KeyPress,
    QEvent.MouseButtonPress,
    QEvent.MouseMove,
    QEvent.Wheel,
    QEvent.TouchBegin,
}


class IdleLock(QObject):
    def __init__(self, window, on_switched: Callable[[], None] | None = None, clock=time.monotonic):
        super().__init__(window)
        self.window = window
        self.clock = clock
        self.on_switched = on_switched
        self.last = clock()
        self.dialog: UnlockDialog | None = None
        QApplication.instance().installEventFilter(self)
        self.timer = QTimer(self)
        self.timer.setInterval(15_000)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    @property
    def locked(self) -> bool:
        return self.dialog is not None

    def minutes(self) -> int:
        try:
            return int(stored_settings.value("lock_after_minutes") or 10)
        except Exception:  # the database is being replaced (restore): keep the default
            return 10

    def eventFilter(self, watched, event) -> bool:
        if event.type() in ACTIVITY and not self.locked:
            self.last = self.clock()
        return False

    def check(self) -> None:
        if not self.locked and self.clock() - self.last >= self.minutes() * 60:
            self.lock()

    def lock(self) -> None:
        """Hide the window's contents and ask for the password (not blocking: the dialog is
        window-modal and answers through ``finished``)."""
        if self.locked:
            return
        accounts.lock()
        central = self.window.centralWidget()
        if central is not None:
            central.hide()
        self.dialog = UnlockDialog(self.window)
        self.dialog.finished.connect(self._finished)
        self.dialog.open()

    def _finished(self, result: int) -> None:
        dialog, self.dialog = self.dialog, None
        if result != QDialog.Accepted:  # the lock stays until a password opens it
            self.lock()
            return
        self.last = self.clock()
        central = self.window.centralWidget()
        if central is not None:
            central.show()
        if dialog.switched and self.on_switched:
            self.on_switched()
