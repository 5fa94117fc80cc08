"""Speaker turns: who says which paragraphs of a transcript.

A turn starts at a paragraph that opens with a speaker prefix and runs until the next one; a
paragraph without a prefix belongs to the turn before it (answers often have several
paragraphs). A prefix alone on its line (`Liu Zhenmin:` above the paragraph, as on SCIO pages)
starts a turn just the same. Paragraphs before the first turn are the *announcements* block.

Prefixes recognised:

* English: a short name-like phrase and a colon — `Reuters:`, `Wang Wenbin:`, `Q:`, `A:`,
  `MR MILLER:`, `QUESTION:`, `Chairperson Hu Kaihong:`, `Taiwan Central News Agency (CNA):`.
  Name-like means at most 8 words, each capitalised (or a connector such as `of`, `the`), no
  sentence punctuation: `Finally, in summary:` and `…with the following announcements:` are
  text, not speakers. Page header labels (`Speaker:`, `Chairperson:`, `Date:`) are not turns.
* Chinese, with the full-width colon (or an ASCII one): `问：`, `答：`, `中央电视台记者：`,
  `《北京青年报》记者：`, `会后有记者问及：`, `赵立坚：` — at most 20 characters, no sentence
  punctuation, and naming who speaks: one who asks (`记者`, `追问`, `提问`, an outlet) or a
  person (a spokesperson of the names table, one the title names, a personal name). The
  spokesperson's own sentences that end in a colon (`这里我想强调几点：`, `案例一：`) are text.
* A note that a question was asked after the conference, with the question run into it
  (`The following question was raised after the press conference: …`), is that question.

Who asks and who answers. On the Foreign Ministry's pages a question's speaker is an outlet
and the answer's speaker is a person, and nothing in the prefix itself says which is which.
The roles are decided, in this order:

1. Markers: `Q`, `QUESTION`, `问`, `Follow-up`, `追问`, and any Chinese prefix containing `记者`
   (journalist) ask; `A`, `ANSWER`, `答` answer.
2. Officials: a speaker named in the transcript's title (`Foreign Ministry Spokesperson Wang
   Wenbin's Regular Press Conference…`, `…发言人赵立坚主持…`), a spokesperson of the names
   table, a speaker with an official's title (`Chairperson`, `Spokesperson`, `Minister`, `MR`,
   `MS`, …), a Chinese personal name (an outlet asks as `…记者`), and the speakers with the most
   turns (the spokesperson answers every question, so speaks at least as often as any outlet),
   unless every speaker speaks as often (one outlet asking one spokesperson twice). Of speakers
   tied for the most turns (an unanswered last question ties its outlet with the spokesperson),
   an outlet of the names table asks, and so does one who speaks only beside officials and the
   speakers tied with it (the spokesperson answers each outlet; an outlet speaks beside the
   spokesperson only).
   The same person may appear with and without a title (`Chairperson Hu Kaihong`, `Hu Kaihong`).
   Officials answer; every other speaker is an outlet asking.
3. When neither settles it (no marker, no official found, e.g. a one-question transcript), the
   position decides: the first turn asks, and the role alternates at each change of speaker.

An official's turn before the first question is *remarks* (an opening statement), not an answer.
A line such as "The following question was raised after the press conference." is a *note*.

Each turn is stored as a dict: `role` (announcements | remarks | question | answer | note),
`speaker` (the prefix as written, without its colon; null for announcements and notes), `name`
(for a question the outlet, `记者` and `《》` removed, null for `Q:`/`问：`; for an answer or
remarks the person, null for `A:`/`答：`), and `start`, `end`: the paragraphs it spans, as
indices into the text's non-empty lines (end excluded).
"""

from __future__ import annotations

import json
import re
from collections import Counter

from briefwatch.storage.text import cjk
from briefwatch.storage.text.names import load_names

# Speaker names are written in CJK letters and punctuation (full-width forms are not names).
_CJK = cjk.LETTERS + cjk.PUNCTUATION
# An English prefix: name-like words, then a colon; the rest of the paragraph (maybe nothing).
# Cyrillic capitals too (mid.ru: `М.В.Захарова:`, `Вопрос:`), and one comma (MEA:
# `Shri Randhir Jaiswal, Official Spokesperson:`), checked by _name_like.
# A label may be run into its text (`Q:As far as we know`), but not into a time (`at 10:30`).
_EN_PREFIX = re.compile(
    r"^([A-Z\u00c0-\u00de\u0400-\u042f][\w.'’&()/,\- ]{0,80}?)\s*:(?:\s+|$|(?=[^\d\s/]))(.*)$",
    re.S)
# A Chinese prefix: up to 20 characters without sentence punctuation, then a colon.
# (The colon is sometimes ASCII: `路透社记者:`.)
_ZH_PREFIX = re.compile(rf"^([{_CJK}《》〈〉A-Za-z0-9·()（） ]{{1,20}}?)\s*[：:]\s*(.*)$", re.S)
_ZH_PUNCT = re.compile("[，。？！；、“”]")
_CONNECTORS = {"of", "the", "and", "for", "de", "du", "des", "la", "le", "el", "al", "da", "di",
               "van", "von", "der", "on", "in", "news"}
_HEADER_LABELS = {"speaker", "speakers", "speaker(s)", "chairperson", "chair", "date", "time",
                  "venue", "location", "source", "editor", "note", "notes", "attachment",
                  "photo", "adjust font size", "related", "keywords"}
_ASK = {"q", "question", "问", "问题", "journalist", "reporter", "вопрос", "follow-up",
        "follow up", "followup", "追问"}
_ANSWER = {"a", "answer", "答", "ответ"}
_TITLES = {"chairperson", "chairman", "chairwoman", "spokesperson", "spokesman", "spokeswoman",
           "minister", "vice", "deputy", "ambassador", "director", "director-general",
           "secretary", "president", "premier", "consul", "consul-general", "mr", "mr.", "ms",
           "ms.", "mrs", "mrs.", "dr", "dr.", "moderator", "host", "counselor", "undersecretary",
           "shri", "smt", "smt.", "official"}
# "The following question was raised after the press conference", "This question was raised
# after…", "After the press conference, the following question is raised", "Question raised
# after the press conference:", 会后有记者问及: a note heading what was asked after it. With
# the question run into it after a colon, the note is that question's label.
_NOTE = re.compile(r"^(?:after the (?:press )?(?:conference|briefing),? )?(?:(?:the following|"
                   r"this|these|one|a) )?questions? (?:is |was |were |are )?(?:raised|asked)\b"
                   r"[^:：.。]*|^会后有记者问及[^：:]*", re.I)


def split_turns(text: str, title: str = "") -> list[dict]:
    """The turns of a transcript's text (one paragraph a line), in order."""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    raw: list[dict] = []
    for i, paragraph in enumerate(paragraphs):
        paragraph = paragraph.strip()
        note = _NOTE.match(paragraph)
        asked = paragraph[note.end():].strip() if note else ""
        if note and asked[:1] in (":", "：") and asked[1:].strip():
            raw.append({"role": None, "speaker": note[0].strip(), "start": i})
            continue
        if note and asked in ("", ".", "。", ":", "："):
            raw.append({"role": "note", "speaker": None, "start": i})
            continue
        # (a longer sentence telling what was asked and answered is the text it tells)
        speaker = speaker_of(paragraph)
        if speaker is not None and not _labels_a_speaker(speaker, title):
            speaker = None  # a sentence of the turn before that ends in a colon
        if speaker is not None:
            raw.append({"role": None, "speaker": speaker, "start": i})
        elif not raw:
            raw.append({"role": "announcements", "speaker": None, "start": i})
    for k, turn in enumerate(raw):
        turn["end"] = raw[k + 1]["start"] if k + 1 < len(raw) else len(paragraphs)
    _classify(raw, title)
    return [{"role": t["role"], "speaker": t["speaker"], "name": t.get("name"),
             "start": t["start"], "end": t["end"]} for t in raw]


def speaker_of(paragraph: str) -> str | None:
    """The speaker prefix a paragraph opens with (without its colon), or None."""
    match = _ZH_PREFIX.match(paragraph)
    if match and not _ZH_PUNCT.search(match[1]) and re.search(f"[{_CJK}]", match[1]):
        return match[1].strip()
    match = _EN_PREFIX.match(paragraph)
    if match is None:
        return None
    candidate = match[1].strip()
    if candidate.lower() in _HEADER_LABELS:
        return None
    if load_names().is_spokesperson(candidate):
        return candidate  # however it is typed (`Hua chunying:`)
    # "Name, role" or "Name, outlet": both halves name-like, and only one comma.
    parts = candidate.split(",")
    if len(parts) > 2 or not all(_name_like(p.strip()) for p in parts):
        return None
    return candidate


def _name_like(candidate: str) -> bool:
    words = candidate.split()
    if not words or len(words) > 8:
        return False
    for word in words:
        bare = word.strip("()")
        if not bare:
            return False
        if bare.lower() in _CONNECTORS:
            continue
        if not (bare[0].isupper() or bare[0].isdigit()):
            return False
        # A full stop ends a sentence unless it ends an abbreviation (Mr., U.S., Dr.).
        if "." in bare and not re.fullmatch(r"(?:[A-Z][a-z]{0,2}\.)+|(?:[A-Z]\.)+[A-Z]?", bare) \
                and not _INITIALS.fullmatch(bare):
            return False
    return True


def _labels_a_speaker(speaker: str, title: str) -> bool:
    """Whether a Chinese prefix names who speaks: one who asks (`问`, `…记者`, `记者追问`,
    `…提问`, an outlet), or a person (a spokesperson of the names table, one the title names, or
    a personal name: a surname and at most three more characters, after any official title).
    Otherwise it is the speaker's own sentence introducing what follows (`这里我想强调几点：`,
    `案例一：`, `中国有句古话：`). English prefixes are name-like already (speaker_of)."""
    if not cjk.LETTER.search(speaker):
        return True
    bare = _ZH_MARKS.sub("", speaker).strip()
    if bare in _ZH_ROLE_LABELS or _ZH_ASKER.search(bare) or _ZH_OUTLET.search(bare):
        return True
    return load_names().knows_outlet(bare) or _zh_person(bare, title)


def _zh_person(label: str, title: str) -> bool:
    """A Chinese label naming a person: a spokesperson of the names table, one the title
    names, or a surname and at most three more characters, after any official title."""
    person = _ZH_OFFICE.sub("", _ZH_MARKS.sub("", label)).replace(" ", "").replace("\u3000", "")
    names = load_names()
    if names.is_spokesperson(label) or names.is_spokesperson(person) or (
            title and len(person) >= 2 and person in title):
        return True
    if "·" in person:  # a transcribed foreign name: 阿卜杜拉·本·扎耶德
        return not _ZH_NOT_IN_NAMES.search(person)
    return (2 <= len(person) <= 4 and (person[0] in cjk.SURNAMES or person[:2] in cjk.SURNAMES)
            and not _ZH_NOT_IN_NAMES.search(person[1:]))


_ZH_MARKS = re.compile("[《》〈〉「」“”]")
# Labels of the questions and answers themselves.
_ZH_ROLE_LABELS = {"问", "答", "问题", "回答", "主持人", "发言人", "记者"}
# Who asks: a journalist (记者), a follow-up (追问), a question put (提问, 问及).
_ZH_ASKER = re.compile("记者|追问|提问|问及")
# An outlet by what it is: an agency, paper, station, site, magazine…
_ZH_OUTLET = re.compile("(?:社|报|台|网|刊|频道|电视|广播|新闻|媒体|杂志|通讯|日报|周刊|央视|央广|"
                        "国广|总台|集团)$|[A-Za-z]{2,}")
# An official's title before the name: 外交部发言人 赵立坚, 主持人 胡凯红, 国防部新闻局副局长 …
_ZH_OFFICE = re.compile("^.*(?:发言人|主持人|部长|副部长|主任|局长|司长|大使|总领事|秘书长|委员|"
                        "参赞|处长)")
# Characters of grammar (pronouns, particles, numbers, conjunctions) that personal names
# practically never hold and the sentences that end in a colon always do.
_ZH_NOT_IN_NAMES = re.compile("[我你您他她它们这那此其的地得是了着过在有和与及就都也还又要想说讲"
                              "谈看让请把被对从向给几点个些第一二三四五六七八九十百千万之所以而或"
                              "如若因但虽然后首先最总例比关于即便只再更很将会能可该话句]")


# Initials before a surname, written together: М.В.Захарова, M.Zakharova.
_INITIALS = re.compile(r"(?:[A-ZА-ЯЁ]\.){1,2}[A-ZА-ЯЁ][a-zа-яё]+")


def _key(speaker: str) -> tuple[str, ...]:
    """A speaker's name without titles: `Chairperson Hu Kaihong` and `Hu Kaihong` are one."""
    words = [w.lower().strip(".") for w in speaker.split()]
    while len(words) > 1 and (words[0] in _TITLES or words[0] + "." in _TITLES):
        words.pop(0)
    return tuple(words)


def _same(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    shorter, longer = sorted((a, b), key=len)
    return longer[len(longer) - len(shorter):] == shorter


def _marker(speaker: str) -> str | None:
    bare = speaker.lower()
    if bare in _ASK or "记者" in speaker or speaker.endswith(("提问", "追问")) \
            or _NOTE.match(speaker):
        return "question"
    if bare in _ANSWER:
        return "answer"
    return None


def _classify(turns: list[dict], title: str) -> None:
    # Decided once a speaker, not once a turn: a conference's sixty turns have a few speakers.
    speakers = list(dict.fromkeys(t["speaker"] for t in turns if t["speaker"] is not None))
    markers = {speaker: _marker(speaker) for speaker in speakers}
    key_of = {speaker: _key(speaker) for speaker in speakers if markers[speaker] is None}
    unmarked = [t for t in turns if t["speaker"] in key_of]
    keys = [key_of[t["speaker"]] for t in unmarked]
    names = load_names()
    officials: list[tuple[str, ...]] = []
    for speaker, key in key_of.items():
        if key not in officials and _official(speaker, title, names):
            officials.append(key)
    # The most frequent speakers, unless everyone speaks as often (one outlet, one answerer).
    counts = Counter(keys)
    top = max(counts.values(), default=0)
    tied = [key for key, n in counts.items() if n == top]
    if top >= 2 and (len(tied) == 1 or len(tied) < len(counts)):
        officials += [key for key in _answerers(tied, keys, key_of, officials, names)
                      if key not in officials]
    answers = {speaker: any(_same(key, o) for o in officials)
               for speaker, key in key_of.items()}

    asked = False
    previous: tuple[str | None, str | None] = (None, None)  # (speaker key, role) of last turn
    named: dict[tuple[str, str], str | None] = {}
    for turn in turns:
        speaker = turn["speaker"]
        if speaker is None:
            continue
        role = markers[speaker]
        if role is None:
            key = key_of[speaker]
            if officials:
                role = "answer" if answers[speaker] else "question"
            elif previous[0] == key:
                role = previous[1]
            else:
                role = "answer" if previous[1] == "question" else "question"
            previous = (key, role)
        else:
            previous = (None, role)
        if role == "answer" and not asked:
            role = "remarks"
        asked = asked or role == "question"
        turn["role"] = role
        if (speaker, role) not in named:
            named[(speaker, role)] = _name(speaker, role)
        turn["name"] = named[(speaker, role)]


_CJK_START = re.compile(f"[{_CJK}]")


def _official(speaker: str, title: str, names) -> bool:
    """A speaker an official by the name itself: named in the title, a spokesperson of the
    names table, a Chinese personal name, or an official's title first."""
    first = speaker.split()[0].lower()
    # A name, not a one-word outlet that a title might mention in passing.
    long_enough = len(speaker.split()) >= 2 or (len(speaker) >= 2
                                                 and _CJK_START.match(speaker))
    named = bool(long_enough) and speaker.lower() in title.lower()
    # In Chinese a person is told from an outlet by the name itself (outlets ask as 记者).
    person = cjk.LETTER.search(speaker) and not _ZH_OUTLET.search(speaker) and _zh_person(
        speaker, title)
    return bool(named or person or names.is_spokesperson(speaker) or first in _TITLES
                or first + "." in _TITLES)


def _answerers(tied: list[tuple[str, ...]], keys: list[tuple[str, ...]],
               key_of: dict[str, tuple[str, ...]], officials: list[tuple[str, ...]],
               names) -> list[tuple[str, ...]]:
    """Of the speakers tied for the most turns, those who answer. An outlet of the names
    table asks, however often. Of the others, one who speaks only beside the officials and
    the speakers tied with it asks: an outlet whose last question has no answer yet speaks as
    often as the spokesperson (`Reuters`, `Wang Wenbin`, `CCTV`, `Wang Wenbin`, `Reuters`),
    but only ever beside the spokesperson, who answers the other outlets too. Two officials
    answering as often (a minister and the chairperson) each speak beside outlets: both
    answer. When none speaks beside anyone else, all of them answer."""
    speakers = {key: speaker for speaker, key in key_of.items()}
    tied = [key for key in tied if not names.knows_outlet(speakers[key])]
    if len(tied) < 2:
        return tied
    beside: dict[tuple[str, ...], set] = {key: set() for key in tied}
    for before, after in zip(keys, keys[1:], strict=False):
        if before != after:
            for one, other in ((before, after), (after, before)):
                if one in beside:
                    beside[one].add(other)
    known = set(tied) | set(officials)
    answering = [key for key in tied if beside[key] - known]
    return answering or tied


def _name(speaker: str, role: str) -> str | None:
    if _marker(speaker) and "记者" not in speaker:
        return None  # Q:, A:, 问：, 答： name nobody
    if "记者" in speaker:
        name = speaker.split("记者")[0].strip("《》〈〉 ")
        return name if name and not name.endswith(("有", "后")) else None
    return speaker


def reclassify(turns: list[dict], title: str = "") -> list[dict]:
    """Stored turns with their roles and names decided again by today's rules, their speakers
    and spans as they were split: what an upgrade that changes only who asks and who answers
    needs, without reading any text."""
    again = [{**t, "role": None} if t["speaker"] is not None else dict(t) for t in turns]
    _classify(again, title)
    return [{"role": t["role"], "speaker": t["speaker"], "name": t.get("name"),
             "start": t["start"], "end": t["end"]} for t in again]


def turns_of(version: dict) -> list[dict]:
    """A stored version's speaker turns: as recorded, else (versions stored before turns were
    recorded) split from its text now."""
    if version.get("turns") is not None:
        return version["turns"]
    return split_turns(version["text"], version["title"])


def pack_turns(turns: list[dict] | None) -> str | None:
    """A version's turns as stored: one [role, speaker, name, start, end] array a turn, the
    name 0 when it is the speaker as written (a third of the size of the same dicts; 6 KB a
    version over a decade, bench/DECADE.md)."""
    if turns is None:
        return None
    return json.dumps([[t["role"], t["speaker"],
                        0 if t["name"] == t["speaker"] and t["name"] is not None else t["name"],
                        t["start"], t["end"]] for t in turns],
                      ensure_ascii=False, separators=(",", ":"))


def unpack_turns(stored: str | None) -> list[dict] | None:
    """Stored turns as dicts; those stored as dicts (before pack_turns) read as they are."""
    if not stored:
        return None
    rows = json.loads(stored)
    return [row if isinstance(row, dict) else
            {"role": row[0], "speaker": row[1], "name": row[1] if row[2] == 0 else row[2],
             "start": row[3], "end": row[4]} for row in rows]
