"""The names table on the real archive: every outlet that asks in the 142 real English/Chinese
pairs of ../shared/real-pages/fmprc-2020-pairs/ is known, and the English and Chinese labels of
one question (tests/data/outlet_labels.toml, read in both texts) are one canonical name."""

from __future__ import annotations

import csv
import functools
import tomllib
from pathlib import Path

import pytest
from briefwatch.storage.text.names import load_names, written_key

from tests.helpers import REAL_PAGES

PAIRS = REAL_PAGES.parent / "fmprc-2020-pairs"
LABELS = tomllib.loads((Path(__file__).parent / "data" / "outlet_labels.toml").read_text(
    encoding="utf-8"))
ANONYMOUS = {"Q", "问"}

needs_pairs = pytest.mark.skipif(not PAIRS.exists(),
                                 reason="../shared/real-pages/fmprc-2020-pairs is not beside "
                                        "the checkout")


@functools.cache
def _page(date: str, lang: str):
    """The transcript as briefwatch extracts it from the real page."""
    from briefwatch.crawler.decode import decode_html
    from briefwatch.crawler.extract import extract

    with (PAIRS / "INDEX.tsv").open(encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh, delimiter="\t") if r["date"] == date)
    html, _ = decode_html((PAIRS / f"{date}.{lang}.shtml").read_bytes())
    return extract(html, row["english_url" if lang == "en" else "chinese_url"])


def _paragraphs(date: str, lang: str) -> list[str]:
    return [p.strip() for p in _page(date, lang).text.split("\n") if p.strip()]


@needs_pairs
@pytest.mark.parametrize("pair", LABELS["pairs"], ids=[f"{p['en']}={p['zh']}"
                                                       for p in LABELS["pairs"]])
def test_both_labels_of_one_question_are_one_canonical_name(pair):
    names = load_names()
    for date in pair["dates"]:
        assert any(p.startswith(pair["en"] + ":") for p in _paragraphs(date, "en")), date
        assert any(p.startswith(pair["zh"] + "：") for p in _paragraphs(date, "zh")), date
    assert names.knows_outlet(pair["en"]) and names.knows_outlet(pair["zh"]), pair
    assert names.outlet(pair["en"]) == names.outlet(pair["zh"])


@needs_pairs
def test_every_outlet_asking_in_the_real_pairs_is_in_the_names_table():
    from briefwatch.storage.text.turns import split_turns

    names = load_names()
    labelled = {p[k] for p in LABELS["pairs"] for k in ("en", "zh")}
    unknown = set()
    with (PAIRS / "INDEX.tsv").open(encoding="utf-8") as fh:
        dates = [r["date"] for r in csv.DictReader(fh, delimiter="\t")]
    assert len(dates) == 142
    for date in dates:
        for lang in ("en", "zh"):
            page = _page(date, lang)
            for turn in split_turns(page.text, page.title):
                label = turn["speaker"]
                if turn["role"] != "question" or label in ANONYMOUS:
                    continue
                if names.knows_outlet(label):
                    continue
                # what the splitter may take for a label and is no outlet's: a spokesperson's
                # sentence ending in `：` (`这里我想强调几点：`), a note on a question asked after
                # the conference; only a journalist's label (Chinese), a short name (English)
                if lang == "zh" and "记者" not in label:
                    continue
                if lang == "en" and ("," in label or len(label.split()) > 5
                                     or "press conference" in label.lower()):
                    continue
                unknown.add(label)
    assert unknown <= set(LABELS["unresolved"]), sorted(unknown - set(LABELS["unresolved"]))
    assert labelled - {lab for lab in labelled if names.knows_outlet(lab)} == set()


def test_a_label_that_says_the_journalist_asks_is_the_outlet():
    names = load_names()
    assert written_key("路透社记者提问") == written_key("路透社记者") == written_key("路透社")
    assert names.outlet("中新社记者提问") == "China News Service"
    assert names.outlet("《北京青年报》记者") == "Beijing Youth Daily"
    assert not names.knows_outlet("外国记者提问")  # "a foreign journalist": no outlet
