"""Colours, paragraph styles and page measures shared by every report.

Printer-friendly: light fills, dark text; a status is a tinted cell *and* a word, so it reads
on a black-and-white copy and for colour-blind readers.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from shelter_app.reports import fonts

PAGE_SIZE = A4
MARGIN_X = 15 * mm
MARGIN_TOP = 24 * mm  # the header lives above this
MARGIN_BOTTOM = 17 * mm  # the footer lives below this
FRAME_WIDTH = PAGE_SIZE[0] - 2 * MARGIN_X
FRAME_HEIGHT = PAGE_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM

PALETTE = {
    "ink": colors.HexColor("#1A1A1A"),
    "muted": colors.HexColor("#5A6270"),
    "accent": colors.HexColor("#1F4E79"),
    "header_fill": colors.HexColor("#DCE6F1"),
    "group_fill": colors.HexColor("#EEF2F7"),
    "total_fill": colors.HexColor("#E4E8EE"),
    "zebra_fill": colors.HexColor("#F7F8FA"),
    "rule": colors.HexColor("#B4BCC8"),
    "strong_rule": colors.HexColor("#44546A"),
    "male": colors.HexColor("#3C6E9F"),
    "female": colors.HexColor("#D9822B"),
    "track": colors.HexColor("#E6E9EE"),
    "capacity": colors.HexColor("#8A96A8"),
}

# status: (cell fill, word colour, bar colour)
STATUS_COLOURS = {
    "ok": (colors.HexColor("#E3F1DF"), colors.HexColor("#1E6B2E"), colors.HexColor("#4E9A5B")),
    "not_recorded": (colors.HexColor("#E6EAEF"), colors.HexColor("#37474F"), colors.HexColor("#90A4AE")),
    "short": (colors.HexColor("#FFF0C2"), colors.HexColor("#7A5200"), colors.HexColor("#E0A526")),
    "critical": (colors.HexColor("#F9D6D5"), colors.HexColor("#A4161A"), colors.HexColor("#C8352E")),
}


def _style(name: str, **kw) -> ParagraphStyle:
    base = dict(fontName=fonts.REGULAR, fontSize=9, leading=11.5, textColor=PALETTE["ink"], alignment=TA_LEFT)
    base.update(kw)
    return ParagraphStyle(name, **base)


STYLES = {
    "title": _style("title", fontName=fonts.BOLD, fontSize=15, leading=19, textColor=PALETTE["accent"], spaceAfter=2),
    "subtitle": _style("subtitle", fontSize=9.5, leading=12, textColor=PALETTE["muted"], spaceAfter=8),
    "h2": _style(
        "h2", fontName=fonts.BOLD, fontSize=10.5, leading=13, textColor=PALETTE["accent"], spaceBefore=8, spaceAfter=4
    ),
    "h3": _style("h3", fontName=fonts.BOLD, fontSize=9, leading=11, spaceBefore=2, spaceAfter=3),
    "body": _style("body"),
    "small": _style("small", fontSize=7.5, leading=9.5, textColor=PALETTE["muted"]),
    "note": _style("note", fontSize=8, leading=10, textColor=PALETTE["muted"], spaceAfter=6),
}
