"""What a page of the main window is: a widget that reloads from the services when shown."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from shelter_app.ui.context import AppContext


class Page(QWidget):
    key = ""  # stable name: remembered as the last page, used to navigate
    title = ""  # msgid of the navigation entry

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(f"page_{self.key}")
        self._stale = True
        ctx.data_changed.connect(self._mark_stale)

    def _mark_stale(self) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh_if_stale()

    def refresh_if_stale(self) -> None:
        if self._stale:
            self._stale = False
            self.refresh()

    def refresh(self) -> None:
        """Reload what the page shows from the services."""

    def open_item(self, argument) -> None:
        """Show one item (a site, a household) when another page navigates here."""

    def save_state(self) -> None:
        """Remember splitter positions and the like in ``self.ctx.settings``."""
