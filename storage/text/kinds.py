"""What kind of text a transcript is: a briefing, or something a briefing room publishes beside
its briefings (../shared/briefing-rooms.md).

* `briefing`: a regular press conference or briefing, the whole of it.
* `remarks`: the spokesperson's daily remarks while there is no conference (the Foreign
  Ministry during recesses: "Spokesperson Mao Ning’s Remarks on …", 外交部发言人…答记者问).
* `extract`: one question of a conference, posted on its own (the Defence Ministry posts each
  question of its monthly conference beside the full 文字实录).
* `statement`: a statement or written answers to reporters (发言人谈话和答记者问, the Taiwan
  Affairs Office's 答记者问, Taiwan's press releases, MID's comments).

A pure function of a transcript's title and URL path, computed when read, so that every stored
transcript has a kind without a migration. The paths are the real sites' folders, which local
copies keep.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

KINDS = ("briefing", "remarks", "extract", "statement")

_REMARKS = re.compile(r"\bRemarks on\b|外交部发言人.{1,6}答记者问")
_FULL = re.compile(r"实录|辑录|Regular Press Conference|Press Conference of|例行新闻发布$|"
                   r"Press Briefing|Media Briefing|新闻发布会|记者会|記者會|Briefing\b",
                   re.IGNORECASE)
_STATEMENT = re.compile(r"答记者问|谈话|发表声明|声明|Statement|Comment|Answer", re.IGNORECASE)
# Folders whose items are statements whatever their titles say.
_STATEMENT_PATHS = re.compile(r"/fyrthhdjzw/|/xwfb/wyly/|/spokesman/(?:answers|kommentarii|"
                              r"comments|official_statement)/|News_Content\.aspx")
# The Defence Ministry's conference channels: what is not the full transcript is an extract.
_MND_CONFERENCE_PATHS = re.compile(r"/gfbw/xwfyr/(?:lxjzh_\d+|ztjzh|lxjzhzt)/")
_MND_FULL = re.compile(r"实录|Regular Press Conference|Press Conference of|例行新闻发布$")


def kind_of(title: str, url: str = "") -> str:
    """`briefing`, `remarks`, `extract` or `statement` (see the module's docstring)."""
    path = urlsplit(url).path if "://" in url else url
    title = title or ""
    if _REMARKS.search(title):
        return "remarks"
    if _STATEMENT_PATHS.search(path) and not (
            "News_Content" in path and re.search(r"記者會|press conference", title, re.I)):
        return "statement"
    if _MND_CONFERENCE_PATHS.search(path):
        return "briefing" if _MND_FULL.search(title) else "extract"
    if _STATEMENT.search(title) and not _FULL.search(title):
        return "statement"
    return "briefing"
