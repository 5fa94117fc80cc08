"""Writing the demo site's document root: one generation's listing pages and articles, and
the error page, rewritten in place so that an unchanged page keeps its validators.
"""

from __future__ import annotations

import math
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from briefwatch.jobs.demo.body import render_body
from briefwatch.jobs.demo.briefings import Briefing
from briefwatch.jobs.demo.generations import GENERATIONS
from briefwatch.jobs.demo.templates import render_article, render_error_page, render_listing


@dataclass
class Archive:
    generation: str
    listing_path: str
    article_paths: dict[int, str]
    pages: int


def _write(path: Path, text: str) -> None:
    data = text.encode("utf-8")
    old = path.stat().st_mtime if path.exists() else None
    if old is not None and path.read_bytes() == data:
        return  # an unchanged page keeps its mtime, hence its ETag and Last-Modified
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if old is not None:
        # Last-Modified has one-second resolution: without this, a page rewritten within the
        # same second would wrongly answer 304 to If-Modified-Since.
        new = max(time.time(), old + 1)
        os.utime(path, (new, new))


def write_error_page(root: Path) -> None:
    _write(Path(root) / "error.htm", render_error_page())


def write_archive(root: Path, generation: str, briefings: list[Briefing], per_page: int = 40, *,
                  visits: int = 0, typography: bool = False, prune: bool = True) -> Archive:
    """Write listing pages, articles and error.htm under the document root `root`.

    With `prune`, this generation's listing pages and articles that are not (or no longer) in
    `briefings` are deleted, so they answer the real site's soft 404.
    """
    gen = GENERATIONS[generation]
    if any(b.lang != gen.lang for b in briefings):
        raise ValueError(f"{generation} needs {gen.lang} briefings")
    if len({b.number for b in briefings}) != len(briefings):
        raise ValueError("briefing numbers must be unique")
    folder = Path(root) / gen.folder.strip("/")
    pages = max(1, math.ceil(len(briefings) / per_page))
    latest, written, paths = briefings[:6], set(), {}
    for k in range(pages):
        items = briefings[k * per_page:(k + 1) * per_page]
        _write(folder / gen.page_name(k),
               render_listing(gen, items, k, pages, len(briefings), per_page, visits, latest))
        written.add(gen.page_name(k))
    for b in briefings:
        related = [x for x in briefings[:9] if x.number != b.number][:8]
        name = gen.article_name(b)
        body = render_body(b, gen, typography)
        _write(folder / name, render_article(gen, b, body, visits, latest, related))
        written.add(name)
        paths[b.number] = gen.folder + name
    write_error_page(Path(root))
    if prune:
        art = (r"\d{6}/t\d{8}_\d+" if gen.nested else r"t\d+") + rf"\.{gen.article_ext}"
        ours = re.compile(rf"{art}|{gen.stem}(?:_\d+)?\.{gen.ext}")
        for f in list(folder.rglob("*")):
            name = f.relative_to(folder).as_posix()
            if f.is_file() and ours.fullmatch(name) and name not in written:
                f.unlink()
    return Archive(generation, gen.folder + gen.page_name(0), paths, pages)
