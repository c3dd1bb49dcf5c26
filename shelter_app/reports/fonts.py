"""The DejaVu Sans family shipped in ``resources/fonts``, registered once for every report.

The 14 built-in PDF fonts are not Unicode; DejaVu covers Indonesian, the symbols the reports
use (², ±, •) and is embedded (subset) in every PDF, so a report prints the same everywhere.
"""

from __future__ import annotations

import threading

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from shelter_app.resources import resource_path

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
BOLD_ITALIC = "DejaVuSans-BoldOblique"
FAMILY = REGULAR

_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}
_lock = threading.Lock()
_registered = False


def register() -> None:
    """Register the four faces and the family (bold/italic mapping for <b> and <i>)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name, filename in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", filename))))
        pdfmetrics.registerFontFamily(FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC)
        for bold, italic, name in ((0, 0, REGULAR), (1, 0, BOLD), (0, 1, ITALIC), (1, 1, BOLD_ITALIC)):
            addMapping(FAMILY, bold, italic, name)
        _registered = True


def widest_glyph(name: str) -> float:
    """The widest advance of any glyph of a registered font, in thousandths of the font size."""
    if name not in _widest:
        face = pdfmetrics.getFont(name).face
        _widest[name] = max([face.defaultWidth, *face.charWidths.values()])
    return _widest[name]


_widest: dict[str, float] = {}
