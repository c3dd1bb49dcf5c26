"""The read-only tables of whole rows every page shows, and the buttons above them, built one way."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QPushButton, QTableView


def table_view(
    model,
    name: str,
    *,
    stretch_column: int | None = None,
    sortable: bool = True,
    fit_contents: bool = False,
    multiple: bool = False,
    alternating: bool = True,
) -> QTableView:
    """Rows selected whole (one, or several with ``multiple``), never edited in place.

    ``stretch_column`` takes the spare width (else the last column does); ``fit_contents``
    sizes columns from the first rows; Tab leaves the table for the buttons after it.
    """
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectRows)
    view.setSelectionMode(QAbstractItemView.ExtendedSelection if multiple else QAbstractItemView.SingleSelection)
    view.setEditTriggers(QAbstractItemView.NoEditTriggers)
    view.setAlternatingRowColors(alternating)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    if fit_contents:
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setResizeContentsPrecision(60)  # widths from the first rows: lists can be long
    else:
        header.setSectionResizeMode(QHeaderView.Interactive)
    header.setStretchLastSection(stretch_column is None)
    if stretch_column is not None:
        header.setSectionResizeMode(stretch_column, QHeaderView.Stretch)
    if sortable:
        header.setSortIndicator(0, Qt.AscendingOrder)  # lists come sorted by their first column
        view.setSortingEnabled(True)
    return view


def fit_columns(view: QTableView) -> None:
    """Columns wide enough for their headers and the rows loaded so far (the stretched one aside)."""
    header = view.horizontalHeader()
    for column in range(view.model().columnCount()):
        if header.sectionResizeMode(column) != QHeaderView.Stretch:
            view.resizeColumnToContents(column)


def add_button(bar, text: str, slot, name: str) -> QPushButton:
    """A named button (tests find it by name) added to a toolbar layout."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.clicked.connect(slot)
    bar.addWidget(button)
    return button
