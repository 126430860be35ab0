"""Print the import graph of peerreview/ by floor: upward imports, cycles between files, function-local imports.

    python scripts/import_graph.py            # the report
    python scripts/import_graph.py --check    # exit 1 on a cycle, an unexplained upward import or a stray local import
    python scripts/import_graph.py --root DIR # another copy of the package (the tests check the checker on one)

The floors, lowest first, are in FLOORS; a module imports its own floor or lower. ARCHITECTURE.md explains them.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "peerreview"

# Lowest first. A module's floor is the first prefix that matches its dotted name (without "peerreview.").
FLOORS: list[tuple[str, tuple[str, ...]]] = [
    ("domain", ("domain",)),
    ("infrastructure", ("config", "dates", "extensions", "models", "persistence", "cache", "audit", "mail", "tokens",
                        "accounts", "requests", "errors", "security", "forms", "templating", "web", "spreadsheets",
                        "palette", "questionnaire_loader", "questionnaire_registry", "assets")),
    ("kernel", ("evaluation",)),
    ("features", ("auth", "admin", "evaluations", "reviews", "plans", "reports", "exports", "main", "questionnaires")),
    ("app", ("__init__", "cli", "seed", "backup")),
]
# Upward imports allowed, and imports of another feature's services, each with the one-line reason.
ALLOWED_UP: dict[tuple[str, str], str] = {
    ("exports.services", "reports.services"): "exports format the report object and region overview reports builds",
    ("exports.services", "reports"): "the package of reports.services, which importing it runs",
}
# Where a function-local import is fine: the app factory, the CLI and the seed code.
LOCAL_OK = ("__init__", "cli", "seed", "backup", "questionnaires.cli")


def module_name(root: Path, path: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def floor_of(name: str) -> int:
    for index, (_, prefixes) in enumerate(FLOORS):
        for prefix in prefixes:
            if name == prefix or name.startswith(prefix + "."):
                return index
    raise SystemExit(f"no floor for module {name!r}: add it to FLOORS in scripts/import_graph.py")


def resolve(current: str, is_package: bool, node: ast.ImportFrom | ast.Import, modules: set[str]) -> list[str]:
    targets: list[str] = []
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        if node.level:
            base = current.split(".") if current != "__init__" else []
            if not is_package:
                base = base[:-1]
            base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
            prefix = ".".join(base)
            mod = f"{prefix}.{node.module}" if node.module and prefix else (node.module or prefix)
            mod = mod or "__init__"
        elif node.module and (node.module == "peerreview" or node.module.startswith("peerreview.")):
            mod = node.module.removeprefix("peerreview").lstrip(".") or "__init__"
        else:
            return []
        names = []
        for alias in node.names:
            sub = f"{mod}.{alias.name}" if mod != "__init__" else alias.name
            names.append(sub if sub in modules else mod)
        for name in names:
            found = name
            while found and found not in modules and "." in found:
                found = found.rsplit(".", 1)[0]
            if found in modules:
                targets.append(found)
        return sorted(set(targets))
    for name in names:
        if name.startswith("peerreview"):
            mod = name.removeprefix("peerreview").lstrip(".") or "__init__"
            while mod and mod not in modules and "." in mod:
                mod = mod.rsplit(".", 1)[0]
            if mod in modules:
                targets.append(mod)
    return targets


def build(root: Path) -> tuple[dict[str, set[str]], list[tuple[str, int, str]]]:
    files = {module_name(root, p): p for p in root.rglob("*.py")}
    modules = set(files)
    graph: dict[str, set[str]] = defaultdict(set)
    local: list[tuple[str, int, str]] = []
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_package = path.name == "__init__.py"
        top_level = set(map(id, tree.body))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            if _under_type_checking(tree, node):
                continue  # for annotations only: never runs (models.regions and models.users name each other)
            targets = [t for t in resolve(name, is_package, node, modules) if t != name]
            # Importing a module runs its packages' __init__ first: an edge to each (but the root, which only holds
            # create_app, and the importer's own packages). A package importing its own submodules is no edge.
            parents = {".".join(t.split(".")[:i]) for t in targets for i in range(1, t.count(".") + 1)}
            parents = {p for p in parents if p in modules and not (name == p or name.startswith(p + "."))}
            graph[name].update(t for t in (*targets, *parents) if not (is_package and t.startswith(name + ".")))
            if targets and id(node) not in top_level:
                local.append((name, node.lineno, ", ".join(targets)))
    return graph, local


def _under_type_checking(tree: ast.Module, node: ast.AST) -> bool:
    for top in tree.body:
        if isinstance(top, ast.If) and "TYPE_CHECKING" in ast.unparse(top.test):
            if any(child is node for child in ast.walk(top)):
                return True
    return False


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one file (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def feature_of(name: str) -> str | None:
    return name.split(".")[0] if floor_of(name) == 3 else None


def main(argv: list[str]) -> int:
    root = Path(argv[argv.index("--root") + 1]) if "--root" in argv else ROOT
    graph, local = build(root)
    problems = 0
    print("Floors (lowest first):")
    by_floor: dict[int, list[str]] = defaultdict(list)
    for name in sorted(set(graph) | {t for ts in graph.values() for t in ts}):
        by_floor[floor_of(name)].append(name)
    for number, (label, _) in enumerate(FLOORS):
        print(f"  {number} {label}: {len(by_floor[number])} modules")
    upward = [(a, b) for a, targets in sorted(graph.items()) for b in sorted(targets) if floor_of(b) > floor_of(a)]
    print(f"\nUpward imports: {len(upward)}")
    for a, b in upward:
        reason = ALLOWED_UP.get((a, b))
        print(f"  {a} -> {b}" + (f"  ({reason})" if reason else "  UNEXPLAINED"))
        problems += reason is None
    across = [
        (a, b)
        for a, targets in sorted(graph.items())
        for b in sorted(targets)
        if feature_of(a) and feature_of(b) and feature_of(a) != feature_of(b) and b.split(".")[-1] != "forms"
    ]
    print(f"\nOne feature importing another (but its forms): {len(across)}")
    for a, b in across:
        reason = ALLOWED_UP.get((a, b))
        print(f"  {a} -> {b}" + (f"  ({reason})" if reason else "  UNEXPLAINED"))
        problems += reason is None
    found = cycles(graph)
    print(f"\nImport cycles between files: {len(found)}")
    for component in found:
        print("  " + " <-> ".join(component))
    problems += len(found)
    stray = [item for item in local if not item[0].startswith(LOCAL_OK)]
    print(f"\nFunction-local imports: {len(local)} ({len(stray)} outside create_app, CLI and seed code)")
    for name, line, targets in stray:
        print(f"  {name}:{line} -> {targets}")
    problems += len(stray)
    if "--check" in argv:
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
