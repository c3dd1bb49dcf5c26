"""The layer check that .ci/run runs: the real tree passes, and each kind of lean is caught."""

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_tool():
    spec = importlib.util.spec_from_file_location("check_layers", ROOT / "tools" / "check_layers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def problems_of(arrows: dict[str, list[str]], external: dict[str, list[str]] | None = None) -> list[str]:
    tool = load_tool()
    names = set(arrows) | {target for targets in arrows.values() for target in targets} | set(external or {})
    mods = {name: ROOT / (name.replace(".", "/") + ".py") for name in names}
    edges = {source: {target: 1 for target in targets} for source, targets in arrows.items()}
    roots = {source: {root: 1 for root in found} for source, found in (external or {}).items()}
    return tool.problems(mods, edges, roots)


def test_the_tree_as_it_is_has_no_cycle_and_no_upward_arrow():
    done = subprocess.run([sys.executable, "tools/check_layers.py"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 problem(s)" in done.stderr


def test_an_arrow_up_a_cycle_storage_from_the_window_and_qt_below_it_are_each_caught():
    assert problems_of({"shelter_app.services.roster": ["shelter_app.storage.models"]}) == []
    up = problems_of({"shelter_app.storage.schema": ["shelter_app.exchange.backups"]})
    assert len(up) == 1 and "not below it" in up[0]
    cycle = problems_of({"shelter_app.sync.a": ["shelter_app.sync.b"], "shelter_app.sync.b": ["shelter_app.sync.a"]})
    assert len(cycle) == 1 and cycle[0].startswith("cycle:")
    peers = problems_of({"shelter_app.reports.daily": ["shelter_app.sync.hub"]})
    assert len(peers) == 1 and "not below it" in peers[0]
    storage = problems_of({"shelter_app.ui.app": ["shelter_app.storage.models"]})
    assert len(storage) == 1 and "call a service" in storage[0]
    qt = problems_of({}, {"shelter_app.services.stats": ["PySide6"]})
    assert len(qt) == 1 and "PySide6" in qt[0]
