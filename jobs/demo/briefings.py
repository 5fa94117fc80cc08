"""Invented briefings and their edits: the transcripts of the demo site, in English and Chinese.

No real transcript text is used: briefings are drawn from the word lists below (English and
Chinese side by side, so that a day's two briefings are one conference), deterministically from
a seed; an edit rewords a sentence or two, as the real site polishes its transcripts, or drops
an exchange.
"""

from __future__ import annotations

import datetime
import random
import re
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Briefing:
    number: int
    date: datetime.date
    lang: str
    spokesperson: str
    title: str
    paragraphs: tuple[str, ...]


# --- Word lists: (English, Chinese) pairs, so both languages come from one table ---------------

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
# Invented: none of these is or was a ministry spokesperson.
SPOKESPERSONS = (("Wang Lan", "王澜"), ("Liu Heng", "刘衡"), ("Chen Yuan", "陈远"),
                 ("Zhou Ming", "周鸣"), ("Sun Qing", "孙清"))
OUTLETS = (("CCTV", "中央电视台"), ("Xinhua News Agency", "新华社"), ("AFP", "法新社"),
           ("China News Service", "中新社"), ("China Daily", "中国日报"), ("Reuters", "路透社"),
           ("Global Times", "环球时报"), ("Bloomberg", "彭博社"), ("Kyodo News", "共同社"),
           ("Beijing Youth Daily", "北京青年报"), ("Phoenix TV", "凤凰卫视"), ("EFE", "埃菲社"))
COUNTRIES = (("Kenya", "肯尼亚"), ("Brazil", "巴西"), ("Norway", "挪威"), ("Chile", "智利"),
             ("Egypt", "埃及"), ("Kazakhstan", "哈萨克斯坦"), ("New Zealand", "新西兰"),
             ("Portugal", "葡萄牙"), ("Ghana", "加纳"), ("Peru", "秘鲁"), ("Fiji", "斐济"))
TOPICS = (("climate cooperation", "气候合作"), ("the digital economy", "数字经济"),
          ("food security", "粮食安全"), ("public health", "公共卫生"),
          ("green development", "绿色发展"), ("trade and investment", "贸易投资"),
          ("supply-chain stability", "供应链稳定"), ("vocational education", "职业教育"))
CITIES = (("Beijing", "北京"), ("Xiamen", "厦门"), ("Kunming", "昆明"), ("Xi'an", "西安"))
# Announcements never contain a colon: a colon prefix is what marks a turn.
ANNOUNCEMENTS = (
    ("At the invitation of the Chinese government, the Foreign Minister of {country} will pay "
     "an official visit to China from {d1} to {d2}.",
     "应中国政府邀请，{country}外长将于{d1}至{d2}对中国进行正式访问。"),
    ("Round {n} of the China-{country} strategic dialogue on {topic} will be held in {city} "
     "on {d1}.", "第{n}轮中国－{country}{topic}战略对话将于{d1}在{city}举行。"),
    ("The ministry's open day for young people will take place on {d1}.",
     "外交部青年开放日活动将于{d1}举行。"),
)
Q_CONTEXT = (
    ("{country} announced yesterday that it will host a forum on {topic} later this month.",
     "{country}昨天宣布，将于本月晚些时候主办{topic}论坛。"),
    ("According to media reports, a delegation from {country} will arrive in {city} next week "
     "to discuss {topic}.", "据媒体报道，{country}代表团下周将抵达{city}，商谈{topic}问题。"),
    ("A recent think-tank report claims that working with China on {topic} carries \"hidden "
     "risks\" for {country}.", "一家智库近日称，同中国在{topic}领域合作对{country}存在“隐患”。"),
    ("Some commentators in {country} say they don't see enough progress on {topic}.",
     "{country}一些评论人士称，{topic}方面进展不够。"),
    ("Officials from {country} and China held a video call on {topic} on Tuesday.",
     "{country}和中国官员周二就{topic}举行视频通话。"),
)
Q_ASK = (("What's China's comment?", "中方对此有何评论？"), ("How does China view this?",
         "中方如何看待？"), ("Could you share more details?", "你能否介绍更多情况？"))
ANSWERS = (
    ("China has always viewed its relations with {country} from a long-term perspective.",
     "中方始终从长远角度看待和发展同{country}的关系。"),
    ("We believe {topic} is an area where the two sides can achieve mutually beneficial "
     "results.", "我们认为，{topic}是双方实现互利共赢的重要领域。"),
    ("China's position on this issue is consistent and clear.",
     "中方在这个问题上的立场是一贯的、明确的。"),
    ("We hope the relevant parties will look at {topic} in an objective and fair-minded way.",
     "我们希望有关方面客观公正地看待{topic}问题。"),
    ("Time will prove that cooperation on {topic} serves the fundamental interests of both "
     "peoples.", "时间将证明，在{topic}领域合作符合两国人民的根本利益。"),
    ("As the saying goes, \"a good neighbor is better than a distant relative.\"",
     "俗话说，“远亲不如近邻”。"),
    ("We don't comment on hypothetical questions.", "我们不评论假设性问题。"),
    ("China stands ready to work with {country} to deepen people-to-people exchanges and "
     "win-win cooperation.", "中方愿同{country}一道，深化人文交流和互利合作。"),
    ("The so-called \"risks\" mentioned in the report are groundless.",
     "报告中所谓的“风险”毫无根据。"),
    ("We will release information in due course.", "我们会适时发布消息。"),
    ("We welcome {country}'s positive attitude and look forward to fruitful talks.",
     "我们欢迎{country}的积极态度，期待会谈取得丰硕成果。"),
    ("Facts speak louder than words.", "事实胜于雄辩。"),
    ("China firmly opposes any attempt to smear its cooperation with fellow developing "
     "countries.", "中方坚决反对任何抹黑中国同发展中国家合作的企图。"),
    ("Our cooperation with {country} is not targeted at any third party.",
     "中国同{country}的合作不针对任何第三方。"),
)
# The kind of polishing seen on the real site ("Time will prove" -> "History will prove").
SWAPS = (("Time will prove", "History will prove", "时间将证明", "历史将证明"),
         ("firmly opposes", "strongly opposes", "坚决反对", "强烈反对"),
         ("stands ready to", "is ready to", "愿同", "愿与"),
         ("in due course", "in a timely manner", "适时发布", "及时发布"),
         ("speak louder than words", "speak for themselves", "胜于雄辩", "胜过雄辩"),
         ("consistent and clear", "clear-cut and consistent", "一贯的、明确的", "明确的、一贯的"),
         ("objective and fair-minded", "objective and impartial", "客观公正", "客观理性"),
         ("We hope", "We sincerely hope", "我们希望", "我们真诚希望"))
_Q_PREFIXES = {"en": tuple(f"{o[0]}: " for o in OUTLETS),
               "zh": tuple(f"{o[1]}记者：" for o in OUTLETS)}

# --- Inventing and editing briefings -----------------------------------------------------------


def _li(lang: str) -> int:
    if lang not in ("en", "zh"):
        raise ValueError(f"lang must be 'en' or 'zh', not {lang!r}")
    return 0 if lang == "en" else 1


def _slots(r: random.Random, lang: str, day: datetime.date) -> dict[str, object]:
    i = _li(lang)
    d1 = day + datetime.timedelta(days=r.randint(2, 9))
    d2 = d1 + datetime.timedelta(days=r.randint(1, 4))
    days = [f"{MONTHS[d.month - 1]} {d.day}" if i == 0 else f"{d.month}月{d.day}日"
            for d in (d1, d2)]
    return {"country": r.choice(COUNTRIES)[i], "topic": r.choice(TOPICS)[i],
            "city": r.choice(CITIES)[i], "d1": days[0], "d2": days[1], "n": r.randint(2, 12)}


def _title(lang: str, name: str, d: datetime.date) -> str:
    if lang == "zh":
        return f"{d.year}年{d.month}月{d.day}日外交部发言人{name}主持例行记者会"
    apostrophe = "\u2019" if d >= datetime.date(2021, 10, 1) else "'"
    return (f"Foreign Ministry Spokesperson {name}{apostrophe}s Regular Press Conference on "
            f"{MONTHS[d.month - 1]} {d.day}, {d.year}")


def invent_briefing(lang: str, day: datetime.date, seed: int) -> Briefing:
    """The briefing of `day` in `lang`, whatever the weekday; deterministic."""
    i = _li(lang)
    # Seeded by date, not by position, so a longer archive repeats a shorter one's briefings;
    # the same stream in both languages, so that the Chinese briefing of a day is the English
    # one's original, exchange for exchange, as on the real site.
    r = random.Random(f"{seed}:en:{day.isoformat()}")
    # One spokesperson holds the podium for a few weeks, the same one in both languages.
    name = random.Random(f"{seed}:podium:{day.toordinal() // 19}").choice(SPOKESPERSONS)[i]
    n_ann = r.randint(1, 2)
    answers = [2 if r.random() < 0.35 else 1 for _ in range(r.randint(2, 7))]
    while n_ann + len(answers) + sum(answers) > 16:
        answers[answers.index(2)] = 1
    while n_ann + len(answers) + sum(answers) < 6:
        answers[answers.index(1)] = 2
    paras = [t[i].format(**_slots(r, lang, day)) for t in r.sample(ANNOUNCEMENTS, n_ann)]
    sep, unused = " " if i == 0 else "", list(ANSWERS)
    for outlet, n in zip(r.sample(OUTLETS, len(answers)), answers, strict=True):
        slots = _slots(r, lang, day)
        question = r.choice(Q_CONTEXT)[i].format(**slots) + sep + r.choice(Q_ASK)[i]
        paras.append(f"{outlet[0]}: {question}" if i == 0 else f"{outlet[1]}记者：{question}")
        for k in range(n):
            picks = []
            for _ in range(r.randint(2, 4)):
                unused = unused or list(ANSWERS)
                picks.append(unused.pop(r.randrange(len(unused)))[i].format(**slots))
            text = sep.join(picks)
            paras.append(text if k else (f"{name}: {text}" if i == 0 else f"{name}：{text}"))
    # t-numbers grow with time and differ between the two languages, as on the real site.
    number = 1_000_000 + (day - datetime.date(2000, 1, 1)).days * 2 + i
    return Briefing(number, day, lang, name, _title(lang, name, day), tuple(paras))


def invent_briefings(lang: str, newest: datetime.date, count: int, seed: int = 0
                     ) -> list[Briefing]:
    """One briefing per weekday going back from `newest`, newest first; deterministic."""
    _li(lang)
    out, day = [], newest
    while len(out) < count:
        if day.weekday() < 5:
            out.append(invent_briefing(lang, day, seed))
        day -= datetime.timedelta(days=1)
    return out


def question_indices(b: Briefing) -> list[int]:
    """The paragraphs that open an exchange: a reporter's question."""
    return [k for k, p in enumerate(b.paragraphs) if p.startswith(_Q_PREFIXES[b.lang])]


def split_turn(b: Briefing, p: str) -> tuple[str, str]:
    """Split a paragraph into its turn prefix ("CCTV: ", "王澜：") and the rest."""
    for prefix in (*_Q_PREFIXES[b.lang], b.spokesperson + (": " if b.lang == "en" else "：")):
        if p.startswith(prefix):
            return prefix, p[len(prefix):]
    return "", p


def _other_sentence(s: str, r: random.Random, b: Briefing, siblings: list[str]) -> str:
    i = _li(b.lang)
    for swap in SWAPS:
        for old, new in ((swap[2 * i], swap[2 * i + 1]), (swap[2 * i + 1], swap[2 * i])):
            if old in s:
                return s.replace(old, new, 1)
    while True:
        candidate = r.choice(ANSWERS)[i].format(**_slots(r, b.lang, b.date))
        if candidate != s and candidate not in siblings:
            return candidate


def reword(b: Briefing, seed: int = 0) -> Briefing:
    """The same briefing with 1-2 sentences of 1-2 answer paragraphs rewritten."""
    r = random.Random(f"reword:{seed}:{b.number}")
    questions = question_indices(b)
    answers = [k for k in range(questions[0], len(b.paragraphs)) if k not in questions]
    paras = list(b.paragraphs)
    for k in r.sample(answers, min(len(answers), r.randint(1, 2))):
        prefix, rest = split_turn(b, paras[k])
        if b.lang == "en":
            sents = re.split(r'(?<=[.?!"]) (?=[A-Z"])', rest)
        else:
            sents = [s for s in re.split(r"(?<=[。？！])", rest) if s]
        for j in r.sample(range(len(sents)), min(len(sents), r.randint(1, 2))):
            sents[j] = _other_sentence(sents[j], r, b, sents)
        paras[k] = prefix + (" " if b.lang == "en" else "").join(sents)
    return replace(b, paragraphs=tuple(paras))


def drop_exchange(b: Briefing, index: int = 0) -> Briefing:
    """The same briefing without its index-th question and the answer paragraph(s) after it."""
    questions = question_indices(b)
    index = range(len(questions))[index]
    end = questions[index + 1] if index + 1 < len(questions) else len(b.paragraphs)
    return replace(b, paragraphs=b.paragraphs[:questions[index]] + b.paragraphs[end:])


def polish(b: Briefing) -> Briefing:
    """The same briefing with one phrase of its first answer that has one polished, as the
    real site does ("in due course" -> "in a timely manner"): an edit that reads naturally."""
    i = _li(b.lang)
    questions = question_indices(b)
    paras = list(b.paragraphs)
    for k in range(questions[0], len(paras)) if questions else ():
        if k in questions:
            continue
        for swap in SWAPS:
            old, new = swap[2 * i], swap[2 * i + 1]
            if old in paras[k]:
                paras[k] = paras[k].replace(old, new, 1)
                return replace(b, paragraphs=tuple(paras))
    return reword(b)
