"""The notification digests: one message (title and plain text) telling a channel what a run
found, each edit in words (the `diff --format turns` sentences, excerpts, the watches'
passages). jobs.notify decides who is owed what and sends; this says it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefwatch.jobs.config import Watch

KIND_ORDER = ("new", "edited", "removed", "restored", "divergent")
MAX_LISTED = 50  # a digest beyond this many lines is summed up, not listed
# A big night stays readable: only the first events listed are told in detail, each with a
# few sentences, excerpts and quoted passages; the rest is counted ("and N more").
MAX_DETAILED = 10
MAX_SENTENCES = 3
MAX_EXCERPTS = 2
MAX_QUOTED = 2


def _kind_note(event: dict) -> str:
    """Said of what is not a briefing (remarks during a recess, a statement, one question
    posted alone), so that a reader does not take it for a conference."""
    from briefwatch.storage.text.kinds import kind_of

    kind = kind_of(event["title"] or "", event["url"])
    return "" if kind == "briefing" else f" ({kind}, not a regular briefing)"


def digest(events: list[dict], first_crawls: set[tuple[int, str]],
           details: Callable[[dict], list[str]] | None = None,
           watches: tuple[Watch, ...] = (),
           imports: dict[tuple[int, str], dict] | None = None, *, names) -> tuple[str, str]:
    """The title and plain-text body of one message about `events`. `details` gives the
    lines that tell an event in full (the first MAX_DETAILED listed are); `watches`, those
    the channel follows, are named in the title; an archive import's events (`imports`:
    (run, source) -> its counts) come as one line per source. Outlets and spokespersons are
    named by `names` (the config's names table)."""
    from briefwatch.storage.text.diff import describe

    counts = Counter(e["kind"] for e in events)
    title = "briefwatch: " + (headline(events, names) or ", ".join(
        f"{counts[k]} {k}" for k in KIND_ORDER if counts[k]))
    if watches:
        title += f" (watch {', '.join(w.name for w in watches)})"
    lines: list[str] = []
    summed: Counter = Counter()
    concern: dict[str, set[int]] = {}  # source -> the backfilled events a watch quoted
    differ: Counter = Counter()
    listed = []
    imported: dict[tuple[int, str], int] = {}
    for event in events:
        first = (event["run"], event["source"]) in first_crawls
        if (event["run"], event["source"]) in (imports or {}):
            imported[(event["run"], event["source"])] = 1
        elif event["kind"] == "new" and first:
            summed[event["source"]] += 1
            if event.get("quoted"):
                concern.setdefault(event["source"], set()).add(event["id"])
        elif event["kind"] == "divergent" and first:
            differ[event["source"]] += 1
        else:
            listed.append(event)
    watched = ", ".join(w.name for w in watches)
    for source, count in summed.items():
        quoted = len(concern.get(source, ()))
        if quoted == count:  # a watch's channel: only what concerns it is owed here
            lines.append(f"{source}: first crawl: {count} transcript{'s' if count != 1 else ''}"
                         f" concern watch {watched} ('briefwatch changes --watch NAME' lists "
                         f"them)")
            continue
        lines.append(f"{source}: first crawl stored {count} transcript{'s' if count != 1 else ''}"
                     + (f", {quoted} concerning watch {watched}" if quoted else ""))
    for run, source in imported:
        lines.append(f"{source}: {import_line((imports or {})[(run, source)], run)}")
    for source, count in differ.items():
        lines.append(f"{source}: first crawl found {count} transcript{'s' if count != 1 else ''} "
                     f"lacking exchanges the other language has ('briefwatch pairs --divergent')")
    for k, event in enumerate(listed[:MAX_LISTED]):
        lines.append(f"{event['kind'].upper()}: {_clean(event['title'])} [{event['source']}]"
                     + _kind_note(event))
        lines.append(f"  {event['url']}")
        change = describe(event["summary"], names) if event["summary"] else ""
        if change:
            lines.append(f"  {change}")
        if details and k < MAX_DETAILED:
            lines += [f"  {line}" for line in details(event)]
    if len(listed) > MAX_LISTED:
        lines.append(f"… and {len(listed) - MAX_LISTED} more: run 'briefwatch changes'")
    if details and len(listed) > MAX_DETAILED:
        lines.append(f"(the details of the last {min(len(listed), MAX_LISTED) - MAX_DETAILED} "
                     f"left out: 'briefwatch diff URL' shows them)")
    return title, "\n".join(lines)


# The subject says the news when the digest's most significant event is at least this
# significant (an exchange removed, a transcript removed or restored); else it counts.
HEADLINE_SIGNIFICANCE = 0.5


def headline(events: list[dict], names) -> str | None:
    """The digest's subject when its biggest event is news in itself: `EFE question removed
    from Nov 27 briefing (+2 more)`; None otherwise. The biggest: the most significant
    (storage.text.editclass), the first among equals; a new transcript is never one."""
    from briefwatch.storage.text.diff import LANGUAGES, named_summary
    from briefwatch.storage.text.names import shown

    told = [e for e in events if e["kind"] != "new"
            and (e.get("significance") or 0) >= HEADLINE_SIGNIFICANCE]
    if not told:
        return None
    event = max(told, key=lambda e: e["significance"])
    which = f"{_day(event)}{_kind(event)}"
    summary = named_summary(event["summary"], names) or {}
    kind = event["kind"]

    def asked(entries: list[dict]) -> str:
        outlets = [shown(q.get("outlet"), None) for q in entries if q.get("outlet")]
        if not outlets:
            return "question" if len(entries) == 1 else f"{len(entries)} questions"
        listed = outlets[0] if len(outlets) == 1 else (
            ", ".join(outlets[:-1]) + " and " + outlets[-1])
        return f"{listed} question{'s' if len(entries) > 1 else ''}"

    if kind == "removed":
        said = f"{which} removed from the site"
    elif kind == "restored":
        said = f"{which} restored"
    elif kind == "divergent" and summary.get("missing"):
        language = LANGUAGES.get(summary["language"], summary["language"])
        said = f"{asked(summary['missing'])} missing from the {language} {which}"
    elif summary.get("questions_removed"):
        said = f"{asked(summary['questions_removed'])} removed from {which}"
    elif summary.get("questions_added"):
        said = f"{asked(summary['questions_added'])} added to {which}"
    elif summary.get("exchange_turns_added") or summary.get("turns_added"):
        said = f"exchange added to {which}"
    elif summary.get("title_changed"):
        said = f"{which} retitled"
    else:
        said = f"{which} edited"
    more = len(events) - 1
    return said + (f" (+{more} more)" if more else "")


def _day(event: dict) -> str:
    """`Nov 27 `: the conference's day, from its date (else none)."""
    import datetime as dt

    try:
        day = dt.date.fromisoformat(event.get("published") or "")
    except ValueError:
        return ""
    return f"{day:%b} {day.day} "


def _kind(event: dict) -> str:
    from briefwatch.storage.text.kinds import kind_of

    return kind_of(event["title"] or "", event["url"])


def import_line(stats: dict, run: int) -> str:
    """`archive import found 12 earlier versions, 3 edits`, from an import's counts."""
    def many(n: int, word: str) -> str:
        return f"{n} {word}{'s' if n != 1 else ''}"

    found = [many(stats.get("earlier", 0), "earlier version"), many(stats.get("edits", 0), "edit")]
    if stats.get("discovered"):
        found.append(many(stats["discovered"], "transcript") + " found only in the archive")
    if stats.get("removed"):
        found.append(f"{stats['removed']} no longer on the site")
    return f"archive import found {', '.join(found)} ('briefwatch changes --run {run}')"


def event_lines(event: dict, comparison, base_url: str | None,
                english: list[dict] | None = None) -> list[str]:
    """What a digest says of an event beyond its one-line summary: for an edit (`comparison`,
    storage.text.diff.Comparison) its turn sentences and excerpts, for a Chinese edit the
    paired English exchanges it concerns (`english`: storage.pairings.in_english), the
    passages its watches quoted (`event["quoted"]`), and a link to the web view where
    [serve] base_url says."""
    from briefwatch.jobs.render.terminal import excerpts
    from briefwatch.storage.text.diff import turn_sentence

    out = []
    if comparison is not None:
        sentences = [turn_sentence(r) for r in comparison.turns]
        out += sentences[:MAX_SENTENCES]
        if len(sentences) > MAX_SENTENCES:
            out.append(f"… and {len(sentences) - MAX_SENTENCES} more changes")
        out += excerpts(comparison, MAX_EXCERPTS)
    for exchange in (english or [])[:MAX_SENTENCES]:
        who = f"from {exchange['outlet']} " if exchange["outlet"] else ""
        out.append(f"in English: the question {who}(“{exchange['first_words']}”)")
    quoted = event.get("quoted") or []
    out += [f"{q['watch']}: {q['change']} “{q['text']}”" for q in quoted[:MAX_QUOTED]]
    if len(quoted) > MAX_QUOTED:
        out.append(f"… and {len(quoted) - MAX_QUOTED} more passages")
    if base_url and event.get("version"):
        if comparison is not None:
            out.append(f"diff: {base_url}/t/{event['document']}/diff"
                       f"?from={event['version'] - 1}&to={event['version']}")
        else:
            out.append(f"view: {base_url}/t/{event['document']}?v={event['version']}")
    return [_clean(line) for line in out]


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())
