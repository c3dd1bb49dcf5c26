"""Checks made before Qt starts, so that a missing system library is explained in words
instead of Qt's cryptic abort. Imports no Qt."""

from __future__ import annotations

import ctypes.util
import os
import sys

from shelter_app.i18n import tr

# Debian package -> library Qt's xcb platform plugin loads.
XCB_LIBRARIES = {
    "libxcb-cursor0": "xcb-cursor",
    "libxcb-icccm4": "xcb-icccm",
    "libxcb-keysyms1": "xcb-keysyms",
}


def missing_linux_packages() -> list[str]:
    """Debian packages whose libraries the window needs and this machine lacks."""
    if not sys.platform.startswith("linux"):
        return []
    if os.environ.get("QT_QPA_PLATFORM", "xcb").split(":")[0] not in ("xcb", ""):
        return []  # offscreen, wayland...: the xcb libraries are not loaded
    return [package for package, library in XCB_LIBRARIES.items() if ctypes.util.find_library(library) is None]


def problem() -> str | None:
    """A sentence saying why the window cannot open here, or None."""
    missing = missing_linux_packages()
    if missing:
        return tr(
            "The window needs system libraries that are missing. Install them with:\n"
            "  sudo apt-get install {packages}\nthen start Posko again.",
            packages=" ".join(missing),
        )
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if (
        sys.platform.startswith("linux")
        and not platform
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    ):
        return tr(
            "No screen was found (DISPLAY is not set). Start Posko on a desktop, or use the commands "
            "listed by 'shelter-app --help'."
        )
    return None
