"""One normalised form of Indonesian names, for search and for duplicate detection.

A name is cut into words; titles and honorifics (H., Hj., Bpk., Ibu ...) are dropped; each word
is lower-cased, written in today's spelling (the old spelling's oe, dj, tj, sj, nj, ch become u,
j, c, sy, ny, kh; j and y are read as one letter, since the old j is today's y), doubled letters
are written once, and the common variants and abbreviations take one form (Muhammad, Muhamad,
Mohammad, Moh., M. -> muhamad; Siti, St. -> siti; Nur, Noor, Nurul -> nur; Abdul, Abd. ->
abdul). "Hj. St. Noorhajati" and "Siti Nurhayati" have keys that share words, and "M. Rizki"
and "Muhammad Rizki" have the same key.

The digits of a NIK or KK that the screen shows are those ``identity.mask`` leaves visible:
search finds a person by them, whatever that function's rule is.
"""

from __future__ import annotations

import json
import re
import unicodedata

from shelter_app.domain import identity

# Raised whenever the rules below change: stored keys made by an older rule are recomputed.
RULES_VERSION = 3

TITLES = frozenset(
    {
        "h",
        "hj",
        "haji",
        "hajjah",
        "bpk",
        "bapak",
        "pak",
        "ibu",
        "bu",
        "sdr",
        "sdri",
        "saudara",
        "saudari",
        "alm",
        "almh",
    }
)
# After spelling and doubled letters: variant or abbreviation -> the one form.
VARIANTS = {
    "m": "muhamad",
    "mh": "muhamad",
    "mhd": "muhamad",
    "moh": "muhamad",
    "mohd": "muhamad",
    "muh": "muhamad",
    "mokh": "muhamad",
    "muhamad": "muhamad",
    "muhamed": "muhamad",
    "mohamad": "muhamad",
    "mohamed": "muhamad",
    "mokhamad": "muhamad",
    "mukhamad": "muhamad",
    "st": "siti",
    "nur": "nur",
    "nor": "nur",
    "nurul": "nur",
    "abd": "abdul",
    "abdul": "abdul",
}
# Old spelling (Van Ophuijsen and Soewandi) to today's, read left to right, longest first.
_OLD_SPELLING = re.compile(r"oe|dj|tj|sj|nj|ch|j")
_MODERN = {"oe": "u", "dj": "y", "tj": "c", "sj": "sy", "nj": "ny", "ch": "kh", "j": "y"}
_DOUBLED = re.compile(r"([a-z])\1+")  # letters only: 155 is not 15
_WORD = re.compile(r"[a-z0-9]+\.?")


def _plain(text: str) -> str:
    """Lower case, accents removed, apostrophes and hyphens joining nothing."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return stripped.replace("'", "").replace("`", "").replace("\u2019", "")


def _spelled(word: str) -> str:
    word = _OLD_SPELLING.sub(lambda m: _MODERN[m.group(0)], word)
    return _DOUBLED.sub(r"\1", word)


def words(name: str) -> list[str]:
    """The normalised words of a name, in order, titles left out."""
    out = []
    for raw in _WORD.findall(_plain(name)):
        word = raw.rstrip(".")
        if word in TITLES:
            continue
        word = _spelled(word)
        out.append(VARIANTS.get(word, word))
    if not out:  # a name made only of titles keeps them, so it still has a key
        out = [VARIANTS.get(_spelled(w.rstrip(".")), _spelled(w.rstrip("."))) for w in _WORD.findall(_plain(name))]
    return out


def name_key(name: str) -> str:
    """The key a name is stored, sorted, compared (duplicates) and searched by."""
    return " ".join(words(name))


WHOLE = "="  # ends a start that is a whole word: the one form a variant typed stands for


def query_words(text: str) -> list[tuple[str, ...]]:
    """What a typed search asks for: for each word, the word starts it may match: the typed
    start as it is spelled, and, when it is a variant or an abbreviation of another spelling,
    that one form as a whole word (marked with ``WHOLE``). A typed "m" finds Maryam as well as
    every Muhammad; "moh" finds Mohan and Muhammad; "nur" finds Nur and Nurhayati."""
    found = _WORD.findall(_plain(text))
    out = []
    for raw in found:
        word = raw.rstrip(".")
        if word in TITLES and len(found) > 1:
            continue
        spelled = _spelled(word)
        one = VARIANTS.get(spelled)
        starts = {spelled}
        if one is not None and one != spelled:
            starts.add(one + WHOLE)
        if raw.endswith(".") and one is not None and one != spelled:  # "M." abbreviates, it starts nothing
            starts = {one + WHOLE}
        out.append(tuple(sorted(starts)))
    return out


def shown_digits(number: str | None) -> str:
    """The digits of a NIK or KK that the masked form on screen shows (``identity.mask``)."""
    if not number:
        return ""
    masked = identity.mask(number)
    match = re.search(r"\d+$", masked)
    return match.group(0) if match else ""


def shown_length() -> int:
    """How many digits the mask shows of a 16-digit number."""
    return len(shown_digits("1234567890123456"))


def search_keys(name: str | None, number: str | None = None, card: str | None = None) -> list[str]:
    """Every key a person is found by: the words of the name, the digits their NIK (``number``)
    and their household's KK (``card``) show on screen."""
    keys = list(dict.fromkeys(words(name or "")))
    for value in (number, card):
        tail = shown_digits(value)
        if tail and len(tail) < len(value or "") and tail not in keys:
            keys.append(tail)
    return keys


def search_keys_json(name: str | None, number: str | None = None, card: str | None = None) -> str:
    """``search_keys`` as a JSON list (the database's triggers call this)."""
    return json.dumps(search_keys(name, number, card))


def rules_fingerprint() -> str:
    """Changes when the keys would: these rules, or the mask's rule of which digits show."""
    return f"{RULES_VERSION}:{identity.mask('1234567890123456')}"
