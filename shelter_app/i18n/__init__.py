"""The translation layer: every string a user sees goes through here.

Source strings are English; catalogs in ``locale/<lang>/*.po`` translate them. Bahasa
Indonesia is the default language. ``_()`` builds a lazy message that is rendered in
whatever language is asked for when it is shown, so a service can raise an error once and
the window, the CLI and the reports each show it in their own language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po

DEFAULT_LANGUAGE = "id"
LANGUAGES = ("id", "en")
SOURCE_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).parent / "locale"

# One language for the whole process: worker threads speak the window's language too.
_language = DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    global _language
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _language = lang


def current_language() -> str:
    return _language


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    """msgid -> translation for one language, merged from every .po file of that language."""
    if lang == SOURCE_LANGUAGE:
        return {}
    table: dict[str, str] = {}
    for po_file in sorted((LOCALE_DIR / lang).glob("*.po")):
        with po_file.open("rb") as handle:
            for message in read_po(handle):
                if message.id and message.string:
                    table[message.id] = message.string
    return table


def translate(msgid: str, lang: str | None = None) -> str:
    return catalog(lang or current_language()).get(msgid, msgid)


@dataclass(frozen=True)
class Msg:
    """A translatable message with its parameters, rendered on demand."""

    msgid: str
    params: dict = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        template = translate(self.msgid, lang)
        params = {k: (v.text(lang) if hasattr(v, "text") else v) for k, v in self.params.items()}
        return template.format(**params) if params else template

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True)
class Labels:
    """A list of codes with translatable labels, rendered as "code (label), ..." on demand."""

    items: tuple[tuple[str, str], ...]

    def text(self, lang: str | None = None) -> str:
        return ", ".join(f"{code} ({translate(label, lang)})" for code, label in self.items)


def _(msgid: str, **params) -> Msg:
    """Mark a string for translation; render it later with ``.text(lang)`` or ``str()``."""
    return Msg(msgid, params)


def tr(msgid: str, **params) -> str:
    """Translate now, into the current language."""
    return Msg(msgid, params).text()


def N_(msgid: str) -> str:
    """Mark a string for extraction only (labels in tables of constants)."""
    return msgid
