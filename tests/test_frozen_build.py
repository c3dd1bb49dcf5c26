"""build.spec makes a one-folder app that starts and finds its data (migrations, regions, fonts)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from shelter_app import __version__

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def test_pyinstaller_build_runs_version_demo_and_a_report(tmp_path):
    if shutil.which("pyinstaller", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("PyInstaller is not installed (pip install -e '.[test]' brings it)")
    pyinstaller = str(Path(sys.executable).parent / "pyinstaller")
    subprocess.run([pyinstaller, "--noconfirm", "--log-level", "WARN", "--distpath", str(tmp_path / "dist"),
                    "--workpath", str(tmp_path / "build"), str(ROOT / "build.spec")], check=True, cwd=ROOT,
                   capture_output=True)
    app = tmp_path / "dist" / "shelter-app" / "shelter-app"
    version = subprocess.run([str(app), "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.strip() == f"shelter-app {__version__}"
    db = str(tmp_path / "frozen.db")
    subprocess.run([str(app), "demo", "--db", db, "--persons", "100"], check=True, capture_output=True)
    out = tmp_path / "cards.pdf"
    site = subprocess.run([str(app), "stats", "--db", db, "--date", "2022-11-30", "--json"], check=True,
                          capture_output=True, text=True)
    import json

    name = json.loads(site.stdout)["sites"][0]["name"]
    subprocess.run([str(app), "report", "cards", "--db", db, "--site", name, "--out", str(out)], check=True,
                   capture_output=True)
    assert out.read_bytes().startswith(b"%PDF")
