"""The window's one sync runner: a hub sync, a sync file written or read, one at a time.

The Sync page, the Data menu and the window's own timer all go through the runner of the
window's context (``runner(ctx)``), so a background sync and a click on "Sync now" never run
together, and an import never merges while a hub sync does. The work runs in a worker
(``widgets.worker.Job``); the runner says when it is busy, how far the work is, and how it
ended, and after received data it tells every page to reload (``ctx.data_changed``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from shelter_app.domain.errors import RuleViolation
from shelter_app.history import conflicts
from shelter_app.i18n import Msg, _
from shelter_app.sync import duplicates, hub, sync_file
from shelter_app.ui.widgets.worker import Job

log = logging.getLogger(__name__)

HUB, EXPORT, IMPORT = "hub", "export", "import"
PUSH, PULL = 0, 1  # the stage of a hub sync, as sent by ``progressed``
UNEXPECTED = _("Something went wrong; the details were written to the log file. Your saved work is safe.")


def runner(ctx) -> SyncRunner:
    """The runner of this window (made on first use, kept as long as the context)."""
    found = ctx.findChild(SyncRunner)
    return found if found is not None else SyncRunner(ctx)


def failure_words(kind: str, error: BaseException, path: str = "") -> Msg:
    """Why the work failed, in a volunteer's words."""
    if isinstance(error, hub.HubError):
        return error.message
    if isinstance(error, RuleViolation):
        return error.message
    if kind == EXPORT and isinstance(error, OSError):
        folder = str(Path(path).parent) if path else ""
        return _(
            "The sync file could not be written in the folder {folder} ({reason}); nothing was written. "
            "Check that the USB stick is plugged in, not full and not write-protected, or choose another "
            "folder.",
            folder=folder,
            reason=error.strerror or str(error),
        )
    return UNEXPECTED


def _counts() -> tuple[int, int, int]:
    """What waits for a coordinator after a merge: conflicts, persons registered twice, persons
    at two places at once."""
    return conflicts.count(), duplicates.count(), duplicates.two_places_count()


class SyncRunner(QObject):
    busy_changed = Signal(bool)
    progressed = Signal(str, int, int)  # kind; hub: stage (PUSH/PULL) and count; import: done and total
    # kind, ok, value: the result (Synced, Exported, Imported) or the error (an exception)
    ended = Signal(str, bool, object)
    counts_changed = Signal()

    def __init__(self, ctx):
        super().__init__(ctx)
        self.ctx = ctx
        self.job: Job | None = None
        self.kind = ""
        self.path = ""
        self.quiet = False  # the current hub sync was started by the window's timer
        self.failure: Msg | None = None  # why the latest hub sync of this session failed
        self.conflict_count: int | None = None
        self.duplicate_count: int | None = None
        self.place_count: int | None = None  # persons at two places at once (overlapping stays)
        self._jobs: list[Job] = []
        self._merged_some = False  # set by the worker once part of the received data is merged

    # --- state -------------------------------------------------------------------------

    def busy(self) -> bool:
        return self.job is not None and not self.job.wait(0)

    def set_counts(
        self, conflict_count: int | None, duplicate_count: int | None, place_count: int | None = None
    ) -> None:
        """How many conflicts, twice-registered persons and persons at two places at once wait
        (the status bar shows them)."""
        if conflict_count is not None:
            self.conflict_count = conflict_count
        if duplicate_count is not None:
            self.duplicate_count = duplicate_count
        if place_count is not None:
            self.place_count = place_count
        self.counts_changed.emit()

    def wait(self, ms: int = 60000) -> None:
        for job in self._jobs:
            job.wait(ms)

    # --- the work ----------------------------------------------------------------------

    def sync_hub(self, quiet: bool = False) -> Job | None:
        """Push and pull through the configured hub; None when no hub is set up or other sync
        work is running (never two at once)."""
        if self.busy():
            return None
        url = hub.configured_url()
        if not url:
            return None

        def step(progress, stage: str, n: int) -> None:
            if stage != "push" and n:
                self._merged_some = True  # a batch was merged: pages reload even if a later one fails
            progress(PUSH if stage == "push" else PULL, n)

        def work(progress, _cancelled):
            result = hub.sync(url, progress=lambda stage, n: step(progress, stage, n))
            return result, *_counts()

        self.quiet = quiet
        return self._start(HUB, work)

    def export_to(self, path: str) -> Job | None:
        if self.busy():
            return None
        self.path = str(path)
        return self._start(EXPORT, lambda _progress, _cancelled: sync_file.export(path))

    def import_from(self, path: str) -> Job | None:
        if self.busy():
            return None
        self.path = str(path)

        def step(progress, done: int, total: int) -> None:
            self._merged_some = True
            progress(done, total)

        def work(progress, _cancelled):
            imported = sync_file.import_file(path, progress=lambda done, total: step(progress, done, total))
            return imported, *_counts()

        return self._start(IMPORT, work)

    def _start(self, kind: str, work) -> Job:
        job = Job(work)
        job.progressed.connect(lambda done, total: self.progressed.emit(kind, done, total))
        job.finished.connect(lambda value: self._finished(kind, value))
        job.failed.connect(lambda error: self._failed(kind, error))
        self.job, self.kind = job, kind
        self._merged_some = False
        self._jobs = [j for j in self._jobs if not j.wait(0)] + [job]
        job.start()
        self.busy_changed.emit(True)
        return job

    def _finished(self, kind: str, value) -> None:
        self.job = None
        received = 0
        if kind in (HUB, IMPORT):
            value, self.conflict_count, self.duplicate_count, self.place_count = value
            received = value.new
        if kind == HUB:
            self.failure = None
        self.busy_changed.emit(False)
        if received:
            self.ctx.data_changed.emit()  # every page shows the merged data
        self.ended.emit(kind, True, value)
        self.counts_changed.emit()

    def _failed(self, kind: str, error) -> None:
        self.job = None
        if not isinstance(error, (hub.HubError, RuleViolation, OSError)):
            log.error("sync work (%s) failed", kind, exc_info=error)
        if kind == HUB:
            self.failure = failure_words(kind, error)
        self.busy_changed.emit(False)
        if self._merged_some:
            self.ctx.data_changed.emit()  # what was merged before the failure is shown
        self.ended.emit(kind, False, error)
