"""The report framework without a database: long tables, wrapping, masking, page decoration."""

from __future__ import annotations

import io
import re

import pdfplumber
import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from shelter_app.i18n import set_language
from shelter_app.reports import fonts
from shelter_app.reports.document import Report
from shelter_app.reports.fmt import Formatter, mask_number
from shelter_app.reports.style import MARGIN_X
from shelter_app.reports.tables import Col, DataTable, Row, Status, wrap_text


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    fonts.register()
    yield
    set_language("id")


def _pages(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            assert all(MARGIN_X - 1 <= c["x0"] and c["x1"] <= page.width - MARGIN_X + 1 for c in page.chars)
        return [page.extract_text() or "" for page in document.pages]


def test_wrapped_lines_never_exceed_their_width():
    text = "Posko Lapangan Desa Mangunkerta-Cugenang-Cianjur " + "X" * 80 + " akhir"
    for width in (20, 45, 90, 200):
        lines = wrap_text(text, fonts.REGULAR, 8, width)
        assert all(stringWidth(line, fonts.REGULAR, 8) <= width for line in lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_a_long_table_repeats_its_header_and_never_loses_or_cuts_a_row():
    rows = [
        Row(
            [
                f"R{i:04d}",
                f"Name {i} " + ("with a long tail of words " * (i % 7 == 0)),
                f"{i * 3}",
                Status(("ok", "short", "critical")[i % 3], ("Enough", "Short", "Critical")[i % 3]),
            ]
        )
        for i in range(1, 1201)
    ]
    rows.append(Row(["", "Total", "x", ""], kind="total"))
    table = DataTable([Col("Code", 0.15), Col("Name", 0.5), Col("Value", 0.15, "R"), Col("Status", 0.2, "C")], rows)
    done = Report("Long table", "test", "en").build([table])
    texts = _pages(done.pdf)
    assert done.pages == len(texts) > 10
    seen = []
    for number, text in enumerate(texts, 1):
        assert "Code Name Value Status" in text
        assert f"Page {number} of {len(texts)}" in text
        seen += re.findall(r"^R(\d{4}) ", text, flags=re.M)
    assert [int(i) for i in seen] == list(range(1, 1201))


def test_a_household_stays_on_one_page_when_it_fits():
    rows = []
    for household in range(60):
        rows.append(Row([f"Household {household}"], kind="group", group=household))
        rows += [Row([f"H{household:02d}M{member}", "x"], group=household) for member in range(7)]
    table = DataTable([Col("Member", 0.5), Col("Other", 0.5)], rows, keep_groups=True, continued_label="(continued)")
    texts = _pages(Report("Groups", "test", "en").build([table]).pdf)
    assert len(texts) > 2
    for text in texts:
        households = {int(m) for m in re.findall(r"^H(\d\d)M", text, flags=re.M)}
        for household in households:
            assert f"Household {household}" in text
            assert all(f"H{household:02d}M{m}" in text for m in range(7))
        assert "(continued)" not in text


def test_a_household_longer_than_a_page_is_continued_under_a_repeated_row():
    rows = [Row(["Big household"], kind="group", group=1)] + [Row([f"M{i:03d}", "x"], group=1) for i in range(150)]
    texts = _pages(
        Report("Groups", "test", "en")
        .build([DataTable([Col("A", 0.5), Col("B", 0.5)], rows, keep_groups=True, continued_label="(continued)")])
        .pdf
    )
    assert len(texts) >= 2
    assert all("Big household (continued)" in text for text in texts[1:])


def test_numbers_and_dates_follow_the_language():
    import datetime

    assert Formatter("id").n(12345.5) == "12.345,5" and Formatter("en").n(12345.5) == "12,345.5"
    assert Formatter("id").percent(1.175) == "117,5 %"
    assert Formatter("id").date(datetime.date(2022, 11, 30)) == "30 November 2022"
    assert Formatter("en").signed(-3) == "−3"


def test_identity_numbers_are_masked_to_their_district_and_serial():
    assert mask_number("3203114509870002") == "320311••••••0002"  # the birth date hidden
    assert mask_number("3203114509870002", full=True) == "3203114509870002"
    assert mask_number(None) == "–"
