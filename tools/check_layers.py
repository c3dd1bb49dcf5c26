"""Check the layers of shelter_app from its import statements: no cycles, no arrow upwards.

Every ``import`` and ``from ... import`` is read with ``ast``, including the lazy ones inside
functions, so a cycle cannot hide behind a deferred import. Run from anywhere:

    python tools/check_layers.py          # exit 1 and one line per problem if the house leans
    python tools/check_layers.py --graph  # also print every arrow between packages

The layers, bottom to top. A module may import its own layer's package and any layer below;
packages that share a layer (sync, exchange, reports, demo, outbox) do not import each other
unless ALSO_ALLOWED says so. Module-level cycles are refused everywhere, also inside a package.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "shelter_app"

# (layer name, packages in it); "base" holds the top-level modules of shelter_app.
LAYERS: list[tuple[str, set[str]]] = [
    ("base", {"(base)", "i18n"}),
    ("domain", {"domain"}),
    ("storage", {"storage"}),
    ("history", {"history"}),
    ("services", {"services"}),
    ("features", {"sync", "exchange", "reports", "demo", "outbox"}),
    ("ui", {"ui"}),
    ("cli", {"cli"}),
    ("entry", {"(main)"}),
]
# Arrows between packages of one layer that are part of the design.
ALSO_ALLOWED = {
    ("outbox", "sync"),  # the outbox delivers reports to the hub
    ("outbox", "reports"),
    ("exchange", "reports"),
}
# Imports that must never appear, whatever the layer says.
FORBIDDEN_OUTSIDE = {"PySide6": {"ui"}}
FORBIDDEN_FROM = {("ui", "storage"), ("cli", "storage")}


def module_files() -> dict[str, Path]:
    mods = {}
    for path in (ROOT / PACKAGE).rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = path
    return mods


def package_of(module: str, mods: dict[str, Path]) -> str:
    parts = module.split(".")
    if module == f"{PACKAGE}.__main__":
        return "(main)"
    if len(parts) == 1 or (len(parts) == 2 and mods[module].name != "__init__.py"):
        return "(base)"
    return parts[1]


def imported_names(module: str, path: Path, tree: ast.AST) -> list[tuple[str, int]]:
    """Every (imported module or name, line); relative imports resolved."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if path.name != "__init__.py":
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            # "from pkg import sub" depends on the module pkg.sub (graph() falls back to pkg when
            # the name is not a module): a package's __init__ is not an arrow of its own.
            found += [(f"{prefix}.{alias.name}", node.lineno) for alias in node.names]
    return found


def graph(mods: dict[str, Path]):
    """Arrows between modules of the package, and third-party roots imported per module."""
    edges: dict[str, dict[str, int]] = defaultdict(dict)
    external: dict[str, dict[str, int]] = defaultdict(dict)
    for module, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for name, line in imported_names(module, path, tree):
            if name.split(".")[0] != PACKAGE:
                external[module].setdefault(name.split(".")[0], line)
                continue
            target = name
            while target not in mods and "." in target:
                target = target.rsplit(".", 1)[0]
            if target != module and target in mods:
                edges[module].setdefault(target, line)
    return edges, external


def cycles(edges: dict[str, dict[str, int]], nodes) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    counter = 0
    for start in sorted(nodes):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def layer_rank(package: str) -> int:
    for rank, (_name, packages) in enumerate(LAYERS):
        if package in packages:
            return rank
    raise SystemExit(f"{PACKAGE}/{package}/ is in no layer: add it to LAYERS in {Path(__file__).name}")


def problems(mods, edges, external) -> list[str]:
    found = []
    for component in cycles(edges, mods):
        found.append("cycle: " + " -> ".join(component + component[:1]))
    for source, targets in sorted(edges.items()):
        src_pkg = package_of(source, mods)
        for target, line in sorted(targets.items()):
            dst_pkg = package_of(target, mods)
            where = f"{mods[source].relative_to(ROOT)}:{line}"
            if src_pkg == dst_pkg:
                continue
            if (src_pkg, dst_pkg) in FORBIDDEN_FROM:
                found.append(f"{where}: {src_pkg}/ imports {target} (call a service instead)")
                continue
            up, down = layer_rank(src_pkg), layer_rank(dst_pkg)
            if down > up or (down == up and (src_pkg, dst_pkg) not in ALSO_ALLOWED):
                found.append(f"{where}: {src_pkg}/ imports {target}, which is not below it")
    for source, roots in sorted(external.items()):
        for root, line in roots.items():
            allowed = FORBIDDEN_OUTSIDE.get(root)
            if allowed is not None and package_of(source, mods) not in allowed:
                found.append(
                    f"{mods[source].relative_to(ROOT)}:{line}: {root} imported outside {', '.join(sorted(allowed))}/"
                )
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", action="store_true", help="print the arrows between packages")
    args = parser.parse_args(argv)
    mods = module_files()
    edges, external = graph(mods)
    if args.graph:
        arrows = defaultdict(set)
        for source, targets in edges.items():
            for target in targets:
                if package_of(source, mods) != package_of(target, mods):
                    arrows[package_of(source, mods)].add(package_of(target, mods))
        for package in sorted(arrows, key=layer_rank):
            print(f"{package:10} -> {', '.join(sorted(arrows[package], key=layer_rank))}")
    found = problems(mods, edges, external)
    for line in found:
        print(line)
    print(
        f"layers: {len(mods)} modules, {sum(map(len, edges.values()))} imports, {len(found)} problem(s)",
        file=sys.stderr,
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
