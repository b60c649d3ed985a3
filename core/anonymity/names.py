"""Names of people, places and organisations: the forms of address built on a known person's
surname, the study's own pseudonym space, and the segmenter's guesses.

The segmenter is `jieba` (offline, its dictionary ships inside the package), whose part-of-speech
tags nr (person), ns (place) and nt (organisation) name candidates. It is imported on first use
only — never at start-up: importing it and building its prefix dictionary takes about 1.5 s. It
keeps that dictionary in a cache file in the system's temp folder, under a name of our own; when
that folder is not writable it builds the dictionary in memory each time and says nothing (its
own logger would print a traceback, so it is silenced).
"""

from __future__ import annotations

import logging
import re
import tempfile
import threading
import warnings
from collections.abc import Iterator
from typing import Any

# the single-character surnames that cover the great majority of people in mainland China, and the
# compound ones: a form of address (陈书记, 老陈) is only built on these
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季"
    "裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄"
    "窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池"
    "查麻苑迟邝"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯", "长孙")
# titles a cadre, an official or a colleague is addressed by, after the surname
TITLES = (
    "书记",
    "副书记",
    "主任",
    "副主任",
    "站长",
    "副站长",
    "社长",
    "组长",
    "镇长",
    "区长",
    "县长",
    "市长",
    "乡长",
    "村长",
    "局长",
    "副局长",
    "处长",
    "科长",
    "部长",
    "主席",
    "委员",
    "干事",
    "网格员",
    "经理",
    "总经理",
    "董事长",
    "厂长",
    "老师",
    "师傅",
    "医生",
    "警官",
    "律师",
    "会计",
    "总",
    "工",
    "姐",
    "哥",
    "叔",
    "阿姨",
    "大姐",
    "大哥",
    "女士",
    "先生",
)
# A title after a common surname names someone the database may not know (王主任). Only titles and
# surnames that seldom meet by accident in running text: 周+工 is in 每周工作, 全+部长 in 全部长期,
# 和+师傅 in 我和师傅, so one-character titles and surnames that are also common words are left out.
_STRANGER_TITLES = tuple(t for t in TITLES if len(t) >= 2 and t not in ("委员", "干事", "部长", "会计", "大哥", "大姐"))
_STRANGER_SURNAMES = SURNAMES - set("和于时应全师成明常文关向解单查商连路司万宁尚项管党安方石金易齐龙江任")
TITLED_STRANGER = re.compile(
    f"[{''.join(sorted(_STRANGER_SURNAMES))}](?:{'|'.join(sorted(_STRANGER_TITLES, key=len, reverse=True))})"
)
# the study's own pseudonyms (A社区, L街道, Q镇, R05, F02, X市): never redacted
PSEUDONYM_SPACE = re.compile(
    r"(?<![A-Za-z0-9])(?:[A-Z]{1,2}(?:社区工作站|社区|街道|镇|乡|村|区|县|市|园区|公司|企业|集团)|[RF]\d{2,4})(?![A-Za-z0-9])"
)


def is_pseudonym(term: str) -> bool:
    return PSEUDONYM_SPACE.fullmatch(term) is not None


def split_name(name: str) -> tuple[str, str] | None:
    """(surname, given name) of a Chinese personal name of 2–4 characters, else None."""
    name = name.strip()
    if not (2 <= len(name) <= 4) or not all("\u4e00" <= c <= "\u9fff" for c in name):
        return None
    if name[:2] in COMPOUND_SURNAMES and len(name) >= 3:
        return name[:2], name[2:]
    if name[0] in SURNAMES:
        return name[0], name[1:]
    return None


def address_forms(name: str) -> list[str]:
    """How a person with this name is spoken of: 陈书记, 老陈, 小陈, and the given name alone when it
    has two characters (志明); the full name is not among them."""
    parts = split_name(name)
    if parts is None:
        return []
    surname, given = parts
    forms = [f"老{surname}", f"小{surname}", *(surname + title for title in TITLES)]
    if len(given) >= 2:
        forms.append(given)
    return forms


# -- the segmenter -------------------------------------------------------------------------------

_lock = threading.Lock()
_segmenter: Any = None
PERSON, PLACE, ORGANISATION = "person", "place", "organisation"
_TAGS = {"nr": PERSON, "nrfg": PERSON, "nrt": PERSON, "ns": PLACE, "nt": ORGANISATION, "nz": ORGANISATION}


def _load() -> Any:
    """jieba's part-of-speech tokenizer, loaded once (thread-safe)."""
    global _segmenter
    with _lock:
        if _segmenter is None:
            with warnings.catch_warnings():  # its import of pkg_resources warns on recent setuptools
                warnings.simplefilter("ignore")
                import jieba  # imported here on purpose: ~1.5 s the app must not pay at start-up
                import jieba.posseg

            jieba.setLogLevel(logging.CRITICAL + 1)  # a cache it cannot write is not the user's problem
            tokenizer = jieba.Tokenizer()
            tokenizer.tmp_dir = tempfile.gettempdir()
            tokenizer.cache_file = f"yingzao-jieba-{jieba.__version__}.cache"
            tokenizer.initialize()
            _segmenter = jieba.posseg.POSTokenizer(tokenizer)
    return _segmenter


def loaded() -> bool:
    return _segmenter is not None


# words that finish a place or organisation name the segmenter cut in two (西园 + 街道, 清河 + 生态 + 公园)
_NAME_ENDS = {
    "街道", "社区", "镇", "乡", "村", "区", "县", "市", "州", "省", "路", "大道", "公园", "生态", "园区", "产业园",
    "科技园", "公司", "集团", "科技", "咖啡", "工作站", "管委会", "办事处", "医院", "学校", "小学", "中学", "大学",
    "广场", "花园", "小区", "大厦", "中心",
}  # fmt: skip


def entities(text: str) -> Iterator[tuple[str, str, int]]:
    """(word, category, start) for each person, place or organisation name the segmenter tags."""
    pairs = [(pair.word, pair.flag) for pair in _load().cut(text)]
    at = 0
    index = 0
    while index < len(pairs):
        word, flag = pairs[index]
        start = at
        at += len(word)
        index += 1
        category = _TAGS.get(flag)
        if category is None:
            continue
        if category != PERSON:
            while index < len(pairs) and pairs[index][0] in _NAME_ENDS:
                word += pairs[index][0]
                at += len(pairs[index][0])
                index += 1
        if len(word) >= 2:
            yield word, category, start
