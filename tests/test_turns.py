"""Speaker turns in every format the briefings use (storage.text.turns)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from briefwatch.jobs.demo import invent_briefings, question_indices
from briefwatch.storage.text.turns import reclassify, speaker_of, split_turns

from tests.helpers import REPO

SAMPLES = REPO.parent / "shared" / "samples"


def roles(text: str, title: str = "") -> list[tuple[str, str | None, str | None, int, int]]:
    return [(t["role"], t["speaker"], t["name"], t["start"], t["end"])
            for t in split_turns(text, title)]


def test_foreign_ministry_2024_outlets_ask_the_spokesperson_answers():
    text = "\n".join([
        "The Foreign Minister of Kenya will visit China from March 3 to 5.",
        "Reuters: China today started operations at a new station. How will China respond?",
        "Wang Wenbin: As a consultative party, China always complies with the rules.",
        "The station will contribute to science.",
        "CCTV: Can you give us more details?",
        "Wang Wenbin: China is committed to opening-up.",
    ])
    title = ("Foreign Ministry Spokesperson Wang Wenbin’s Regular Press Conference on "
             "February 7, 2024")
    assert roles(text, title) == [
        ("announcements", None, None, 0, 1),
        ("question", "Reuters", "Reuters", 1, 2),
        ("answer", "Wang Wenbin", "Wang Wenbin", 2, 4),  # the second paragraph has no prefix
        ("question", "CCTV", "CCTV", 4, 5),
        ("answer", "Wang Wenbin", "Wang Wenbin", 5, 6),
    ]


def test_q_and_a_markers():
    text = "Announcement.\nQ: Will China attend?\nA: China will attend.\nMore on that.\nQ: And?"
    assert roles(text) == [("announcements", None, None, 0, 1), ("question", "Q", None, 1, 2),
                           ("answer", "A", None, 2, 4), ("question", "Q", None, 4, 5)]


def test_state_department_style():
    text = ("MR MILLER: Good afternoon, everybody.\nQUESTION: Thanks, Matt. On Gaza?\n"
            "MR MILLER: We have been clear.\nQUESTION: Follow-up?\nMR MILLER: No.")
    assert [r[:2] for r in roles(text)] == [
        ("remarks", "MR MILLER"), ("question", "QUESTION"), ("answer", "MR MILLER"),
        ("question", "QUESTION"), ("answer", "MR MILLER")]


def test_chinese_markers_and_full_width_colons():
    text = "问：中方对此有何评论？\n答：中方注意到有关报道。\n我们一贯主张和平解决。"
    assert roles(text) == [("question", "问", None, 0, 1), ("answer", "答", None, 1, 3)]
    text = "\n".join([
        "应邀，肯尼亚外长将访华。", "中央电视台记者：日前，老挝发表声明。中方有何评论？",
        "赵立坚：中方高度赞赏。", "《北京青年报》记者：近日，纪录片引发热议。",
        "赵立坚：谢谢你关注。",
        "会后有记者问及：据报道，日方称将坚决维护。", "赵立坚：钓鱼岛是中国固有领土。",
    ])
    assert roles(text, "2020年7月3日外交部发言人赵立坚主持例行记者会") == [
        ("announcements", None, None, 0, 1),
        ("question", "中央电视台记者", "中央电视台", 1, 2),
        ("answer", "赵立坚", "赵立坚", 2, 3),
        ("question", "《北京青年报》记者", "北京青年报", 3, 4),
        ("answer", "赵立坚", "赵立坚", 4, 5),
        ("question", "会后有记者问及", None, 5, 6),
        ("answer", "赵立坚", "赵立坚", 6, 7),
    ]


def test_scio_speaker_lines_and_chairperson():
    text = "\n".join([
        "Speaker:", "Liu Zhenmin, vice foreign minister", "Date:", "Jan. 11, 2017",
        "Chairperson Hu Kaihong:", "Ladies and gentlemen, good afternoon.",
        "Liu Zhenmin:", "I'm glad to see this press conference.",
        "Finally, in summary: As an important member, China undertakes its responsibility.",
        "CCTV:", "What is the significance of the white paper?",
        "Liu Zhenmin:", "It is the first one.",
        "Hu Kaihong:", "Today's press conference ends here.",
    ])
    assert roles(text) == [
        ("announcements", None, None, 0, 4),  # header labels are not speakers
        ("remarks", "Chairperson Hu Kaihong", "Chairperson Hu Kaihong", 4, 6),
        ("remarks", "Liu Zhenmin", "Liu Zhenmin", 6, 9),  # "Finally, in summary:" is text
        ("question", "CCTV", "CCTV", 9, 11),
        ("answer", "Liu Zhenmin", "Liu Zhenmin", 11, 13),
        ("answer", "Hu Kaihong", "Hu Kaihong", 13, 15),  # the chairperson, without the title
    ]


def test_one_exchange_and_no_title_falls_back_to_alternation():
    text = "Bloomberg: Will China attend the conference?\nLin Jian: We will release information."
    assert [r[0] for r in roles(text)] == ["question", "answer"]


# A question appended at the end with no answer yet: its outlet speaks as often as the
# spokesperson, and no title names him.
UNANSWERED = ("Kenya's minister will visit.\nReuters: Will the minister visit?\n"
              "{official}: We will release information.\nCCTV: How does China view the forum?\n"
              "{official}: It is a success.\nReuters: What of the remarks on Taiwan?")


@pytest.mark.parametrize("official", ["Wang Wenbin", "Ada Okonjo"])
def test_an_unanswered_last_question_still_asks(official):
    """Wang Wenbin is a spokesperson of the names table; Ada Okonjo is nobody's: she answers
    because she speaks beside every other speaker, where Reuters speaks beside her only."""
    assert [r[:2] for r in roles(UNANSWERED.format(official=official))] == [
        ("announcements", None), ("question", "Reuters"), ("answer", official),
        ("question", "CCTV"), ("answer", official), ("question", "Reuters")]


def test_two_officials_who_answer_as_often_both_answer():
    """Two officials tied for the most turns, no title naming them: each answers outlets, so
    both answer, though Guo Ren answers the same outlet twice and so speaks beside fewer."""
    text = ("Acme News: First?\nLiu Jun: One.\nDaily Star: Second?\nGuo Ren: Two.\n"
            "Daily Star: And?\nGuo Ren: Also.\nMorning Wire: Third?\nLiu Jun: Three.\n"
            "Evening Post: Fourth?\nGuo Ren: Four.\nCity Radio: Fifth?\nLiu Jun: Five.")
    assert [r[:2] for r in roles(text)] == [
        (role, speaker) for speaker in (line.split(":")[0] for line in text.split("\n"))
        for role in ["answer" if speaker in ("Liu Jun", "Guo Ren") else "question"]]


def test_an_outlet_of_the_names_table_asks_however_often_it_speaks():
    text = ("AFP: First?\nAda Okonjo: One.\nAFP: Second?\nAda Okonjo: Two.\nAFP: Third?\n"
            "Bloomberg: Fourth?\nAda Okonjo: Four.")
    assert [r[:2] for r in roles(text)] == [
        ("question", "AFP"), ("answer", "Ada Okonjo"), ("question", "AFP"),
        ("answer", "Ada Okonjo"), ("question", "AFP"), ("question", "Bloomberg"),
        ("answer", "Ada Okonjo")]


@pytest.mark.parametrize("paragraph", [
    "Liu Weimin started the press conference with the following announcements:",
    "Finally, in summary: China always undertakes its responsibility.",
    "At 3 p.m.: the talks resumed.",
    "The following question was raised after the press conference.",
    "据报道，今天下午：有关方面发表声明。",
    "12:30 The talks resumed.",
])
def test_text_that_is_not_a_speaker(paragraph):
    assert speaker_of(paragraph) is None


@pytest.mark.parametrize("paragraph, speaker", [
    ("Taiwan Central News Agency (CNA): I have two questions.", "Taiwan Central News Agency (CNA)"),
    ("People's Daily:", "People's Daily"),
    ("Voice of America: What is the plan?", "Voice of America"),
    ("NRC Handelsblad: What relationship?", "NRC Handelsblad"),
    ("中新社记者：香港美国商会近日发布声明。", "中新社记者"),
    ("答：中方注意到有关消息。", "答"),
])
def test_speakers(paragraph, speaker):
    assert speaker_of(paragraph) == speaker


def test_a_note_between_turns_is_its_own_block():
    text = ("AFP: Any comment?\nZhao Lijian: No.\n"
            "The following question is raised after the press conference.\n"
            "Q: On Diaoyu Dao?\nZhao Lijian: It is China's territory.")
    assert [r[0] for r in roles(text, "Spokesperson Zhao Lijian's Regular Press Conference")] \
        == ["question", "answer", "note", "question", "answer"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_invented_briefing_is_split_as_the_generator_wrote_it(lang):
    for briefing in invent_briefings(lang, dt.date(2024, 3, 8), 60, seed=3):
        turns = split_turns("\n".join(briefing.paragraphs), briefing.title)
        questions = [t["start"] for t in turns if t["role"] == "question"]
        assert questions == question_indices(briefing), briefing.title
        assert turns[0]["role"] == "announcements" and turns[0]["start"] == 0
        assert {t["name"] for t in turns if t["role"] == "answer"} == {briefing.spokesperson}
        covered = [i for t in turns for i in range(t["start"], t["end"])]
        assert covered == list(range(len(briefing.paragraphs)))


def test_stored_turns_classified_again_read_as_a_fresh_split():
    """storage.text.turns.reclassify (the upgrade m015) decides roles from stored speakers
    alone: on every format, and on turns whose roles were stored wrong, it gives what
    split_turns gives."""
    texts = [(text, title) for text, title, _ in ROOMS.values()]
    texts += [("\n".join(b.paragraphs), b.title) for lang in ("en", "zh")
              for b in invent_briefings(lang, dt.date(2024, 3, 8), 10, seed=4)]
    texts += [(UNANSWERED.format(official="Ada Okonjo"), "")]
    for text, title in texts:
        fresh = split_turns(text, title)
        scrambled = [{**t, "role": "question" if t["role"] == "answer" else t["role"]}
                     for t in fresh]
        assert reclassify(scrambled, title) == fresh, title


SAMPLE_CASES = {
    "mfa-2024-02-07.txt": ("Reuters", "Wang Wenbin", 11),
    "consulate-vancouver-2012-02-06.txt": (None, None, 9),
    "scio-2017-01-11.txt": ("CCTV", "Liu Zhenmin", 10),
}


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="no ../shared/samples beside the checkout")
@pytest.mark.parametrize("name", sorted(SAMPLE_CASES))
def test_real_transcripts(name):
    outlet, spokesperson, questions = SAMPLE_CASES[name]
    text = (SAMPLES / name).read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if "Spokesperson" in line or "SCIO" in line)
    turns = split_turns(text, title)
    asked = [t for t in turns if t["role"] == "question"]
    assert len(asked) == questions
    assert asked[0]["name"] == outlet
    answers = {t["name"] for t in turns if t["role"] == "answer"}
    assert spokesperson in answers
    if spokesperson:
        assert all(t["role"] != "question" or t["name"] != spokesperson for t in turns)


# Each briefing room's speaker format (../shared/briefing-rooms.md): (text, title, expected
# (role, speaker, name) of every turn).
ROOMS = {
    "mnd-zh": (
        "记者：请问美方近期动向？\n蒋斌： 我们注意到有关报道。\n中方坚决反对。\n"
        "记者：还有一个问题。\n蒋斌：谢谢。",
        "2026年9月国防部例行记者会文字实录",
        [("question", "记者", None), ("answer", "蒋斌", "蒋斌"), ("question", "记者", None),
         ("answer", "蒋斌", "蒋斌")]),
    "mnd-en": (
        "Jiang Bin: I have an announcement.\nJournalist: What about it?\nJiang Bin: We noted it.\n"
        "Unlabelled lines continue the answer.\nReporter: And this?\nJiang Bin: Thanks.",
        "Regular Press Conference of the Ministry of National Defense on September 25",
        [("remarks", "Jiang Bin", "Jiang Bin"), ("question", "Journalist", None),
         ("answer", "Jiang Bin", "Jiang Bin"), ("question", "Reporter", None),
         ("answer", "Jiang Bin", "Jiang Bin")]),
    "tao": (
        "张晗：各位记者朋友上午好。\n台海之声记者：请问有何评论？\n张晗：我们注意到。\n"
        "《环球时报》记者：另一个问题。\n张晗：谢谢。",
        "国务院台办新闻发布会辑录（2026-09-02）",
        [("remarks", "张晗", "张晗"), ("question", "台海之声记者", "台海之声"),
         ("answer", "张晗", "张晗"), ("question", "《环球时报》记者", "环球时报"),
         ("answer", "张晗", "张晗")]),
    "state": (
        "MR MILLER: Good afternoon.\nQUESTION: Thanks, Matt.\nMR MILLER: We have been clear.",
        "Department Press Briefing – July 29, 2024",
        [("remarks", "MR MILLER", "MR MILLER"), ("question", "QUESTION", None),
         ("answer", "MR MILLER", "MR MILLER")]),
    "mea": (
        "Shri Randhir Jaiswal, Official Spokesperson: Good afternoon.\n"
        "Meera Iyer, Deccan Courier: Sir, on the visit?\n"
        "Shri Randhir Jaiswal, Official Spokesperson: It goes ahead.\n"
        "Arjun Rao, Coastal Times: Another?\n"
        "Shri Randhir Jaiswal, Official Spokesperson: No.",
        "Transcript of Weekly Media Briefing by the Official Spokesperson (September 29, 2026)",
        [("remarks", "Shri Randhir Jaiswal, Official Spokesperson",
          "Shri Randhir Jaiswal, Official Spokesperson"),
         ("question", "Meera Iyer, Deccan Courier", "Meera Iyer, Deccan Courier"),
         ("answer", "Shri Randhir Jaiswal, Official Spokesperson",
          "Shri Randhir Jaiswal, Official Spokesperson"),
         ("question", "Arjun Rao, Coastal Times", "Arjun Rao, Coastal Times"),
         ("answer", "Shri Randhir Jaiswal, Official Spokesperson",
          "Shri Randhir Jaiswal, Official Spokesperson")]),
    "mid-ru": (
        "М.В.Захарова: Добрый день.\nВопрос: Как вы прокомментируете?\nОтвет: Мы видели.\n"
        "Вопрос: Ещё?\nМ.В.Захарова: Нет.",
        "Брифинг официального представителя МИД России М.В.Захаровой, Москва, 20 августа 2026",
        [("remarks", "М.В.Захарова", "М.В.Захарова"), ("question", "Вопрос", None),
         ("answer", "Ответ", None), ("question", "Вопрос", None),
         ("answer", "М.В.Захарова", "М.В.Захарова")]),
    "mid-en": (
        "Maria Zakharova: Good afternoon.\nQuestion: Your comment?\nAnswer: We saw it.",
        "Foreign Ministry Spokeswoman Maria Zakharova’s briefing, Moscow, August 20, 2026",
        [("remarks", "Maria Zakharova", "Maria Zakharova"), ("question", "Question", None),
         ("answer", "Answer", None)]),
}


@pytest.mark.parametrize("room", sorted(ROOMS))
def test_every_rooms_speaker_format(room):
    text, title, expected = ROOMS[room]
    assert [r[:3] for r in roles(text, title)] == expected


@pytest.mark.parametrize("paragraph", [
    "Finally, in summary, the visit: goes ahead.",   # two commas: a sentence
    "In conclusion, we note: nothing.",              # not name-like after the comma
    "Москва, 20 августа: брифинг.",                  # a dateline
])
def test_a_comma_or_cyrillic_does_not_make_a_speaker(paragraph):
    assert speaker_of(paragraph) is None


def test_turns_are_stored_compactly_and_read_back_as_they_were_split():
    from briefwatch.storage.text.turns import pack_turns, split_turns, unpack_turns

    text = ("The ministry opens the briefing.\nReuters: Will the forum go ahead?\n"
            "Wang Wenbin: Yes.\n问：台湾问题？\n答：我们的立场是一贯的。")
    turns = split_turns(text, "Foreign Ministry Spokesperson Wang Wenbin's Regular Press "
                              "Conference on July 3, 2020")
    packed = pack_turns(turns)
    assert unpack_turns(packed) == turns
    assert len(packed) < len(json.dumps(turns, ensure_ascii=False)) / 2
    # Turns stored before (as dicts) read as they are.
    assert unpack_turns(json.dumps(turns)) == turns
    assert unpack_turns(None) is None and pack_turns(None) is None
