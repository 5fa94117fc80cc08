"""What a page template is: where a known site's pages keep their body, title and date, and what
inside the body is not transcript. The templates themselves live with their site family
(crawler/rooms.py); crawler/extract.py reads pages with them."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    name: str
    body: tuple[str, ...]  # CSS, tried in order; the first that matches is the body container
    title: tuple[str, ...] = ()
    # <meta name=…> holding the title, tried after `title`
    title_meta: tuple[str, ...] = ()
    # What to cut from the end of the page's <title> when it is the last resort (the site's
    # name after " - " or "_")
    title_cut: re.Pattern | None = None
    date: tuple[str, ...] = ()
    date_format: str = ""  # strptime format of the date element's text, when it is unusual
    # Labels of header paragraphs at the top of the body that are metadata, not transcript
    header: tuple[str, ...] = ()
    # Paragraphs that are page furniture inside the body
    drop: re.Pattern | None = None
    # Elements inside the body that are not text (video players, a table of contents)
    strip: tuple[str, ...] = ()
