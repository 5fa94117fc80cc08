"""The house's layering, read from the source: data flows one way (jobs → crawler → storage,
spiders beside the crawler), and no module cycle hides in a package."""

from __future__ import annotations

import ast

from tests.conftest import REPO

PACKAGES = ("crawler", "spiders", "storage", "jobs")


def _imports() -> dict[str, set[str]]:
    """module -> the project modules it imports, at the top or inside a function."""
    graph = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            module = ".".join(path.relative_to(REPO).with_suffix("").parts)
            module = module.removesuffix(".__init__")
            found = set()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
                elif isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                else:
                    continue
                found |= {n for n in names if n.split(".")[0] in PACKAGES}
            graph[module] = found
    modules = set(graph)
    # `from storage import runs` names the module storage.runs; `from storage.db import x`
    # names storage.db
    return {m: {n if n in modules else n.rsplit(".", 1)[0] for n in found} & modules - {m}
            for m, found in graph.items()}


def _package(module: str) -> str:
    return module.split(".")[0]


def test_lower_layers_never_import_higher_ones():
    allowed = {"jobs": {"crawler", "spiders", "storage"}, "spiders": {"crawler", "storage"},
               "crawler": {"storage"}, "storage": set()}
    wrong = sorted(f"{m} imports {n}" for m, found in _imports().items() for n in found
                   if _package(n) != _package(m) and _package(n) not in allowed[_package(m)])
    assert wrong == []


def test_no_import_cycles():
    graph = _imports()
    cycles, state = [], {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for other in sorted(graph[module]):
            if state.get(other) == "open":
                cycles.append(" → ".join([*path[path.index(other):], other]))
            elif other not in state:
                visit(other, [*path, other])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_only_jobs_reads_the_config_and_the_crawl_process_opens_no_database():
    graph = _imports()
    readers = sorted(m for m, found in graph.items() if "jobs.config" in found
                     and _package(m) != "jobs")
    assert readers == []
    process = (REPO / "crawler" / "crawlprocess.py").read_text(encoding="utf-8")
    assert "storage" not in {_package(n) for n in graph["crawler.crawlprocess"]}
    assert "open_db" not in process and "load_config" not in process
