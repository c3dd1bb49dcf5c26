"""Sync: this laptop's data merged with the others' — through the hub, or a file carried on a
USB stick — and what a coordinator settles afterwards: edits that lost to another edit of the
same field (conflicts), persons registered twice with the same NIK, and persons at two places
at once (checked in on two laptops before they synced: two stays that overlap).

The work itself runs in the window's one sync runner (``ui.sync_runner``), which the Data
menu and the window's background sync share.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
)

from shelter_app.domain.errors import RuleViolation
from shelter_app.history import conflicts
from shelter_app.i18n import N_, ntr, tr
from shelter_app.i18n.formats import local_time
from shelter_app.sync import duplicates, hub, quarantine, settling, sync_file
from shelter_app.sync.review import ConflictLine, PlaceLine, TwiceLine, conflict_lines, place_lines, twice_lines
from shelter_app.ui.forms.palette import ERROR_STYLE, FINE_STYLE, HINT_STYLE
from shelter_app.ui.sync_runner import EXPORT, HUB, IMPORT, PUSH, failure_words, runner
from shelter_app.ui.user_settings import KEYS
from shelter_app.ui.widgets.lazy_model import Column, ListModel
from shelter_app.ui.widgets.page import Page
from shelter_app.ui.widgets.tables import add_button, table_view
from shelter_app.ui.widgets.worker import Job


@dataclass(frozen=True)
class Merging:
    nik: str
    keep_id: object
    keep_name: str
    other_id: object
    other_name: str


CONFLICT_COLUMNS = [
    Column("record", N_("Record")),
    Column("field", N_("Field")),
    Column("current", N_("Current value")),
    Column("current_by", N_("By, when")),
    Column("lost", N_("Lost value")),
    Column("lost_by", N_("By, when")),
]

TWICE_COLUMNS = [
    Column("nik", N_("NIK")),
    Column("name", N_("Name")),
    Column("kk", N_("KK")),
    Column("site", N_("Site")),
    Column("registered", N_("Registered by, when")),
    Column("role", N_("When merged")),
]

PLACE_COLUMNS = [
    Column("name", N_("Name")),
    Column("site", N_("Site")),
    Column("arrived", N_("Arrived")),
    Column("left", N_("Left")),
    Column("recorded", N_("Recorded by, when")),
    Column("role", N_("When kept")),
]
QUARANTINE_COLUMNS = [
    Column("received_at", N_("Received"), lambda value: local_time(value)),
    Column("source", N_("Came from"), lambda value: str(value)[:13]),
    Column("field", N_("Record, field")),
    Column("reason", N_("Why it was not applied")),
]


def fit(view) -> None:
    """Columns as wide as their contents, the last one taking the spare width; an empty list
    shares the width out evenly (its headers alone would make narrow columns)."""
    header = view.horizontalHeader()
    empty = view.model().rowCount() == 0
    header.setSectionResizeMode(QHeaderView.Stretch if empty else QHeaderView.Interactive)
    if not empty:
        view.resizeColumnsToContents()
    header.setStretchLastSection(False)  # set again: a resize to contents drops the stretch
    header.setStretchLastSection(True)


def outcome_text(kind: str, value) -> str:
    """What a finished sync, export or import did, in one or two sentences."""
    text = _outcome_text(kind, value)
    kept = getattr(value, "quarantined", 0)
    if kept:
        text += " " + ntr(
            "{n} change broke a rule and was kept aside (listed below).",
            "{n} changes broke a rule and were kept aside (listed below).",
            kept,
        )
    return text


def _outcome_text(kind: str, value) -> str:
    if kind == HUB:
        return ntr(
            "Synced with {hub}: {pushed} change sent, {pulled} received ({new} new).",
            "Synced with {hub}: {pushed} changes sent, {pulled} received ({new} new).",
            value.pushed,
            hub=value.hub,
            pushed=value.pushed,
            pulled=value.pulled,
            new=value.new,
        )
    if kind == EXPORT:
        return ntr(
            "{n} change written to {path}. Import this file on the other laptop (Data menu, Import sync file).",
            "{n} changes written to {path}. Import this file on the other laptop (Data menu, Import sync file).",
            value.operations,
            path=str(value.path),
        )
    return ntr(
        "Sync file imported: {n} change, {new} new.",
        "Sync file imported: {n} changes, {new} new.",
        value.operations,
        new=value.new,
    )


def review_text(conflict_count: int | None, duplicate_count: int | None, place_count: int | None = None) -> str:
    parts = []
    if conflict_count:
        parts.append(ntr("{n} conflict to review below.", "{n} conflicts to review below.", conflict_count))
    if duplicate_count:
        parts.append(ntr("{n} person registered twice below.", "{n} persons registered twice below.", duplicate_count))
    if place_count:
        parts.append(
            ntr("{n} person at two places at once below.", "{n} persons at two places at once below.", place_count)
        )
    return " ".join(parts)


def last_sync_text() -> tuple[str, bool]:
    """The latest hub sync for people, and whether it failed."""
    last = hub.last()
    if last is None:
        return tr("Never synced with a hub."), False
    when = local_time(last.at)
    if last.ok:
        return ntr(
            "{when}: {pushed} change sent, {pulled} received.",
            "{when}: {pushed} changes sent, {pulled} received.",
            last.pushed,
            when=when,
            pushed=last.pushed,
            pulled=last.pulled,
        ), False
    reason = last.error.text() if last.error else ""
    return tr("{when}: failed. {reason}", when=when, reason=reason), True


class SyncPage(Page):
    key = "sync"
    title = N_("Sync")

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.runner = runner(ctx)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<h2>{tr('Sync')}</h2>"))

        # --- the hub and sync files ---------------------------------------------------
        box = QGroupBox(tr("Merge with the other laptops"))
        grid = QGridLayout(box)
        grid.setColumnStretch(1, 1)
        grid.addWidget(QLabel(tr("Hub:")), 0, 0)
        self.hub_label = QLabel(objectName="hub_label")
        self.hub_label.setWordWrap(True)
        self.hub_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        grid.addWidget(self.hub_label, 0, 1)
        self.settings_button = QPushButton(tr("Set up the hub in Settings…"))
        self.settings_button.setObjectName("hub_settings")
        self.settings_button.clicked.connect(lambda: self.ctx.navigate.emit("settings", None))
        grid.addWidget(self.settings_button, 0, 2)
        grid.addWidget(QLabel(tr("Last sync:")), 1, 0, Qt.AlignTop)
        self.last_label = QLabel(objectName="last_sync")
        self.last_label.setWordWrap(True)
        self.last_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        grid.addWidget(self.last_label, 1, 1, 1, 2)
        buttons = QHBoxLayout()
        self.sync_button = add_button(buttons, tr("&Sync now"), self.sync_now, "sync_now")
        self.export_button = add_button(buttons, tr("&Export sync file…"), self.export_file, "export_sync_file")
        self.import_button = add_button(buttons, tr("&Import sync file…"), self.import_file, "import_sync_file")
        self.busy = QProgressBar(objectName="sync_busy")
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(220)
        self.busy.setTextVisible(False)
        self.busy.hide()
        buttons.addWidget(self.busy)
        buttons.addStretch(1)
        grid.addLayout(buttons, 2, 0, 1, 3)
        self.outcome = QLabel(objectName="sync_outcome")
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.outcome.hide()
        grid.addWidget(self.outcome, 3, 0, 1, 3)
        layout.addWidget(box)

        splitter = QSplitter(Qt.Vertical)
        self.splitter = splitter
        splitter.setChildrenCollapsible(False)
        # Four lists are taller than a 1366x768 laptop's window: below their smallest they scroll.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setWidget(splitter)
        layout.addWidget(scroll, 1)

        # --- conflicts, persons registered twice, persons at two places at once ----------
        self.conflicts_box, self.conflict_model, self.conflict_table, buttons, self.conflict_message = self._section(
            tr(
                "The same field was changed on two laptops before they synced. The latest edit is in "
                "use; the other one is kept here. Keep the current value, or restore the lost one."
            ),
            CONFLICT_COLUMNS,
            "conflicts_table",
            "conflict_message",
            [
                (tr("&Keep current value"), lambda: self.resolve(False), "keep_current"),
                (tr("&Restore lost value"), lambda: self.resolve(True), "restore_lost"),
            ],
        )
        self.keep_button, self.restore_button = buttons
        self.twice_box, self.twice_model, self.twice_table, buttons, self.twice_message = self._section(
            tr(
                "The same NIK was registered on two laptops. Check that it is the same person, then merge "
                "the second record into the first: its stays and activities move to the first, which keeps "
                "its own details and takes the missing ones."
            ),
            TWICE_COLUMNS,
            "twice_table",
            "twice_message",
            [(tr("&Merge…"), self.merge, "merge_persons")],
        )
        [self.merge_button] = buttons
        self.places_box, self.place_model, self.place_table, buttons, self.places_message = self._section(
            tr(
                "The same person was checked in on two laptops before they synced, so two of their stays "
                "overlap and the figures count them twice. Check where the person really is, then keep "
                "that stay: the other one is deleted."
            ),
            PLACE_COLUMNS,
            "places_table",
            "places_message",
            [(tr("Keep &this stay…"), self.keep_stay, "keep_stay")],
        )
        [self.keep_stay_button] = buttons
        self.quarantine_box, self.quarantine_model, self.quarantine_table, _buttons, _message = self._section(
            tr(
                "Changes received from a sync file or the hub that broke a rule (a wrong value, an "
                "unknown record, a time stamp far ahead). They were kept aside, not applied; the rest "
                "of the sync went on. Correct the record on the laptop it came from."
            ),
            QUARANTINE_COLUMNS,
            "quarantine_table",
            "quarantine_message",
            [],
        )
        for section in (self.conflicts_box, self.twice_box, self.places_box, self.quarantine_box):
            splitter.addWidget(section)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setStretchFactor(2, 2)
        splitter.setStretchFactor(3, 1)
        state = ctx.settings.value(KEYS.SYNC_SECTIONS)  # "sync/splitter" held two sections
        # until the user drags a divider, the space goes where the rows are (``_share_space``)
        self._sized_by_hand = state is not None and splitter.restoreState(state)
        splitter.splitterMoved.connect(self._moved_by_hand)

        self.runner.busy_changed.connect(self._busy_changed)
        self.runner.progressed.connect(self._progressed)
        self.runner.ended.connect(self._ended)
        self.refresh_hub()
        self._busy_changed(self.runner.busy())

    # --- showing -------------------------------------------------------------------------

    def _section(self, hint_text: str, columns, table_name: str, message_name: str, actions):
        """One review list: a hint, a table, its buttons (label, action, object name) and a
        line that says what the last action did."""
        box = QGroupBox()
        column = QVBoxLayout(box)
        hint = QLabel(hint_text)
        hint.setWordWrap(True)
        hint.setStyleSheet(HINT_STYLE)
        column.addWidget(hint)
        model = ListModel(columns, [])
        table = table_view(model, table_name, sortable=False)
        table.selectionModel().currentRowChanged.connect(lambda _new, _old: self._update_buttons())
        column.addWidget(table, 1)
        row = QHBoxLayout()
        buttons = [add_button(row, label, action, name) for label, action, name in actions]
        message = QLabel(objectName=message_name)
        message.setWordWrap(True)
        row.addWidget(message, 1)
        column.addLayout(row)
        return box, model, table, buttons, message

    def refresh(self) -> None:
        self.refresh_hub()
        self.refresh_lists()

    def refresh_hub(self) -> None:
        url = hub.configured_url()
        if url:
            self.hub_label.setText(hub.label(url))
            self.settings_button.setText(tr("Change in Settings…"))
        else:
            self.hub_label.setText(
                tr(
                    "No hub is set up. Give its address in Settings (Sending reports), or carry a "
                    "sync file on a USB stick: export it here, import it on the other laptop."
                )
            )
            self.settings_button.setText(tr("Set up the hub in Settings…"))
        text, failed = last_sync_text()
        self.last_label.setText(text)
        self.last_label.setStyleSheet(ERROR_STYLE if failed else "")
        self.sync_button.setToolTip("" if url else tr("Set up a hub in Settings first."))
        self._update_buttons()

    def refresh_lists(self) -> None:
        lines = conflict_lines()
        waiting = conflicts.count()
        self.conflict_model.set_rows(lines)
        self.conflicts_box.setTitle(
            tr("Conflicts to review ({n})", n=waiting)
            if len(lines) >= waiting
            else tr("Conflicts to review ({n}, the newest {shown} shown)", n=waiting, shown=len(lines))
        )
        fit(self.conflict_table)
        twice = twice_lines()
        self.twice_model.set_rows(twice)
        self.twice_box.setTitle(tr("Registered twice with the same NIK ({n})", n=len({line.keep_id for line in twice})))
        fit(self.twice_table)
        places = place_lines()
        self.place_model.set_rows(places)
        persons = len({line.person_id for line in places})
        self.places_box.setTitle(tr("At two places at once ({n})", n=persons))
        fit(self.place_table)
        held = quarantine.listed(limit=500)
        self.quarantine_model.set_rows(held)
        self.quarantine_box.setTitle(tr("Kept aside: broke a rule ({n})", n=quarantine.count()))
        fit(self.quarantine_table)
        self.runner.set_counts(waiting, sum(1 for line in twice if line.person_id != line.keep_id), persons)
        self._share_space()
        self._update_buttons()

    def _moved_by_hand(self, _pos: int, _index: int) -> None:
        self._sized_by_hand = True

    def _share_space(self) -> None:
        """Until the user drags a divider: an empty section as small as it can be, the others
        sharing the rest by how many rows they hold."""
        if self._sized_by_hand:
            return
        sections = [
            (self.conflicts_box, self.conflict_model),
            (self.twice_box, self.twice_model),
            (self.places_box, self.place_model),
            (self.quarantine_box, self.quarantine_model),
        ]
        available = self.splitter.height() - self.splitter.handleWidth() * (len(sections) - 1)
        smallest = [box.minimumSizeHint().height() for box, _model in sections]
        wants = [min(model.rowCount(), 10) for _box, model in sections]
        if not any(wants):
            wants = [1] * len(sections)
        spare = available - sum(smallest)
        if spare <= 0:
            return
        self.splitter.setSizes([low + spare * want // sum(wants) for low, want in zip(smallest, wants)])

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._share_space()

    def _update_buttons(self) -> None:
        busy = self.runner.busy()
        self.sync_button.setEnabled(not busy and bool(hub.configured_url()))
        self.export_button.setEnabled(not busy)
        self.import_button.setEnabled(not busy)
        # settling while a merge runs could meet its writes: wait for the end
        chosen = self.conflict_table.currentIndex().row() >= 0 and self.conflict_model.rowCount() > 0
        self.keep_button.setEnabled(not busy and chosen)
        self.restore_button.setEnabled(not busy and chosen)
        self.merge_button.setEnabled(
            not busy and self.twice_table.currentIndex().row() >= 0 and self.twice_model.rowCount() > 0
        )
        self.keep_stay_button.setEnabled(
            not busy and self.place_table.currentIndex().row() >= 0 and self.place_model.rowCount() > 0
        )

    def _say(self, label: QLabel, text: str, style: str = "") -> None:
        label.setText(text)
        label.setStyleSheet(style)
        label.setVisible(bool(text))

    # --- sync, export, import ------------------------------------------------------------

    def sync_now(self) -> Job | None:
        """Push and pull through the hub, in the background; the outcome shows here."""
        if not hub.configured_url():
            self._say(
                self.outcome,
                tr("No hub is set up: give its address in Settings first, or use a sync file."),
                ERROR_STYLE,
            )
            return None
        job = self.runner.sync_hub(quiet=False)
        if job is None:
            self._say(self.outcome, tr("A sync is already running; wait for it to end."))
        return job

    def export_file(self) -> Job | None:
        folder = str(self.ctx.settings.value(KEYS.SYNC_FOLDER) or str(Path.home()))
        path, _filter = QFileDialog.getSaveFileName(
            self,
            tr("Export sync file"),
            str(Path(folder) / sync_file.default_name()),
            tr("Posko sync files (*{suffix})", suffix=sync_file.SUFFIX),
        )
        if not path:
            return None
        if not path.endswith(sync_file.SUFFIX):
            path += sync_file.SUFFIX
        return self.export_to(path)

    def export_to(self, path: str) -> Job | None:
        self.ctx.settings.set_value(KEYS.SYNC_FOLDER, str(Path(path).parent))
        job = self.runner.export_to(path)
        if job is None:
            self._say(self.outcome, tr("A sync is already running; wait for it to end."))
        return job

    def import_file(self) -> Job | None:
        folder = str(self.ctx.settings.value(KEYS.SYNC_FOLDER) or str(Path.home()))
        path, _filter = QFileDialog.getOpenFileName(
            self, tr("Import sync file"), folder, tr("Posko sync files (*{suffix})", suffix=sync_file.SUFFIX)
        )
        if not path:
            return None
        return self.import_from(path)

    def import_from(self, path: str) -> Job | None:
        self.ctx.settings.set_value(KEYS.SYNC_FOLDER, str(Path(path).parent))
        job = self.runner.import_from(path)
        if job is None:
            self._say(self.outcome, tr("A sync is already running; wait for it to end."))
        return job

    def _busy_changed(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        if busy:
            self.busy.setRange(0, 0)
            words = {
                HUB: tr("Syncing with the hub…"),
                EXPORT: tr("Writing the sync file…"),
                IMPORT: tr("Reading and merging the sync file…"),
            }
            self._say(self.outcome, words.get(self.runner.kind, ""))
        self._update_buttons()

    def _progressed(self, kind: str, done: int, total: int) -> None:
        if kind == HUB:
            self._say(
                self.outcome,
                ntr("{n} change sent…", "{n} changes sent…", total)
                if done == PUSH
                else ntr("{n} change received…", "{n} changes received…", total),
            )
        elif kind == IMPORT and total:
            self.busy.setRange(0, total)
            self.busy.setValue(done)

    def _ended(self, kind: str, ok: bool, value) -> None:
        self.refresh_hub()
        if kind == HUB and (self.runner.quiet or (not ok and isinstance(value, hub.HubError))):
            self._say(self.outcome, "")  # the last-sync line says how it went, error included
            return
        if ok:
            text = " ".join(
                part
                for part in (
                    outcome_text(kind, value),
                    review_text(self.runner.conflict_count, self.runner.duplicate_count, self.runner.place_count)
                    if kind != EXPORT
                    else "",
                )
                if part
            )
            self._say(self.outcome, text, FINE_STYLE)
        else:
            self._say(self.outcome, failure_words(kind, value, self.runner.path).text(), ERROR_STYLE)
        # the lists reload through ctx.data_changed, which the runner sends when data was merged

    # --- settling ------------------------------------------------------------------------

    def chosen_conflict(self) -> ConflictLine | None:
        return self.conflict_model.row_at(self.conflict_table.currentIndex().row())

    def resolve(self, restore: bool) -> bool:
        line = self.chosen_conflict()
        if line is None:
            return False
        try:
            settling.resolve(line.id, restore=restore)
        except RuleViolation as error:
            self._say(self.conflict_message, error.text(), ERROR_STYLE)
            return False
        done = (
            tr("Restored: {field} of {record} is {value} again.", field=line.field, record=line.record, value=line.lost)
            if restore
            else tr(
                "Kept: {field} of {record} stays {value}.", field=line.field, record=line.record, value=line.current
            )
        )
        self.ctx.data_changed.emit()  # reloads this page too, and the others when shown
        self.refresh_if_stale()
        self._say(self.conflict_message, done, FINE_STYLE)
        return True

    def chosen_pair(self) -> tuple[TwiceLine, TwiceLine] | None:
        """(kept, merged into it) for the chosen row: the row itself is merged into its group's
        first record; the first record's row merges the group's second."""
        line = self.twice_model.row_at(self.twice_table.currentIndex().row())
        if line is None:
            return None
        other_id = line.second_id if line.person_id == line.keep_id else line.person_id
        rows = [self.twice_model.row_at(r) for r in range(self.twice_model.rowCount())]
        keep = next(row for row in rows if row.person_id == line.keep_id)
        other = next(row for row in rows if row.person_id == other_id)
        return keep, other

    def merge(self) -> bool:
        chosen = self.chosen_pair()
        if chosen is None:
            return False
        keep, other = chosen
        line = Merging(keep.nik, keep.person_id, keep.name, other.person_id, other.name)
        answer = QMessageBox.question(
            self,
            tr("Merge the two records?"),
            tr(
                "Merge {other} into {keep} (NIK {nik})?\n\nThe stays and activities of {other} move to {keep}, "
                "and the record of {other} is deleted. The change can be undone from the history.",
                other=line.other_name,
                keep=line.keep_name,
                nik=line.nik,
            ),
            QMessageBox.Yes | QMessageBox.No,
            QMessageBox.No,
        )
        if answer != QMessageBox.Yes:
            return False
        try:
            duplicates.merge_persons(line.keep_id, line.other_id)
        except RuleViolation as error:
            self._say(self.twice_message, error.text(), ERROR_STYLE)
            return False
        self.ctx.data_changed.emit()
        self.refresh_if_stale()
        self._say(
            self.twice_message,
            tr("{other} was merged into {keep}.", other=line.other_name, keep=line.keep_name),
            FINE_STYLE,
        )
        return True

    def chosen_stay(self) -> PlaceLine | None:
        return self.place_model.row_at(self.place_table.currentIndex().row())

    def keep_stay(self) -> bool:
        """Keep the chosen stay, after confirmation; the other stay of its pair is deleted."""
        line = self.chosen_stay()
        if line is None:
            return False
        answer = QMessageBox.question(
            self,
            tr("Keep this stay?"),
            tr(
                "Keep the stay of {name} at {site} (from {arrived})?\n\nThe stay at {other_site} (from "
                "{other_arrived}) is deleted, and the figures count {name} once. The change can be undone from "
                "the history.",
                name=line.name,
                site=line.site,
                arrived=line.arrived,
                other_site=line.other_site,
                other_arrived=line.other_arrived,
            ),
            QMessageBox.Yes | QMessageBox.No,
            QMessageBox.No,
        )
        if answer != QMessageBox.Yes:
            return False
        try:
            duplicates.keep_stay(line.stay_id, line.other_id)
        except RuleViolation as error:
            self._say(self.places_message, error.text(), ERROR_STYLE)
            self.refresh_lists()  # the list may be out of date (a sync, another window)
            return False
        self.ctx.data_changed.emit()
        self.refresh_if_stale()
        self._say(
            self.places_message,
            tr(
                "Kept: {name} at {site}; the stay at {other_site} was deleted.",
                name=line.name,
                site=line.site,
                other_site=line.other_site,
            ),
            FINE_STYLE,
        )
        return True

    def save_state(self) -> None:
        if self._sized_by_hand:
            self.ctx.settings.set_value(KEYS.SYNC_SECTIONS, self.splitter.saveState())
        else:
            self.ctx.settings.remove(KEYS.SYNC_SECTIONS)
