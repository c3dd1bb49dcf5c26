"""A table model that asks a service for rows a page at a time, as the view scrolls.

The roster of a 500,000-person operation opens instantly: only the rows the user has
scrolled to are ever loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from shelter_app.i18n import tr
from shelter_app.ui.forms.palette import brush

ROW_ROLE = Qt.UserRole + 1  # the whole row object, for views behind a proxy
RIGHT = Qt.AlignRight | Qt.AlignVCenter  # numbers
CENTRE = Qt.AlignCenter


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # msgid, translated when shown
    format: Callable[[Any], str] = lambda value: "" if value is None else str(value)
    align: Qt.AlignmentFlag = Qt.AlignLeft | Qt.AlignVCenter
    sortable: bool = True


Fetch = Callable[[int, int, str | None, bool], list]  # offset, limit, sort key, descending -> rows


class LazyTableModel(QAbstractTableModel):
    """Rows come from ``fetch(offset, limit, sort_key, descending)``; ``getattr(row, key)`` gives a cell."""

    PAGE = 200

    def __init__(self, columns: list[Column], fetch: Fetch, parent=None):
        super().__init__(parent)
        self.columns = columns
        self._fetch = fetch
        self._rows: list = []
        self._exhausted = False
        self._sort: tuple[str | None, bool] = (None, False)

    # --- loading -----------------------------------------------------------------------

    def set_fetch(self, fetch: Fetch) -> None:
        """A new query (another filter): start again from the first page."""
        self._fetch = fetch
        self.reload()

    def reload(self) -> None:
        """Start again with the first page, loaded inside the reset so a view never sees a
        half-reset model."""
        self.beginResetModel()
        self._rows = list(self._fetch(0, self.PAGE, *self._sort))
        self._exhausted = len(self._rows) < self.PAGE
        self.endResetModel()

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent=QModelIndex()) -> None:
        if parent.isValid() or self._exhausted:
            return
        rows = self._fetch(len(self._rows), self.PAGE, *self._sort)
        if len(rows) < self.PAGE:
            self._exhausted = True
        if rows:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def loaded_rows(self) -> int:
        return len(self._rows)

    # --- Qt model interface ------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=Qt.DisplayRole):
        if (
            not index.isValid()
            or not (0 <= index.row() < len(self._rows))
            or not (0 <= index.column() < len(self.columns))
        ):
            return None
        row, column = self._rows[index.row()], self.columns[index.column()]
        if role == Qt.DisplayRole:
            return column.format(getattr(row, column.key, None))
        if role == Qt.TextAlignmentRole:
            return int(column.align)
        if role == ROW_ROLE:
            return row
        return None

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal and 0 <= section < len(self.columns):
            return tr(self.columns[section].header)
        if role == Qt.DisplayRole and orientation == Qt.Vertical:
            return str(section + 1)
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.NoItemFlags
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        """Sorting is done by the service, over all rows, not only the loaded ones."""
        if 0 <= column < len(self.columns) and self.columns[column].sortable:
            self._sort = (self.columns[column].key, order == Qt.DescendingOrder)
            self.reload()

    def row_at(self, row: int):
        return self._rows[row] if 0 <= row < len(self._rows) else None


class ListModel(LazyTableModel):
    """The same columns over a short list already in memory (sites, installations, items)."""

    def __init__(self, columns: list[Column], rows: list | None = None, parent=None):
        self._all = list(rows or [])
        super().__init__(columns, self._slice, parent)
        self.reload()

    def _slice(self, offset: int, limit: int, key: str | None, descending: bool) -> list:
        rows = self._all
        if key:
            rows = sorted(rows, key=lambda r: _sort_key(getattr(r, key, None)), reverse=descending)
        return rows[offset : offset + limit]

    def set_rows(self, rows: list) -> None:
        self._all = list(rows)
        self.reload()


class MarkedListModel(ListModel):
    """A ListModel whose rows can be coloured: ``marker(row)`` gives a colour of
    ``forms.palette``, or None for the theme's own."""

    def __init__(self, columns, rows=None, marker=None, parent=None):
        self._marker = marker or (lambda row: None)
        super().__init__(columns, rows, parent)

    def data(self, index, role=Qt.DisplayRole):
        if role == Qt.ForegroundRole and index.isValid() and 0 <= index.row() < len(self._rows):
            return brush(self._marker(self._rows[index.row()]))
        return super().data(index, role)


def _sort_key(value):
    return (value is None, value if not isinstance(value, str) else value.lower())
