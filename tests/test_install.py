"""What `pip install briefwatch` puts into site-packages: one namespace, `briefwatch`, and
nothing named `jobs`, `storage`, `crawler` or `spiders` that would overwrite a researcher's
own packages (PyPI has packages of those names). The wheel is built from a copy of the tree,
offline, with the build backend of the dev extra."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

from tests.helpers import REPO

FOLDERS = ("crawler", "spiders", "storage", "jobs")


def test_the_wheel_installs_one_namespace_with_its_data(tmp_path):
    source = tmp_path / "src"
    for folder in FOLDERS:
        shutil.copytree(REPO / folder, source / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--quiet", "-w", str(tmp_path / "dist"), str(source)],
        capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    [wheel] = (tmp_path / "dist").glob("briefwatch-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/", 1)[0] for name in names}
    assert top == {"briefwatch", f"{wheel.name.split('-py3')[0]}.dist-info"}
    # every module and data file of the tree is in it, under the namespace
    tree = {f"briefwatch/{path.relative_to(REPO).as_posix()}"
            for folder in FOLDERS for path in (REPO / folder).rglob("*")
            if path.is_file() and "__pycache__" not in path.parts}
    assert tree - set(names) == set()
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "briefwatch = briefwatch.jobs.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()
