"""The JSON records of the README's "JSON output (a contract)", each built in one place.

`--json`, the text output, the web view and the exports take their records from here, so that
a field is named, ordered and filled the same way wherever it appears. Each record's fields
are listed in its `*_FIELDS` tuple, in the order the JSON gives them; tests/test_contract.py
holds these lists against the README and against what the commands print. Keys are never
renamed or reordered: new ones go at the end.
"""

from __future__ import annotations

from briefwatch.crawler.masking import masked_url

# -- changes ----------------------------------------------------------------------------------

EVENT_FIELDS = ("kind", "url", "title", "source", "version", "detected_at", "run", "summary",
                "transcript_kind", "edit_class", "significance")


def event_record(event: dict, names, passages: list[dict] | None = None) -> dict:
    """`changes --json`: an event, its summary naming outlets by `names`; `passages` with
    --watch (placed before transcript_kind, where they have always been)."""
    from briefwatch.storage.text.diff import named_summary
    from briefwatch.storage.text.kinds import kind_of

    return {"kind": event["kind"], "url": event["url"], "title": event["title"],
            "source": event["source"], "version": event["version"],
            "detected_at": event["detected_at"], "run": event["run"],
            "summary": named_summary(event["summary"], names),
            **({"passages": passages} if passages is not None else {}),
            "transcript_kind": kind_of(event["title"] or "", event["url"]),
            "edit_class": event.get("edit_class"), "significance": event.get("significance")}


# -- transcripts --------------------------------------------------------------------------------

TRANSCRIPT_FIELDS = ("id", "source", "url", "title", "published", "first_seen", "last_seen",
                     "status", "versions")


def transcript_record(doc: dict) -> dict:
    """`list --json`: a stored transcript (storage.documents.list_documents)."""
    return {k: doc[k] for k in TRANSCRIPT_FIELDS}


SHOW_FIELDS = ("id", "url", "source", "title", "published", "status", "version", "versions",
               "fetched_at", "origin", "capture_url", "sha256", "first_seen", "last_seen",
               "last_seen_in", "meta", "copies", "text")


def shown_record(doc: dict, ver: dict, copies: list[dict]) -> dict:
    """`show --json`: a transcript with the text of one version."""
    return {"id": doc["id"], "url": doc["url"], "source": doc["source"], "title": ver["title"],
            "published": ver["published"], "status": doc["status"], "version": ver["n"],
            "versions": doc["versions"], "fetched_at": ver["fetched_at"],
            "origin": ver["origin"], "capture_url": ver["capture_url"], "sha256": ver["sha256"],
            "first_seen": doc["first_seen"], "last_seen": doc["last_seen"],
            "last_seen_in": doc["last_seen_in"], "meta": ver["meta"] or {}, "copies": copies,
            "text": ver["text"]}


HISTORY_FIELDS = ("version", "fetched_at", "run", "title", "paragraphs", "characters", "change",
                  "status_changes", "origin", "capture_url", "sha256")


def history_record(ver: dict, names, statuses: dict[int, list[dict]]) -> dict:
    """`history --json`: one version (storage.documents.history), its change summary naming
    outlets by `names`, with the removals and restorations seen while it was the latest."""
    from briefwatch.storage.text.diff import named_summary

    return {"version": ver["n"], "fetched_at": ver["fetched_at"], "run": ver["run"],
            "title": ver["title"], "paragraphs": ver["paragraphs"],
            "characters": ver["characters"], "change": named_summary(ver["change"], names),
            "status_changes": statuses.get(ver["n"], []), "origin": ver["origin"],
            "capture_url": ver["capture_url"], "sha256": ver["sha256"]}


SEARCH_FIELDS = ("id", "url", "source", "title", "published", "versions", "archived", "latest",
                 "snippet", "snippet_version")


def search_record(hit: dict) -> dict:
    """`search --json`: a transcript holding the passage (storage.search.search)."""
    return {k: hit[k] for k in SEARCH_FIELDS}


EXPORT_FIELDS = ("url", "source", "title", "published", "first_seen", "last_seen", "versions",
                 "status", "text")


def export_record(row: dict) -> dict:
    """`export` (jsonl and csv): a transcript with its latest text."""
    return {k: row[k] for k in EXPORT_FIELDS}


# -- diff ---------------------------------------------------------------------------------------

DIFF_FIELDS = ("id", "url", "from", "to", "summary", "turns", "blocks")


def diff_record(comparison, doc: dict, old: dict, new: dict) -> dict:
    """`diff --format json`: the two versions, the change summary, the turn changes and every
    aligned paragraph."""
    def side(ver: dict) -> dict:
        return {"version": ver["n"], "fetched_at": ver["fetched_at"], "title": ver["title"]}

    blocks = []
    for block in comparison.blocks:
        item = {"op": block.op,
                "old_paragraph": None if block.old is None else block.old + 1,
                "new_paragraph": None if block.new is None else block.new + 1,
                "old": block.old_text, "new": block.new_text}
        if block.op == "replace":
            item["words"] = [{"op": op, "text": text} for op, text in block.words]
            item["words_changed"] = block.words_changed
        blocks.append(item)
    return {"id": doc["id"], "url": doc["url"], "from": side(old), "to": side(new),
            "summary": comparison.summary, "turns": [_turn(r) for r in comparison.turns],
            "blocks": blocks}


def _turn(record: dict) -> dict:
    """A turn change: the answers folded into a removed question listed too."""
    from briefwatch.storage.text.diff import turn_sentence

    out = {k: v for k, v in record.items() if k != "answers"}
    out["answers"] = [_turn(a) for a in record.get("answers", ())]
    out["sentence"] = turn_sentence(record)
    return out


# -- both languages -----------------------------------------------------------------------------

PAIR_FIELDS = ("date", "series", "en", "zh", "matched", "missing_in_en", "missing_in_zh",
               "merged", "uncertain")
UNPAIRED_FIELDS = ("date", "source", "id", "url", "title", "versions")


def pair_record(row: dict) -> dict:
    """`pairs --json`: a conference in both languages (storage.pairings.pairings, the
    missing exchanges' outlets named by the names table)."""
    return {"date": row["conference"], "series": [row["en_source"], row["zh_source"]],
            **{lang: {"id": row[f"{lang}_document"], "url": row[f"{lang}_url"],
                      "version": row[f"{lang}_version"], "exchanges": row[f"{lang}_exchanges"]}
               for lang in ("en", "zh")},
            "matched": row["matched"], "missing_in_en": row["missing_in_en"],
            "missing_in_zh": row["missing_in_zh"], "merged": row["merged"],
            "uncertain": row["uncertain"]}


def unpaired_record(row: dict) -> dict:
    """`pairs --unpaired --json`: a transcript of a series without its counterpart."""
    return {"date": row["published"], "source": row["source"], "id": row["id"],
            "url": row["url"], "title": row["title"], "versions": row["versions"]}


CONFERENCE_FIELDS = ("date", "divergent", "uncertain", "en", "zh", "rows")
CONFERENCE_EXCHANGE_FIELDS = ("index", "outlet", "outlet_as_written", "spokesperson",
                              "spokesperson_as_written", "question", "answer", "first_words")


def conference_record(shown: dict) -> dict:
    """`compare --format json`: a conference exchange by exchange
    (storage.pairings.conference)."""
    return {"date": shown["date"], "divergent": shown["divergent"],
            "uncertain": shown["uncertain"],
            **{lang: {k: shown[lang][k] for k in ("id", "url", "source", "version", "title")}
               for lang in ("en", "zh")},
            "rows": [{"state": row["state"],
                      **{lang: [{k: e[k] for k in CONFERENCE_EXCHANGE_FIELDS} for e in row[lang]]
                         for lang in ("en", "zh")}} for row in shown["rows"]]}


EXCHANGE_FIELDS = ("conference", "source", "language", "url", "version", "index", "outlet",
                   "outlet_as_written", "spokesperson", "question", "answer", "paired", "status",
                   "id", "title", "transcript_kind", "document_status", "first_version",
                   "last_version", "removed_at", "spokesperson_as_written")
# The CSV and Parquet columns: `paired` in three. New columns go at the end: a spreadsheet or
# script that reads them by position keeps working.
EXCHANGE_COLUMNS = ("conference", "source", "language", "url", "version", "index", "outlet",
                    "outlet_as_written", "spokesperson", "question", "answer", "paired_source",
                    "paired_url", "paired_index", "status", "id", "title", "transcript_kind",
                    "document_status", "first_version", "last_version", "removed_at",
                    "spokesperson_as_written")
# Their Parquet types (the others are strings), whatever the rows hold: nulls allowed.
EXCHANGE_INTEGERS = frozenset({"version", "index", "paired_index", "id", "first_version",
                               "last_version"})


def exchange_record(item) -> dict:
    """`exchanges --json` and `export --unit exchanges`: one exchange of any version
    (storage.exchangehistory.ExchangeInContext)."""
    doc, exchange, pairing = item.document, item.exchange, item.pairing
    return {"conference": doc["published"], "source": doc["source"],
            "language": item.language, "url": doc["url"], "version": exchange["version"],
            **{k: exchange[k] for k in ("index", "outlet", "outlet_as_written", "spokesperson",
                                        "question", "answer")},
            "paired": {"source": pairing[f"{item.other}_source"],
                       "url": pairing[f"{item.other}_url"], "index": item.paired_index}
            if item.paired_index is not None else None,
            "status": item.status, "id": doc["id"], "title": item.latest["title"],
            "transcript_kind": item.transcript_kind,
            "document_status": doc["status"],
            **{k: exchange[k] for k in ("first_version", "last_version", "removed_at",
                                        "spokesperson_as_written")}}


def exchange_columns(row: dict) -> dict:
    """An exchange record as flat columns (EXCHANGE_COLUMNS): CSV and Parquet."""
    flat = {k: v for k, v in row.items() if k != "paired"}
    flat.update({f"paired_{k}": (row["paired"] or {}).get(k) for k in ("source", "url", "index")})
    return {k: flat[k] for k in EXCHANGE_COLUMNS}


# -- runs and sources ---------------------------------------------------------------------------

# A crawl's counts; the summary line gives the rare ones only when they happened.
COUNTERS = ("new", "edited", "unchanged", "rejected", "failed")
RARE_COUNTERS = ("removed", "restored", "suspect")
CRAWL_COUNTS = COUNTERS + RARE_COUNTERS
CRAWL_FIELDS = ("run", "status", "seconds", *CRAWL_COUNTS, "unreachable", "blocked", "suspects",
                "sources")


def crawl_record(summary) -> dict:
    """`crawl --json`: a crawl run's summary (jobs.crawl.RunSummary), counts over all
    sources."""
    return {"run": summary.run, "status": summary.status, "seconds": round(summary.seconds, 2),
            **{k: summary.total(k) for k in CRAWL_COUNTS},
            "unreachable": summary.unreachable(), "blocked": summary.blocked(),
            "suspects": summary.suspects, "sources": summary.sources}


# What one import found, per source, in the order the summary line gives them.
FOUND = ("earlier", "edits", "discovered", "same", "rejected", "doubtful", "removed")
ARCHIVE_COUNTS = ("captures", *FOUND, "failed")
# What an import cost: requests to the archive, captures not fetched because their digest is a
# stored version's, and the seconds those requests wait at the archive's pace.
ARCHIVE_COST = ("requests", "skipped_by_digest", "paced_seconds")
ARCHIVE_FIELDS = ("run", "status", "seconds", "unreachable", *ARCHIVE_COUNTS, *ARCHIVE_COST,
                  "sources")


def archive_record(summary) -> dict:
    """`archive --json`: an archive import's summary (jobs.archiveimport.ImportSummary)."""
    return {"run": summary.run, "status": summary.status, "seconds": round(summary.seconds, 2),
            "unreachable": summary.unreachable(),
            **{k: summary.total(k) for k in ARCHIVE_COUNTS},
            "requests": summary.total("requests"),
            "skipped_by_digest": summary.total("skipped_by_digest"),
            "paced_seconds": round(sum(float(s.get("paced_seconds", 0) or 0)
                                       for s in summary.sources.values()), 1),
            "sources": summary.sources}


RUN_FIELDS = ("id", "started", "finished", "status", "sources", "options", "counts", "stats",
              "suspects")


def run_record(row: dict, counts: dict, suspects: list[dict]) -> dict:
    """`runs --json`: a run (storage.runs.list_runs), its counts over all sources."""
    return {"id": row["id"], "started": row["started"], "finished": row["finished"],
            "status": row["status"], "sources": row["sources"], "options": row["options"],
            "counts": counts, "stats": row["stats"], "suspects": suspects}


SOURCE_FIELDS = ("source", "spider", "start_urls", "transcripts", "removed", "last_run",
                 "newest", "listing")


def source_record(source, summary: dict) -> dict:
    """`sources --json`: a configured source and what is stored of it
    (storage.documents.source_summaries)."""
    return {"source": source.name, "spider": source.spider,
            # a URL's password is never printed (crawler.masking)
            "start_urls": [masked_url(url) for url in source.start_urls],
            **{k: summary[k] for k in SOURCE_FIELDS[3:]}}


WORKERS_FIELDS = ("run", "state", "queued", "leased", "waiting", "workers")


def workers_record(state: dict) -> dict:
    """`workers --json`: the cluster's state (crawler.cluster.frontier.status)."""
    return {k: state[k] for k in WORKERS_FIELDS}


JOB_FIELDS = ("id", "sources", "revisit", "schedule", "timezone", "next_run", "stored")


def job_record(job: dict) -> dict:
    """`jobs --json`: a scheduler job (jobs.scheduler.list_jobs)."""
    return {k: job[k] for k in JOB_FIELDS}


DELIVERY_FIELDS = ("channel", "ok", "events", "error")


def delivery_record(delivery) -> dict:
    """`notify --json`: what one channel was sent (jobs.notify.Delivery)."""
    return {"channel": delivery.channel, "ok": delivery.ok, "events": delivery.events,
            "error": delivery.error or None}
