"""What the roster's dialogs and page share: how a person's facts are written on screen, and a
table model whose first page loads inside its reset."""

from __future__ import annotations

import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QTableView, QVBoxLayout, QWidget

from shelter_app.domain import choices
from shelter_app.i18n import N_, current_language, tr, translate
from shelter_app.services.roster_query import VULNERABLE_GROUPS
from shelter_app.ui.widgets.tables import table_view
from shelter_app.ui.widgets.lazy_model import LazyTableModel, ListModel

NOTICE_STYLE = "color: #8a5300;"  # amber: look at it, nothing is blocked
FINE_STYLE = "color: #1b6e2e;"
HINT_STYLE = "color: #555555;"
STATUS_WORDS = {"present": N_("Present"), "left": N_("Left"), "none": N_("Not checked in")}


def fmt_date(day: datetime.date | None) -> str:
    if day is None:
        return ""
    return day.strftime("%d/%m/%Y") if current_language() == "id" else day.isoformat()


def masked(number: str | None, full: bool = False) -> str:
    """A NIK or KK with only its last four digits shown, unless ``full``."""
    if not number:
        return ""
    return number if full else "••••" + number[-4:]


def sex_word(code: str) -> str:
    return choices.label(choices.SEXES, code)


SEX_LETTERS = {"L": N_("M"), "P": N_("F")}


def sex_letter(code: str) -> str:
    """L / P in Indonesian, M / F in English: for narrow columns."""
    return translate(SEX_LETTERS[code]) if code in SEX_LETTERS else code


def relationship_word(code: str) -> str:
    return choices.label(choices.RELATIONSHIPS, code)


def vulnerable_words(groups) -> str:
    return ", ".join(translate(VULNERABLE_GROUPS[g]) for g in groups)


def age_text(age: int, estimated: bool) -> str:
    return ("±" + str(age)) if estimated else str(age)


def status_text(row) -> str:
    """Present since 22/11/2022 · Left 25/11/2022 (returned home) · Not checked in."""
    if row.status == "present":
        return tr("Present since {date}", date=fmt_date(row.since))
    if row.status == "left":
        reason = choices.label(choices.LEAVE_REASONS, row.leave_reason) if row.leave_reason else ""
        return tr("Left on {date} ({reason})", date=fmt_date(row.since), reason=reason) if reason else tr(
            "Left on {date}", date=fmt_date(row.since))
    return translate(STATUS_WORDS["none"])


class PagedModel(LazyTableModel):
    """Rows a page at a time from a service, as the view scrolls."""


class ShortListModel(ListModel):
    """A short list already in memory (a household's members, its stays)."""


def table(model, name: str) -> QTableView:
    """A read-only table of whole rows, in the order the service gives them."""
    return table_view(model, name, sortable=False)


def message_label(name: str, style: str = NOTICE_STYLE) -> QLabel:
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


def field_row(form: QFormLayout, text: str, buddy: QWidget | None, field, *below: QWidget) -> QLabel:
    """A row whose messages sit right under its field and take no room while hidden (hidden
    rows of a QFormLayout would still leave gaps)."""
    label = QLabel(text)
    if buddy is not None:
        label.setBuddy(buddy)
    column = QVBoxLayout()
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    if isinstance(field, QWidget):
        column.addWidget(field)
    else:
        column.addLayout(field)
    for widget in below:
        column.addWidget(widget)
    form.addRow(label, column)
    return label


def fit_height(dialog: QWidget) -> None:
    """Grow a shown dialog so that a message that just appeared is not cut off."""
    layout = dialog.layout()
    layout.activate()
    wanted = layout.totalHeightForWidth(dialog.width()) if layout.hasHeightForWidth() else layout.sizeHint().height()
    if wanted > dialog.height():
        dialog.resize(dialog.width(), wanted)
