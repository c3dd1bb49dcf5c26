"""The words of Qt's own dialogs (file, message box, print) in the app's language.

Qt ships no Indonesian catalogue, so the standard dialogs the app opens would say "Look in:",
"File name:", "Save" and "Cancel" in the middle of an Indonesian window. This translator answers
Qt for the texts of those dialogs from the app's own catalogue (``shelter_app.i18n``); in
English, and for any text not listed here, Qt keeps its own words.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTranslator

from shelter_app.i18n import N_, current_language, translate

# Qt's source texts, as its dialogs use them (any context: the same words mean the same).
QT_TEXTS = frozenset(
    {
        # buttons of every standard dialog (QPlatformTheme, QDialogButtonBox)
        N_("OK"),
        N_("&OK"),
        N_("Save"),
        N_("&Save"),
        N_("Open"),
        N_("&Open"),
        N_("Cancel"),
        N_("&Cancel"),
        N_("Close"),
        N_("&Close"),
        N_("&Yes"),
        N_("&No"),
        N_("Yes to &All"),
        N_("N&o to All"),
        N_("Discard"),
        N_("Apply"),
        N_("Reset"),
        N_("Help"),
        N_("Retry"),
        N_("Ignore"),
        N_("Abort"),
        N_("Don't Save"),
        N_("Close without Saving"),
        N_("Restore Defaults"),
        N_("Show Details..."),
        N_("Hide Details..."),
        # the file dialog (QFileDialog, QFileSystemModel)
        N_("Look in:"),
        N_("&Look in:"),
        N_("File &name:"),
        N_("Files of type:"),
        N_("Files of &type:"),
        N_("&Choose"),
        N_("Directory:"),
        N_("Save As"),
        N_("Find Directory"),
        N_("All Files (*)"),
        N_("Back"),
        N_("Forward"),
        N_("Parent Directory"),
        N_("Create New Folder"),
        N_("List View"),
        N_("Detail View"),
        N_("Name"),
        N_("Size"),
        N_("Type"),
        N_("Kind"),
        N_("Date Modified"),
        N_("New Folder"),
        N_("&New Folder"),
        N_("&Rename"),
        N_("&Delete"),
        N_("Show &hidden files"),
        N_("Recent Places"),
        N_("My Computer"),
        N_("Computer"),
        N_("Drive"),
        N_("File"),
        N_("File Folder"),
        N_("Folder"),
        N_("Alias"),
        N_("Shortcut"),
        N_("Unknown"),
        N_("%1 already exists.\nDo you want to replace it?"),
        N_("%1\nFile not found.\nPlease verify the correct file name was given."),
        N_("%1\nDirectory not found.\nPlease verify the correct directory name was given."),
        N_("Are you sure you want to delete '%1'?"),
        # the print dialog (QPrintDialog, QPageSetupWidget, QPrintPropertiesWidget)
        N_("Print"),
        N_("&Print"),
        N_("Printer"),
        N_("&Options >>"),
        N_("&Options <<"),
        N_("Print to File (PDF)"),
        N_("Local file"),
        N_("Write PDF file"),
        N_("Print To File ..."),
        N_("Copies:"),
        N_("Collate"),
        N_("Reverse"),
        N_("Pages"),
        N_("Page Setup"),
        N_("Properties"),
        N_("&Name:"),
        N_("P&roperties"),
        N_("Location:"),
        N_("Output &file:"),
        N_("Print range"),
        N_("Print all"),
        N_("Pages from"),
        N_("to"),
        N_("Current Page"),
        N_("Selection"),
        N_("Output Settings"),
        N_("Orientation"),
        N_("Portrait"),
        N_("Landscape"),
        N_("Paper"),
        N_("Page size:"),
        N_("Margins"),
        N_("Color Mode"),
        N_("Color"),
        N_("Grayscale"),
        N_("Duplex Printing"),
        N_("None"),
        N_("Long side"),
        N_("Short side"),
        N_("Options"),
    }
)


class DialogWords(QTranslator):
    """Answers Qt's dialogs in Indonesian from the app's catalogue; silent in English."""

    def translate(self, context, source_text, disambiguation=None, n=-1):
        if current_language() == "en" or source_text not in QT_TEXTS:
            return None  # a null string: Qt keeps its own words (an empty one would blank them)
        return translate(source_text)

    def isEmpty(self) -> bool:
        return False


_installed: DialogWords | None = None


def install() -> DialogWords:
    """Install the translator once for the whole application."""
    global _installed
    if _installed is None:
        _installed = DialogWords(QCoreApplication.instance())
        QCoreApplication.installTranslator(_installed)
    return _installed
