"""Checks made before Qt starts, so that a missing system library is explained in words
instead of Qt's cryptic abort. Imports no Qt."""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

from shelter_app.i18n import tr

# Debian package -> the library (soname) Qt's xcb platform plugin loads. Qt opens
# libxcb-cursor itself at run time (it is not among the plugin's linked libraries), so each is
# checked by loading it the way Qt will, not by looking for a file.
XCB_LIBRARIES = {
    "libxcb-cursor0": "libxcb-cursor.so.0",
    "libxcb-icccm4": "libxcb-icccm.so.4",
    "libxcb-keysyms1": "libxcb-keysyms.so.1",
}


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def _package(soname: str) -> str:
    """Debian's package for a library: libxcb-image.so.0 -> libxcb-image0, libxkbcommon-x11.so.0
    -> libxkbcommon-x11-0."""
    name, _so, version = soname.partition(".so.")
    return f"{name}-{version}" if name[-1:].isdigit() else f"{name}{version}"


def _unlinked() -> list[str]:
    """Libraries the xcb plugin is linked against that the loader cannot find (ldd)."""
    spec = importlib.util.find_spec("PySide6")  # finds the package without importing Qt
    if spec is None or not spec.submodule_search_locations:
        return []
    plugin = Path(next(iter(spec.submodule_search_locations))) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.exists():
        return []
    try:
        listed = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return re.findall(r"^\s*(\S+\.so\.\d+) => not found", listed, flags=re.M)


def missing_linux_packages() -> list[str]:
    """Debian packages whose libraries the window needs and this machine lacks."""
    if not sys.platform.startswith("linux"):
        return []
    if os.environ.get("QT_QPA_PLATFORM", "xcb").split(":")[0] not in ("xcb", ""):
        return []  # offscreen, wayland...: the xcb libraries are not loaded
    missing = [package for package, soname in XCB_LIBRARIES.items() if not _loads(soname)]
    missing += [_package(soname) for soname in _unlinked()]
    return list(dict.fromkeys(missing))


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
