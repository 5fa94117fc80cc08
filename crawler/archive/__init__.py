"""Archive import: a transcript's history from a web archive's captures (the Internet
Archive's Wayback Machine, or any archive with its CDX API: pywb, national web archives).

`cdx` builds the archive's queries and reads its answers; `spider` asks the CDX API for the
captures of each transcript (or, to discover transcripts no listing links any more, of a
source's article paths) and fetches each distinct capture's raw bytes. What it fetches is
stored by the same recorder as a live crawl (crawler.recorder, storage.captures).
"""
