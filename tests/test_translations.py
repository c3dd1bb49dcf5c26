"""Every string a user can see has a Bahasa Indonesia translation with the same placeholders."""

import re
import sys
from pathlib import Path

from shelter_app.i18n import _, catalog

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from i18n_check import marked_strings  # noqa: E402

PLACEHOLDER = re.compile(r"\{(\w+)\}|%\((\w+)\)[sr]")


def test_every_marked_string_is_translated_to_indonesian():
    indonesian = catalog("id")
    missing = sorted(m for m in marked_strings() if m not in indonesian)
    assert missing == [], f"run tools/i18n_check.py and translate: {missing[:10]}"


def test_translations_keep_their_placeholders():
    broken = [msgid for msgid, text in catalog("id").items()
              if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(text))]
    assert broken == []


def test_a_message_renders_in_each_language():
    message = _("{label} is required.", label=_("Site name"))
    assert message.text("en") == "Site name is required."
    assert message.text("id") != message.text("en") and "{" not in message.text("id")
