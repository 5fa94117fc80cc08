"""Notifications through apprise: one digest per channel for what a run found.

Each channel gets one message listing every new, edited, removed or restored transcript it is
owed (storage.outbox); a source's first crawl is summed up in one line rather than a line per
transcript. An edit says what changed in words (the `diff --format turns` sentences and an
excerpt of the paragraphs), and links to the web view's diff page when [serve] base_url says
where it is. A channel named by a [[watch]] hears of the events that concern its terms, the
passages quoted. Channel URLs carry secrets: only their masked form is ever printed or stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from briefwatch.jobs.config import Channel, Config, Watch


@dataclass(frozen=True)
class Route:
    channel: Channel
    sources: frozenset[str]
    watches: tuple[Watch, ...] = ()  # events of any source that concern these terms


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
    """Which sources, and which watches, each channel hears about.

    A source without a `notify` key goes to every [notify] channel that no [[watch]] names
    (a channel following a topic hears only of it); one with `notify` goes to the URLs it
    lists and to the [notify] channels carrying the tags it lists. A watch's `notify` works
    the same way.
    """
    by_url: dict[str, tuple[Channel, set[str], list[Watch]]] = {
        c.url: (c, set(), []) for c in config.channels
    }

    def named(route: str) -> list[str]:
        if "://" in route:
            by_url.setdefault(route, (Channel(route), set(), []))
            return [route]
        return [url for url, (channel, _, _) in by_url.items() if route in channel.tags]

    claimed: set[str] = set()
    for watch in config.watches:
        for url in {url for route in watch.notify for url in named(route)}:
            by_url[url][2].append(watch)
            claimed.add(url)
    for source in config.sources:
        if source.notify is None:
            for url, (_, names, _) in by_url.items():
                if url not in claimed:
                    names.add(source.name)
            continue
        for route in source.notify:
            for url in named(route):
                by_url[url][1].add(source.name)
    return [Route(channel, frozenset(names), tuple(watches))
            for channel, names, watches in by_url.values() if names or watches]


def significant(event: dict, threshold: float | None) -> bool:
    """At least `threshold` significant ([notify] or a [[watch]]'s min_significance)."""
    return threshold is None or (event.get("significance") or 0.0) >= threshold


class _Told:
    """What a digest says of each event beyond its one-line summary, each edit compared once
    (for the turn sentences, the excerpts and the watches' passages alike)."""

    def __init__(self, db, base_url: str | None, names):
        self.db, self.base_url, self.names = db, base_url, names
        self._compared: dict[int, object] = {}
        self._mentioning: dict[tuple[str, ...], set[int]] = {}

    def comparison(self, event: dict):
        from briefwatch.storage.comparisons import compare_stored
        from briefwatch.storage.watch import is_edit

        if not is_edit(event) or not event.get("version"):
            return None
        if event["id"] not in self._compared:
            self._compared[event["id"]] = compare_stored(
                self.db, event["document"], event["version"] - 1, event["version"],
                self.names).comparison
        return self._compared[event["id"]]

    def quoted(self, event: dict, watches: tuple[Watch, ...]) -> list[dict]:
        """The passages of `event` that concern `watches`: `watch`, `change`, `text`."""
        from briefwatch.storage.watch import documents_mentioning, passages, term_pattern

        found = []
        for watch in watches:
            if watch.terms not in self._mentioning:
                self._mentioning[watch.terms] = documents_mentioning(self.db, watch.terms)
            if event["document"] not in self._mentioning[watch.terms]:
                continue
            comparison = self.comparison(event)
            found += [{"watch": watch.name, **p} for p in passages(
                self.db, event, term_pattern(watch.terms),
                comparison.blocks if comparison else None)]
        return found

    def lines(self, event: dict) -> list[str]:
        from briefwatch.jobs.render.digest import event_lines
        from briefwatch.storage.pairings import in_english

        comparison = self.comparison(event)
        english = []
        if comparison is not None:  # a Chinese edit says which English exchange it concerns
            spans = [r["new"] for r in comparison.turns if r["new"]]
            english = in_english(self.db, event["document"], event["version"], spans,
                                 self.names)
        return event_lines(event, comparison, self.base_url, english)


def register_channels(config: Config, db) -> None:
    """Before a crawl: a channel new to the database is owed what happens from now on."""
    from briefwatch.storage import outbox

    for route in routes(config):
        outbox.register_channel(db, channel_key(route.channel.url), masked(route.channel.url))


def send_pending(config: Config, db) -> list[Delivery]:
    """Send each channel one digest of what it is owed; record what was accepted. Events a
    channel is not for (another source's, none of its watches') are settled for it at once,
    so that they are not weighed again at every run."""
    from briefwatch.jobs.render.digest import digest
    from briefwatch.storage import outbox

    register_channels(config, db)
    names = config.names()
    told = _Told(db, config.base_url, names)
    results = []
    for route in routes(config):
        key, label = channel_key(route.channel.url), masked(route.channel.url)
        events, other = [], []
        for event in outbox.pending(db, key, None):
            watches = tuple(w for w in route.watches if significant(event, w.min_significance))
            event["quoted"] = told.quoted(event, watches) if watches else []
            if (event["source"] in route.sources and significant(
                    event, config.min_significance)) or event["quoted"]:
                events.append(event)
            else:
                other.append(event["id"])
        if other:
            outbox.mark_settled(db, key, other)
        if not events:
            continue
        run_ids = {e["run"] for e in events}
        title, body = digest(events, outbox.first_crawls(db, run_ids), told.lines,
                             route.watches, outbox.archive_imports(db, run_ids), names=names)
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
        heard = [*sorted(route.sources), *(f"watch {w.name} ({', '.join(w.terms)})"
                                           for w in route.watches)]
        ok, error = _send(route.channel.url, "briefwatch: test message",
                          "This channel will receive briefwatch's digests of new and edited "
                          f"transcripts for: {', '.join(heard)}.")
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
