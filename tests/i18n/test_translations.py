"""Every string a user can see has a Bahasa Indonesia translation with the same placeholders."""

import re
import sys
from pathlib import Path

import pytest

from shelter_app.i18n import _, catalog, ngettext, plural_catalog

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from i18n_check import main as i18n_check_main
from i18n_check import marked_plurals, marked_strings, missing_plurals

PLACEHOLDER = re.compile(r"\{(\w+)\}|%\((\w+)\)[sr]")


def test_every_marked_string_is_translated_to_indonesian():
    indonesian = catalog("id")
    missing = sorted(m for m in marked_strings() if m not in indonesian)
    assert missing == [], f"run tools/i18n_check.py and translate: {missing[:10]}"


def test_translations_keep_their_placeholders():
    broken = [
        msgid
        for msgid, text in catalog("id").items()
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(text))
    ]
    assert broken == []


def test_a_message_renders_in_each_language():
    message = _("{label} is required.", label=_("Site name"))
    assert message.text("en") == "Site name is required."
    assert message.text("id") != message.text("en") and "{" not in message.text("id")


@pytest.mark.slow
def test_every_message_with_a_plural_has_its_indonesian_form():
    assert marked_plurals(), "the messages about a number of things are extracted with their plural"
    missing = missing_plurals("id")
    assert missing == {}, f"run tools/i18n_check.py and translate: {list(missing)[:10]}"


def test_plural_translations_keep_their_placeholders():
    broken = [
        pair
        for pair, forms in plural_catalog("id").items()
        for form in forms
        if sorted(PLACEHOLDER.findall(pair[1])) != sorted(PLACEHOLDER.findall(form))
        or sorted(PLACEHOLDER.findall(pair[0])) != sorted(PLACEHOLDER.findall(pair[1]))
    ]
    assert broken == []


def test_a_count_takes_the_form_its_language_gives_it():
    def waiting(n):
        return ngettext(
            "{n} report waiting to be sent, since {since} (UTC)",
            "{n} reports waiting to be sent, since {since} (UTC)",
            n,
            since="08:00",
        )

    assert waiting(1).text("en") == "1 report waiting to be sent, since 08:00 (UTC)"
    assert waiting(0).text("en") == "0 reports waiting to be sent, since 08:00 (UTC)"
    assert waiting(2).text("en") == "2 reports waiting to be sent, since 08:00 (UTC)"
    # Indonesian has one form ("Plural-Forms: nplurals=1; plural=0;"): the same words for any number.
    assert waiting(1).text("id") == "1 laporan menunggu dikirim, sejak 08:00 (UTC)"
    assert waiting(7).text("id") == "7 laporan menunggu dikirim, sejak 08:00 (UTC)"
    # A count shown formatted (a report's thousands separator) still chooses the form by the number.
    persons = ngettext("{n} person", "{n} persons", 1200, n="1.200")
    assert persons.text("en") == "1.200 persons" and persons.text("id") == "1.200 jiwa"


@pytest.mark.slow
def test_no_message_about_a_count_says_s_in_brackets():
    """ "row(s)" is what a message says when it cannot choose its plural: none does."""
    assert [m for m in [*marked_strings(), *(p for pair in marked_plurals() for p in pair)] if "(s)" in m] == []


def test_the_check_tool_prints_a_missing_plural_as_a_plural_entry(monkeypatch, capsys):
    import i18n_check

    monkeypatch.setattr(i18n_check, "marked_plurals", lambda: {("{n} tent", "{n} tents"): "ui/x.py:1"})
    assert i18n_check_main() == 1
    out = capsys.readouterr().out
    assert 'msgid "{n} tent"\nmsgid_plural "{n} tents"\nmsgstr[0] ""' in out


def test_the_check_finds_strings_marked_inside_f_strings():
    # The operation summary's column headers are built as f"{label}\n{tr('needed')}": babel's
    # extractor reads the f-string as one token; the check must still see (and require) them.
    found = marked_strings()
    assert "needed" in found and "available" in found
    assert found["needed"].startswith("reports")
