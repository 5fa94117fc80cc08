"""What counts as Chinese (and Japanese) text, for every module that treats it apart.

Chinese puts no spaces between words: the canonical form drops layout spaces beside it, diffs
and word counts take each character as a word, search indexes each one alone, and speaker
prefixes (`中央电视台记者：`) are recognised by it. Each use takes the classes it needs from
here, so that they cannot drift apart.
"""

from __future__ import annotations

import re

# Letters: CJK radicals, kana, unified ideographs (and extension A), compatibility ideographs.
LETTERS = "\u2e80-\u2fff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# CJK symbols and punctuation: the ideographic space, 、。《》「」…
PUNCTUATION = "\u3000-\u303f"
# Half-width and full-width forms: full-width letters, digits and punctuation (，：（）).
FULLWIDTH = "\uff00-\uffef"
# Anything of CJK script or layout.
ANY = LETTERS + PUNCTUATION + FULLWIDTH

LETTER = re.compile(f"[{LETTERS}]")
CHARACTER = re.compile(f"[{ANY}]")


def has_cjk(text: str) -> bool:
    return CHARACTER.search(text) is not None

# Chinese surnames (the common single ones and the compound ones): a personal name starts with
# one, which is how a speaker's name (`赵立坚：`) is told from a short sentence ending in a colon
# (`案例一：`). Officials of the names table are known whatever their surname.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关"
    "兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻"
    "祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿"
    "桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠"
    "惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉"
    "禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修"
    "邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴"
    "昝智幸奉植衡富尧闭由洪姚郎"
) | {"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙",
     "宇文", "司徒", "夏侯", "端木", "澹台", "轩辕", "呼延", "南宫", "万俟", "独孤"}
