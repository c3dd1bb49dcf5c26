"""Before Qt loads its platform plugin, a missing system library is explained in words."""

import os
import subprocess
import sys

from shelter_app.ui import preflight

SCRIPT = """
import sys
from shelter_app.ui import preflight
real = preflight._loads
preflight._loads = lambda soname: False if soname == "libxcb-cursor.so.0" else real(soname)
from shelter_app.cli.main import main
code = main(["--db", sys.argv[1], "--lang", "en"])
print("exit", code, "qt loaded:", any(name.startswith("PySide6") for name in sys.modules))
"""


def test_a_missing_libxcb_cursor_is_named_before_qt_loads(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(DISPLAY=":99", XDG_DATA_HOME=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "posko.db")], capture_output=True, text=True, env=env, timeout=60
    )
    assert "exit 1 qt loaded: False" in done.stdout, (done.stdout, done.stderr)
    assert "sudo apt-get install libxcb-cursor0" in done.stderr
    assert "Aborted" not in done.stderr and "platform plugin" not in done.stderr


def test_package_names_follow_debian(monkeypatch):
    assert preflight._package("libxcb-image.so.0") == "libxcb-image0"
    assert preflight._package("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert preflight.missing_linux_packages() == []  # offscreen loads no xcb library
