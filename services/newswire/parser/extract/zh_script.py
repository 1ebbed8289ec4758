"""Chinese in either script: labels in traditional characters read as their simplified forms.

Hong Kong and Taiwan sites print the same labels in traditional characters (責任編輯 for
责任编辑, 來源 for 来源, 記者 for 记者, 發佈時間 for 发布时间). The extractor's patterns and
word lists are written once, in simplified characters, and read both scripts:

- :func:`compile_zh` compiles a pattern so that its words match in either script
  (``来源\\s*:`` -> ``来源\\s*:|來源\\s*:``), at the cost of the pattern alone, and returns
  the page's own characters;
- :func:`simplified` maps a short value (a candidate name, a crumb) to simplified characters,
  character for character, before it is looked up in a word list.

The table holds the characters the extractor's patterns use, with their traditional forms
as OpenCC (s2t, s2hk, s2tw) gives them.
"""

from __future__ import annotations

import re

# Each entry: a simplified character, then its traditional form(s).
_TABLE = (
    "万萬 与與 专專 丛叢 东東 两兩 严嚴 个個 丰豐 为爲為 举舉 乌烏 乐樂 乔喬",
    "习習 于於 云雲 们們 众衆眾 优優 会會 传傳 体體 余餘 储儲 党黨 兰蘭 关關",
    "内內 写寫 农農 冯馮 况況 凤鳳 击擊 刘劉 刚剛 创創 删刪 别別 办辦 务務 动動",
    "劳勞 区區 医醫 华華 协協 单單 卢盧 卫衛衞 厅廳 厉厲 厦廈 参參 发發 台臺",
    "叶葉 号號 后後 吕呂 吴吳 员員 周週 团團 国國 图圖 声聲 处處 备備 复復 头頭",
    "娄婁 孙孫 学學 宁寧 实實 审審 宫宮 宾賓 对對 尧堯 属屬 岳嶽 峰峯 巩鞏 布佈",
    "帅帥 师師 干幹 广廣 庄莊 庆慶 应應 庞龐 开開 张張 强強 当當 录錄 总總 战戰",
    "户戶 扫掃 报報 据據 摄攝 数數 无無 时時 显顯 晋晉 暂暫 术術 朴樸 杂雜 权權",
    "条條 来來 杨楊 标標 栏欄 栗慄 栾欒 楼樓 欢歡 欧歐 毕畢 汉漢 汤湯 济濟 浏瀏",
    "涂塗 温溫 游遊 湾灣 满滿 点點 热熱 独獨 现現 电電 监監 盖蓋 盘盤 码碼 礼禮",
    "禄祿 窦竇 筹籌 签籤 简簡 纠糾 约約 纪紀 线線綫 练練 组組 终終 经經 结結",
    "络絡 绝絕 统統 续續 维維 综綜 缑緱 编編 缪繆 网網 罗羅 聂聶 联聯 肃肅 节節",
    "芦蘆 苏蘇 范範 荆荊 荐薦 荣榮 获獲 萧蕭 蒋蔣 蓝藍 蔺藺 装裝 见見 视視 览覽",
    "计計 认認 讯訊 记記 讲講 许許 论論 设設 访訪 证證 评評 识識 词詞 译譯 诗詩",
    "话話 详詳 误誤 说說説 请請 诸諸 读讀 谈談 谌諶 谢謝 谣謠 谭譚 责責 质質",
    "贲賁 贵貴 费費 贺賀 贾賈 资資 赞贊 赵趙 车車 轩軒 转轉 载載 辑輯 辕轅 辟闢",
    "边邊 辽遼 达達 过過 进進 连連 迟遲 选選 邓鄧 邝鄺 邬鄔 邹鄒 郁鬱 郑鄭 郦酈",
    "采採 里裏裡 钟鍾 钮鈕 钱錢 银銀 链鏈 错錯 键鍵 长長 门門 闫閆 闭閉 问問",
    "间間 闵閔 闻聞 阅閱閲 阎閻 阙闕 阚闞 队隊 阳陽 阴陰 际際 陆陸 陈陳 陕陝",
    "韦韋 韩韓 页頁 顶頂 项項 顾顧 领領 频頻 题題 颜顏 风風 饶饒 马馬 骆駱 鲁魯",
    "鲍鮑 鲜鮮 鹅鵝 麦麥 黄黃 齐齊 龙龍 龚龔",
)
_VARIANTS: dict[str, str] = {pair[0]: pair[1:] for row in _TABLE for pair in row.split()}
_TO_SIMPLIFIED = str.maketrans({t: s for s, ts in _VARIANTS.items() for t in ts})


def simplified(text: str) -> str:
    """The text with traditional characters of the table in their simplified forms."""
    return text.translate(_TO_SIMPLIFIED)


def both_scripts(pattern: str) -> str:
    """The regex reading its Chinese words in either script, as flat as it was.

    Each alternative that opens with a Chinese word is repeated once per spelling
    (``来源\\s*:|來源\\s*:``), all its words in the same script, as a page writes them: an
    alternation of plain words keeps the regex engine's skipping ahead to where a match can
    start, which a class per character (``[来來][源]``) or a group per word defeats, making
    label patterns many times slower. An alternative holding named groups (which may not
    repeat) is copied once, its groups' alternatives widened the same way and any other
    word put in a group of its spellings. Classes simply gain the traditional forms.
    """
    return _alternatives(pattern, 0, len(pattern))


_HAN = re.compile("[\u4e00-\u9fff]")
_GROUP_HEAD = re.compile(r"\((?:\?(?::|=|!|<=|<!|P<\w+>))?")


def _alternatives(p: str, start: int, end: int) -> str:
    out = []
    for a, b in _split_alternatives(p, start, end):
        alt = p[a:b]
        words = _leading_words(alt)
        if words is not None:
            # ``(?:责任编辑|责编)\s*:`` as ``责任编辑\s*:|责编\s*:``, each then spelled both ways.
            out.extend(_alternatives(w, 0, len(w)) for w in words)
            continue
        # (Only an alternative that opens with a word: one that opens with a group is
        # widened inside the group, where the engine looks for the first character.)
        if _HAN.match(alt[:1]) and "(?P" not in alt and _spelled(alt, 0) != alt:
            out.append("|".join(dict.fromkeys(_spelled(alt, pick) for pick in (None, 0, -1))))
        else:
            out.append(_sequence(p, a, b))
    return "|".join(out)


_LEADING_GROUP = re.compile(r"\(\?:([^()\[\]\\|]+(?:\|[^()\[\]\\|]+)+)\)(?![?*+{])(.+)", re.S)


def _leading_words(alt: str) -> list[str] | None:
    """An alternative opening with a group of plain words and going on after it, as one
    alternative per word (None when it is not such, or repeating it would repeat a named
    group)."""
    m = _LEADING_GROUP.fullmatch(alt)
    if m is None or "(?P" in m.group(2) or not _HAN.search(m.group(1)):
        return None
    return [word + m.group(2) for word in m.group(1).split("|")]


def _split_alternatives(p: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of the top-level alternatives of ``p[start:end]``."""
    spans = []
    a = start
    while True:
        bar = _at_top_level(p, a, end, "|")
        spans.append((a, bar))
        if bar >= end:
            return spans
        a = bar + 1


def _group_end(p: str, i: int) -> int:
    """The index of the parenthesis closing the group opening at ``i``."""
    end = _at_top_level(p, i + 1, len(p), ")")
    if end >= len(p):
        raise ValueError(f"unbalanced group in {p!r}")
    return end


def _at_top_level(p: str, i: int, end: int, char: str) -> int:
    """The index of the first ``char`` in ``p[i:end]`` outside escapes, classes and nested
    groups (``end`` when there is none)."""
    depth = 0
    while i < end:
        c = p[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i = _class_end(p, i)
            continue
        if c == char and depth == 0:
            return i
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        i += 1
    return end


def _class_end(p: str, i: int) -> int:
    """The index just past the character class opening at ``i``."""
    j = i + 1
    if j < len(p) and p[j] == "^":
        j += 1
    if j < len(p) and p[j] == "]":
        j += 1
    while j < len(p) and p[j] != "]":
        j += 2 if p[j] == "\\" else 1
    return j + 1


def _sequence(p: str, a: int, b: int) -> str:
    """One alternative copied once: groups widened inside, other words in place."""
    out: list[str] = []
    i = a
    while i < b:
        c = p[i]
        if c == "\\":
            out.append(p[i : i + 2])
            i += 2
        elif c == "[":
            j = _class_end(p, i)
            out.append(_spelled(p[i:j], None))
            i = j
        elif c == "(":
            head = _GROUP_HEAD.match(p, i).group()
            j = _group_end(p, i)
            out.append(head + _alternatives(p, i + len(head), j) + ")")
            i = j + 1
        elif _HAN.match(c):
            j = i
            while j < b and _HAN.match(p[j]):
                j += 1
            run, tail = p[i:j], ""
            if j < b and p[j] in "?*+{":
                run, tail = run[:-1], run[-1]  # (a quantifier takes the last character)
            out.append(_word_in_both(run) if run else "")
            if tail:
                out.append(_word_in_both(tail))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _word_in_both(word: str) -> str:
    """A literal word as a regex matching it in either script."""
    spellings = list(dict.fromkeys(_spelled(word, pick) for pick in (None, 0, -1)))
    if len(spellings) == 1:
        return word
    if len(word) == 1:
        return "[" + "".join(spellings) + "]"
    return "(?:" + "|".join(spellings) + ")"


def compile_zh(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile`` of the pattern, reading Chinese labels in either script."""
    return re.compile(both_scripts(pattern), flags)


def _spelled(pattern: str, pick: int | None) -> str:
    """The pattern with its characters outside classes in one script (``pick``: which
    traditional form, None for the pattern as written); classes hold both."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class:
            in_class = False
        variants = _VARIANTS.get(c)
        if variants is None:
            out.append(c)
        elif in_class:
            out.append(c + variants)
        else:
            out.append(c if pick is None else variants[pick])
        i += 1
    return "".join(out)


def traditional(text: str) -> str:
    """The text with the table's characters in their (first) traditional form: the other
    script, for tests and benchmarks that render a page both ways."""
    return "".join(_VARIANTS.get(c, c)[0] for c in text)


def either_script(*words: str) -> tuple[str, ...]:
    """The words and their traditional spellings, for substring tests (``"编" in text``)."""
    out = list(words)
    for word in words:
        other = traditional(word)
        if other not in out:
            out.append(other)
    return tuple(out)
