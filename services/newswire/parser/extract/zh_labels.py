"""Credits and counts Chinese news pages print as labelled text.

``发布时间:2025-03-12 00:50:00``, ``来源:新华网``, ``(总台记者 马瑾瑾)``, ``文/张三``,
``责任编辑:王婷婷``, ``0次浏览`` — a handful of labels cover nearly every Chinese portal,
so these are regexes applied to short text blocks, not a model. The hard part is saying
no: an account, a department or ``网络整理`` after 作者 is not a person, ``本站原创`` after
来源 is not an outlet, and ``记者获悉`` names nobody.
"""

from __future__ import annotations

import re

from newswire.parser.extract.zh_script import compile_zh, simplified

# A Han character (CJK Unified Ideographs): the script test for Chinese text.
HAN = re.compile(r"[\u4e00-\u9fff]")
_CJK_NAME = r"[\u4e00-\u9fff][\u4e00-\u9fff·•]{0,6}[\u4e00-\u9fff]"
_LATIN_NAME = r"[A-Z][a-zA-Z'.-]+(?: [A-Z][a-zA-Z'.-]+){0,3}"
_NAME = rf"(?:{_CJK_NAME}|{_LATIN_NAME})"
_NAMES = rf"{_NAME}(?:\s*[、，,和及与\s]\s*{_NAME}){{0,5}}"

# Words that follow a credit label but are not names.
_NOT_PERSON = frozenset(
    [
        "报道",
        "摄影",
        "摄",
        "编辑",
        "通讯员",
        "记者",
        "发自",
        "获悉",
        "了解",
        "表示",
        "注意",
        "发现",
        "采访",
        "网络",
        "整理",
        "网络整理",
        "本站",
        "原创",
        "本站原创",
        "综合",
        "综合报道",
        "编译",
        "供图",
        "图片",
        "视频",
        "来源",
        "责编",
        "责任编辑",
        "作者",
        "佚名",
        "匿名",
        "未知",
        "管理员",
        "admin",
        "转载",
        "本网",
        "本报",
        "官方",
        "小编",
        "编者",
        "网友",
        "作者团队",
        "投稿",
        "特约",
        "实习生",
        "见习记者",
        "特约记者",
        "新华社",
        "中新社",
        "中新网",
        "人民网",
        "新华网",
        "央视",
        "总台",
        "央视网",
        "通讯",
        "记者站",
        "专栏作者",
        "主编",
        "校对",
        "审核",
        # Notes printed in brackets where a signature goes (``（全文）``, ``（完）``).
        "全文",
        "全文完",
        "待续",
        "未完待续",
        "节选",
        "摘编",
        "组图",
        "图文",
    ]
)
# Common Chinese surnames (single and compound): a credit without one is rarely a person.
_SURNAMES_1 = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕"
    "屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥"
    "南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支"
    "卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印"
    "逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
    "萧阎荀鄂郦续仉缑禄雒訾凤扶蔚庹逄綦钮冒汝濮宦贲"
)
_SURNAMES_2 = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "宇文",
    "司徒",
    "令狐",
    "夏侯",
    "端木",
    "西门",
    "南宫",
    "独孤",
    "呼延",
    "万俟",
    "轩辕",
    "淳于",
    "百里",
    "东郭",
)
_ORG_SUFFIX = compile_zh(
    r"(?:报|网|社|台|站|部|局|委|会|中心|公司|集团|支部|学院|大学|医院|协会|办公室|频道|杂志|"
    r"日报|晚报|时报|周刊|新闻|传媒|媒体|工作室|研究院|研究所|政府|银行|基金|证券|官方|客户端)$"
)

_LABEL_SOURCE = compile_zh(
    # (Also right after a digit: the time before it, with no space, ``08:00来源：``.)
    r"(?:^|(?<=[\s|｜:：/【\[(（\d]))"
    r"(?:(?:信息|稿件|文章|新闻|本文|内容|消息)?来源于?|来自|出处|稿源|(?:本文)?(?:转载自|转载于|转自))"
    r"\s*[:：︱|｜]?\s*(?P<v>[^\s|｜,，;；:：【】\[\]()（）<>]{2,30})"
)
# ``来自甘肃``, ``来自福建省``: the region a platform shows for the poster's IP address
# (IP属地), not an outlet.
_REGION = compile_zh(
    r"(?:北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|"
    r"湖南|广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门|"
    r"海外|国外|境外|未知)(?:省|市|自治区|特别行政区)?"
)
# Where a source value runs on into the next credit or the date with no space between
# (``来源：某某日报责任编辑：…``, ``来源：人民日报2024-05-13``), the outlet ends there.
_SOURCE_RUN_ON = compile_zh(
    r"(?:责任编辑|责编|编辑|作者|记者|通讯员|发布时间|发布日期|时间|日期|浏览|阅读|字号)"
    r"|(?<=\D)(?:19|20)\d\d[-/.年]\d"
)
# A staff code CMSs print after an editor's name (``杨某_NF1234``, ``支全明 SF099``): not
# part of the name.
_STAFF_CODE = r"_?[A-Z]{1,4}\d{2,6}"
_EDITOR_NAME = rf"{_CJK_NAME}(?:{_STAFF_CODE})?"
_LABEL_EDITOR = compile_zh(
    r"(?:^|(?<=[\s|｜【\[(（]))"
    r"(?P<label>责任编辑|责编|编辑|本文编辑|本期编辑|文字编辑|值班编辑|网络编辑|审核编辑|选稿"
    # The new-media desk's editor, and self-media's 小编 (a label only with its colon).
    r"|新媒体编辑|融媒体编辑|小编(?=\s*[:：]))"
    r"\s*[:：/︱|｜]?\s*"
    # Several editors joined by 、 are one credit, kept as printed (``责编：甲、乙``).
    rf"(?P<v>{_EDITOR_NAME}(?:、{_EDITOR_NAME})*|[A-Za-z][A-Za-z0-9_]*(?: [A-Z][a-z]+)?)"
    r"(?=$|[\s|｜】\])）【\[(（,，;；、。/]|SN)"
)
_STAFF_CODES = re.compile(_STAFF_CODE)
# More editors after the first, each after a space, up to the end of the line or bracket.
_MORE_EDITORS = compile_zh(rf"(?:[ \t\xa0\u3000]+{_CJK_NAME}){{1,3}}(?=\s*(?:$|[)）】\]]))")
# 作者/记者/文/采写 ... followed by names; the label may carry a prefix (总台记者, 本报记者).
_LABEL_AUTHOR = compile_zh(
    r"(?:记者|作者|撰文|撰稿人|撰稿|评论员|采写|通讯员|实习生|编译|文字|文/图|文图|文)"
    r"(?P<sep>\s*[:：/|｜︱]\s*|\s+)?"
    rf"(?P<v>{_NAMES})"
    # (An affiliation in brackets may follow the name: ``作者：王某（某某大学教授）``.)
    r"(?=$|[\s|｜)）】\]，,。;；/（(]|报道|摄|发自)"
)
_PAREN_CREDIT = re.compile(r"[（(【\[]([^()（）【】\[\]]{2,40})[)）】\]]")
_BARE_NAMES = re.compile(rf"^\s*({_CJK_NAME}(?:\s*[\s、]\s*{_CJK_NAME}){{0,3}})\s*$")
# A count before its label stands on its own: never the end of a time or another number
# (``10:20`` and ``浏览量`` in adjacent elements read "10:20浏览量").
_VIEWS = compile_zh(
    r"(?<![\d:：.\-/,])(?P<a>\d[\d,]*)\s*(?:次浏览|次阅读|人阅读|人浏览|次播放|阅读|浏览|人看过)"
    # (Or in brackets after the label: 浏览(0), 点击（12）.)
    r"|(?:阅读|浏览|点击|阅读量|浏览量|浏览次数|点击数|阅读数)\s*[:：(（]?\s*(?P<b>\d[\d,]*)"
    # Forums' portal pages (Discuz): 查看: 12, with its colon (查看2条评论 counts no views).
    r"|查看(?:次数)?\s*[:：]\s*(?P<c>\d[\d,]*)"
)
# A date's label ends right before it, but for a colon, "on" or a bracket (a 时间 inside a
# headline of a dated list, "开放时间延长 2026-12-05", labels nothing).
_LABEL_END = r"\s*(?:\bon\b|\bat\b)?\s*[:：|｜]?\s*[(（]?\s*$"
_PUBLISH_LABEL = compile_zh(
    r"(?:发布时间|发表时间|发布日期|发布于|发表于|发稿时间|时间|日期|Published|Posted|Date)"
    + _LABEL_END,
    re.I,
)
_UPDATE_LABEL = compile_zh(
    r"(?:(?:最后)?更新(?:时间|于)?|修改时间|Updated|Modified)" + _LABEL_END, re.I
)


def clean_person(name: str) -> str | None:
    """A person's name, or None when the string is an outlet, account or filler word."""
    name = name.strip(" ·•:：/|")
    if not name or simplified(name) in _NOT_PERSON:
        return None
    if re.fullmatch(_CJK_NAME, name):
        foreign = "·" in name or "•" in name
        if len(name) > 4 and not foreign:
            return None
        if len(name) >= 3 and _ORG_SUFFIX.search(name) and not foreign:
            return None
        plain = simplified(name)
        if not foreign and plain[0] not in _SURNAMES_1 and not plain.startswith(_SURNAMES_2):
            return None
    elif not re.fullmatch(_LATIN_NAME, name):
        return None
    return name


def _split_names(value: str) -> list[str]:
    out = []
    for group in re.split(r"\s*[、，,和及与]\s*", value):
        # Chinese names are joined by spaces too; a Latin name holds them (Jane Doe).
        parts = [group] if re.fullmatch(_LATIN_NAME, group) else group.split()
        for part in parts:
            person = clean_person(part)
            if person and person not in out:
                out.append(person)
    return out


def _name_list(value: str) -> bool:
    """Two or more short names joined by 、 or 和 (``邹多为、唐诗凝、丁乐``), nothing else."""
    parts = re.split(r"[、和]", value)
    return len(parts) > 1 and all(2 <= len(p) <= 3 and clean_person(p) == p for p in parts)


# The photographer's own label after the writer's credit (``记者：王某 摄影：李某``).
_PHOTO_LABEL = compile_zh(r"摄[影像]?\s*[:：]")
# Roles that are not the writer's, printed after the writers in one credit line.
_OTHER_ROLE = compile_zh(r"(?:责任编辑|责编|编辑|摄影|摄像|校对|审核|审校|监制|统筹|编审|终审)")


def find_authors(text: str) -> list[str]:
    """People credited as author, reporter or writer in one text block."""
    authors: list[str] = []
    for m in _LABEL_AUTHOR.finditer(text):
        # ``记者获悉`` — a label glued to a word — is a verb phrase, not a credit; a glued
        # name is accepted only right before a delimiter (checked by the lookahead).
        start = m.start()
        prev = text[start - 1] if start else ""
        label = text[start : m.start("v")].strip()
        if (
            label.startswith("文")
            and prev
            and "\u4e00" <= prev <= "\u9fff"
            and prev not in "本图圖"
        ):
            # ``论文``/``原文`` are not the 文/ credit.
            continue
        if label == "文" and not m.group("sep"):
            continue
        after = text[m.end() : m.end() + 5].lstrip()
        if after.startswith(("摄", "攝")) and not _PHOTO_LABEL.match(after):
            continue  # a photographer's credit (``王某 摄``), not a writer's
        if not m.group("sep") and len(m.group("v")) > 3 and not _name_list(m.group("v")):
            # A label glued to a long word is prose (``作者最新文章``), not a credit; a
            # list of names is one (``记者甲乙丙、丁戊``).
            continue
        # The credit ends where another role's begins (``记者 马某 编辑 王某``): the
        # names after it are the editor's or the photographer's, not writers.
        for name in _split_names(_OTHER_ROLE.split(m.group("v"), 1)[0]):
            if name not in authors:
                authors.append(name)
    if not authors and ("报道" in text or "報道" in text or "報導" in text):
        authors = _reported_by(text)
    if not authors and "作者" in text:
        authors = _writer_with_role(text)
    if not authors and ("文" in text or "编译" in text or "編譯" in text):
        # The name before its role: ``王某/文``, ``王某编译``.
        for m in _NAME_THEN_ROLE.finditer(text):
            person = clean_person(m.group("n"))
            if person and person not in authors:
                authors.append(person)
    return authors


# ``张某 报道``, ``本报讯 张某 李某 报道``, ``（张某、李某 报道）``: names before 报道 where a
# signature goes (the text's start, after the 讯 that opens a report). The space before
# 报道 is required: ``新华社报道，`` and ``据某某报道`` are prose about who reported.
_REPORTED_BY = compile_zh(
    rf"^(?:[\u4e00-\u9fff]{{1,8}}讯)?[\s:：]*"
    rf"(?P<v>{_CJK_NAME}(?:\s*[\s、和]\s*{_CJK_NAME}){{0,3}})\s+报道(?=$|[\s:：，,。)）])"
)


def _reported_by(text: str) -> list[str]:
    m = _REPORTED_BY.match(text.strip())
    if not m:
        return []
    parts = re.split(r"\s*[\s、和]\s*", m.group("v").strip())
    names = [p for p in parts if 2 <= len(p) <= 3 and clean_person(p) == p]
    # Every part must read as a person's name: ``本报综合 报道`` names nobody.
    return names if len(names) == len(parts) else []


_NAME_THEN_ROLE = compile_zh(
    rf"(?:^|(?<=[\s（(:：]))(?P<n>{_CJK_NAME})\s*(?:[/／]\s*文|编译)(?=$|[\s)）])"
)


# ``作者：记者王某``, ``作者：王某北京大学教授``, ``作者：某某中心研究部部长、研究员王某``: the
# writer's role or affiliation printed with the name, with no space between.
_AUTHOR_WITH_ROLE = compile_zh(r"作者\s*[:：︱|｜]\s*(?P<v>[^()（）\s]{3,60})")
_ROLE_BEFORE = compile_zh(r"^(?:本报|特约|见习)?(?:记者|通讯员)")
_TITLE = r"(?:教授|研究员|博士|讲师|主任|部长|院长|所长|专家|学者|分析师|经济学家|评论员)"
_NAME_AFTER_TITLE = compile_zh(rf"{_TITLE}(?P<n>[\u4e00-\u9fff]{{2,3}})$")
_AFFILIATION = compile_zh(
    r"(?:北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|"
    r"湖南|广东|海南|四川|贵州|云南|陕西|甘肃|青海|广西|新疆|香港|澳门|台湾|中国|国家|中央|全国|"
    r"国务院|清华|复旦|南开|同济|中山|武汉|南京|厦门|人民)"
)


def _writer_with_role(text: str) -> list[str]:
    m = _AUTHOR_WITH_ROLE.search(text)
    if not m:
        return []
    value = m.group("v").rstrip("。，,；;")
    role = _ROLE_BEFORE.match(value)
    if role and clean_person(value[role.end() :]):
        return [value[role.end() :]]
    after = _NAME_AFTER_TITLE.search(value)
    if after and clean_person(after.group("n")):
        return [after.group("n")]
    if re.search(rf"{_TITLE}$", value):
        # The name first, then where the writer works: the name ends where it begins.
        for n in (2, 3):
            if clean_person(value[:n]) and _AFFILIATION.match(value, n):
                return [value[:n]]
    return []


def _signs(text: str, m: re.Match[str]) -> bool:
    """A bracketed bare name signs the text where it opens or closes it, or follows the
    dateline (``…5月19日电（甲、乙）``, ``本报讯（甲）``); in mid-sentence it is a nickname
    or a note (``庾澄庆（哈林）及…``, ``iPhone 11（国行）各容量``)."""
    if not text[m.end() :].strip(" 。.\u3000"):
        return True
    before = text[: m.start()].rstrip()
    return not before or before.endswith(("电", "讯"))


_PHOTO_CREDIT = compile_zh(rf"(?:记者|通讯员|摄影|[(（])\s*(?P<n>{_CJK_NAME})\s*摄\s*[)）]?\s*$")


def photographer(text: str) -> str | None:
    """The photographer a caption ends with (``…新华社记者 李某 摄``, ``…（李某摄）``)."""
    if "摄" not in text[-4:]:
        return None
    m = _PHOTO_CREDIT.search(text[-30:])
    return clean_person(m.group("n")) if m else None


def find_paren_authors(text: str) -> list[str]:
    """``(总台记者 马瑾瑾)``-style credits, including a bare ``（张巨峰）`` name."""
    authors: list[str] = []
    for m in _PAREN_CREDIT.finditer(text):
        inner = m.group(1).strip()
        if inner.endswith(("摄", "攝")) or "摄影" in inner or "攝影" in inner:
            continue
        found = find_authors(inner)
        if not found and _signs(text, m):
            bare = _BARE_NAMES.match(inner)
            if bare:
                found = [n for n in _split_names(bare.group(1)) if len(n) <= 3]
        for name in found:
            if name not in authors:
                authors.append(name)
    return authors


# Characters every label of a pattern holds: a text without them cannot match, and these
# searches for plain words (which the regex engine skips ahead to) cost a fraction of the
# label pattern's (which has no plain start, so it is tried at every position). Most lines
# of most pages hold none.
_VIEWS_MARK = compile_zh("阅|浏|点|播|看过|查看")  # 阅读, 浏览, 点击, 播放, 人看过, 查看


def may_name_editor(text: str) -> bool:
    # 责任编辑, 责编, 编辑, 本文编辑, 值班编辑… | 选稿
    return _EDITOR_MARK.search(text) is not None


# 信息来源, 稿件来源, 文章来源, 新闻来源, 来源, 来自… | 出处 | 稿源 | 转自, 转载自…
_SOURCE_MARK = compile_zh("来|出处|稿源|转")
_EDITOR_MARK = compile_zh("编|选稿")


def _may_name_source(text: str) -> bool:
    return _SOURCE_MARK.search(text) is not None


# The labels of the editor responsible for the story: when a page credits several
# editors (``编辑：王某 责任编辑：李某``), this one is the editor.
_RESPONSIBLE = frozenset(["责任编辑", "责编"])


def find_editor(text: str) -> str | None:
    found = find_editor_credit(text)
    return found[0] if found else None


def find_editor_credit(text: str, spaced_names: bool = True) -> tuple[str, bool, list[str]] | None:
    """The editor a line credits, whether the label names the responsible editor (责任编辑
    rather than 编辑: that credit wins when a line or page holds several), and every
    editor the line credits (none of them is the story's author).

    ``spaced_names=False`` for a line whose spaces stand for element boundaries (the next
    element after the name is a page tool, 关闭窗口, not another editor)."""
    if not may_name_editor(text):
        return None
    names: list[str] = []
    best: tuple[str, bool] | None = None
    for m in _LABEL_EDITOR.finditer(text):
        value = m.group("v").strip()
        if HAN.match(value):
            value = _STAFF_CODES.sub("", value)
        if any(simplified(v) in _NOT_PERSON or _ORG_SUFFIX.search(v) for v in value.split("、")):
            continue
        more = _MORE_EDITORS.match(text, m.end()) if spaced_names else None
        if more and HAN.match(value):
            # Editors joined by spaces, the credit ending the line (``责任编辑：王某 李某``):
            # kept as printed, when every further word is a person's name.
            extra = more.group().split()
            if all(clean_person(name) == name for name in extra):
                value = " ".join([value, *extra])
        names.append(value)
        responsible = simplified(m.group("label")) in _RESPONSIBLE
        if best is None or (not best[1] and responsible):
            best = value, responsible
    return (best[0], best[1], names) if best else None


# What templates print where the outlet goes when there is none: the site itself, "the
# internet", "original", "unknown" (a CMS's default for an empty source field).
NOT_AN_OUTLET = frozenset(
    {"本站", "本站原创", "原创", "网络", "互联网", "网友", "未知", "不详", "本网", "网络整理"}
)


def find_source(text: str) -> str | None:
    if not _may_name_source(text):
        return None
    m = _LABEL_SOURCE.search(text)
    if not m:
        return None
    value = m.group("v")
    run_on = _SOURCE_RUN_ON.search(value, 2)
    if run_on:
        value = value[: run_on.start()]
    elif text.startswith((":", "："), m.end()):
        # The label was left empty and the next one follows (``来源：&nbsp;评论：0``,
        # a CMS's template with no source filled in): that label is no outlet.
        return None
    value = value.strip(" ·-")
    if simplified(value) in NOT_AN_OUTLET:
        return None
    if simplified(value).startswith(("本站", "本网")) or not re.search(r"[\w]", value):
        return None
    if (value[0].isdigit() and not is_digit_outlet(value)) or _REGION.fullmatch(value):
        return None  # (a date or count after the label, not an outlet)
    return value


def is_region(text: str) -> bool:
    """A province or region alone (北京, 广东省, 海外): where a platform says the poster
    was (IP属地), never an outlet."""
    return _REGION.fullmatch(text) is not None


# Outlets whose names begin with digits (1905电影网, 39健康网, 21世纪经济报道), unlike a
# date or count (2024年, 3小时前, 15条).
_DIGIT_OUTLET = compile_zh(r"\d{1,4}(?![\d年月日时点分秒条次人个小天周])[\u4e00-\u9fff]{2}")


# A platform's kind of account before the account's name (``澎湃号·上海发布``,
# ``百家号：某某日报``): the source is the account, the platform only hosts it.
_ACCOUNT_KIND = compile_zh(
    r"^(?:澎湃号|百家号|网易号|头条号|企鹅号|搜狐号|大风号|一点号|新浪号|微信公众号|公众号)"
    r"\s*[·•:：|｜\s]\s*(?=\S{2})"
)


def is_account(text: str) -> bool:
    """Whether the text names a platform account (``澎湃号·上海发布``): a source's label."""
    return ("号" in text[:5] or "號" in text[:5]) and _ACCOUNT_KIND.match(text) is not None


def account_name(source: str) -> str:
    """The source without the platform's account kind before it (``澎湃号·X`` is X)."""
    return _ACCOUNT_KIND.sub("", source) if "号" in source[:5] or "號" in source[:5] else source


def is_digit_outlet(value: str) -> bool:
    return _DIGIT_OUTLET.match(value) is not None and _ORG_SUFFIX.search(value) is not None


def may_show_views(text: str) -> bool:
    """Whether a line holds a view-count label at all (a quick search for its marks)."""
    return _VIEWS_MARK.search(text) is not None


def find_views(text: str) -> int | None:
    if not may_show_views(text):
        return None
    m = _VIEWS.search(text)
    if not m:
        return None
    raw = (m.group("a") or m.group("b") or m.group("c") or "").replace(",", "")
    try:
        return int(raw)
    except ValueError:
        return None


def date_label(text: str, pos: int) -> str | None:
    """'published' or 'updated' when a label sits just before position ``pos``."""
    before = text[max(0, pos - 12) : pos]
    if _UPDATE_LABEL.search(before):
        return "updated"
    if _PUBLISH_LABEL.search(before):
        return "published"
    return None


def is_credit_line(text: str) -> bool:
    """A block that is only a reporter/author credit, e.g. ``(总台记者 马瑾瑾)``."""
    t = text.strip()
    if len(t) > 40:
        return False
    m = _PAREN_CREDIT.fullmatch(t)
    if m:
        return bool(find_paren_authors(t)) or _CREDIT_WORD.search(t) is not None
    return _CREDIT_START.match(t) is not None and bool(find_authors(t))


# (Compiled once: is_credit_line runs for every short line of every body.)
_CREDIT_WORD = compile_zh(r"记者|通讯员|作者|编辑|文/")
_CREDIT_START = compile_zh(r"^(?:本报)?(?:记者|作者|撰文|文/|文 /|采写|通讯员)")
