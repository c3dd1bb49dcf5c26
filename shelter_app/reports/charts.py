"""Charts for where people would rather look than read, drawn with ``reportlab.graphics``.

Every bar carries its figure as text, so a chart says the same as the table beside it and
stays readable on a black-and-white copy. A ``Drawing`` is a flowable: it goes straight into
a report's story.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.shapes import Drawing, Line, Rect, String

from shelter_app.reports import fonts
from shelter_app.reports.style import PALETTE, STATUS_COLOURS


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Shorten a label with an ellipsis so that it fits ``width``."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def pyramid(
    bands: list[tuple[str, int, int]], width: float, male_label: str, female_label: str, fmt, title: str = ""
) -> Drawing:
    """Population by age band and sex: men to the left, women to the right, youngest at the bottom."""
    row_h, gap, size = 15.0, 4.0, 7.5
    legend_h = 16.0 + (13.0 if title else 0.0)
    height = legend_h + len(bands) * (row_h + gap) + 4
    drawing = Drawing(width, height)
    label_w = min(110.0, width * 0.32)
    centre = width / 2
    half = (width - label_w) / 2 - 26  # room for the figures at the ends of the bars
    biggest = max([1, *(max(m, f) for _label, m, f in bands)])
    top = height
    if title:
        drawing.add(String(0, top - 10, title, fontName=fonts.BOLD, fontSize=8.5, fillColor=PALETTE["ink"]))
        top -= 13
    legend_y = top - 10
    drawing.add(Rect(centre - label_w / 2 - 60, legend_y - 1, 8, 8, fillColor=PALETTE["male"], strokeColor=None))
    drawing.add(
        String(
            centre - label_w / 2 - 49,
            legend_y,
            male_label,
            fontName=fonts.REGULAR,
            fontSize=size,
            fillColor=PALETTE["ink"],
        )
    )
    drawing.add(Rect(centre + label_w / 2 + 4, legend_y - 1, 8, 8, fillColor=PALETTE["female"], strokeColor=None))
    drawing.add(
        String(
            centre + label_w / 2 + 15,
            legend_y,
            female_label,
            fontName=fonts.REGULAR,
            fontSize=size,
            fillColor=PALETTE["ink"],
        )
    )
    y = top - legend_h + (13.0 if title else 0.0) - 2
    for label, male, female in reversed(bands):  # oldest at the top, as a pyramid is read
        y -= row_h + gap
        left_edge = centre - label_w / 2
        right_edge = centre + label_w / 2
        male_w = half * male / biggest
        female_w = half * female / biggest
        drawing.add(Rect(left_edge - male_w, y, male_w, row_h, fillColor=PALETTE["male"], strokeColor=None))
        drawing.add(Rect(right_edge, y, female_w, row_h, fillColor=PALETTE["female"], strokeColor=None))
        drawing.add(
            String(
                centre,
                y + 4.5,
                _fit(label, fonts.REGULAR, size, label_w - 6),
                fontName=fonts.REGULAR,
                fontSize=size,
                textAnchor="middle",
                fillColor=PALETTE["ink"],
            )
        )
        drawing.add(
            String(
                left_edge - male_w - 3,
                y + 4.5,
                fmt.n(male),
                fontName=fonts.BOLD,
                fontSize=size,
                textAnchor="end",
                fillColor=PALETTE["ink"],
            )
        )
        drawing.add(
            String(
                right_edge + female_w + 3,
                y + 4.5,
                fmt.n(female),
                fontName=fonts.BOLD,
                fontSize=size,
                fillColor=PALETTE["ink"],
            )
        )
    return drawing


@dataclass(frozen=True)
class Bar:
    """One row of a bullet chart: what there is against what is needed (or allowed)."""

    label: str
    value: float
    reference: float
    text: str  # e.g. "800 / 1.410 L/hari"
    status: str = "ok"  # colours the bar: ok, short or critical


def bullets(
    bars: list[Bar],
    width: float,
    value_label: str,
    reference_label: str,
    title: str = "",
    label_width: float | None = None,
) -> Drawing:
    """Horizontal bars of what there is, each with a mark at what is needed.

    Used for occupancy against capacity and for water, toilets and space against the standard.
    """
    row_h, gap, size = 11.0, 7.0, 7.5
    label_w = label_width if label_width is not None else min(150.0, width * 0.3)
    text_w = 96.0
    track_w = max(40.0, width - label_w - text_w - 8)
    header_h = (13.0 if title else 0.0) + 14.0
    height = header_h + len(bars) * (row_h + gap) + 2
    drawing = Drawing(width, height)
    top = height
    if title:
        drawing.add(String(0, top - 10, title, fontName=fonts.BOLD, fontSize=8.5, fillColor=PALETTE["ink"]))
        top -= 13
    legend_y = top - 10
    drawing.add(Rect(label_w, legend_y - 1, 12, 7, fillColor=STATUS_COLOURS["ok"][2], strokeColor=None))
    drawing.add(
        String(label_w + 16, legend_y, value_label, fontName=fonts.REGULAR, fontSize=size, fillColor=PALETTE["ink"])
    )
    ref_x = label_w + 26 + _text_width(value_label, size) + 10
    drawing.add(Line(ref_x + 4, legend_y - 2, ref_x + 4, legend_y + 8, strokeColor=PALETTE["ink"], strokeWidth=1.6))
    drawing.add(
        String(ref_x + 10, legend_y, reference_label, fontName=fonts.REGULAR, fontSize=size, fillColor=PALETTE["ink"])
    )
    y = top - 14
    for bar in bars:
        # Each bar has its own scale: litres and toilets do not share an axis.
        biggest = max(1e-9, bar.value, bar.reference) * 1.08
        y -= row_h + gap
        drawing.add(
            String(
                label_w - 4,
                y + 2.5,
                _fit(bar.label, fonts.REGULAR, size, label_w - 6),
                fontName=fonts.REGULAR,
                fontSize=size,
                textAnchor="end",
                fillColor=PALETTE["ink"],
            )
        )
        drawing.add(Rect(label_w, y, track_w, row_h, fillColor=PALETTE["track"], strokeColor=None))
        value_w = track_w * max(bar.value, 0) / biggest
        drawing.add(
            Rect(
                label_w,
                y,
                value_w,
                row_h,
                fillColor=STATUS_COLOURS.get(bar.status, STATUS_COLOURS["ok"])[2],
                strokeColor=None,
            )
        )
        mark = label_w + track_w * bar.reference / biggest
        drawing.add(Line(mark, y - 2.5, mark, y + row_h + 2.5, strokeColor=PALETTE["ink"], strokeWidth=1.6))
        drawing.add(
            String(
                label_w + track_w + 6,
                y + 2.5,
                bar.text,
                fontName=fonts.REGULAR,
                fontSize=size,
                fillColor=PALETTE["ink"],
            )
        )
    return drawing


def _text_width(text: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, fonts.REGULAR, size)


def qr_modules(value: str) -> list[list[bool]]:
    """The dark and light modules of a QR code of ``value`` (error correction M, best mask)."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(value)
    code.make()
    count = code.getModuleCount()
    return [[code.isDark(row, col) for col in range(count)] for row in range(count)]


def draw_qr(canvas, value: str, x: float, y: float, size: float, quiet: int = 4) -> None:
    """Draw a QR code straight on a canvas: one filled path, runs of dark modules merged.

    The same code as reportlab's QrCodeWidget gives, drawn some ten times faster, which matters for
    a sheet of cards per household at a site of thousands.
    """
    modules = qr_modules(value)
    count = len(modules)
    unit = size / (count + 2 * quiet)
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for row, line in enumerate(modules):
        top = y + size - (quiet + row + 1) * unit
        col = 0
        while col < count:
            if line[col]:
                start = col
                while col < count and line[col]:
                    col += 1
                path.rect(x + (quiet + start) * unit, top, (col - start) * unit, unit)
            else:
                col += 1
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
