"""Exchanges: who asked what, and what was answered, built from a version's speaker turns.

An exchange is one question turn and the answer turns that follow it; a follow-up is an
exchange of its own. What comes before the first question (announcements, opening remarks)
is exchange 0. Notes such as "The following question was raised after the press conference"
only head the exchanges after them: those belong to the same conference.

Not every turn the splitter takes for a question is one:

* a journalist's short reply inside an exchange ("Yes.", `（记者：我只是问一下）`): a question turn
  of a few words, with no question mark, right after an answer stays in the exchange it
  interrupts (a turn labelled `Q:`/`问：`/`Вопрос:` always opens one);
* where questions open with `Q:`/`问：`, a `Journalist:`/`记者：` turn is the journalist coming
  back within the exchange; where `记者：` is the only label of a question (MND), it opens each;
* a spokesperson of the names table speaking (a predecessor introducing the new spokesperson)
  speaks, never asks; before the first question, a turn that asks nothing and names no known
  outlet is the opening;
* where the transcript mostly marks its questions (`Q:`, `问：`), a "question" turn under
  another label that names no known outlet and asks nothing (no question mark) is a line of
  the speaker's text that looked like a label, and stays in the turn before it.

And where a question is one paragraph as a rule, the unlabelled paragraphs after a question
that ends in a question mark are its answer (the page left the `答：` out).
"""

from __future__ import annotations

import re

from briefwatch.storage.text import cjk
from briefwatch.storage.text.names import Names

# Prefixes that ask without naming an outlet.
_ANONYMOUS = {"q", "question", "问", "问题", "follow-up", "follow up", "followup", "追问",
              "记者", "вопрос"}
# The labels of a new question, and of a journalist speaking (again) without an outlet.
_MARKERS = {"q", "question", "问", "问题", "вопрос"}
_JOURNALIST = {"记者", "journalist", "reporter", "foreign journalist", "外国记者", "记者解释"}
_QUESTION_MARK = re.compile("[?？]")
_ENDS_ASKING = re.compile("[?？][”\"’'）)」]*$")
_CJK_LETTER = cjk.LETTER
FIRST_WORDS = 8
FIRST_CHARACTERS = 15


def build_exchanges(text: str, turns: list[dict], names: Names, title: str = "") -> list[dict]:
    """Exchange 0 (when something precedes the first question) and then every exchange, in
    reading order. Each: index, outlet, outlet_as_written, spokesperson, follow_up, question,
    answer, first_words, and start/end (the paragraphs it spans).

    An answer labelled `A:`/`答：` is the conference's spokesperson's: the one its title names
    (`Lu Kang's Regular Press Conference`, `外交部发言人陆慷主持例行记者会`), else the one its
    opening names, else the one person who answers by name in it."""
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    asking = [t for t in turns if t["role"] == "question"]
    marked = 2 * sum(1 for t in asking if _anonymous(t)) > len(asking)
    # Where questions open with `Q:`/`问：`, a turn labelled `Journalist:`/`记者：` is the
    # journalist coming back within the exchange (a reply, a rephrasing), not a new question;
    # where `记者：` is the only label of a question (MND), it opens each one.
    opened_by_marker = any(_opens(t) for t in asking)
    # Where a question is a paragraph as a rule, what follows a question that ends in a
    # question mark, unlabelled, is the spokesperson answering (the label was left out).
    one_paragraph = len(asking) >= 3 and sum(
        1 for t in asking if len(_said(paragraphs, t)) <= 1) >= 0.8 * len(asking)
    opening: list[str] = []
    out: list[dict] = []
    current: dict | None = None
    for turn in turns:
        role = turn["role"]
        said = _said(paragraphs, turn)
        if role == "question" and current is not None and opened_by_marker \
                and _journalist(turn):
            role = "answer-continued"
        if role == "question" and not _asks(turn, said, names, marked, current is None):
            said = paragraphs[turn["start"]:turn["end"]]  # its "prefix" is text
            role = "remarks" if current is None else "answer-continued"
        if role == "question":
            if current is not None and current["_answered"] and not _opens(turn) \
                    and _interjection(said):
                current["_answer"] += said
                current["end"] = turn["end"]
                continue
            written = _outlet_as_written(turn)
            answered: list[str] = []
            if one_paragraph and len(said) > 1 and _ENDS_ASKING.search(said[0]):
                said, answered = said[:1], said[1:]
            current = {"index": len(out) + 1, "outlet": names.outlet(written),
                       "outlet_as_written": written, "spokesperson": None,
                       "spokesperson_as_written": None,
                       "_question": said, "_answer": answered, "_answered": bool(answered),
                       "follow_up": _follow_up(turn),
                       "start": turn["start"], "end": turn["end"]}
            out.append(current)
        elif role == "answer" and current is not None:
            if current["spokesperson"] is None and turn["name"]:
                current["spokesperson"] = names.spokesperson(turn["name"])
                current["spokesperson_as_written"] = turn["name"]  # the answer's label
            current["_answer"] += said
            current["_answered"] = True
            current["end"] = turn["end"]
        elif role == "note":
            continue
        elif role == "answer-continued":
            current["_answer"] += said
            current["end"] = turn["end"]
        elif current is None:
            opening += said
        else:
            current["_answer"] += said
            current["end"] = turn["end"]
    host = None
    if any(e["spokesperson"] is None and e["_answered"] for e in out):
        # Else the one person who answers by name elsewhere in the conference (`Ответ:` beside
        # `М.В.Захарова:`).
        named = {e["spokesperson"] for e in out if e["spokesperson"]}
        host = names.spokesperson_named_in(title) or names.spokesperson_named_in(
            "\n".join(opening[:2])) or (named.pop() if len(named) == 1 else None)
    for exchange in out:
        if exchange["spokesperson"] is None and exchange["_answered"]:
            exchange["spokesperson"] = host
        question = exchange.pop("_question")
        exchange["question"] = "\n".join(question)
        exchange["answer"] = "\n".join(exchange.pop("_answer"))
        exchange.pop("_answered")
        exchange["first_words"] = first_words(exchange["question"])
    if opening:
        end = out[0]["start"] if out else len(paragraphs)
        out.insert(0, {"index": 0, "outlet": None, "outlet_as_written": None,
                       "spokesperson": None, "spokesperson_as_written": None,
                       "follow_up": False, "question": "", "answer": "\n".join(opening),
                       "first_words": "", "start": 0, "end": end})
    return out


def first_words(text: str) -> str:
    """The opening of a question: its first words, or characters in Chinese."""
    first = text.split("\n", 1)[0].strip()
    if _CJK_LETTER.search(first[:FIRST_CHARACTERS]):
        return first[:FIRST_CHARACTERS] + ("…" if len(first) > FIRST_CHARACTERS else "")
    words = first.split()
    return " ".join(words[:FIRST_WORDS]) + ("…" if len(words) > FIRST_WORDS else "")


def _said(paragraphs: list[str], turn: dict) -> list[str]:
    """The turn's paragraphs, its speaker prefix taken off the first."""
    said = paragraphs[turn["start"]:turn["end"]]
    if said and turn.get("speaker"):
        first = said[0]
        for colon in (":", "："):
            head, sep, rest = first.partition(colon)
            if sep and head.strip() == turn["speaker"]:
                first = rest.strip()
                break
        said = ([first] if first else []) + said[1:]
    return said


def _follow_up(turn: dict) -> bool:
    """Labelled as the follow-up of the exchange before (`Follow-up:`, `追问：`, `记者追问：`):
    the one language may write it as its own exchange and the other within the one before."""
    speaker = (turn.get("speaker") or "").strip("（(）) ").lower()
    return speaker.replace(" ", "-") in ("follow-up", "followup") or "追问" in speaker


def _opens(turn: dict) -> bool:
    return (turn.get("speaker") or "").strip("（(）) ").lower() in _MARKERS


def _journalist(turn: dict) -> bool:
    return (turn.get("speaker") or "").strip("（(）) ").lower() in _JOURNALIST


def _anonymous(turn: dict) -> bool:
    speaker = (turn.get("speaker") or "").strip("（(）) ").lower()
    return speaker in _ANONYMOUS or speaker.removesuffix("记者") in _ANONYMOUS


def _asks(turn: dict, said: list[str], names: Names, marked: bool, opening: bool = False
          ) -> bool:
    if _anonymous(turn):
        return True
    if names.is_spokesperson(turn.get("speaker")):
        return False
    if opening and not names.knows_outlet(turn.get("name") or turn.get("speaker")) \
            and not any(_QUESTION_MARK.search(p) for p in said):
        return False  # a predecessor's welcome, an official's statement: the opening
    return (not marked or names.knows_outlet(turn.get("name") or turn.get("speaker"))
            or any(_QUESTION_MARK.search(p) for p in said))


def _outlet_as_written(turn: dict) -> str | None:
    speaker = (turn.get("speaker") or "").strip("（(）) ")
    if not speaker or not turn.get("name"):
        return None
    return None if _anonymous(turn) else speaker


def _interjection(said: list[str]) -> bool:
    """A journalist's aside, not a question: a few words, no question mark."""
    text = " ".join(said).strip("（）() ")
    if not text or _QUESTION_MARK.search(text):
        return False
    if _CJK_LETTER.search(text):
        return len(text) <= 12
    return len(text.split()) <= 6
