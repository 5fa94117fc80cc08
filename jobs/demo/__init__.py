"""`briefwatch demo` and the local copy of the ministry's site it crawls, which the tests and
benchmarks serve too. Nothing here reaches the internet and no real transcript text is used:
the HTML reproduces the structure of the real templates (element names, ids, classes,
upper-case markup, the pagination script) around briefings invented from word lists.

briefings.py invents the briefings and their edits, generations.py describes the site's
generations, body.py and templates.py render a transcript and the pages around it, site.py
writes them to a document root, server.py serves it, script.py is the demo; the names below
are the ones used outside the package.
"""

from __future__ import annotations

from briefwatch.jobs.demo.body import render_body
from briefwatch.jobs.demo.briefings import (
    ANNOUNCEMENTS,
    ANSWERS,
    CITIES,
    COUNTRIES,
    MONTHS,
    OUTLETS,
    Q_ASK,
    Q_CONTEXT,
    SPOKESPERSONS,
    SWAPS,
    TOPICS,
    Briefing,
    drop_exchange,
    invent_briefing,
    invent_briefings,
    polish,
    question_indices,
    reword,
)
from briefwatch.jobs.demo.generations import GENERATIONS, Generation, article_body
from briefwatch.jobs.demo.script import run_demo
from briefwatch.jobs.demo.server import LocalSite, SiteHandler
from briefwatch.jobs.demo.site import Archive, write_archive, write_error_page
from briefwatch.jobs.demo.templates import render_article, render_listing

__all__ = [
    "ANNOUNCEMENTS", "ANSWERS", "CITIES", "COUNTRIES", "GENERATIONS", "MONTHS", "OUTLETS",
    "Q_ASK", "Q_CONTEXT", "SPOKESPERSONS", "SWAPS", "TOPICS", "Archive", "Briefing",
    "Generation", "LocalSite", "SiteHandler", "article_body", "drop_exchange", "invent_briefing",
    "invent_briefings", "question_indices", "polish", "render_article", "render_body",
    "render_listing", "reword", "run_demo", "write_archive", "write_error_page",
]
