import pytest
from briefwatch.storage.text.normalize import canonical_hash, canonical_text, clean_paragraphs

BASE = "Wang Lan: China's position is clear. We don't accept \"so-called\" protests."


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(BASE.replace(" is clear", "\u00a0is clear"), id="non-breaking-space"),
        pytest.param(BASE.replace(". We", ".\u3000We"), id="ideographic-space"),
        pytest.param(BASE.replace(". We", ".\u2002 We"), id="en-space"),
        pytest.param(BASE.replace("China's", "China\u2019s"), id="curly-apostrophe"),
        pytest.param(BASE.replace('"so-called"', "\u201cso-called\u201d"), id="curly-quotes"),
        pytest.param(BASE.replace("Wang Lan:", "Wang Lan\uff1a"), id="full-width-colon"),
        pytest.param(BASE.replace("clear", "cl\u200bear"), id="zero-width-space"),
        pytest.param("  " + BASE.replace(" We", "\n  We").replace("\n", " ") + "   ",
                     id="whitespace-runs"),
    ],
)
def test_typography_is_not_an_edit(variant):
    assert variant != BASE
    assert canonical_hash("Title", variant) == canonical_hash("Title", BASE)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(BASE.replace("clear", "firm"), id="word"),
        pytest.param(BASE.replace(" We don't accept \"so-called\" protests.", ""), id="sentence"),
        pytest.param(BASE.replace("don't", "do not"), id="contraction"),
    ],
)
def test_wording_is_an_edit(edit):
    assert canonical_hash("Title", edit) != canonical_hash("Title", BASE)


def test_title_change_is_an_edit():
    assert canonical_hash("Press Conference", BASE) != canonical_hash("Press Briefing", BASE)


def test_paragraph_split_is_an_edit():
    assert canonical_text("a b\nc") != canonical_text("a b c")


@pytest.mark.parametrize(
    "variant",
    [
        "中方注意到有关消息。 我们再次敦促有关方面。",
        "中方注意到有关消息。  \t 我们再次敦促有关方面。",
        "中方注意到 有关消息。我们再次敦促有关方面。",
        "中方注意到有关消息。\u3000我们再次敦促有关方面。",
    ],
)
def test_spaces_in_chinese_are_layout(variant):
    base = "中方注意到有关消息。我们再次敦促有关方面。"
    assert canonical_hash("标题", variant) == canonical_hash("标题", base)
    assert canonical_hash("标题", base.replace("再次", "")) != canonical_hash("标题", base)


def test_clean_paragraphs_trims_ideographic_indent_and_blank_lines():
    assert clean_paragraphs("\u3000\u3000问：你好？\n\n \u3000答：谢谢。 \n") == [
        "问：你好？", "答：谢谢。"]


def test_canonical_text_is_canonical_paragraph_line_by_line():
    # canonical_text works on the whole text at once, for speed; stored hashes depend on it
    # giving exactly what the per-paragraph definition gives.
    import random

    from briefwatch.storage.text.normalize import canonical_paragraph, canonical_text

    r = random.Random(7)
    alphabet = ("ab Z1 中文。，\u200b\u00ad\u2019\u201cＡ１ﬁ・“”"
                + "".join(chr(c) for c in range(0x3001) if chr(c).isspace()))
    for _ in range(5000):
        text = "".join(r.choice(alphabet) for _ in range(r.randint(0, 40)))
        by_line = "\n".join(p for p in map(canonical_paragraph, text.split("\n")) if p)
        assert canonical_text(text) == by_line, repr(text)
