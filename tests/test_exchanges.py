"""Exchanges and the pairing of the two languages, measured on real conferences.

`tests/data/real_pairs.toml` holds six real conferences (../shared/real-pages) labelled by
hand, by reading both texts: every exchange of each language, where it starts, its outlet as
written, and which exchange of one language is which of the other. The bar: the same
exchanges, outlets resolved, every exchange aligned one to one, and an exchange cut from one
language (on a copy of the real text) reported, and no other.
"""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import pytest
from briefwatch.storage.text.exchanges import build_exchanges
from briefwatch.storage.text.names import load_names
from briefwatch.storage.text.pairing import pair_exchanges
from briefwatch.storage.text.turns import split_turns

from tests.helpers import REAL_PAGES

DATA = Path(__file__).parent / "data"
# The six of ../shared/real-pages/fmprc-2020, then 32 of ../shared/real-pages/fmprc-2020-pairs.
LABELS = [conference for name in ("real_pairs.toml", "real_pairs_2020.toml")
          for conference in tomllib.loads((DATA / name).read_text(encoding="utf-8"))
          ["conference"]]
# Labels that ask without naming an outlet.
ANONYMOUS = {"", "Q", "问", "Follow-up", "追问", "记者追问"}

needs_real_pages = pytest.mark.skipif(not REAL_PAGES.exists(),
                                      reason="../shared/real-pages is not beside the checkout")


def _text(name: str, url: str | None = None) -> tuple[str, str]:
    from briefwatch.crawler.decode import decode_html
    from briefwatch.crawler.extract import extract

    html, _ = decode_html((REAL_PAGES / name).read_bytes())
    transcript = extract(html, url or f"https://www.fmprc.gov.cn/{name}")
    return transcript.text, transcript.title


def _texts(labels: dict) -> dict[str, tuple[str, str]]:
    return {lang: _text(labels[f"{lang}_file"], labels.get(f"{lang}_url"))
            for lang in ("en", "zh")}


def _exchanges(text: str, title: str) -> list[dict]:
    return build_exchanges(text, split_turns(text, title), load_names(), title)


def _asked(exchanges: list[dict]) -> list[dict]:
    return [e for e in exchanges if e["index"] >= 1]


@needs_real_pages
@pytest.mark.parametrize("labels", LABELS, ids=[c["date"] for c in LABELS])
def test_real_conferences_give_the_exchanges_a_reader_sees(labels):
    names = load_names()
    texts = _texts(labels)
    for lang in ("en", "zh"):
        found = _asked(_exchanges(*texts[lang]))
        expected = labels[lang]
        assert [(e["index"], e["start"]) for e in found] == [
            (e["index"], e["paragraph"]) for e in expected], lang
        for got, want in zip(found, expected, strict=True):
            written = None if want["outlet"] in ANONYMOUS else want["outlet"]
            if written and (written.startswith("会后") or "conference" in written):
                written = None  # "asked after the conference" names nobody
            # Every answer is someone's: the title names who answers `A:`/`答：`.
            assert got["spokesperson"], (lang, want)
            assert got["outlet_as_written"] == written, (lang, want)
            if written:
                assert names.knows_outlet(written), f"{written!r} is not in the names table"
                assert got["outlet"] == names.outlet(written)


@needs_real_pages
@pytest.mark.parametrize("labels", LABELS, ids=[c["date"] for c in LABELS])
def test_real_conferences_pair_one_to_one(labels):
    texts = _texts(labels)
    en, zh = (_exchanges(*texts[lang]) for lang in ("en", "zh"))
    pairing = pair_exchanges(en, zh)
    assert [list(p) for p in pairing.matched] == labels["matched"]
    assert (pairing.missing_in_en, pairing.missing_in_zh, pairing.merged) == ([], [], [])
    assert pairing.uncertain is None and not pairing.divergent


def _cut(text: str, title: str, index: int) -> str:
    """The text without exchange `index` (its question and answers)."""
    exchange = next(e for e in _exchanges(text, title) if e["index"] == index)
    paragraphs = [p for p in text.split("\n") if p.strip()]
    return "\n".join(paragraphs[:exchange["start"]] + paragraphs[exchange["end"]:])


def _cuts(labels: dict) -> list[tuple[str, int, str]]:
    """Each exchange cut in turn from one language: (language, index, what the pairing says):
    `exact` (that exchange, and only it, missing with confidence), `other` (another one
    missing), `merged` (taken for a follow-up merged), `uncertain`, or `silent`."""
    texts = _texts(labels)
    full = {lang: _exchanges(*texts[lang]) for lang in texts}
    other = {"en": "zh", "zh": "en"}
    kept = dict(map(tuple, labels["matched"]))
    out = []
    for lang in ("en", "zh"):
        for index in range(1, len(_asked(full[lang])) + 1):
            cut = _exchanges(_cut(*texts[lang], index), texts[lang][1])
            sides = {lang: cut, other[lang]: full[other[lang]]}
            pairing = pair_exchanges(sides["en"], sides["zh"])
            # the cut exchange is reported by its index in the language that keeps it
            expected = kept[index] if lang == "en" else {z: e for e, z in kept.items()}[index]
            missing = pairing.missing_in_en if lang == "en" else pairing.missing_in_zh
            assert next(e for e in full[other[lang]] if e["index"] == expected)["first_words"]
            if pairing.uncertain:
                said = "uncertain"
            elif missing == [expected] and not pairing.merged and pairing.divergent:
                said = "exact"
            elif missing:
                said = "other"
            else:
                said = "merged" if pairing.merged else "silent"
            out.append((lang, index, said))
    return out


@needs_real_pages
@pytest.mark.parametrize("labels", LABELS, ids=[c["date"] for c in LABELS])
def test_an_exchange_cut_from_one_language_is_reported(labels):
    """The six first labelled conferences: every cut exactly (130/130). The others: every cut
    is noticed; at most two a conference are credited to a neighbour or taken for a merge
    (two consecutive questions on one topic, either cut: bench/PAIRING.md lists them)."""
    said = _cuts(labels)
    missed = [f"cut {lang} {index}: {what}" for lang, index, what in said if what != "exact"]
    assert not [m for m in missed if m.endswith("silent")]
    if labels["en_file"].startswith("en_"):
        assert missed == []
    else:
        assert len(missed) <= 2, missed


PAIRS = REAL_PAGES.parent / "fmprc-2020-pairs"
ARCHIVE = list(csv.DictReader((PAIRS / "INDEX.tsv").open(encoding="utf-8"), delimiter="\t")
               ) if PAIRS.exists() else []


@pytest.mark.skipif(not ARCHIVE, reason="../shared/real-pages/fmprc-2020-pairs is not here")
@pytest.mark.parametrize("row", ARCHIVE, ids=[r["date"] for r in ARCHIVE])
def test_the_real_archive_pairs_without_a_false_alarm(row):
    """142 real conferences published in both languages, none edited, every exchange in both
    (bench/PAIRING.md): none is divergent or uncertain, every answer says who gave it."""
    sides = {}
    for lang, url in (("en", row["english_url"]), ("zh", row["chinese_url"])):
        text, title = _text(f"../fmprc-2020-pairs/{row['date']}.{lang}.shtml", url)
        sides[lang] = _exchanges(text, title)
        assert all(e["spokesperson"] for e in _asked(sides[lang]) if e["answer"]), lang
    pairing = pair_exchanges(sides["en"], sides["zh"])
    assert not pairing.divergent and pairing.uncertain is None, pairing.steps


def test_a_users_names_file_adds_outlets_and_forms(tmp_path):
    mine = tmp_path / "names.toml"
    mine.write_text('[[outlets]]\nname = "Planet News"\nen = ["PNN"]\nzh = ["星球新闻社"]\n\n'
                    '[[outlets]]\nname = "Reuters"\nzh = ["路透"]\n', encoding="utf-8")
    names = load_names(mine)
    assert names.outlet("星球新闻社记者") == names.outlet("PNN") == "Planet News"
    assert names.outlet("《路透》记者") == names.outlet("路透社记者") == "Reuters"
    assert names.outlet("Unknown Daily") == "Unknown Daily"  # unknown: as written
    assert not load_names().knows_outlet("PNN")  # the shipped table is left alone


def test_an_aside_a_predecessor_and_a_follow_up_label_are_not_questions():
    title = "Foreign Ministry Spokesperson Wang Wenbin's Regular Press Conference on May 1, 2023"
    text = "\n".join([
        "Hua Chunying: Good afternoon. Let me introduce my colleague Wang Wenbin.",
        "Wang Wenbin: Thank you. I have two announcements.",
        "Reuters: Will the talks on river water sharing go ahead next week?",
        "Wang Wenbin: They will. Do you have a follow-up?",
        "Reuters: Yes.",
        "Wang Wenbin: Then go ahead after AFP.",
        "AFP: What did the two ministers agree on fisheries?",
        "Wang Wenbin: A joint commission will meet in June.",
        "Follow-up: Where will it meet?",
        "Wang Wenbin: In Beijing.",
    ])
    found = build_exchanges(text, split_turns(text, title), load_names())
    assert [(e["index"], e["outlet"], e["spokesperson"]) for e in found] == [
        (0, None, None), (1, "Reuters", "Wang Wenbin"), (2, "AFP", "Wang Wenbin"),
        (3, None, "Wang Wenbin")]
    assert "Yes." in found[1]["answer"] and "Then go ahead" in found[1]["answer"]
    assert found[3]["first_words"] == "Where will it meet?"


def test_a_question_credited_to_different_outlets_in_each_language_still_pairs():
    from briefwatch.storage.text.pairing import pair_exchanges

    en_title = "Foreign Ministry Spokesperson Lin Jian's Regular Press Conference on May 9, 2024"
    zh_title = "2024年5月9日外交部发言人林剑主持例行记者会"
    en = "\n".join([
        "AFP: The Philippines said on May 8 that 12 vessels were seen near Huangyan Dao. "
        "What is China's comment?",
        "Lin Jian: Huangyan Dao is China's territory. We urge the Philippines to stop.",
        "NHK: Japan will hold talks with the ROK on May 26 in Seoul. What does China expect?",
        "Lin Jian: We hope the talks will be conducive to regional peace and stability. China, "
        "Japan and the ROK are close neighbors.",
        "Reuters: Will President Xi visit France, Serbia and Hungary next week?",
        "Lin Jian: We will release information in due course.",
    ])
    zh = "\n".join([
        "法新社记者：菲律宾5月8日称，在黄岩岛附近发现12艘船只。中方对此有何评论？",
        "林剑：黄岩岛是中国领土。我们敦促菲方停止侵权挑衅。",
        "共同社记者：日本将于5月26日在首尔同韩国举行会谈。中方有何期待？",
        "林剑：我们希望会谈有利于地区和平稳定。中日韩是近邻。",
        "路透社记者：习近平主席下周是否将访问法国、塞尔维亚和匈牙利？",
        "林剑：我们会适时发布消息。",
    ])
    names = load_names()
    pairing = pair_exchanges(build_exchanges(en, split_turns(en, en_title), names),
                             build_exchanges(zh, split_turns(zh, zh_title), names))
    assert pairing.matched == [(1, 1), (2, 2), (3, 3)]
    assert (pairing.missing_in_en, pairing.missing_in_zh, pairing.merged) == ([], [], [])


def test_a_record_of_more_exchanges_than_a_conference_has_is_not_aligned():
    """The alignment weighs every exchange against every other: past MAX_ALIGNED exchanges
    (a hostile or broken page; the real conferences have at most twenty) the pair is
    uncertain, says why, and names no exchange missing."""
    from briefwatch.storage.text.pairing import MAX_ALIGNED

    def record(lang: str, count: int) -> list[dict]:
        text = "\n".join(
            f"Reuters: Question {i} on trade?\nLin Jian: Answer {i}." if lang == "en" else
            f"路透社记者：第{i}个问题？\n林剑：回答{i}。" for i in range(count))
        return build_exchanges(text, split_turns(text), load_names())

    at_most = pair_exchanges(record("en", MAX_ALIGNED), record("zh", MAX_ALIGNED - 1))
    assert len(at_most.matched) == MAX_ALIGNED - 1 and len(at_most.missing_in_zh) == 1
    past = pair_exchanges(record("en", MAX_ALIGNED + 1), record("zh", MAX_ALIGNED))
    assert (past.matched, past.missing_in_en, past.missing_in_zh, past.divergent) == (
        [], [], [], False)
    assert past.uncertain == (f"too many exchanges to align ({MAX_ALIGNED + 1} English, "
                              f"{MAX_ALIGNED} Chinese; at most {MAX_ALIGNED} are): not a "
                              f"conference's record")
