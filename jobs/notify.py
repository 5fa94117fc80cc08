"""Notifications through apprise: one digest per channel for what a run found.

Each channel gets one message listing every new, edited, removed or restored transcript it is
owed (storage.outbox); a source's first crawl is summed up in one line rather than a line per
transcript. Channel URLs carry secrets: only their masked form is ever printed or stored.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

from jobs.config import Channel, Config

KIND_ORDER = ("new", "edited", "removed", "restored", "divergent")
MAX_LISTED = 50  # a digest beyond this many lines is summed up, not listed


@dataclass(frozen=True)
class Route:
    channel: Channel
    sources: frozenset[str]


@dataclass(frozen=True)
class Delivery:
    channel: str  # masked URL
    events: int
    ok: bool
    error: str = ""


def channel_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:24]


def masked(url: str) -> str:
    """The URL with passwords and tokens replaced by ****, as apprise itself prints it."""
    import apprise

    plugin = apprise.Apprise.instantiate(url)
    if not plugin:
        return url.split("://", 1)[0] + "://****"
    return plugin.url(privacy=True).split("?", 1)[0]


def routes(config: Config) -> list[Route]:
    """Which sources each channel hears about.

    A source without a `notify` key goes to every [notify] channel; one with `notify` goes to
    the URLs it lists and to the [notify] channels carrying the tags it lists.
    """
    by_url: dict[str, tuple[Channel, set[str]]] = {
        c.url: (c, set()) for c in config.channels
    }
    for source in config.sources:
        if source.notify is None:
            for _, names in by_url.values():
                names.add(source.name)
            continue
        for route in source.notify:
            if "://" in route:
                by_url.setdefault(route, (Channel(route), set()))[1].add(source.name)
            else:
                for channel, names in by_url.values():
                    if route in channel.tags:
                        names.add(source.name)
    return [Route(channel, frozenset(names)) for channel, names in by_url.values() if names]


def _kind_note(event: dict) -> str:
    """Said of what is not a briefing (remarks during a recess, a statement, one question
    posted alone), so that a reader does not take it for a conference."""
    from storage.text.kinds import kind_of

    kind = kind_of(event["title"] or "", event["url"])
    return "" if kind == "briefing" else f" ({kind}, not a regular briefing)"


def digest(events: list[dict], first_crawls: set[tuple[int, str]],
           imports: dict[tuple[int, str], dict] | None = None) -> tuple[str, str]:
    """The title and plain-text body of one message about `events`. An archive import's
    (`imports`: (run, source) -> its counts) come as one line per source."""
    from storage.text.diff import describe

    counts = Counter(e["kind"] for e in events)
    title = "briefwatch: " + ", ".join(f"{counts[k]} {k}" for k in KIND_ORDER if counts[k])
    lines: list[str] = []
    summed: Counter = Counter()
    differ: Counter = Counter()
    listed = []
    imported: dict[tuple[int, str], int] = {}
    for event in events:
        first = (event["run"], event["source"]) in first_crawls
        if (event["run"], event["source"]) in (imports or {}):
            imported[(event["run"], event["source"])] = 1
        elif event["kind"] == "new" and first:
            summed[event["source"]] += 1
        elif event["kind"] == "divergent" and first:
            differ[event["source"]] += 1
        else:
            listed.append(event)
    for source, count in summed.items():
        lines.append(f"{source}: first crawl stored {count} transcript{'s' if count != 1 else ''}")
    for run, source in imported:
        lines.append(f"{source}: {import_line((imports or {})[(run, source)], run)}")
    for source, count in differ.items():
        lines.append(f"{source}: first crawl found {count} transcript{'s' if count != 1 else ''} "
                     f"lacking exchanges the other language has ('briefwatch pairs --divergent')")
    for event in listed[:MAX_LISTED]:
        lines.append(f"{event['kind'].upper()}: {_clean(event['title'])} [{event['source']}]"
                     + _kind_note(event))
        lines.append(f"  {event['url']}")
        change = describe(event["summary"]) if event["kind"] in ("edited", "divergent") else ""
        if change:
            lines.append(f"  {change}")
    if len(listed) > MAX_LISTED:
        lines.append(f"… and {len(listed) - MAX_LISTED} more: run 'briefwatch changes'")
    return title, "\n".join(lines)


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


def register_channels(config: Config, db) -> None:
    """Before a crawl: a channel new to the database is owed what happens from now on."""
    from storage import outbox

    for route in routes(config):
        outbox.register_channel(db, channel_key(route.channel.url), masked(route.channel.url))


def send_pending(config: Config, db) -> list[Delivery]:
    """Send each channel one digest of what it is owed; record what was accepted."""
    from storage import outbox

    register_channels(config, db)
    results = []
    for route in routes(config):
        key, label = channel_key(route.channel.url), masked(route.channel.url)
        events = outbox.pending(db, key, set(route.sources))
        if not events:
            continue
        run_ids = {e["run"] for e in events}
        title, body = digest(events, outbox.first_crawls(db, run_ids),
                             outbox.archive_imports(db, run_ids))
        ok, error = _send(route.channel.url, title, body)
        if ok:
            outbox.mark_delivered(db, key, [e["id"] for e in events])
        else:
            outbox.mark_failed(db, key, error)
        results.append(Delivery(label, len(events), ok, error))
    return results


def send_test(config: Config) -> list[Delivery]:
    results = []
    for route in routes(config):
        ok, error = _send(route.channel.url, "briefwatch: test message",
                          "This channel will receive briefwatch's digests of new and edited "
                          f"transcripts for: {', '.join(sorted(route.sources))}.")
        results.append(Delivery(masked(route.channel.url), 0, ok, error))
    return results


def _send(url: str, title: str, body: str) -> tuple[bool, str]:
    import logging

    import apprise

    notifier = apprise.Apprise()
    notifier.add(url)
    # apprise's own words, without its log format (time, level): they go in a line of ours.
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:
        ok = bool(notifier.notify(title=title, body=body,
                                  body_format=apprise.NotifyFormat.TEXT))
        log = captured.getvalue()
    if ok:
        return True, ""
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    error = lines[-1] if lines else "the channel did not accept the message"
    return False, error.replace(url, masked(url))


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())
