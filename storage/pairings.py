"""The English and Chinese records of a series, paired conference by conference.

A series is two sources declared with `pair` (the config's `series()`): conferences pair by
date, and by kind when one day has two (a regular press conference and remarks). For each
pair, the latest versions' exchanges (storage.text.exchanges) are aligned
(storage.text.pairing) and the result stored in `pairings`; it is recomputed when either
side gets a new version. When the two records differ — the first time a pair is computed, or
when an edit makes them diverge further or converge — a `divergent` event goes to the
transcript that lacks exchanges, naming each of them.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from briefwatch.storage.clock import now
from briefwatch.storage.text.editclass import classify
from briefwatch.storage.text.exchanges import build_exchanges
from briefwatch.storage.text.pairing import pair_exchanges
from briefwatch.storage.text.turns import turns_of, unpack_turns

if TYPE_CHECKING:
    import sqlite_utils

_REGULAR = re.compile(r"regular press conference|例行记者会", re.I)
# The revision of the rules (turns, exchanges, pairing) a stored pairing was computed by: a
# pairing of older rules is computed again, and what it finds is no news (no event).
RULES = 3


def conference_kind(title: str) -> str:
    return "regular" if _REGULAR.search(title or "") else "other"


def update_pairings(db: sqlite_utils.Database, series: list[tuple[str, str]], names,
                    run: int | None) -> list[int]:
    """Pair what is new or changed in each (English source, Chinese source); returns the
    `divergent` events recorded."""
    events: list[int] = []
    for en_source, zh_source in series:
        for en, zh in _stale_pairs(db, en_source, zh_source):
            with db.atomic():
                events += _pair(db, en, zh, names, run)
    return events


def _stale_pairs(db, en_source: str, zh_source: str) -> list[tuple[dict, dict]]:
    """Conferences of both sources whose pairing is missing or older than their versions."""
    rows = list(db.query(
        "SELECT e.id AS en_id, e.title AS en_title, e.versions AS en_n, "
        "z.id AS zh_id, z.title AS zh_title, z.versions AS zh_n, e.published, "
        "p.en_version, p.zh_version, p.rules "
        "FROM documents e JOIN documents z ON z.published = e.published AND z.source = ? "
        "LEFT JOIN pairings p ON p.en_document = e.id AND p.zh_document = z.id "
        "WHERE e.source = ? AND e.published IS NOT NULL",
        [zh_source, en_source]))
    # One conference of a kind per day and language: two would be ambiguous.
    by_day: dict[tuple[str, str], dict[str, set[int]]] = {}
    for row in rows:
        day = by_day.setdefault((row["published"], conference_kind(row["en_title"])), {})
        if conference_kind(row["zh_title"]) == conference_kind(row["en_title"]):
            day.setdefault("en", set()).add(row["en_id"])
            day.setdefault("zh", set()).add(row["zh_id"])
    out = []
    for row in rows:
        kind = conference_kind(row["en_title"])
        if conference_kind(row["zh_title"]) != kind:
            continue
        day = by_day[(row["published"], kind)]
        if len(day["en"]) != 1 or len(day["zh"]) != 1:
            continue
        if row["en_version"] == row["en_n"] and row["zh_version"] == row["zh_n"] \
                and row["rules"] == RULES:
            continue
        out.append(({"id": row["en_id"]}, {"id": row["zh_id"]}))
    return out


def _latest(db, document: int) -> dict:
    row = next(db.query(
        "SELECT v.id, v.n, v.title, v.text, v.turns, d.url, d.source, d.published "
        "FROM versions v JOIN documents d ON d.id = v.document "
        "WHERE v.document = ? ORDER BY v.n DESC LIMIT 1", [document]))
    row["turns"] = unpack_turns(row["turns"])
    return row


def exchanges_of(version: dict, names) -> list[dict]:
    """A stored version's exchanges (storage.text.exchanges)."""
    return build_exchanges(version["text"], turns_of(version), names, version.get("title") or "")


def _pair(db, en: dict, zh: dict, names, run: int | None) -> list[int]:
    en_version, zh_version = _latest(db, en["id"]), _latest(db, zh["id"])
    en_exchanges = exchanges_of(en_version, names)
    zh_exchanges = exchanges_of(zh_version, names)
    result = pair_exchanges(en_exchanges, zh_exchanges)
    # An alignment unsure of its gaps names none: `compare` shows them, no event says them.
    missing_in_en = [] if result.uncertain else [
        _brief(e) for e in zh_exchanges if e["index"] in result.missing_in_en]
    missing_in_zh = [] if result.uncertain else [
        _brief(e) for e in en_exchanges if e["index"] in result.missing_in_zh]
    previous = next(db.query(
        "SELECT id, missing_in_en, missing_in_zh, en_version, zh_version, rules FROM pairings "
        "WHERE en_document = ? AND zh_document = ?", [en["id"], zh["id"]]), None)
    at = now()
    values = {"en_document": en["id"], "zh_document": zh["id"],
              "conference": en_version["published"], "en_version": en_version["n"],
              "zh_version": zh_version["n"],
              "en_exchanges": sum(1 for e in en_exchanges if e["index"] >= 1),
              "zh_exchanges": sum(1 for e in zh_exchanges if e["index"] >= 1),
              "matched": json.dumps(result.matched), "missing_in_en": json.dumps(
                  missing_in_en, ensure_ascii=False),
              "missing_in_zh": json.dumps(missing_in_zh, ensure_ascii=False),
              "merged": json.dumps(result.merged), "divergent": int(result.divergent),
              "uncertain": result.uncertain, "rules": RULES, "computed_at": at}
    if previous is None:
        db["pairings"].insert(values)
    else:
        db["pairings"].update(previous["id"], values)
    if previous is not None and previous["rules"] != RULES and (
            previous["en_version"], previous["zh_version"]) == (en_version["n"],
                                                                zh_version["n"]):
        return []  # the same texts read by better rules: nothing happened at the ministry
    events = []
    for language, lacking, other, missing in (("en", en_version, zh_version, missing_in_en),
                                              ("zh", zh_version, en_version, missing_in_zh)):
        before = json.loads(previous[f"missing_in_{language}"]) if previous else []
        gone, back = _changes(before, missing)
        if not gone and not back:
            continue
        summary = {"language": language, "missing": gone, "present_again": back,
                   "other": {"url": other["url"], "source": other["source"],
                             "version": other["n"]}}
        edit_class, significance = classify("divergent", summary)
        events.append(db.execute(
            "INSERT INTO events (run, document, version, kind, detected_at, summary, "
            "edit_class, significance) VALUES (?, ?, ?, 'divergent', ?, ?, ?, ?)",
            [run, (en if language == "en" else zh)["id"], lacking["id"], at,
             json.dumps(summary, ensure_ascii=False), edit_class, significance]).lastrowid)
    return events


def _brief(exchange: dict) -> dict:
    return {"index": exchange["index"], "outlet": exchange["outlet"],
            "outlet_as_written": exchange["outlet_as_written"],
            "first_words": exchange["first_words"]}


def _identity(entry: dict) -> tuple:
    return entry["outlet"], entry["first_words"]


def _changes(before: list[dict], after: list[dict]) -> tuple[list[dict], list[dict]]:
    """What is newly missing, and what is present again."""
    old = {_identity(e) for e in before}
    new = {_identity(e) for e in after}
    return ([e for e in after if _identity(e) not in old],
            [e for e in before if _identity(e) not in new])


def pairings(db: sqlite_utils.Database, *, source: str | None = None, since: str | None = None,
             divergent: bool = False, newest: int | None = None) -> list[dict]:
    """Stored pairings, oldest conference first, each with both documents; with `newest`,
    only that many of the latest conferences."""
    clauses, params = [], []
    if source:
        clauses.append("(e.source = ? OR z.source = ?)")
        params += [source, source]
    if since:
        clauses.append("p.conference >= ?")
        params.append(since)
    if divergent:
        clauses.append("p.divergent = 1")
    return _stored(db, " AND ".join(clauses), params, newest)


def _stored(db, where: str, params: list, newest: int | None = None) -> list[dict]:
    """Pairings with both documents' source and URL, their JSON columns decoded."""
    sql = ("SELECT p.*, e.source AS en_source, e.url AS en_url, z.source AS zh_source, "
           "z.url AS zh_url FROM pairings p JOIN documents e ON e.id = p.en_document "
           f"JOIN documents z ON z.id = p.zh_document {'WHERE ' + where if where else ''} ")
    if newest is None:
        rows = list(db.query(sql + "ORDER BY p.conference, p.id", params))
    else:
        rows = list(db.query(sql + "ORDER BY p.conference DESC, p.id DESC LIMIT ?",
                             [*params, int(newest)]))[::-1]
    for row in rows:
        for key in ("matched", "missing_in_en", "missing_in_zh", "merged"):
            row[key] = json.loads(row[key])
    return rows


def unpaired(db: sqlite_utils.Database, series: list[tuple[str, str]], *,
             source: str | None = None, since: str | None = None) -> list[dict]:
    """Transcripts of a series with no pairing: published in one language only (so far), or
    on a day whose conferences could not be told apart."""
    out = []
    for en_source, zh_source in series:
        for side, column in ((en_source, "en_document"), (zh_source, "zh_document")):
            if source and source not in (en_source, zh_source):
                continue
            params = [side]
            extra = ""
            if since:
                extra = " AND d.published >= ?"
                params.append(since)
            out += db.query(
                "SELECT d.id, d.source, d.url, d.title, d.published, d.versions "
                f"FROM documents d WHERE d.source = ?{extra} AND NOT EXISTS "
                f"(SELECT 1 FROM pairings p WHERE p.{column} = d.id)", params)
    return sorted(out, key=lambda r: (r["published"] or "", r["id"]))


def counterparts(pairing: dict | None, language: str) -> dict[int, tuple[int, str]]:
    """exchange index in `language` -> (the other language's index, "in both") or
    (None, "only here")."""
    if pairing is None:
        return {}
    other = "zh" if language == "en" else "en"
    out: dict[int, tuple] = {}
    for en_index, zh_index in pairing["matched"]:
        mine, theirs = (en_index, zh_index) if language == "en" else (zh_index, en_index)
        out[mine] = (theirs, "in both")
    for group in pairing["merged"]:
        for mine in group[language]:
            out[mine] = (group[other][0], "in both")
    for entry in pairing[f"missing_in_{other}"]:
        out[entry["index"]] = (None, "only here")
    return out


def pairing_of(db: sqlite_utils.Database, document: int) -> tuple[dict | None, str | None]:
    """The stored pairing a document takes part in, and its language in it."""
    for language in ("en", "zh"):
        rows = _stored(db, f"p.{language}_document = ?", [document])
        if rows:
            return rows[0], language
    return None, None


def conference(db: sqlite_utils.Database, document: int, names) -> dict | None:
    """A paired conference exchange by exchange, as `compare` and the web view show it: the
    two transcripts' latest versions and, in reading order, each step of the alignment with
    the exchanges on either side (none on the side that lacks it). None if the transcript is
    not paired."""
    stored, language = pairing_of(db, document)
    if stored is None:
        return None
    sides = {}
    for lang in ("en", "zh"):
        version = _latest(db, stored[f"{lang}_document"])
        exchanges = exchanges_of(version, names)
        sides[lang] = {"id": stored[f"{lang}_document"], "url": version["url"],
                       "source": version["source"], "version": version["n"],
                       "title": version["title"], "exchanges": exchanges}
    result = pair_exchanges(sides["en"]["exchanges"], sides["zh"]["exchanges"])
    by_index = {lang: {e["index"]: e for e in sides[lang]["exchanges"]} for lang in sides}
    rows = []
    opening = {lang: by_index[lang].get(0) for lang in sides}
    if opening["en"] or opening["zh"]:
        rows.append({"state": "opening", "en": [opening["en"]] if opening["en"] else [],
                     "zh": [opening["zh"]] if opening["zh"] else []})
    for step in result.steps:
        rows.append({"state": step["state"],
                     "en": [by_index["en"][i] for i in step["en"]],
                     "zh": [by_index["zh"][i] for i in step["zh"]]})
    return {"date": stored["conference"], "language": language,
            "divergent": result.divergent, "uncertain": result.uncertain,
            "en": sides["en"], "zh": sides["zh"], "rows": rows,
            "missing_in_en": len(result.missing_in_en),
            "missing_in_zh": len(result.missing_in_zh)}


def in_english(db: sqlite_utils.Database, document: int, version: int, spans: list[list[int]],
               names) -> list[dict]:
    """For an edit of a Chinese transcript (its version `version`): the paired English
    exchanges of the Chinese exchanges that `spans` ([start, end) paragraphs of that version)
    touch, each `outlet` (canonical) and `first_words`, once each, in reading order; [] when
    the conference is not paired, or paired on other versions."""
    stored, language = pairing_of(db, document)
    if stored is None or language != "zh" or stored["zh_version"] != version:
        return []
    english = _latest(db, stored["en_document"])
    if english["n"] != stored["en_version"]:
        return []
    zh = exchanges_of(_latest(db, document), names)
    en = {e["index"]: e for e in exchanges_of(english, names)}
    paired = counterparts(stored, "zh")
    out: list[dict] = []
    for start, end in spans:
        for exchange in zh:
            if exchange["index"] and exchange["start"] < end and start < exchange["end"]:
                other = en.get(paired.get(exchange["index"], (None, ""))[0])
                found = other and {"outlet": other["outlet"],
                                   "first_words": other["first_words"]}
                if found and found not in out:
                    out.append(found)
    return out
