"""Showing a service's RuleViolation next to the field it concerns, in the user's language."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import tr
from shelter_app.ui.forms.palette import ERROR_STYLE

log = logging.getLogger(__name__)


class FieldErrors:
    """One error label under each field of a form; ``show`` puts a message under its field.

    Fields the form does not know go to a general label at the top of the form.
    """

    def __init__(self, general: QLabel):
        self.general = general
        self.labels: dict[str, QLabel] = {}
        self.widgets: dict[str, QWidget] = {}
        for label in [general]:
            label.setStyleSheet(ERROR_STYLE)
            label.setWordWrap(True)
            label.hide()

    def add(self, field: str, widget: QWidget) -> QLabel:
        label = QLabel()
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        label.setObjectName(f"error_{field}")
        self.labels[field], self.widgets[field] = label, widget
        return label

    def clear(self) -> None:
        for label in [self.general, *self.labels.values()]:
            label.clear()
            label.hide()

    def clear_field(self, field: str) -> None:
        """The message under one field goes once the person corrects that field."""
        label = self.labels.get(field)
        if label is not None and label.text():
            label.clear()
            label.hide()

    def show(self, error: RuleViolation) -> None:
        self.clear()
        label = self.labels.get(error.field, self.general)
        label.setText(error.text())
        label.show()
        widget = self.widgets.get(error.field)
        if widget is not None:
            widget.setFocus()

    def text(self, field: str) -> str:
        return self.labels.get(field, self.general).text()


def show_unexpected(parent: QWidget | None, what: str) -> None:
    """An error we did not foresee: logged (without personal data), shown as a short message."""
    log.error("unexpected error while %s", what, exc_info=True)
    QMessageBox.warning(
        parent,
        tr("Something went wrong"),
        tr("Something went wrong; the details were written to the log file. Your saved work is safe."),
    )
