"""Datasette metadata for a published database (`briefwatch publish --metadata`): its title,
where the data comes from and on what terms, a description of every table and column, the
facets a reader starts from, and the canned queries a journalist needs without SQL."""

from __future__ import annotations

TABLES = {
    "transcripts": {
        "description": "One row per transcript: its latest title and text, the conference it "
                       "records, and whether the site still serves it.",
        "columns": {
            "id": "briefwatch's number of the transcript (`briefwatch show ID`)",
            "source": "the briefwatch source (a briefing room in one language)",
            "kind": "briefing, remarks, extract or statement",
            "conference": "date of the conference (YYYY-MM-DD)",
            "title": "title of the latest version",
            "url": "where the site publishes it",
            "status": "active, or removed: the site no longer serves it",
            "versions": "how many distinct versions are known (see the versions table)",
            "first_seen": "when briefwatch first stored it (UTC)",
            "last_seen": "when it was last fetched or captured (UTC)",
            "last_seen_in": "live, or archive: known only from web-archive captures",
            "text": "text of the latest version",
        },
        "facets": ["source", "kind", "status"],
        "sort_desc": "conference",
        "label_column": "title",
    },
    "versions": {
        "description": "Every distinct text a transcript has had, live or captured by a web "
                       "archive. Text removed by a later edit stays searchable here.",
        "columns": {
            "id": "the version's number in briefwatch's database",
            "transcript": "the transcript",
            "version": "1 for the earliest text known, in order of time",
            "fetched_at": "when this text was fetched, or captured by the archive (UTC)",
            "origin": "live (fetched by briefwatch) or archive (a web archive's capture)",
            "capture_url": "the archive capture's address, for an archive version",
            "sha256": "SHA-256 of the page as served: check a quote against the WARC export",
            "title": "title of this version",
            "conference": "conference date this version gives",
            "text": "text of this version",
        },
        "facets": ["origin"],
        "sort_desc": "fetched_at",
        "label_column": "title",
    },
    "exchanges": {
        "description": "Every question and its answers, from every version, each once: an "
                       "exchange an edit removed has removed_at; paired_exchange is the same "
                       "exchange in the other language.",
        "columns": {
            "id": "row number",
            "transcript": "the transcript",
            "conference": "date of the conference",
            "source": "the briefwatch source",
            "language": "en or zh (sources of a series)",
            "number": "the exchange's number in its version (1 the first question; the "
                      "exchange export's index)",
            "outlet": "who asked, by its canonical English name",
            "outlet_as_written": "who asked, as the transcript writes it",
            "spokesperson": "who answered, by the canonical English name",
            "spokesperson_as_written": "who answered, as the transcript writes it",
            "question": "the question",
            "answer": "the answers",
            "version": "the version whose wording is given (the newest that has it)",
            "first_version": "the first version that has it",
            "last_version": "the last version that has it; empty while the latest has it",
            "removed_at": "when the first version without it was fetched: an edit removed it",
            "status": "in both (languages), only here, or unpaired",
            "paired_transcript": "the conference's transcript in the other language",
            "paired_number": "the same exchange's number there",
            "paired_exchange": "the same exchange in the other language",
        },
        "facets": ["source", "outlet", "spokesperson", "status"],
        "sort_desc": "conference",
        "label_column": "question",
    },
    "events": {
        "description": "What briefwatch noticed: new, edited, removed, restored transcripts, "
                       "and conferences whose two languages diverge.",
        "columns": {
            "id": "event number",
            "transcript": "the transcript",
            "version": "the version the event brought",
            "kind": "new, edited, removed, restored or divergent",
            "detected_at": "when (UTC; an archive import's edits carry the capture's time)",
            "description": "the change in one line",
            "summary": "the change summary, as JSON (`briefwatch changes --json`)",
        },
        "facets": ["kind"],
        "sort_desc": "detected_at",
    },
    "pairs": {
        "description": "Each conference in English and Chinese, exchange by exchange.",
        "columns": {
            "id": "row number",
            "conference": "date of the conference",
            "en_transcript": "the English transcript",
            "en_version": "its version aligned",
            "en_exchanges": "how many exchanges it carries",
            "zh_transcript": "the Chinese transcript",
            "zh_version": "its version aligned",
            "zh_exchanges": "how many exchanges it carries",
            "divergent": "1 when an exchange of one language has no counterpart in the other",
            "uncertain": "why the alignment cannot say which exchanges are missing, if so",
            "missing_in_en": "exchanges of the Chinese transcript missing in English (JSON)",
            "missing_in_zh": "exchanges of the English transcript missing in Chinese (JSON)",
            "matched": "pairs of exchange numbers [en, zh] (JSON)",
            "merged": "follow-ups merged in one language and split in the other (JSON)",
        },
        "facets": ["divergent"],
        "sort_desc": "conference",
    },
}

QUERIES = {
    "questions_removed": {
        "title": "Questions removed by an edit",
        "description": "Every exchange a later version no longer carries, latest first.",
        "sql": "select e.conference, e.source, e.outlet, e.spokesperson, e.question, "
               "e.last_version, e.removed_at, e.transcript, t.url\n"
               "from exchanges e join transcripts t on t.id = e.transcript\n"
               "where e.removed_at is not null\norder by e.removed_at desc",
    },
    "languages_differ": {
        "title": "Conferences whose languages differ",
        "description": "Conferences where an exchange of one language has no counterpart in "
                       "the other. Read both texts before writing that a question was cut.",
        "sql": "select p.conference, p.en_transcript, p.zh_transcript, p.en_exchanges, "
               "p.zh_exchanges, p.missing_in_en, p.missing_in_zh\n"
               "from pairs p where p.divergent = 1\norder by p.conference desc",
    },
    "outlet_questions": {
        "title": "Every question an outlet asked",
        "description": "Type the outlet as briefwatch names it (Reuters, CCTV) or as a "
                       "transcript writes it (路透社).",
        "sql": "select e.conference, e.source, e.spokesperson, e.question, e.answer, "
               "e.removed_at, e.transcript\nfrom exchanges e\n"
               "where e.outlet = :outlet or e.outlet_as_written = :outlet\n"
               "order by e.conference desc, e.number",
    },
    "transcript_at": {
        "title": "What a transcript said at a date",
        "description": "The version that was the latest at that date (or time, UTC) of a "
                       "transcript given by its number or URL.",
        "sql": "select v.transcript, v.version, v.fetched_at, v.origin, v.title, v.text\n"
               "from versions v join transcripts t on t.id = v.transcript\n"
               "where (t.id = :transcript or t.url = :transcript)\n"
               "and substr(v.fetched_at, 1, length(:date)) <= :date\n"
               "order by v.version desc limit 1",
    },
}


def metadata(database: str, sources: list[dict]) -> dict:
    """Datasette's metadata for the published database named `database` (the file's name
    without .db), whose data comes from `sources` (name and start URLs of each)."""
    listed = "; ".join(f"{s['name']} ({', '.join(s['start_urls'])})" for s in sources)
    return {
        "title": "Press briefings, every version",
        "description": "Transcripts of official press briefings as their sites published "
                       "them, every version of each, every question and answer, and what "
                       "changed, kept by briefwatch.",
        "source": "the briefing rooms' own sites, fetched by briefwatch"
                  + (f": {listed}" if listed else ""),
        "license": "the texts are the publishing governments'; their own terms of reuse apply",
        "about": "briefwatch",
        "about_url": "https://github.com/briefwatch/briefwatch",
        "databases": {database: {
            "description": "Search any table with its search box: words in any language, a "
                           "Chinese word as written (香港), a phrase in quotes.",
            "tables": {name: dict(table) for name, table in TABLES.items()},
            "queries": {name: dict(query) for name, query in QUERIES.items()},
        }},
    }
