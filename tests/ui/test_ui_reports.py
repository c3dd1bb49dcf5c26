"""The Reports page: choose a report, preview its pages, save the PDF, print it."""

import datetime

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from shelter_app.demo.generator import build_demo
from shelter_app.i18n import set_language
from shelter_app.services import sites
from shelter_app.ui.pages.reports import ReportsPage

DAY = datetime.date(2022, 11, 30)


@pytest.fixture
def page(ctx, qtbot):
    build_demo(persons=300, seed=3)
    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.refresh_if_stale()
    return page


def preview(page, qtbot):
    job = page.make_preview()
    assert job is not None, [page.errors.text(f) for f in page.rows]
    with qtbot.waitSignal(job.finished, timeout=60000):
        pass
    qtbot.waitUntil(lambda: page.pdf is not None)
    first = page.pages_layout.itemAt(0).widget()
    qtbot.waitUntil(lambda: first.isVisible() and first.height() > 100)


def test_daily_report_preview_save_and_print(page, qtbot, tmp_path, screenshot):
    site = sites.sites()[0]
    page.kind.setCurrentIndex(page.kind.findData("daily"))
    page.site.setCurrentIndex(page.site.findData(site.id.hex))
    page.day.set_date(DAY)
    assert not page.item.isVisible() and page.site.isVisible()
    preview(page, qtbot)
    assert page.pages_layout.count() >= 1
    assert page.save_button.isEnabled()
    screenshot(page, "reports_daily_id")

    out = tmp_path / "harian.pdf"
    page.write_pdf(str(out))
    text = "".join(p.extract_text() for p in PdfReader(out).pages)
    assert site.name in text and "Laporan harian" in text

    printer = QPrinter(QPrinter.HighResolution)
    printer.setOutputFormat(QPrinter.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    page.print_to(printer)
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == page.pages_layout.count()


def test_summary_in_english_and_missing_item_explained(page, qtbot, screenshot):
    page.kind.setCurrentIndex(page.kind.findData("summary"))
    page.language.setCurrentIndex(page.language.findData("en"))
    page.day.set_date(DAY)
    assert not page.site.isVisible()
    preview(page, qtbot)
    screenshot(page, "reports_summary_id")

    page.kind.setCurrentIndex(page.kind.findData("stock"))
    page.item.clear()
    assert page.make_preview() is None
    assert "barang" in page.errors.text("item").lower()
    assert not page.save_button.isEnabled()


def test_page_in_english(ctx, qtbot, screenshot):
    set_language("en")
    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.refresh_if_stale()
    assert page.preview_button.text() == "&Preview"
    screenshot(page, "reports_empty_en")
