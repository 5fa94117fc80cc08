"""The house's layering, read from the source: data flows one way (jobs → crawler → storage,
spiders beside the crawler), and no module cycle hides in a package."""

from __future__ import annotations

import ast

from tests.helpers import REPO

PACKAGES = ("crawler", "spiders", "storage", "jobs")
# The folders install under one namespace (pyproject.toml): `briefwatch.storage.db` is the
# module of storage/db.py.
NAMESPACE = "briefwatch."


def _imported_names(path) -> set[str]:
    """Every module name a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {f"{node.module}.{a.name}" for a in node.names} | {node.module}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def _imports() -> dict[str, set[str]]:
    """module -> the project modules it imports, at the top or inside a function."""
    graph = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            module = ".".join(path.relative_to(REPO).with_suffix("").parts)
            module = module.removesuffix(".__init__")
            graph[module] = {n.removeprefix(NAMESPACE) for n in _imported_names(path)
                             if n.startswith(NAMESPACE)}
    modules = set(graph)
    # `from briefwatch.storage import runs` names the module storage.runs;
    # `from briefwatch.storage.db import x` names storage.db
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


def test_every_import_goes_through_the_installed_namespace():
    """`import storage` works from the repository root only, and would load a second copy of
    a module beside briefwatch.storage: nothing of ours, tests and benchmarks included, uses it."""
    bare = sorted(f"{path.relative_to(REPO)} imports {name}"
                  for folder in (*PACKAGES, "tests", "bench")
                  for path in (REPO / folder).rglob("*.py")
                  for name in _imported_names(path) if name.split(".")[0] in PACKAGES)
    assert bare == []


def test_the_installed_packages_are_every_package_of_the_tree():
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(project["tool"]["setuptools"]["packages"])
    mapped = project["tool"]["setuptools"]["package-dir"]
    assert mapped == {f"{NAMESPACE}{p}": p for p in PACKAGES}
    tree = {NAMESPACE + ".".join(init.parent.relative_to(REPO).parts)
            for package in PACKAGES for init in (REPO / package).rglob("__init__.py")}
    assert listed == tree
