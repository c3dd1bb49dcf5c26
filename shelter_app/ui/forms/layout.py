"""Rows of a form with their messages right under the field, and the message labels
themselves: what ``FormDialog`` builds on, and what the larger forms (a household's
registration, a member's fields, the stay dialogs) use directly."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLayout, QVBoxLayout, QWidget

from shelter_app.ui.forms.palette import NOTICE_STYLE


def field_row(
    form: QFormLayout,
    label: str,
    buddy: QWidget | None,
    content: QWidget | QLayout,
    *below: QWidget,
    at: int | None = None,
) -> QWidget:
    """A row whose messages (``below``: error labels, hints) sit right under its field and
    take no room while hidden (hidden rows of a QFormLayout would still leave gaps).

    ``label`` is a translated text with its & shortcut, which moves to ``buddy``. Returns the
    row's field column, a widget that ``form.setRowVisible`` hides with its label (a bare
    layout would leave a gap). ``at``: the row's place, else last."""
    caption = QLabel(label)
    if buddy is not None:
        caption.setBuddy(buddy)
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    if isinstance(content, QWidget):
        column.addWidget(content)
    else:
        column.addLayout(content)
    for widget in below:
        column.addWidget(widget)
    if at is None:
        form.addRow(caption, box)
    else:
        form.insertRow(at, caption, box)
    return box


def message_label(name: str, style: str = NOTICE_STYLE) -> QLabel:
    """A wrapped, selectable message, hidden until ``say`` gives it a text."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(style)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    label.hide()
    return label


def say(label: QLabel, text: str, style: str | None = None) -> None:
    """Show ``text`` in a message label (hide it when empty)."""
    if style is not None:
        label.setStyleSheet(style)
    label.setText(text)
    label.setVisible(bool(text))


def fit_height(dialog: QWidget) -> None:
    """Grow a shown dialog so that a message that just appeared is not cut off."""
    layout = dialog.layout()
    layout.activate()
    wanted = layout.totalHeightForWidth(dialog.width()) if layout.hasHeightForWidth() else layout.sizeHint().height()
    if wanted > dialog.height():
        dialog.resize(dialog.width(), wanted)
