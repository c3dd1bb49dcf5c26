"""Every colour the window uses, and the style sheets built from them: the one place to change
the look. A colour is always paired with a word somewhere (a status is never told by colour
alone); these are the colours, the words are in ``forms.formatting``.
"""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor

# --- messages in forms and pages --------------------------------------------------------------

ERROR = "#b00020"  # refused: the message under the field, a failed sync
NOTICE = "#8a5300"  # amber: look at it, nothing is blocked
FINE = "#1b6e2e"  # saved, checks passed
HINT = "#555555"  # grey help text beside or under a field

ERROR_STYLE = f"color: {ERROR};"
NOTICE_STYLE = f"color: {NOTICE};"
FINE_STYLE = f"color: {FINE};"
HINT_STYLE = f"color: {HINT};"
PLACEHOLDER_STYLE = "color: palette(placeholder-text);"  # the theme's own grey
PAGE_PREVIEW_STYLE = "border: 1px solid #999999; background: white;"  # a report page on screen

# --- ok / short / critical --------------------------------------------------------------------

# Text on a plain row (sites and installations lists, the installation totals).
STATUS_TEXT = {"ok": "#1b7a2e", "not_recorded": "#4a5a6a", "short": "#9a5b00", "critical": ERROR}
# Text on its own fill (the dashboard's needs cells and alert).
STATUS_ON_FILL = {"ok": "#1b5e20", "not_recorded": "#37474f", "short": "#6d4c00", "critical": "#8e0000"}
STATUS_FILL = {"ok": "#e3f2e4", "not_recorded": "#e6eaef", "short": "#fff0b8", "critical": "#f9cdcd"}

GONE = "#707070"  # a closed site, a removed installation, one not there yet on the day
CANCELLED = "#808080"  # a cancelled stock movement, struck through
DARK_TEXT = "#000000"  # text on a light tint, whatever the theme

# --- stock warnings: (row tint, colour of the status word) ------------------------------------

EXPIRED = ("#f9d6d5", "#9b1c1c")  # red
LOW = ("#fde3c8", "#9a4a00")  # orange
EXPIRING = ("#fff4c2", "#7a5d00")  # yellow
NONE_HELD = (None, "#666666")  # nothing held but no level was set: grey, not a warning

# --- the import preview -----------------------------------------------------------------------

PROBLEM_FILL = "#fde2e1"  # a cell with a problem

# --- charts -----------------------------------------------------------------------------------

CHART_MALE = "#3b6fb6"  # also the colour of a bar that has no status
CHART_FEMALE = "#d9730d"
CHART_OK = "#2e7d32"
CHART_SHORT = "#f9a825"
CHART_CRITICAL = "#c62828"


def color(name: str) -> QColor:
    """A QColor of one of the colours above."""
    return QColor(name)


def brush(name: str | None) -> QBrush | None:
    """A brush for a table model's colour roles; None (the theme's own) for no colour."""
    return QBrush(QColor(name)) if name else None
