"""What a fresh install needs: every package listed, every shipped file found."""

import tomllib
from pathlib import Path

from shelter_app.resources import resource_path
from shelter_app.storage.schema import known_migrations

ROOT = Path(__file__).resolve().parents[2]


def test_every_subpackage_is_listed_for_installation():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "shelter_app").rglob("__init__.py")}
    assert found <= listed, f"add to pyproject.toml: {sorted(found - listed)}"


def test_shipped_data_is_found():
    assert resource_path("regions", "districts.csv").is_file()
    assert "ODbL" in resource_path("regions", "README.md").read_text()
    assert known_migrations()[0] == "0001_initial"
