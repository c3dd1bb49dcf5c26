"""List the strings marked for translation that the Indonesian catalogue lacks.

    python tools/i18n_check.py            # prints missing msgids as .po entries to fill in

Messages about a number of things (``ngettext``/``ntr``: a singular and a plural) need a
plural entry, ``msgid``/``msgid_plural`` with one ``msgstr[i]`` per form of the language
(Indonesian, "nplurals=1", has one): printed that way when missing or incomplete.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir

ROOT = Path(__file__).resolve().parent.parent
# The label argument of the services' checks (services/checks.py) is translated there.
KEYWORDS = {
    "_": None,
    "tr": None,
    "N_": None,
    "text": (3,),
    "choice": (4,),
    "date": (3,),
    "number": (3,),
    "positive": (3,),
    "ngettext": (1, 2),
    "ntr": (1, 2),
}
LANGUAGE = "id"


def _extracted():
    yield from extract_from_dir(str(ROOT / "shelter_app"), method_map=[("**.py", "python")], keywords=KEYWORDS)
    yield from _inside_f_strings()


def _inside_f_strings():
    """Marked strings inside f-strings (``f"{tr('needed')}"``), which babel's extractor reads
    as one string token and misses: found by walking each file's syntax tree."""
    package = ROOT / "shelter_app"
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for joined in ast.walk(tree):
            if not isinstance(joined, ast.JoinedStr):
                continue
            for call in ast.walk(joined):
                if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
                    continue
                if call.func.id not in KEYWORDS:
                    continue
                positions = KEYWORDS[call.func.id] or (1,)
                texts = [
                    call.args[i - 1].value
                    for i in positions
                    if len(call.args) >= i
                    and isinstance(call.args[i - 1], ast.Constant)
                    and isinstance(call.args[i - 1].value, str)
                ]
                if len(texts) != len(positions):
                    continue
                message = texts[0] if len(texts) == 1 else tuple(texts)
                yield str(path.relative_to(package)), call.lineno, message, [], None


def marked_strings() -> dict[str, str]:
    """msgid -> first place it is used, for every string marked in the package (singular only:
    the messages with a plural are in ``marked_plurals``)."""
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in _extracted():
        if isinstance(message, tuple):
            continue
        if message:
            found.setdefault(message, f"{filename}:{lineno}")
    return found


def marked_plurals() -> dict[tuple[str, str], str]:
    """(singular, plural) -> first place it is used, for every message with a plural."""
    found: dict[tuple[str, str], str] = {}
    for filename, lineno, message, _comments, _context in _extracted():
        if isinstance(message, tuple) and len(message) >= 2 and message[0] and message[1]:
            found.setdefault((message[0], message[1]), f"{filename}:{lineno}")
    return found


def forms_needed(lang: str = LANGUAGE) -> int:
    """How many plural forms the language's catalogue declares ("Plural-Forms: nplurals=N")."""
    from babel.messages.pofile import read_po

    from shelter_app.i18n import LOCALE_DIR

    for po_file in sorted((LOCALE_DIR / lang).glob("*.po")):
        with po_file.open("rb") as handle:
            po = read_po(handle)
        if po.plural_forms:
            return po.num_plurals
    return 2


def missing_plurals(lang: str = LANGUAGE) -> dict[tuple[str, str], str]:
    """Messages with a plural whose translation is missing or lacks a form."""
    from shelter_app.i18n import plural_catalog

    known = plural_catalog(lang)
    needed = forms_needed(lang)
    return {pair: where for pair, where in marked_plurals().items() if len(known.get(pair, ())) != needed}


def _quote(message: str) -> str:
    return '"' + message.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from shelter_app.i18n import catalog

    known = catalog(LANGUAGE)
    missing = {m: where for m, where in marked_strings().items() if m not in known}
    for message, where in missing.items():
        print(f'#: {where}\nmsgid {_quote(message)}\nmsgstr ""\n')
    plurals = missing_plurals()
    for (singular, plural), where in plurals.items():
        forms = "".join(f'msgstr[{i}] ""\n' for i in range(forms_needed()))
        print(f"#: {where}\nmsgid {_quote(singular)}\nmsgid_plural {_quote(plural)}\n{forms}")
    return 1 if missing or plurals else 0


if __name__ == "__main__":
    sys.exit(main())
