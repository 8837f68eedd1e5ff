"""The import graph of perf_xlsx (模块依赖) has no cycle: every module's imports, those inside
functions too, read with `ast`, relative imports resolved. A cycle hides which module owns what
(as api.py and batch.py once did with output names) and breaks as soon as an import moves up."""

from __future__ import annotations

import ast
from pathlib import Path

import perf_xlsx

PACKAGE = Path(perf_xlsx.__file__).parent


def module_name(path: Path, root: Path = PACKAGE) -> str:
    """`perf_xlsx/rules/kinds.py` → `perf_xlsx.rules.kinds`; a package's `__init__.py` → the package."""
    parts = ["perf_xlsx", *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Each module of the package and the modules of the package it imports (anywhere in its code)."""
    files = {module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(name, is_package, node.level, node.module)
                # `from . import api` imports the module perf_xlsx.api; `from .api import fill` perf_xlsx.api
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in files else base for alias in node.names]
            else:
                continue
            graph[name] |= {t for t in targets if t in files}
    return graph


def _resolve(module: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute name of a relative import (`from ..report import Finding` in perf_xlsx.rules.audit)."""
    if level == 0:
        return target or ""
    parts = module.split(".")
    if not is_package:
        parts = parts[:-1]  # a module's `.` is its package
    parts = parts[: len(parts) - (level - 1)]
    return ".".join([*parts, target] if target else parts)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of `graph` as [a, b, …, a], or None: a depth-first search for an edge back into the path."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"api": {"batch"}, "batch": {"api"}}) == ["api", "batch", "api"]
    assert find_cycle({"a": {"a"}}) == ["a", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set(), "d": {"a", "c"}}) is None


def test_the_graph_sees_every_kind_of_import(tmp_path):
    """Top-level, inside a function, relative at two levels, `from . import module`, absolute."""
    pkg = tmp_path / "perf_xlsx"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("def f():\n    from . import api\n", encoding="utf-8")
    (pkg / "api.py").write_text("from .paths import X\nfrom . import sub\n", encoding="utf-8")
    (pkg / "paths.py").write_text("import os\n", encoding="utf-8")
    (pkg / "batch.py").write_text("import perf_xlsx.api\ndef g():\n    from .sub.kinds import K\n", encoding="utf-8")
    (pkg / "sub" / "__init__.py").write_text("from .kinds import K\n", encoding="utf-8")
    (pkg / "sub" / "kinds.py").write_text("def h():\n    from ..batch import run\n", encoding="utf-8")
    graph = import_graph(pkg)
    assert graph == {
        "perf_xlsx": {"perf_xlsx.api"},
        "perf_xlsx.api": {"perf_xlsx.paths", "perf_xlsx.sub"},
        "perf_xlsx.paths": set(),
        "perf_xlsx.batch": {"perf_xlsx.api", "perf_xlsx.sub.kinds"},
        "perf_xlsx.sub": {"perf_xlsx.sub.kinds"},
        "perf_xlsx.sub.kinds": {"perf_xlsx.batch"},
    }
    assert find_cycle(graph) == [
        "perf_xlsx.api",
        "perf_xlsx.sub",
        "perf_xlsx.sub.kinds",
        "perf_xlsx.batch",
        "perf_xlsx.api",
    ]


def test_perf_xlsx_has_no_import_cycle():
    graph = import_graph()
    assert {"perf_xlsx.api", "perf_xlsx.batch", "perf_xlsx.paths", "perf_xlsx.rules.kinds"} <= set(graph)
    assert "perf_xlsx.paths" in graph["perf_xlsx.api"] and "perf_xlsx.api" in graph["perf_xlsx.batch"]
    assert find_cycle(graph) is None


def test_paths_is_low_level():
    """The one home of output paths imports nothing else of perf_xlsx, so anything may use it."""
    assert import_graph()["perf_xlsx.paths"] == set()


def test_the_web_stack_is_imported_only_by_serve():
    """`perfxlsx --help` and every other command start without Starlette, uvicorn or python-multipart; the
    worker side of serve (jobs, work) never imports them either, so a pool process starts light."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from perf_xlsx import cli\n"
        "import perf_xlsx.web.jobs, perf_xlsx.web.work\n"
        "try:\n"
        "    cli.cli.main(['--help'], standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('starlette', 'uvicorn', 'python_multipart') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", check=True)
    assert out.stdout.strip().endswith("[]"), out.stdout
