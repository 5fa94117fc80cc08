"""Names across languages: the outlets that ask at the briefings and the spokespersons who
answer, each under one canonical English name with every form it is written in
(`Reuters` / `路透社记者`, `Wang Wenbin` / `汪文斌`).

The table is data, not code: storage/text/names.toml, shipped with the package, extended by
a user's own file (`[names] file` in the config) whose entries add forms to an existing name
or add new names. An unknown outlet stays as written.
"""

from __future__ import annotations

import functools
import logging
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

SHIPPED = Path(__file__).with_name("names.toml")
_MARKS = re.compile(r"[《》〈〉「」\"“”]")
# 记者 (journalist), 的记者, 记者提问 ("journalist asks"): the label, not the outlet's name.
_JOURNALIST = re.compile(r"(?:的)?记者(?:提问)?$")


class NamesError(ValueError):
    """A names file that cannot be read: one line saying which and why."""


def written_key(form: str) -> str:
    """How a written form is compared: without a trailing 记者 (journalist) or 记者提问,
    book-title marks, outer spaces and case."""
    form = _MARKS.sub("", form).strip()
    form = _JOURNALIST.sub("", form).strip()
    return " ".join(form.split()).casefold()


@dataclass
class Names:
    outlets: dict[str, str] = field(default_factory=dict)  # written key -> canonical
    spokespersons: dict[str, str] = field(default_factory=dict)

    def outlet(self, written: str | None) -> str | None:
        """The canonical name of an outlet as written; the form itself when unknown."""
        if not written:
            return None
        return self.outlets.get(written_key(written), _clean(written))

    def spokesperson(self, written: str | None) -> str | None:
        if not written:
            return None
        return self.spokespersons.get(written_key(written), _clean(written))

    def spokesperson_named_in(self, text: str) -> str | None:
        """The canonical name of the first spokesperson of the table that `text` names
        (`Foreign Ministry Spokesperson Lu Kang's Regular Press Conference`, `外交部发言人陆慷主持
        例行记者会`); else a name in the ministry's own phrasing of a title; else None."""
        if not text:
            return None
        folded = " ".join(_MARKS.sub("", text).split()).casefold()
        found = []
        for key, name in self.spokespersons.items():
            at = _find_name(folded, key)
            if at >= 0:
                found.append((at, -len(key), name))
        if found:
            return min(found)[2]
        match = _TITLED.search(text)
        return _clean(next(g for g in match.groups() if g)) if match else None

    def knows_outlet(self, written: str | None) -> bool:
        return bool(written) and written_key(written) in self.outlets

    def is_spokesperson(self, written: str | None) -> bool:
        return bool(written) and written_key(written) in self.spokespersons

    def named_outlet(self, entry: dict) -> dict:
        """`entry` (a question as an output lists it: a removed question of an edit summary,
        an exchange missing from one language) with `outlet` the canonical name of
        `outlet_as_written`. An entry stored without `outlet_as_written` (summaries stored
        before it existed) had the outlet as written in `outlet`: that form is its
        `outlet_as_written` now."""
        written = entry["outlet_as_written"] if "outlet_as_written" in entry else \
            entry.get("outlet")
        return {**entry, "outlet": self.outlet(written), "outlet_as_written": written}

    def add(self, table: dict, origin: str) -> None:
        for kind, target in (("outlets", self.outlets), ("spokespersons", self.spokespersons)):
            for entry in table.get(kind, []):
                name = entry.get("name")
                if not isinstance(name, str) or not name.strip():
                    raise NamesError(f"{origin}: every [[{kind}]] needs a name")
                for form in [name, *entry.get("en", []), *entry.get("zh", [])]:
                    if not isinstance(form, str):
                        raise NamesError(f"{origin}: {name!r}: forms are strings")
                    target[written_key(form)] = name


# "Spokesperson Jiang Yu's Regular Press Conference", "发言人姜瑜主持例行记者会".
_TITLED = re.compile(r"[Ss]pokes(?:person|man|woman) ((?:[A-Z][a-z'’-]+ ?){2,3})(?:'s|’s)\b|"
                     r"发言人([\u4e00-\u9fff·]{2,8}?)(?:主持|答记者问|就|在|表示|回答|应询)")


def _find_name(folded: str, key: str) -> int:
    """Where `key` occurs in `folded` as a whole name (Latin names on word boundaries)."""
    start = 0
    while (at := folded.find(key, start)) >= 0:
        end = at + len(key)
        if not key.isascii() or ((at == 0 or not folded[at - 1].isalnum())
                                 and (end == len(folded) or not folded[end].isalnum())):
            return at
        start = at + 1
    return -1


def _clean(written: str) -> str:
    return _JOURNALIST.sub("", _MARKS.sub("", written).strip()).strip() or written


def load_names(extra: Path | None = None) -> Names:
    """The shipped table, then `extra` (a user's file, same format) on top. Read again when
    the user's file changes: a running `serve` or `schedule` names outlets by the file as it
    is now. A file that cannot be read is NamesError, unless this process read it before: a
    save with a typo in it then leaves the table it last read in use, and one warning in the
    log says why, instead of every page failing."""
    stamp = _stamp(extra)
    try:
        names = _load(extra, stamp)
    except NamesError as exc:
        if extra not in _last_read:
            raise
        if (extra, stamp) not in _warned:
            _warned.add((extra, stamp))
            logging.getLogger("briefwatch").warning("%s; the names it held before stay in use",
                                                    exc)
        return _last_read[extra]
    _last_read[extra] = names
    return names


# The table each names file gave when it was last read whole, and the broken states of a file
# already warned of.
_last_read: dict[Path | None, Names] = {}
_warned: set[tuple[Path | None, tuple[int, int] | None]] = set()


def _stamp(path: Path | None) -> tuple[int, int] | None:
    try:
        stat = Path(path).stat() if path is not None else None
    except OSError:
        return None  # _load says what is wrong with it
    return (stat.st_mtime_ns, stat.st_size) if stat else None


@functools.lru_cache(maxsize=8)
def _load(extra: Path | None, stamp: tuple[int, int] | None) -> Names:
    names = Names()
    for path in (SHIPPED, extra):
        if path is None:
            continue
        try:
            table = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise NamesError(f"cannot read the names file {path}: {exc}") from None
        names.add(table, str(path))
    return names


def shown(canonical: str | None, written: str | None = None) -> str | None:
    """A name as a reader sees it: the canonical name, with the form the transcript writes
    beside it where that is another name: `RIA Novosti (今日俄罗斯)`, `Reuters (路透社)`, but
    `Reuters` for `Reuters:` or `REUTERS:` (the written form without 记者 and 《》)."""
    if not canonical:
        return canonical
    if not written or written_key(written) == written_key(canonical):
        return canonical
    return f"{canonical} ({_clean(written)})"
