"""A roster file that is junk, huge or malformed is refused at once, with the reason."""

from __future__ import annotations

import datetime
import os

import pytest

from shelter_app.domain.errors import RuleViolation
from shelter_app.exchange import roster_import as ri
from shelter_app.exchange import tables

DAY = datetime.date(2022, 11, 25)


def refused(path) -> str:
    with pytest.raises(RuleViolation) as error:
        ri.import_roster(path, today=DAY)
    return error.value.text("en")


def test_an_unterminated_quote_is_named_not_taken_for_a_missing_sex(db, tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('Nama,Jenis Kelamin,Tanggal Lahir\n"Asep,L,01/05/1980\nSiti,P,01/05/1981\n')
    assert "cannot be read as CSV" in refused(path)


def test_binary_junk_is_refused_from_its_first_bytes(db, tmp_path):
    path = tmp_path / "junk.csv"
    path.write_bytes(os.urandom(2 * 1024 * 1024))
    assert "binary data" in refused(path)


def test_a_line_or_cell_longer_than_any_roster_is_refused(db, tmp_path, monkeypatch):
    path = tmp_path / "long.csv"
    path.write_text("Nama,Jenis Kelamin\n" + "A" * (tables.LINE_LIMIT + 10) + ",L\n")
    assert "longer than" in refused(path)
    path.write_text('Nama,Jenis Kelamin\n"' + "A\n" * (tables.CELL_LIMIT) + '",L\n')
    assert "cannot be read as CSV" in refused(path)


def test_a_file_larger_than_any_roster_is_refused_without_reading_it(db, tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "FILE_LIMIT", 1000)
    path = tmp_path / "big.csv"
    path.write_text("Nama,Jenis Kelamin\n" + "Asep,L\n" * 500)
    assert "larger than" in refused(path)
