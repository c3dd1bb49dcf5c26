"""The form dialog every feature's dialogs build on: labelled fields, each with its error label
right under it, Save (also on Enter) and Cancel (also on Esc).

Save calls the subclass's ``submit()``, which calls one service. A broken rule is shown under
the field it concerns (in the user's language) and the dialog stays open with what was typed;
an error nobody foresaw is logged and said in a short message. Tests drive ``accept_clicked()``
or press Enter in a field; they never call ``exec()``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import N_, tr
from shelter_app.ui.forms.layout import field_row, fit_height, message_label, say
from shelter_app.ui.forms.palette import NOTICE_STYLE
from shelter_app.ui.widgets.errors import FieldErrors, show_unexpected


class FormDialog(QDialog):
    """A form whose ``submit()`` calls a service; what it returns is kept in ``saved``.

    With a ``ctx``, a save tells the window that data changed; without one, the page that
    opened the dialog does (``open_dialog``'s ``on_saved``).
    """

    heading = ""  # msgid of the window title, when no ``title`` is given
    save_text = N_("Save")  # msgid of the Save button
    min_width = 600
    field_growth = QFormLayout.ExpandingFieldsGrow  # which fields take the spare width

    def __init__(self, parent=None, *, ctx=None, title: str = ""):
        super().__init__(parent)
        self.ctx = ctx
        self.saved = None  # what ``submit()`` returned
        self.setWindowTitle(title or tr(self.heading))
        self.setMinimumWidth(self.min_width)
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.hide()
        layout.addWidget(self.intro)
        self.general = QLabel()
        self.general.setObjectName("error_general")
        self.errors = FieldErrors(self.general)
        layout.addWidget(self.general)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(self.field_growth)
        layout.addLayout(self.form)
        self.result_label = message_label("result")  # what a save did, when the dialog stays open
        layout.addWidget(self.result_label)
        layout.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.Ok)
        self.save_button.setText(tr(self.save_text))
        self.save_button.setDefault(True)  # Enter in any field saves
        self.cancel_button = self.buttons.button(QDialogButtonBox.Cancel)
        self.cancel_button.setText(tr("Cancel"))
        self.save_button.setObjectName("save")
        self.cancel_button.setObjectName("cancel")
        self.buttons.accepted.connect(self.accept_clicked)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._rows: dict[str, QWidget] = {}  # field -> its row's field column

    # --- building ----------------------------------------------------------------------

    def set_intro(self, text: str) -> None:
        """A sentence above the fields: what the dialog will do."""
        self.intro.setText(text)
        self.intro.show()

    def add_field(self, field: str, label: str, widget: QWidget, *aliases: str) -> QWidget:
        """A row for the service's ``field``: ``label`` (translated, with its & shortcut), the
        widget, and the field's error label under it. ``aliases`` are other names the services
        use for the same widget. The widget is named after the field unless it has a name
        already (tests find it by name). Returns the widget."""
        if not widget.objectName():
            widget.setObjectName(field)
        error = self.errors.add(field, widget)
        for alias in aliases:
            self.errors.labels[alias], self.errors.widgets[alias] = error, widget
        self._rows[field] = field_row(self.form, label, widget, widget, error)
        return widget

    def set_field_visible(self, field: str, visible: bool) -> None:
        """Show or hide a whole row (label, field and its error)."""
        self.form.setRowVisible(self._rows[field], visible)

    # --- saving ------------------------------------------------------------------------

    def submit(self):
        """Call the service with what was typed; raise its RuleViolation when it refuses."""
        raise NotImplementedError

    def show_error(self, error: RuleViolation) -> None:
        """The message under its field; the dialog grows so a long message is not cut off."""
        self.errors.show(error)
        fit_height(self)

    def try_save(self, what: str = "") -> bool:
        """Submit, showing a broken rule under its field; True when saved."""
        self.errors.clear()
        try:
            self.saved = self.submit()
        except RuleViolation as error:
            self.show_error(error)
            return False
        except Exception:
            show_unexpected(self, what or f"saving in {type(self).__name__}")
            return False
        return True

    def accept_clicked(self) -> bool:
        if not self.try_save():
            return False
        if self.ctx is not None:
            self.ctx.data_changed.emit()
        self.accept()
        return True

    def stay_open(self, text: str, style: str = NOTICE_STYLE) -> None:
        """Saved, but someone should read ``text`` first: it stays on screen, Save is done and
        Cancel becomes Close."""
        say(self.result_label, text, style)
        self.save_button.setEnabled(False)
        self.cancel_button.setText(tr("Close"))
        self.cancel_button.setFocus()
        fit_height(self)


def open_dialog(owner: QWidget, dialog: QDialog, on_saved) -> QDialog:
    """Show a dialog window-modal without blocking; ``on_saved(dialog.saved)`` runs after a save.

    The owner keeps the last dialog only, so closed ones do not pile up during a long day.
    """
    previous = getattr(owner, "_open_dialog", None)
    if previous is not None and previous is not dialog:
        previous.deleteLater()
    owner._open_dialog = dialog
    dialog.accepted.connect(lambda: on_saved(dialog.saved))
    dialog.open()
    return dialog
