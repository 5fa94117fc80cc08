"""Every exchange a transcript has carried, each once across its versions.

A researcher asks what the ministry deleted: the latest version's exchanges do not say. Here
the versions are walked oldest first and the exchanges of each (storage.pairings.exchanges_of)
are followed into the next with the alignment `diff --format turns` uses
(storage.text.diff.link_spans over the aligned paragraphs, an exchange being the span of its
question and answers):

* an exchange whose paragraphs went on, kept or reworded, into one exchange of the next
  version is the same exchange: it goes on, in the newest wording (a question reworded, an
  answer polished, renumbered because an earlier one went);
* one with nothing in the next version ends at its last version: an edit removed it, at the
  `fetched_at` time of the first version without it;
* one of the next version that no exchange became starts there.

Exchange 0 (what precedes the first question) is the opening whatever its wording: the
openings of two versions are one. An exchange removed by one edit and brought back by a later
one is two exchanges, the second starting at the version that brought it back.

Only a transcript with more than one version has a walk to make: for one version this is its
exchanges as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefwatch.storage.pairings import exchanges_of
from briefwatch.storage.text.diff import align, link_spans, paragraphs


@dataclass
class _Followed:
    exchange: dict  # in the wording of `version`
    version: int
    first_version: int
    last_version: int | None = None
    removed_at: str | None = None

    def row(self) -> dict:
        return {**self.exchange, "version": self.version, "first_version": self.first_version,
                "last_version": self.last_version, "removed_at": self.removed_at}


def exchange_history(versions: list[dict], names) -> list[dict]:
    """The exchanges of every version (oldest first, as storage.documents.versions gives
    them), each once, in reading order, an exchange an edit removed where it stood (before
    what was added in its place). Each is the exchange as storage.text.exchanges gives it
    (`index` its number in `version`), in the wording of the newest version that has it, and:

    * `version`: that version's number;
    * `first_version`: the first version that has it;
    * `last_version`: the last version that has it, None while the latest version does;
    * `removed_at`: the `fetched_at` of the first version without it, else None.
    """
    if not versions:
        return []
    first = versions[0]
    live = [_Followed(e, first["n"], first["n"]) for e in exchanges_of(first, names)]
    order = list(live)
    previous = first
    for ver in versions[1:]:
        current = exchanges_of(ver, names)
        successor = same_exchanges(previous["text"], [f.exchange for f in live],
                                   ver["text"], current)
        position = {id(f): k for k, f in enumerate(live)}
        at: dict[int, _Followed] = {}
        # What no longer is in the version, kept after the last exchange before it that is.
        after: dict[int, list[_Followed]] = {}
        anchor = -1
        for followed in order:
            k = position.get(id(followed))
            if k is not None and k in successor:
                anchor = successor[k]
                followed.exchange, followed.version = current[anchor], ver["n"]
                at[anchor] = followed
                continue
            if k is not None:  # removed by this edit
                followed.last_version, followed.removed_at = previous["n"], ver["fetched_at"]
            after.setdefault(anchor, []).append(followed)
        live = [at.get(j) or _Followed(e, ver["n"], ver["n"]) for j, e in enumerate(current)]
        order = [*after.get(-1, ())]
        for j, followed in enumerate(live):
            order += [followed, *after.get(j, ())]
        previous = ver
    return [f.row() for f in order]


def same_exchanges(old_text: str, old: list[dict], new_text: str, new: list[dict]
                   ) -> dict[int, int]:
    """Position in `old` -> position in `new` of the same exchange (the exchanges of two
    versions of a transcript, in reading order, with the texts they were built from): the
    questions and their answers followed through the aligned paragraphs one to one
    (storage.text.diff.link_spans), the openings (exchange 0) paired with each other."""
    if _same_questions(old, new):
        return {k: k for k in range(len(old))}
    return through_paragraphs(old_text, old, new_text, new)


def through_paragraphs(old_text: str, old: list[dict], new_text: str, new: list[dict]
                       ) -> dict[int, int]:
    """same_exchanges by the aligned paragraphs alone, without its shortcut."""
    asked_old = [k for k, e in enumerate(old) if e["index"] >= 1]
    asked_new = [k for k, e in enumerate(new) if e["index"] >= 1]
    out: dict[int, int] = {}
    if asked_old and asked_new:
        old_paragraphs, new_paragraphs = paragraphs(old_text), paragraphs(new_text)
        linked = link_spans(align(old_paragraphs, new_paragraphs, words=False),
                            [old[k] for k in asked_old], [new[k] for k in asked_new],
                            len(old_paragraphs), len(new_paragraphs))
        out = {asked_old[i]: asked_new[j] for i, j in linked.one_to_one().items()}
    openings = ([k for k, e in enumerate(old) if e["index"] == 0],
                [k for k, e in enumerate(new) if e["index"] == 0])
    if openings[0] and openings[1]:
        out[openings[0][0]] = openings[1][0]
    return out


def _same_questions(old: list[dict], new: list[dict]) -> bool:
    """The same questions, asked in the same order, none twice: the edit reworded answers or
    the opening (the common edit). Each exchange is then the one at its place: the aligned
    paragraphs keep each question with itself, in order, and every answer between its
    question and the next, so through_paragraphs would say the same (tests check it on
    reworded briefings) at the cost of aligning every paragraph."""
    if len(old) != len(new):
        return False
    asked = [e["question"] for e in old if e["index"] >= 1]
    return (len(set(asked)) == len(asked)
            and all(a["index"] == b["index"] and a["question"] == b["question"]
                    for a, b in zip(old, new, strict=True)))


@dataclass
class ExchangeInContext:
    """One exchange of `exchanges_of_transcripts`, with what its row needs of its transcript
    and of the other language (jobs.contract.exchange_record builds the row)."""

    document: dict  # as storage.documents.list_documents gives it
    latest: dict  # the transcript's latest version
    language: str | None
    exchange: dict  # as exchange_history gives it
    pairing: dict | None  # the stored pairing of the latest versions, or None
    other: str | None  # the other language of the pairing
    paired_index: int | None
    status: str  # the pairing state: in both | only here | unpaired
    transcript_kind: str  # storage.text.kinds.kind_of the latest title and the URL


def exchanges_of_transcripts(db, names, languages: dict[str, str], *, source: str | None = None,
                             outlet: str | None = None, spokesperson: str | None = None,
                             since: str | None = None, removed: bool = False,
                             opening: bool = False):
    """Every exchange of every version of every stored transcript, each once
    (exchange_history), oldest conference first. `languages`: source -> en|zh for the sources
    of a series; `outlet`/`spokesperson` by their canonical names; `since` a conference date;
    `removed`: only those an edit removed; `opening`: exchange 0 too."""
    from briefwatch.storage import pairings
    from briefwatch.storage.documents import list_documents, versions
    from briefwatch.storage.text.kinds import kind_of

    for doc in reversed(list_documents(db, source)):
        if since and (doc["published"] or "") < since:
            continue
        if removed and doc["versions"] < 2:
            continue  # one version: nothing was removed from it
        stored = versions(db, doc["id"])
        if not stored:
            continue
        pairing, language = pairings.pairing_of(db, doc["id"])
        language = language or languages.get(doc["source"])
        paired = pairings.counterparts(pairing, language) if pairing else {}
        other = ("zh" if language == "en" else "en") if pairing else None
        kind = kind_of(stored[-1]["title"] or "", doc["url"])  # once a transcript
        for exchange in exchange_history(stored, names):
            if exchange["index"] == 0 and not opening:
                continue
            if removed and exchange["last_version"] is None:
                continue
            if outlet and exchange["outlet"] != outlet:
                continue
            if spokesperson and exchange["spokesperson"] != spokesperson:
                continue
            # The pairing is of the latest versions: an exchange no longer there is in none.
            index, status = (paired.get(exchange["index"], (None, "unpaired"))
                             if exchange["last_version"] is None else (None, "unpaired"))
            yield ExchangeInContext(doc, stored[-1], language, exchange, pairing, other, index,
                                    status, kind)
