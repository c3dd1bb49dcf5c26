"""Free text in a report has a limit the page can hold: too long notes are refused with the
fix, an unbroken long word is cut into lines at once."""

from __future__ import annotations

import datetime
import io

import pypdf
import pytest

from shelter_app.domain.errors import RuleViolation
from shelter_app.reports import daily_report
from shelter_app.reports.daily import NOTES_LIMIT
from shelter_app.reports.tables import wrap_text

DAY = datetime.date(2022, 11, 25)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_notes_longer_than_the_page_holds_are_refused_with_the_fix(operation):
    _event, _tent, school = operation
    with pytest.raises(RuleViolation) as refused:
        daily_report(school, DAY, notes="Kurang air bersih. " * 500)
    assert refused.value.field == "notes" and str(NOTES_LIMIT) in refused.value.text("en")
    with pytest.raises(RuleViolation):
        daily_report(school, DAY, notes="air\x00bersih")


def test_notes_at_the_limit_and_an_unbroken_word_render(operation):
    _event, _tent, school = operation
    rendered = daily_report(school, DAY, notes="Kurang air bersih dan terpal. " * 66, lang="id")
    assert "Kurang air bersih" in text_of(rendered.pdf)
    word = "A" * NOTES_LIMIT
    rendered = daily_report(school, DAY, notes=word, lang="id")
    assert text_of(rendered.pdf).count("A") >= NOTES_LIMIT


def test_a_word_of_twenty_thousand_characters_is_cut_into_lines():
    lines = wrap_text("x" * 20_000, "Helvetica", 9, 200)
    assert "".join(lines) == "x" * 20_000 and len(lines) > 50
