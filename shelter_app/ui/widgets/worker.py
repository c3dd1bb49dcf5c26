"""Long work (building a demo, big queries, backups) off the window's thread, with progress
and cancel."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Outcome:
    """What the work gave back, boxed: PySide6 mishandles a bare None sent between threads."""

    ok: bool
    value: Any


class Job(QObject):
    """Runs ``func(progress, cancelled)`` in a thread; ``progress(done, total)`` may be called often.

    ``finished(result)`` or ``failed(error)`` are emitted in the thread that created the job
    (the window's), so their receivers may touch widgets.
    """

    progressed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)
    _outcome = Signal(object)

    def __init__(self, func: Callable, parent=None):
        super().__init__(parent)
        self._func = func
        self._cancel = False
        self._thread = threading.Thread(target=self._run, name="posko-job", daemon=True)
        self._outcome.connect(self._deliver)  # queued: emitted from the worker thread

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self._cancel = True

    def is_cancelled(self) -> bool:
        return self._cancel

    def wait(self, ms: int = 60000) -> bool:
        """Wait for the work to end (not for the results to be delivered)."""
        if self._thread.is_alive():
            self._thread.join(ms / 1000)
        return not self._thread.is_alive()

    def _run(self) -> None:
        try:
            outcome = _Outcome(True, self._func(self.progressed.emit, self.is_cancelled))
        except Exception as error:  # reported to the window, which decides what to say
            log.info("job ended with %s", type(error).__name__)
            outcome = _Outcome(False, error)
        finally:
            from shelter_app.services import database

            database.release_thread_connection()
        self._outcome.emit(outcome)

    @Slot(object)
    def _deliver(self, outcome: _Outcome) -> None:
        (self.finished if outcome.ok else self.failed).emit(outcome.value)
