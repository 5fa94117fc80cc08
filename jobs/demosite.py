"""A local copy of a briefing site: invented transcripts in the shapes of the ministry's templates.

Used by ``briefwatch demo`` and by the tests. Nothing here reaches the internet and no real
transcript text is used: the HTML reproduces the structure of the real templates (element names,
ids, classes, upper-case markup, the pagination script) around briefings invented from word lists.
"""

from __future__ import annotations

import datetime
import email.utils
import html
import http.server
import math
import mimetypes
import os
import random
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, replace
from pathlib import Path

# --- Data --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Briefing:
    number: int
    date: datetime.date
    lang: str
    spokesperson: str
    title: str
    paragraphs: tuple[str, ...]


@dataclass
class Archive:
    generation: str
    listing_path: str
    article_paths: dict[int, str]
    pages: int


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


def _invent_one(lang: str, day: datetime.date, seed: int) -> Briefing:
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
            out.append(_invent_one(lang, day, seed))
        day -= datetime.timedelta(days=1)
    return out


def _question_indices(b: Briefing) -> list[int]:
    return [k for k, p in enumerate(b.paragraphs) if p.startswith(_Q_PREFIXES[b.lang])]


def _speaker(b: Briefing, p: str) -> tuple[str, str]:
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
    questions = _question_indices(b)
    answers = [k for k in range(questions[0], len(b.paragraphs)) if k not in questions]
    paras = list(b.paragraphs)
    for k in r.sample(answers, min(len(answers), r.randint(1, 2))):
        prefix, rest = _speaker(b, paras[k])
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
    questions = _question_indices(b)
    index = range(len(questions))[index]
    end = questions[index + 1] if index + 1 < len(questions) else len(b.paragraphs)
    return replace(b, paragraphs=b.paragraphs[:questions[index]] + b.paragraphs[end:])


# --- Body markup: a function of the briefing alone, so furniture changes never touch it --------


def _t(s: str) -> str:
    return html.escape(s, quote=False).replace("\u00a0", "&nbsp;")


def _a(s: str) -> str:
    return html.escape(s, quote=True)


def _typeset(text: str, lang: str, r: random.Random) -> str:
    """Typographic variants a reader would not call an edit."""
    if lang == "en":
        if r.random() < 0.5:
            text = text.replace("'", "\u2019")
        if r.random() < 0.5:
            text = re.sub(r'"([^"]*)"', "\u201c\\1\u201d", text)
        gaps = (" ", " ", "\u00a0", "\u3000", "  \n  ", " \u00a0")
        text = re.sub(r"([.?!]) (?=[A-Z\"\u201c])", lambda m: m.group(1) + r.choice(gaps), text)
    else:
        gaps = ("", "", "\u00a0", "\n  ", " ")
        text = re.sub("([。？！])(?=.)", lambda m: m.group(1) + r.choice(gaps), text)
    spaces = [m.start() for m in re.finditer(r"(?<=\w) (?=\w)", text)]
    if spaces and r.random() < 0.4:
        k = r.choice(spaces)
        text = text[:k] + "   \n\t " + text[k + 1:]
    return text


def _cut(text: str, r: random.Random) -> list[tuple[str, str]]:
    """(chunk, separator) pieces, split the way the old editor split SPANs: mid-word or at a
    space that then sits between two SPANs."""
    pieces, start = [], 0
    points = {r.randrange(1, len(text)) for _ in range(r.randint(0, 3))} if len(text) > 2 else ()
    for k in sorted(points):
        if k <= start:
            continue
        if text[k] == " " and text[k - 1] != " " and text[k + 1:k + 2] not in ("", " "):
            pieces.append((text[start:k], " "))
            start = k + 1
        elif text[k - 1].isalpha() and text[k].isalpha():
            pieces.append((text[start:k], ""))
            start = k
    return [*pieces, (text[start:], "")]


_P_EN = '<P style="FONT-SIZE: 14px; FONT-FAMILY: arial" align=justify>'
_SPAN_EN = '<SPAN style="FONT-SIZE: 14px; FONT-FAMILY: arial">'
_P_ZH = '<P style="FONT-FAMILY: arial; FONT-SIZE: 14px" align=justify>'
_SPAN_ZH = '<SPAN style="FONT-FAMILY: arial; FONT-SIZE: 14px">'


def _paragraph(style: str, lang: str, prefix: str, rest: str, question: bool,
               r: random.Random) -> str:
    bold = ("<B>", "</B>") if question else ("", "")
    if style == "en14":
        pieces = _cut(rest, r)
        if prefix and r.random() < 0.6:
            pieces.insert(0, (prefix, ""))
        elif prefix:
            pieces[0] = (prefix + pieces[0][0], pieces[0][1])
        inner = "".join(f"{bold[0]}{_SPAN_EN}{_t(c)}</SPAN>{bold[1]}{sep}" for c, sep in pieces)
        return _P_EN + inner + (" </P>" if r.random() < 0.7 else "</P>")
    if style == "zh14":
        text = prefix + rest
        inner = "".join(f"<B>{_SPAN_ZH}{_t(c)}</SPAN></B>{sep}" for c, sep in _cut(text, r))
        return f"{_P_ZH}\u3000\u3000{inner if question else _t(text)} </P>"
    lead, attrs = ("", ' style="text-align: justify;"') if lang == "en" else ("\u3000\u3000", "")
    if question and r.random() < 0.3:
        inner = f"<strong>{_t(prefix)}</strong><strong>{_t(rest)}</strong>"
    else:
        inner = f"<strong>{_t(prefix + rest)}</strong>" if question else _t(prefix + rest)
    return f"<p{attrs}>{lead}{inner}</p>"


def _image(b: Briefing, k: int) -> str:
    name = f"W0{b.date:%Y%m%d}{b.number}{k}.jpg"
    style = "; ".join(f"BORDER-{s}-WIDTH: 0px" for s in ("LEFT", "RIGHT", "BOTTOM", "TOP"))
    return ((_P_EN if b.lang == "en" else _P_ZH).replace("justify", "center")
            + f'<IMG style="{style}" src="./{name}" OLDSRC="{name}" '
            f'_fcksavedurl="/webpic/{b.date:%Y%m}/{name}"/></P>')


def _body(b: Briefing, gen: Generation, typography: bool) -> str:
    questions = set(_question_indices(b))
    out = []
    for k, p in enumerate(b.paragraphs):
        prefix, rest = _speaker(b, p)
        if typography:
            rest = _typeset(rest, b.lang, random.Random(f"typo:{b.number}:{k}"))
        r = random.Random(f"markup:{b.number}:{k}")
        out.append(_paragraph(gen.style, b.lang, prefix, rest, k in questions, r))
    if gen.style == "en14":
        out = [_image(b, 1), *out, _image(b, 2)]
    elif gen.style == "zh14":
        # The old Chinese editor often left an empty first paragraph: not part of the transcript.
        out = [f"{_P_ZH}\u3000\u3000&nbsp;</P>", _image(b, 1), *out, _image(b, 2)]
    return "\n".join(out)


# --- Page furniture and templates --------------------------------------------------------------

_EN_SITE = "Ministry of Foreign Affairs of the People's Republic of China"
_ZH_SITE = "中华人民共和国外交部"
_DOCTYPES = {
    "en14": '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            '<html xmlns="http://www.w3.org/1999/xhtml">\n',
    "zh14": '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" '
            '"http://www.w3.org/TR/html4/loose.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml">\n',
    "trs": "<!DOCTYPE html>\n<html>\n"}
_LANGS = {"en": '<a href="/ara/">عربي</a>\n<a href="/esp/">Español</a>\n<a href="/rus/">Русский</a>'
                '\n<a href="/fra/">Français</a>\n<a href="/mfa_chn/">简体中文</a>\n',
          "zh": '<a href="/mfa_eng/">English</a>\n<a href="/fra/">Français</a>\n<a href="/esp/">'
                'Español</a>\n<a href="/rus/">Русский</a>\n<a href="/ara/">عربي</a>\n'}
_EN14_HEADER = (
    '<div class="header">\n<div class="lang" style="padding-right:35px;">\n' + _LANGS["en"]
    + '</div>\n<div class="search clearfix"><form action="/wjb/eng_search.jsp" method="post" '
    'class="searchFrm"><input type="text" name="sw" id="sw" class="key fl" value=""/>'
    '<input type="submit" value="search" class="submit fr"/></form></div>\n</div>\n'
    '<div class="nav" style="position:relative;z-index:99999;">\n<ul class="clearfix">\n'
    '<li><a href="/mfa_eng/">Home</a></li>\n<li><a href="/mfa_eng/wjb_663304/">The Ministry</a>'
    '</li>\n<li><a href="/mfa_eng/xwfw_665399/">Press and Media Service</a><div class="subNav">'
    '<dl><dt><a href="/mfa_eng/xwfw_665399/s2510_665401/">Spokesperson\'s Remarks</a></dt><dd>'
    '<a href="/mfa_eng/xwfw_665399/s2510_665401/2511_665403/">Regular Press Conference</a></dd>'
    '</dl></div></li>\n</ul>\n</div>\n<div class="container clearfix">\n<div class="main fl">\n'
    '<div class="urhere"><a href="/mfa_eng/">Home</a>&nbsp;&gt;&nbsp;<a href="/mfa_eng/'
    'xwfw_665399/">Press and Media Service</a>&nbsp;&gt;&nbsp;<a href="./">Regular Press '
    'Conference</a></div>\n')
_ZH_HEADER = (
    '<div class="cbody">\n<div class="header">\n<div class="logo fl"><a href="/web/">'
    '<img src="/web/images/logo.png"/></a></div>\n<div class="lan fr">\n' + _LANGS["zh"]
    + '</div>\n</div>\n<div class="menu">\n<ul>\n<li><a href="/web/" class="twoW">首页</a></li>\n'
    '<li><a href="/web/wjdt_674879/" class="fourW">外交动态</a>\n<ul>\n'
    '<li><a href="/web/wjdt_674879/fyrbt_674889/">发言人表态</a></li>\n'
    '<li><a href="/web/wjdt_674879/cfhsl_674891/">吹风会</a></li>\n</ul>\n</li>\n</ul>\n</div>\n'
    '<div class="cl"></div>\n<div class="nav"><a href="/web/">首页</a>&nbsp;&gt;&nbsp;'
    '<a href="/web/wjdt_674879/">外交动态</a>&nbsp;&gt;&nbsp;<a href="./">发言人表态</a></div>\n')
_SUGGEST = {"en": '<form name="Form2000" method="post" action="" enctype="text/plain"><span>'
                  'Suggest to a friend</span> <input type="text" name="FriendEmail" value="Please'
                  ' enter E-mail"/> <input type="submit" value="Submit"/></form>',
            "zh": '<form name="Form2000" action="" encType="text/plain" method="post"><span>'
                  '推荐给朋友</span><input type="text" name="FriendEmail" class="txt" '
                  'value="请输入电子邮件地址"/><a href="javascript:void(0);" id="SendEmai">确定</a>'
                  "</form>"}
# An injected link that well-behaved crawlers must not follow (see sites.md).
_TRAP = '<a href="./pepp4_0/index.html" style="display:none">.</a>\n'


def _head(gen: Generation, title: str, b: Briefing | None = None, style: str = "") -> str:
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
    style = style or gen.style
    if b is not None and style == "trs":
        meta += (f'<meta name="ArticleTitle" content="{_a(b.title)}">\n'
                 f'<meta name="PubDate" content="{_pubdate(b)}">\n')
    return f"{_DOCTYPES[style]}<head>\n{meta}<title>{_t(title)}</title>\n</head>\n<body>\n"


def _footer(lang: str, visits: int) -> str:
    # The visit counter is the furniture that changes on every crawl of the real site.
    if lang == "en":
        return (f'<div class="footer">\n<div class="copyright">Copyright © {_EN_SITE}</div>\n'
                f'<div class="visit_count" id="visit_count">Visits: {visits}</div>\n</div>\n'
                "</body>\n</html>\n")
    return (f'<div class="copyright">\n<div class="max_cbody">{_ZH_SITE}\u3000版权所有<br>联系我们'
            f'</div>\n<div class="visit_count" id="visit_count">访问量：{visits}</div>\n</div>\n'
            "</body>\n</html>\n")


def _pubdate(b: Briefing) -> str:
    minutes = 18 * 60 + (b.number * 37) % 300
    return f"{b.date} {minutes // 60:02d}:{minutes % 60:02d}"


def _items(gen: Generation, bs: list[Briefing], from_article: bool, dates: str = "") -> str:
    up = "../" if from_article and gen.nested else "./"
    return "".join(f'<li><a href="{up}{gen.article_name(b)}" target="_blank">{_t(b.title)}</a>'
                   + {"": "", "paren": f"({b.date})", "span": f"<span>{b.date}</span>"}[dates]
                   + "</li>\n" for b in bs)


def _sidebar(gen: Generation, latest: list[Briefing], from_article: bool) -> str:
    items = _items(gen, latest, from_article)
    if gen.lang == "en":
        return ('<div class="right_sidebar fr" id="latest_news">\n<div class="about_mod">\n'
                f'<h2 class="mod_hd2">Latest Releases</h2>\n<ul>\n{items}</ul>\n</div>\n</div>\n')
    return ('<div class="rebox_l fl" id="latest_news">\n<div class="rebox_h3">最新发布</div>\n'
            f'<div class="rebox_class"><ul>\n{items}</ul></div>\n</div>\n')


def _pager(gen: Generation, pages: int, page: int) -> str:
    if gen.trs_pager:
        return ('<script type="text/javascript">\n'
                "function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){\n"
                "\tfor(var i = 0; _nPageCount > 1 && i < _nPageCount; i++){\n"
                '\t\tvar href = _sPageName + (i == 0 ? "" : "_" + i) + "." + _sPageExt;\n'
                '\t\tdocument.write(i == _nCurrIndex ? "<span>" + (i + 1) + "</span> "'
                ' : "<a href=\\"" + href + "\\">" + (i + 1) + "</a> ");\n\t}\n}\n'
                f'createPageHTML({pages}, {page}, "{gen.stem}", "{gen.ext}");\n</script>\n')
    s, x = gen.stem, gen.ext
    w = ("Page(s)", "Prev", "Next") if gen.lang == "en" else ("页", "上一页", "下一页")
    return (f'<script type="text/javascript">\nvar currentPage = {page};//pages count from 0\n'
            "var prevPage = currentPage-1//the page before\n"
            "var nextPage = currentPage+1//the page after\n"
            f"var countPage = {pages}//how many pages\n"
            f'document.write(countPage+" {w[0]}&nbsp;&nbsp;");\n'
            f'if(prevPage==0)\n\tdocument.write("<a href=\\"{s}.{x}\\">{w[1]}</a>&nbsp;");\n'
            f'else if(prevPage>0)\n\tdocument.write("<a href=\\"{s}"+"_" + prevPage + "."+"{x}\\">'
            f'{w[1]}</a>&nbsp;");\nfor(var i=0; i<countPage; i++){{\n'
            '\tif(i==currentPage)\n\t\tdocument.write("<span>"+(i+1)+"</span>&nbsp;");\n'
            f'\telse if(i==0)\n\t\tdocument.write("<a href=\\"{s}.{x}\\">1</a>&nbsp;");\n'
            f'\telse\n\t\tdocument.write("<a href=\\"{s}"+"_" + i + "."+"{x}\\">"+(i+1)+"</a>'
            f'&nbsp;");\n}}\nif(nextPage<countPage)\n\tdocument.write("<a href=\\"{s}"+"_" + '
            f'nextPage + "."+"{x}\\">{w[2]}</a>");\n</script>\n')


def _listing(gen: Generation, items: list[Briefing], page: int, pages: int, total: int,
             per_page: int, visits: int, latest: list[Briefing]) -> str:
    side = _sidebar(gen, latest, False)
    pager = _pager(gen, pages, page)
    show = (f'<script type="text/javascript">\nvar count = {total};\nif(count>{per_page})\n'
            '\tdocument.getElementById("pages").style.display="block";\n</script>\n')
    if gen.style == "zh14":
        return (_head(gen, f"发言人表态 — {_ZH_SITE}") + _ZH_HEADER + '<div class="rebox wjbox" '
                'style="min-height:700px;">\n' + side + '<div class="rebox_r fl">\n<div class='
                '"rebox_title">发言人表态</div>\n<div class="rebox_news">\n<ul>\n'
                + _items(gen, items, False, "paren") + "</ul>\n</div>\n" + _TRAP
                + f'<div class="page" id="pages" style="display:none;">\n{pager}</div>\n</div>\n'
                + '<div class="cl"></div>\n</div>\n</div>\n' + show + _footer("zh", visits))
    if gen.lang == "en" and not gen.trs_pager:  # en-2014 and en-2021 share the old template
        return (_head(gen, "Regular Press Conference", style="en14")
                + _EN14_HEADER + '<div class="newsLst_mod">\n<ul>\n' + _items(gen, items, False)
                + "</ul>\n</div>\n" + _TRAP + '<div id="pages" style="display:none;">\n' + pager
                + "</div>\n</div>\n" + side + "</div>\n" + show + _footer("en", visits))
    head = "Regular Press Conference" if gen.lang == "en" else "例行记者会"
    return (_head(gen, f"{head}_{_EN_SITE if gen.lang == 'en' else _ZH_SITE}")
            + f'<div class="header">\n<div class="lang_bar">\n{_LANGS[gen.lang]}</div>\n</div>\n'
            + f'<div class="container">\n<div class="list_title">{head}</div>\n'
            '<ul class="list1">\n' + _items(gen, items, False, "span") + "</ul>\n" + _TRAP
            + f'<div class="page" id="pages">\n{pager}</div>\n</div>\n' + side
            + _footer(gen.lang, visits))


def _article(gen: Generation, b: Briefing, body: str, visits: int, latest: list[Briefing],
             related: list[Briefing]) -> str:
    t, side = _t(b.title), _sidebar(gen, latest, True)
    if gen.style == "en14":
        return (_head(gen, b.title) + _EN14_HEADER + f'<div class="content_mod">\n<h2 class='
                f'"title">{t}</h2>\n<h2 id="News_Body_subitle"></h2>\n<h2 id="News_Body_source">'
                '</h2>\n<div class="date" id="News_Body_Time"></div>\n'
                f'<div class="content">\n{body}\n</div>\n<div class="tool" style="margin-top:15px;'
                f'">\n<table><tr><td>{_SUGGEST["en"]}</td>\n<td><a href="javascript:window.print'
                '();">Print</a></td></tr></table>\n</div>\n<div class="tool" style="margin-top:15px'
                ';display:none;" id="id_RelNewsList">\n<div>Related News:</div>\n<div class='
                '"newsLst_mod">\n<ul id="id_RelNewsList_li">\n' + _items(gen, related, True)
                + "</ul>\n</div>\n</div>\n</div>\n</div>\n" + side + "</div>\n"
                + _footer("en", visits))
    if gen.style == "zh14":
        return (_head(gen, f"{b.title} — {_ZH_SITE}") + _ZH_HEADER + '<div class="vibox" style='
                f'"min-height:700px;">\n<div class="title" id="News_Body_Title">{t}</div>\n'
                '<div class="futitle" id="News_Body_subitle"></div>\n<div class="time"><span id='
                '"News_Body_source" style="display:none">来源：</span><span id="News_Body_Time">'
                f'{b.date}</span></div>\n<div class="info">[字体：<a href="javascript:edit(20);">大'
                '</a> <a href="javascript:edit(16);">中</a> <a href="javascript:edit(14);">小</a>]'
                '&nbsp;&nbsp;<a onclick="doPrint()" href="javascript:void(0);">打印本页</a></div>\n'
                f'<div id="News_Body_Txt_A" class="content">\n{body}\n</div>\n<div class="news" '
                'id="appendix_list" style="display:none;"><div class="news_top">附件</div><ul>'
                '</ul></div>\n<div class="news" id="relnews_list" style="display:none;">\n<div '
                'class="news_top">相关新闻</div>\n<ul>\n' + _items(gen, related, True, "paren")
                + '</ul>\n</div>\n<div class="searchview"><div class="search_left fl">'
                + _SUGGEST["zh"] + '</div><div class="cl"></div></div>\n</div>\n' + side
                + "</div>\n" + _footer("zh", visits))
    en = gen.lang == "en"
    if en:
        top = (f'<div class="news_header">\n<h1 class="news_header_title">{t}</h1>\n<div class='
               f'"news_header_time"><span class="xltime">{_pubdate(b)}</span></div>\n</div>\n'
               '<div class="content_text">\n<div class="view_dedault">\n'
               '<meta name="TRSWCM.ContStart">\n')
        end = '<meta name="TRSWCM.ContEnd">\n</div>\n</div>\n'
    else:
        top = (f'<div class="news-title">\n<h1>{t}</h1>\n<p class="time"><span>{_pubdate(b)}'
               '</span></p>\n</div>\n<meta name="TRSWCM.ContStart">\n<div id="News_Body_Txt_A">\n')
        end = '</div>\n<meta name="TRSWCM.ContEnd">\n'
    print_ = "Print" if en else "打印本页"
    return (_head(gen, f"{b.title}_{_EN_SITE if en else _ZH_SITE}", b)
            + f'<div class="header">\n<div class="lang_bar">\n{_LANGS[gen.lang]}</div>\n</div>\n'
            + '<div class="container">\n<div class="news_main">\n' + top
            + f"{_TRS_BODY}\n{body}\n</div>\n" + end
            + f'<div class="news_share">{_SUGGEST[gen.lang]} <a href="javascript:window.print();"'
            f'>{print_}</a></div>\n</div>\n<div class="related_news">\n<ul>\n'
            + _items(gen, related, True, "span") + "</ul>\n</div>\n" + side + "</div>\n"
            + _footer(gen.lang, visits))


@dataclass(frozen=True)
class Generation:
    name: str
    lang: str
    folder: str        # with leading and trailing slash
    stem: str          # listing page 0 is stem.ext, page k is stem_k.ext
    ext: str
    nested: bool       # articles at YYYYMM/tYYYYMMDD_N.article_ext instead of tN.article_ext
    article_ext: str
    style: str         # body markup and page template: "en14", "zh14" or "trs"
    body_start: str    # opening tag of the transcript's container; it ends at the next </div>
    trs_pager: bool = False

    def page_name(self, k: int) -> str:
        return f"{self.stem}.{self.ext}" if k == 0 else f"{self.stem}_{k}.{self.ext}"

    def article_name(self, b: Briefing) -> str:
        if self.nested:
            return f"{b.date:%Y%m}/t{b.date:%Y%m%d}_{b.number}.{self.article_ext}"
        return f"t{b.number}.{self.article_ext}"


_EN_OLD = "/mfa_eng/xwfw_665399/s2510_665401/2511_665403/"
_TRS_BODY = '<div class="TRS_UEDITOR trs_paper_default trs_web">'
GENERATIONS: dict[str, Generation] = {g.name: g for g in (
    Generation("en-2014", "en", _EN_OLD, "default", "shtml", False, "shtml", "en14",
               '<div class="content">'),
    Generation("zh-2014", "zh", "/web/wjdt_674879/fyrbt_674889/", "default", "shtml", False,
               "shtml", "zh14", '<div id="News_Body_Txt_A" class="content">'),
    Generation("en-2021", "en", _EN_OLD, "index", "html", True, "html", "trs", _TRS_BODY),
    Generation("en-2024", "en", "/eng/xw/fyrbt/lxjzh/", "index", "html", True, "html", "trs",
               _TRS_BODY, trs_pager=True),
    Generation("zh-2024", "zh", "/web/fyrbt_673021/jzhsl_673025/", "index", "shtml", True,
               "shtml", "trs", _TRS_BODY),
)}


def article_body(page: str, generation: str) -> str:
    """The exact markup of a rendered article's transcript, inside its container."""
    marker = GENERATIONS[generation].body_start
    start = page.index(marker) + len(marker)
    return page[start:page.index("</div>", start)]


# --- Writing an archive ------------------------------------------------------------------------


def _write(path: Path, text: str) -> None:
    data = text.encode("utf-8")
    old = path.stat().st_mtime if path.exists() else None
    if old is not None and path.read_bytes() == data:
        return  # an unchanged page keeps its mtime, hence its ETag and Last-Modified
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if old is not None:
        # Last-Modified has one-second resolution: without this, a page rewritten within the
        # same second would wrongly answer 304 to If-Modified-Since.
        new = max(time.time(), old + 1)
        os.utime(path, (new, new))


def write_error_page(root: Path) -> None:
    gen = GENERATIONS["zh-2014"]
    _write(Path(root) / "error.htm", (
        _head(gen, _ZH_SITE) + _ZH_HEADER.split('<div class="cl">')[0]
        + '<div style="width:700px; margin:0 auto;">\n<TABLE cellSpacing="0" cellPadding="0" '
        'width="770" border="0"><TBODY>\n<TR><TD width="100%" align="center">\n<img src="/chn/'
        'images/img-error.gif" border="0">\n<P><font color="red"><b>\n'
        '对不起，我们没有找到您要的网页。\n<br><br>\n<span style="font-family:Arial;">'
        "Sorry, the page you requested cannot be found.</span>\n</b></font></P>\n</TD></TR>\n"
        "</TBODY></TABLE>\n</div>\n</div>\n"
        f'<div class="copyright">\n<div class="max_cbody">{_ZH_SITE}\u3000版权所有</div>\n</div>\n'
        "</body>\n</html>\n"))


def write_archive(root: Path, generation: str, briefings: list[Briefing], per_page: int = 40, *,
                  visits: int = 0, typography: bool = False, prune: bool = True) -> Archive:
    """Write listing pages, articles and error.htm under the document root `root`.

    With `prune`, this generation's listing pages and articles that are not (or no longer) in
    `briefings` are deleted, so they answer the real site's soft 404.
    """
    gen = GENERATIONS[generation]
    if any(b.lang != gen.lang for b in briefings):
        raise ValueError(f"{generation} needs {gen.lang} briefings")
    if len({b.number for b in briefings}) != len(briefings):
        raise ValueError("briefing numbers must be unique")
    folder = Path(root) / gen.folder.strip("/")
    pages = max(1, math.ceil(len(briefings) / per_page))
    latest, written, paths = briefings[:6], set(), {}
    for k in range(pages):
        items = briefings[k * per_page:(k + 1) * per_page]
        _write(folder / gen.page_name(k),
               _listing(gen, items, k, pages, len(briefings), per_page, visits, latest))
        written.add(gen.page_name(k))
    for b in briefings:
        related = [x for x in briefings[:9] if x.number != b.number][:8]
        name = gen.article_name(b)
        _write(folder / name, _article(gen, b, _body(b, gen, typography), visits, latest, related))
        written.add(name)
        paths[b.number] = gen.folder + name
    write_error_page(Path(root))
    if prune:
        art = (r"\d{6}/t\d{8}_\d+" if gen.nested else r"t\d+") + rf"\.{gen.article_ext}"
        ours = re.compile(rf"{art}|{gen.stem}(?:_\d+)?\.{gen.ext}")
        for f in list(folder.rglob("*")):
            name = f.relative_to(folder).as_posix()
            if f.is_file() and ours.fullmatch(name) and name not in written:
                f.unlink()
    return Archive(generation, gen.folder + gen.page_name(0), paths, pages)


# --- Serving it --------------------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    site: LocalSite
    server_version, sys_version = "Apache", ""

    def log_message(self, format: str, *args: object) -> None:
        pass  # tests and the demo read site.requests instead of a noisy stderr

    def do_GET(self) -> None:
        self._answer(True)

    def do_HEAD(self) -> None:
        self._answer(False)

    def _answer(self, send_body: bool) -> None:
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        self.site._record(path)
        target = None if path == "/robots.txt" else self.site._resolve(path)
        if isinstance(target, str):
            self._redirect(301, target, send_body)
        elif target is not None:
            self._file(target, send_body)
        elif path == "/error.htm":
            self.send_error(404)
        else:
            self._redirect(302, "/error.htm", send_body)  # the real site's soft 404

    def _redirect(self, code: int, location: str, send_body: bool) -> None:
        url, reason = self.site.base_url + location, self.responses[code][0]
        body = (f'<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>{code} '
                f"{reason}</title>\n</head><body>\n<h1>{reason}</h1>\n<p>The document has moved "
                f'<a href="{_a(url)}">here</a>.</p>\n</body></html>\n').encode()
        self._send(code, {"Location": url, "Content-Type": "text/html; charset=iso-8859-1"},
                   body if send_body else b"", len(body))

    def _send(self, code: int, headers: dict[str, str], body: bytes, length: int) -> None:
        self.send_response(code)
        for k, v in headers.items():
            self.send_header(k, v)
        if code != 304:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.write(body)

    def _not_modified(self, etag: str, mtime: float) -> bool:
        inm, ims = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        if inm is not None:  # it takes precedence over If-Modified-Since (RFC 9110)
            tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
            return "*" in tags or etag in tags
        try:
            when = email.utils.parsedate_to_datetime(ims) if ims else None
        except (TypeError, ValueError):
            return False
        if when is not None and when.tzinfo is None:
            when = when.replace(tzinfo=datetime.UTC)
        return when is not None and int(mtime) <= when.timestamp()

    def _content_type(self, target: Path) -> str:
        if target.suffix in (".html", ".shtml", ".htm"):
            return "text/html"  # no charset, like the real site: pages declare it in a meta tag
        return mimetypes.guess_type(target.name)[0] or "application/octet-stream"

    def _file(self, target: Path, send_body: bool) -> None:
        st = target.stat()
        etag = f'"{st.st_mtime_ns:x}-{st.st_size:x}"'
        headers = {"ETag": etag, "Last-Modified": email.utils.formatdate(st.st_mtime, usegmt=True)}
        if self._not_modified(etag, st.st_mtime):
            self._send(304, headers, b"", 0)
            return
        ctype = self._content_type(target)
        data = target.read_bytes()
        self._send(200, {"Content-Type": ctype, **headers}, data if send_body else b"", len(data))


class LocalSite:
    """A real HTTP server on 127.0.0.1 serving a document root, in a daemon thread."""

    def __init__(self, root: Path, port: int = 0):
        self.root, self.port, self.base_url = Path(root).resolve(), port, ""
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._server: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def _record(self, path: str) -> None:
        with self._lock:
            self.requests.append(path)

    def _resolve(self, path: str) -> Path | str | None:
        """The file to serve, a folder URL to redirect to (str), or None if missing."""
        candidate = (self.root / path.lstrip("/")).resolve()
        if candidate != self.root and self.root not in candidate.parents:
            return None
        if candidate.is_dir():
            if not path.endswith("/"):
                return path + "/"
            found = [candidate / n for n in ("index.html", "index.shtml", "default.shtml")]
            return next((f for f in found if f.is_file()), None)
        return candidate if candidate.is_file() else None

    # Subclasses (tests' misbehaving sites) swap in their own request handler.
    handler_base: type = _Handler

    def start(self) -> LocalSite:
        handler = type("Handler", (self.handler_base,), {"site": self})
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def url(self, path: str) -> str:
        return self.base_url + ("" if path.startswith("/") else "/") + path

    def __enter__(self) -> LocalSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
