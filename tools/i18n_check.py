"""List the strings marked for translation that the Indonesian catalogue lacks.

    python tools/i18n_check.py            # prints missing msgids as .po entries to fill in
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir

ROOT = Path(__file__).resolve().parent.parent
# The label argument of the services' checks (services/checks.py) is translated there.
KEYWORDS = {"_": None, "tr": None, "N_": None, "text": (3,), "choice": (4,), "date": (3,), "number": (3,), "positive": (3,)}


def marked_strings() -> dict[str, str]:
    """msgid -> first place it is used, for every string marked in the package."""
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT / "shelter_app"), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        if isinstance(message, tuple):
            message = message[0]
        if message:
            found.setdefault(message, f"{filename}:{lineno}")
    return found


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from shelter_app.i18n import catalog

    known = catalog("id")
    missing = {m: where for m, where in marked_strings().items() if m not in known}
    for message, where in missing.items():
        escaped = message.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        print(f"#: {where}\nmsgid \"{escaped}\"\nmsgstr \"\"\n")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
