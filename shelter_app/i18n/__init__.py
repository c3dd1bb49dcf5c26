"""The translation layer: every string a user sees goes through here.

Source strings are English; catalogs in ``locale/<lang>/*.po`` translate them. Bahasa
Indonesia is the default language. ``_()`` builds a lazy message that is rendered in
whatever language is asked for when it is shown, so a service can raise an error once and
the window, the CLI and the reports each show it in their own language.

A message about a number of things has a singular and a plural (gettext's ``ngettext``):
``ngettext("{n} report waiting", "{n} reports waiting", count)`` is lazy like ``_()``,
``ntr(...)`` renders it now like ``tr()``. The form is chosen by the language's rule, the
"Plural-Forms" header of its catalogues (Indonesian has one form, English two: the source
strings); ``{n}`` is the count unless given otherwise (a formatted number in a report).
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

DEFAULT_LANGUAGE = "id"
LANGUAGES = ("id", "en")
SOURCE_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE_PLURAL_RULE = "(n != 1)"  # English: one, other

# One language for the whole process: worker threads speak the window's language too.
_language = DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    global _language
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _language = lang


def current_language() -> str:
    return _language


def _messages(lang: str):
    """Every message of every .po file of one language, with each file's catalogue."""
    for po_file in sorted((LOCALE_DIR / lang).glob("*.po")):
        with po_file.open("rb") as handle:
            po = read_po(handle)
        for message in po:
            yield po, message


@cache
def catalog(lang: str) -> dict[str, str]:
    """msgid -> translation for one language, merged from every .po file of that language
    (messages with a plural are in ``plural_catalog``)."""
    if lang == SOURCE_LANGUAGE:
        return {}
    table: dict[str, str] = {}
    for _po, message in _messages(lang):
        if message.id and message.string and not message.pluralizable:
            table[message.id] = message.string
    return table


@cache
def plural_catalog(lang: str) -> dict[tuple[str, str], tuple[str, ...]]:
    """(singular, plural) -> the translated forms, for one language."""
    if lang == SOURCE_LANGUAGE:
        return {}
    table: dict[tuple[str, str], tuple[str, ...]] = {}
    for _po, message in _messages(lang):
        if message.pluralizable and all(message.string):
            table[tuple(message.id)] = tuple(message.string)
    return table


@cache
def plural_rule(lang: str):
    """The language's rule, count -> index of the form: its catalogues' Plural-Forms header."""
    expression = SOURCE_PLURAL_RULE
    if lang != SOURCE_LANGUAGE:
        for po, _message in _messages(lang):
            if po.plural_forms:
                expression = po.plural_expr
                break
    return gettext.c2py(expression)


def translate(msgid: str, lang: str | None = None) -> str:
    return catalog(lang or current_language()).get(msgid, msgid)


def translate_plural(singular: str, plural: str, count, lang: str | None = None) -> str:
    """The form of a message for ``count`` things in a language (the English source when the
    catalogue lacks it)."""
    lang = lang or current_language()
    whole = int(count) if float(count) == int(count) else 2  # 1.5 kg takes the "other" form
    forms = plural_catalog(lang).get((singular, plural))
    if forms:
        return forms[min(plural_rule(lang)(whole), len(forms) - 1)]
    return singular if plural_rule(SOURCE_LANGUAGE)(whole) == 0 else plural


@dataclass(frozen=True)
class Msg:
    """A translatable message with its parameters, rendered on demand."""

    msgid: str
    params: dict = field(default_factory=dict)
    plural: str = ""  # with ``count``: a message with a singular (msgid) and a plural
    count: int | float | None = None

    def text(self, lang: str | None = None) -> str:
        if self.plural:
            template = translate_plural(self.msgid, self.plural, self.count, lang)
        else:
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


def ngettext(singular: str, plural: str, count, **params) -> Msg:
    """A lazy message about ``count`` things, in the form the language gives that number;
    ``{n}`` is the count unless a parameter n is given."""
    params.setdefault("n", count)
    return Msg(singular, params, plural, count)


def ntr(singular: str, plural: str, count, **params) -> str:
    """``ngettext`` rendered now, in the current language."""
    return ngettext(singular, plural, count, **params).text()


def N_(msgid: str) -> str:
    """Mark a string for extraction only (labels in tables of constants)."""
    return msgid
