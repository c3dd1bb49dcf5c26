"""Long work (building a demo, big queries) off the window's thread, with progress and cancel."""

from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtCore import QObject, QThread, Signal

log = logging.getLogger(__name__)


class Job(QObject):
    """Runs ``func(progress, cancelled)`` in a thread; ``progress(done, total)`` may be called often."""

    progressed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, func: Callable, parent=None):
        super().__init__(parent)
        self._func = func
        self._cancel = False
        self._thread = QThread()
        self.moveToThread(self._thread)
        self._thread.started.connect(self._run)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self._cancel = True

    def is_cancelled(self) -> bool:
        return self._cancel

    def wait(self, ms: int = 60000) -> bool:
        return self._thread.wait(ms)

    def _run(self) -> None:
        try:
            result = self._func(self.progressed.emit, self.is_cancelled)
        except Exception as error:  # reported to the window, which decides what to say
            log.info("job ended with %s", type(error).__name__)
            self.failed.emit(error)
        else:
            self.finished.emit(result)
        finally:
            from shelter_app.storage.models import database

            if not database.is_closed():
                database.close()  # this thread's own connection
            self._thread.quit()
