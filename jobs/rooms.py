"""What `briefwatch init` writes and `briefwatch init --list` shows: the briefing rooms of
crawler/rooms.py, their one home, as a commented config file.

The file's text is made from the rooms each time, never kept beside them: every start URL, delay
floor and word about a room in it is the rooms'. What is here is the file's own documentation
of its settings and keys. `python -m briefwatch.jobs.rooms` prints the text.
"""

from __future__ import annotations

import itertools
import json
import textwrap

from briefwatch.crawler import rooms as home

# What `init --list` shows, in its order: each with name, spider, languages, start_urls, cap
# and quirks.
ROOMS: tuple[home.Room, ...] = tuple(r for r in home.ROOMS if r.listed)


def default_config_text() -> str:
    """The config file `briefwatch init` writes: the settings, each documented; a table per
    room, followed or commented out; the rooms `init --list` shows after a banner saying their
    delay floors; an example of the `listing` spider."""
    followed = [r for r in home.ROOMS if r.followed]
    examples = [r for r in home.ROOMS if not r.followed and not r.listed]
    more = [r for r in home.ROOMS if not r.followed and r.listed]
    # The banner names the floors of the rooms below it, then of those followed above.
    waits = _WAITS.format(floors=_floors([*more, *followed]))
    sections = [_SETTINGS,
                *(_table(r, first=i == 0) for i, r in enumerate(followed)),
                *(_table(r) for r in examples),
                _MORE_ROOMS + _wrapped(waits),
                *(_table(r) for r in more),
                _LISTING.format(start_urls=_start_urls(home.room("state-live").start_urls))]
    return "\n\n".join(sections) + "\n"


def _table(room: home.Room, *, first: bool = False) -> str:
    """A room's [[sources]] table, commented out unless init's file follows it. The first
    table also documents the keys a source may have."""
    about = [f"# {line}" for line in room.about.splitlines()]
    keys = [f"name = {_string(room.name)}", f"spider = {_string(room.spider)}",
            _start_urls(room.start_urls)]
    for key, value in room.keys.items():
        keys += [*(_KEY_NOTES.get(key, ()) if first else ()), f"{key} = {_string(value)}"]
    if first:
        keys += _SOURCE_KEYS
    if room.followed:
        return "\n".join(["[[sources]]", *about, *keys])
    lines = "\n".join(["[[sources]]", *keys]).splitlines()
    return "\n".join([*about, *(f"# {line}" for line in lines)])


def _start_urls(urls: tuple[str, ...]) -> str:
    # One URL a line, under the first
    return "start_urls = [" + (",\n" + " " * len("start_urls = [")).join(map(_string, urls)) + "]"


def _string(value: str) -> str:
    # A JSON string is a TOML basic string.
    return json.dumps(value, ensure_ascii=False)


def _floors(rooms: list[home.Room]) -> str:
    """The delay floors of the rooms' families, in order: "mnd and tao 6 s, state 5 s, …"."""
    families = [home.FAMILIES[name] for name in dict.fromkeys(r.spider for r in rooms)]
    runs = itertools.groupby((f for f in families if f.delay_floor), lambda f: f.delay_floor)
    return ", ".join(f"{' and '.join(f.name for f in run)} {floor:g} s" for floor, run in runs)


def _wrapped(text: str) -> str:
    return textwrap.fill(text, width=99, initial_indent="# ", subsequent_indent="# ",
                         break_long_words=False, break_on_hyphens=False)


_SETTINGS = """\
# briefwatch configuration. Every key is documented in the README ("Configuration").
# Relative paths are relative to this file's folder.

[storage]
# The SQLite database that keeps every version of every transcript.
path = "briefwatch.db"

[crawl]
# Seconds between two requests to the same site. Government sites are slow and ban
# impatient crawlers; peers wait 5 s. AutoThrottle only ever slows down from here.
download_delay = 1
# Requests in flight at once per site.
concurrency_per_domain = 2
# Transcripts whose conference date lies within this many days are re-fetched on every crawl,
# so that edits are seen. `briefwatch crawl --revisit all` re-fetches everything.
revisit_days = 30
# Say who you are: sites block anonymous bots.
user_agent = "briefwatch/0.1 (+https://github.com/briefwatch/briefwatch)"
# For `briefwatch schedule`: when to crawl (cron: minute hour day month weekday), in which
# time zone, and when to re-fetch every stored transcript.
timezone = "UTC"
schedule = "0 2 * * *"
full_revisit = "0 3 * * 0"

[notify]
# Apprise URLs (https://github.com/caronc/apprise/wiki), e.g.
#   "mailto://user:password@example.org?to=desk@example.org"
#   "json://127.0.0.1:8000/hook"
#   "desk=json://127.0.0.1:8000/hook"   (tagged "desk": a source can route to it by tag)
urls = []

# [feed]
# path = "changes.atom"     # Atom feed of the latest events, rewritten after every run

# [serve]
# base_url = "http://127.0.0.1:8080"   # where `briefwatch serve` is reached: digests link its diffs

# A topic to follow: new transcripts and edits whose passages mention a term go to these
# channels, quoted (`briefwatch changes --watch taiwan` lists them too).
# [[watch]]
# name = "taiwan"
# terms = ["Taiwan", "台湾"]
# notify = ["desk"]         # apprise URLs or tags of [notify] urls

# [names]
# file = "names.toml"   # your own outlets and spokespersons, added to briefwatch's table
#                       # (same format as storage/text/names.toml in the package)

# Cluster mode (pip install 'briefwatch[cluster]'): `briefwatch worker` on other machines
# fetch, `briefwatch crawl --cluster` here stores. They share only this Redis.
# [cluster]
# redis_url = "redis://127.0.0.1:6379/0"
# worker_timeout = 30        # seconds of silence before a worker's requests go to others
# wait_for_workers = 600     # a cluster run with no live worker this long fails

# `briefwatch archive` imports earlier versions from a web archive with the CDX API: the
# Internet Archive by default; a pywb instance or a national web archive works too.
# [archive]
# cdx_url = "https://web.archive.org/cdx/search/cdx"
# replay_url = "https://web.archive.org/web/"
# download_delay = 5         # seconds between requests: the archive rate-limits
# retries = 5                # times a refused request (429, 5xx) is asked again

# Each [[sources]] table is one archive to follow: a name of your choice, the spider that
# knows its templates, and the listing page(s) to start from. Host and path come from the
# start URLs, so a spider never leaves those hosts."""

# Where the first table pairs its room, the key is explained.
_KEY_NOTES = {"pair": (
    "# The same series in Chinese: conferences are paired by date and their exchanges aligned",
    "# (`briefwatch pairs`); an exchange in one language only is flagged \"divergent\".")}
# The keys any source may add, shown commented in the first table.
_SOURCE_KEYS = [
    "# max_pages = 20          # read at most this many listing pages, even in a backfill",
    "# schedule = \"30 1 * * *\" # this source's own schedule",
    "# notify = [\"desk\"]       # only these channels (apprise URLs or tags of [notify] urls)",
]
_MORE_ROOMS = ("# --- More briefing rooms (`briefwatch init --list` shows them): uncomment to "
               "follow them. ----\n")
_WAITS = ("Each site family waits at least its peers' delay between requests ({floors}); "
          "`download_delay = N` on a source waits longer.")
_LISTING = r"""
# Any other archive, configured without code: links whose URL matches article_pattern are
# transcripts; links matching next_pattern are further listing pages.
# [[sources]]
# name = "state-listing"
# spider = "listing"
# {start_urls}
# article_pattern = "/briefings/[^/]+/$"
# next_pattern = "/department-press-briefings/page/\\d+/$"
# body_selector = "div.entry-content"
# title_selector = "h1.featured-content__headline"
# date_selector = "p.article-meta__publish-date"
# date_format = "%B %d, %Y"
""".strip("\n")


if __name__ == "__main__":
    print(default_config_text(), end="")
