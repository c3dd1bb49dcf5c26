"""Windows and dialogs that fit the screen of a cheap laptop (1366×768) and remember their size.

A window's frame needs room for the window manager's title bar, and the screen loses a taskbar
at its edge; a screen that reports no taskbar (its available area is the whole screen) is
assumed to have one anyway. A dialog asks for the size it would like; it gets that size or the
room there is, whichever is smaller, and the size the person last gave it, within that room.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QObject, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

TITLE_BAR = 32  # pixels a title bar (and the frame) take above a window
TASKBAR = 40  # pixels of a taskbar the screen does not report

_store = None  # ui.user_settings.UserSettings, set by the window's context


def use_settings(settings) -> None:
    global _store
    _store = settings


def usable_area(widget: QWidget | None = None) -> QRect:
    """The room a window's contents have: the screen less its taskbar and a title bar."""
    screen = (widget.screen() if widget is not None else None) or QGuiApplication.primaryScreen()
    available = screen.availableGeometry()
    if available == screen.geometry():
        available = available.adjusted(0, 0, 0, -TASKBAR)
    return available.adjusted(0, TITLE_BAR, 0, 0)


def _sizes() -> dict:
    if _store is None:
        return {}
    try:
        return json.loads(_store.value("window/dialog_sizes") or "{}")
    except (TypeError, ValueError):
        return {}


def fit(widget: QWidget, width: int, height: int, name: str | None = None) -> QSize:
    """Size ``widget`` as wanted (or as the person last left it, under ``name``), within the
    usable area; it remembers its size when closed if ``name`` is given."""
    room = usable_area(widget)
    saved = _sizes().get(name or "")
    if saved:
        width, height = int(saved[0]), int(saved[1])
    size = QSize(min(width, room.width()), min(height, room.height()))
    widget.resize(size)
    if name:
        widget.setProperty("fit_name", name)
        if not widget.property("fit_watched"):
            widget.setProperty("fit_watched", True)
            widget.installEventFilter(_Remember(widget))
    return size


def remember(widget: QWidget) -> None:
    name = widget.property("fit_name")
    if not name or _store is None:
        return
    sizes = _sizes()
    sizes[name] = [widget.width(), widget.height()]
    _store.set_value("window/dialog_sizes", json.dumps(sizes, sort_keys=True))


class _Remember(QObject):
    """Keeps a dialog's size when it is hidden (closed, accepted or rejected)."""

    def __init__(self, widget: QWidget):
        super().__init__(widget)

    def eventFilter(self, watched, event) -> bool:
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Hide:
            remember(watched)
        return False
