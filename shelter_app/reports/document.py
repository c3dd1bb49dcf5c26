"""The page template every report shares: header and footer on every page, "page X of Y".

A report supplies its title, a subtitle (event, site, date) and its story of flowables;
``build`` lays them out on A4 with the header (title, subtitle, app name) and the footer
(generated time, app version, an optional confidentiality line, "Halaman X dari Y") and
returns the PDF bytes with the page count.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from shelter_app import APP_NAME, __version__
from shelter_app.files import write_atomically
from shelter_app.i18n import tr
from shelter_app.reports import fonts
from shelter_app.reports.fmt import Formatter
from shelter_app.reports.style import FRAME_HEIGHT, FRAME_WIDTH, MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, PAGE_SIZE, PALETTE

FOOTER_TEXT_Y = MARGIN_BOTTOM - 16.5


@dataclass(frozen=True)
class Rendered:
    """A finished report: the PDF itself, how many pages it has, and where it was written."""

    pdf: bytes
    pages: int
    path: Path | None = None

    def save(self, path) -> Rendered:
        # A half-written report never takes the place of a good one.
        return Rendered(self.pdf, self.pages, write_atomically(path, self.pdf))


def _numbered_canvas(page_label, pages_seen: list):
    """A canvas that remembers every page and writes "page X of Y" on each when it is saved."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            kwargs["initialFontName"] = fonts.REGULAR
            super().__init__(*args, **kwargs)
            self._page_states = []

        def showPage(self):
            self._page_states.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._page_states)
            pages_seen.append(total)
            for state in self._page_states:
                self.__dict__.update(state)
                self.setFont(fonts.REGULAR, 7.5)
                self.setFillColor(PALETTE["muted"])
                self.drawRightString(PAGE_SIZE[0] - MARGIN_X, FOOTER_TEXT_Y, page_label(self._pageNumber, total))
                super().showPage()
            super().save()

    return NumberedCanvas


class Report:
    """One PDF being made: title, subtitle, language and the page decoration."""

    def __init__(
        self,
        title: str,
        subtitle: str,
        lang: str,
        confidential: bool = False,
        generated_at: datetime.datetime | None = None,
    ):
        fonts.register()
        self.title = title
        self.subtitle = subtitle
        self.lang = lang
        self.fmt = Formatter(lang)
        self.confidential = confidential
        self.generated_at = generated_at or datetime.datetime.now().replace(microsecond=0)

    def _decorate(self, canvas, doc) -> None:
        width, height = PAGE_SIZE
        top = height - 11 * 2.8346
        canvas.saveState()
        canvas.setFillColor(PALETTE["accent"])
        canvas.setFont(fonts.BOLD, 11)
        canvas.drawString(MARGIN_X, top, self.title)
        canvas.setFont(fonts.BOLD, 9)
        canvas.drawRightString(width - MARGIN_X, top, APP_NAME.upper())
        canvas.setFillColor(PALETTE["muted"])
        canvas.setFont(fonts.REGULAR, 8)
        subtitle = self.subtitle
        room = FRAME_WIDTH - 40
        while subtitle and canvas.stringWidth(subtitle, fonts.REGULAR, 8) > room:
            subtitle = subtitle[:-2].rstrip() + "…"
        canvas.drawString(MARGIN_X, top - 11, subtitle)
        canvas.setStrokeColor(PALETTE["accent"])
        canvas.setLineWidth(0.8)
        canvas.line(MARGIN_X, top - 16, width - MARGIN_X, top - 16)

        footer_line = FOOTER_TEXT_Y + 10.5
        canvas.setStrokeColor(PALETTE["rule"])
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, footer_line, width - MARGIN_X, footer_line)
        canvas.setFont(fonts.REGULAR, 7.5)
        canvas.setFillColor(PALETTE["muted"])
        canvas.drawString(
            MARGIN_X,
            FOOTER_TEXT_Y,
            tr(
                "Generated {moment} · {app} {version}",
                moment=self.fmt.datetime(self.generated_at),
                app=APP_NAME,
                version=__version__,
            ),
        )
        if self.confidential:
            canvas.setFont(fonts.BOLD, 7.5)
            canvas.drawCentredString(
                width / 2, FOOTER_TEXT_Y - 10, tr("Contains personal data: keep it safe, do not share or post it.")
            )
        canvas.restoreState()

    def build(self, story: list, author: str = "") -> Rendered:
        buffer = io.BytesIO()
        doc = BaseDocTemplate(
            buffer,
            pagesize=PAGE_SIZE,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=f"{self.title} – {self.subtitle}",
            author=author or APP_NAME,
            creator=f"{APP_NAME} {__version__}",
            subject=self.subtitle,
            lang=self.lang,
        )
        frame = Frame(
            MARGIN_X,
            MARGIN_BOTTOM,
            FRAME_WIDTH,
            FRAME_HEIGHT,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._decorate)])
        pages: list[int] = []

        def page_label(number: int, total: int) -> str:
            return tr("Page {page} of {pages}", page=number, pages=total)

        doc.build(story, canvasmaker=_numbered_canvas(page_label, pages))
        return Rendered(buffer.getvalue(), pages[-1] if pages else 0)
