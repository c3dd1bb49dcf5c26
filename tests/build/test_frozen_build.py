"""build.spec makes a one-folder app that starts and finds its data (migrations, regions, fonts)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from shelter_app import __version__

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def test_pyinstaller_build_runs_version_demo_a_report_and_sync(tmp_path):
    if shutil.which("pyinstaller", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("PyInstaller is not installed (pip install -e '.[test]' brings it)")
    pyinstaller = str(Path(sys.executable).parent / "pyinstaller")
    subprocess.run(
        [
            pyinstaller,
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(tmp_path / "dist"),
            "--workpath",
            str(tmp_path / "build"),
            str(ROOT / "build.spec"),
        ],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    app = tmp_path / "dist" / "shelter-app" / "shelter-app"
    version = subprocess.run([str(app), "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.strip() == f"shelter-app {__version__}"
    db = str(tmp_path / "frozen.db")
    subprocess.run([str(app), "demo", "--db", db, "--persons", "100"], check=True, capture_output=True)
    out = tmp_path / "cards.pdf"
    site = subprocess.run(
        [str(app), "stats", "--db", db, "--date", "2022-11-30", "--json"], check=True, capture_output=True, text=True
    )
    import json

    name = json.loads(site.stdout)["sites"][0]["name"]
    subprocess.run(
        [str(app), "report", "cards", "--db", db, "--site", name, "--out", str(out)], check=True, capture_output=True
    )
    assert out.read_bytes().startswith(b"%PDF")
    # Sync by file in the frozen app: the other laptop ends with the same figures.
    carried, other = tmp_path / "a.posko-sync", str(tmp_path / "other.db")
    subprocess.run([str(app), "sync", "export", "--db", db, "--out", str(carried)], check=True, capture_output=True)
    subprocess.run([str(app), "sync", "import", str(carried), "--db", other], check=True, capture_output=True)
    again = subprocess.run(
        [str(app), "stats", "--db", other, "--date", "2022-11-30", "--json"], check=True, capture_output=True, text=True
    )
    assert json.loads(again.stdout)["total"] == json.loads(site.stdout)["total"]
    # The hub driver and the hub's migrations are in the bundle: an unreachable hub is said in words.
    hub = subprocess.run(
        [str(app), "sync", "--db", db, "--hub", "postgresql://posko@127.0.0.1:1/posko", "--lang", "en"],
        capture_output=True,
        text=True,
    )
    assert hub.returncode == 3 and "Cannot reach the hub" in hub.stderr
