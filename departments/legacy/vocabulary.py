"""The vocabulary of legacy pages: the patterns that tell what a line or a sentence is.

A new style of page is usually one more pattern here (and one more sample in
tests/legacy_pages/).
"""

import re

from contacts.models import ContactKind

from .decoding import words

ENGLISH = "en"
CHINESE = "zh-hans"

# Shapes of lines. Patterns run on the "folded" text, where full-width ASCII
# (（１）：，；) is half-width; folding keeps every character's position, so a
# match's span also cuts the original text.

FOLD = str.maketrans({chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)})
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z]")
CN_DIGITS = "零〇一二三四五六七八九十百两"
COUNT = rf"(?:\d+|[{CN_DIGITS}]+)"


def fold(text):
    return text.translate(FOLD)


MARKER = re.compile(
    r"^(?:"
    r"\(\s*(?P<paren>\d{1,3})\s*\)"
    rf"|\(\s*(?P<paren_cn>[{CN_DIGITS}]{{1,4}})\s*\)"
    r"|(?P<arabic>\d{1,3})\s*[.、)](?!\d)"
    rf"|(?P<cn>[{CN_DIGITS}]{{1,4}})\s*[、.]"
    r"|(?P<circled>[\u2460-\u2473])"
    r"|(?P<bullet>[•·●○▪■◆◇◦*\-–])(?=\s)"
    r")\s*"
)
ARTICLE = re.compile(rf"^(?:article\s+\d+|第\s*[{CN_DIGITS}\d]+\s*条)\s*[.:]?\s*", re.I)
TERMINAL = re.compile(r"[.。!?！？;；:：]$")
# A wrapped line continues the one before unless that one ends a sentence; a colon
# does not end it ("... the following internal institutions:" + the list).
SENTENCE_END = re.compile(r"[.。!?！？;；]$")
# Shorter lines were not wrapped by the export: they are lines of their own.
WRAPPED_LENGTH = 20
# Sections of names, one or several a line; "mixed" names both institutions and units
# ("Organisation") and cannot be told apart.
NAME_SECTIONS = ("institutions", "units", "mixed")
LIST_SECTIONS = (*NAME_SECTIONS, "contacts", "leaders")

DATE_LABEL = (
    r"(?:date|published|publication\s+date|date\s+of\s+publication|release\s+date|"
    r"release\s+time|publish(?:ed)?\s+time|time|发布日期|发布时间|日期|时间|成文日期|发文日期)"
)
# Year first ("2021-03-15", "2021年3月15日"), or day first as in Britain ("15/03/2021").
DATE_VALUE = (
    r"(?:(?P<year>\d{4})\s*(?:[-/.]|年)\s*(?P<month>\d{1,2})\s*(?:[-/.]|月)\s*(?P<day>\d{1,2})\s*日?"
    r"|(?P<day_first>\d{1,2})\s*(?P<separator>[/.])\s*(?P<month_second>\d{1,2})\s*(?P=separator)"
    r"\s*(?P<year_last>\d{4})(?!\d))"
    r"(?:\s*(?P<hour>\d{1,2})\s*[:时]\s*(?P<minute>\d{1,2})(?:\s*[:分]\s*(?P<second>\d{1,2})秒?)?)?"
)
DATE_LINE = re.compile(rf"^(?:{DATE_LABEL}\s*:\s*)?{DATE_VALUE}\s*(?P<rest>.*)$", re.I)
META = re.compile(
    r"^[\[【(]?\s*(?:来源|信息来源|文章来源|浏览次数|浏览量|点击数|点击量|访问量|阅读次数|作者|"
    r"责任编辑|编辑|字体|字号|source|views|hits|author|editor|font\s+size|font)\s*[:：]",
    re.I,
)
BOILERPLATE = [
    # Breadcrumbs: "> GOVERNMENT > Government Structure", "首页 > 政务公开".
    re.compile(r"^(?:>|»|›|&gt;)"),
    re.compile(r"^[^.。;；]{0,120}?\s(?:>|»|›|>>)\s[^.。;；]{0,120}$"),
    re.compile(
        r"^(?:当前位置|您现在的位置|您的位置|现在位置|所在位置|you\s+are\s+here|current\s+location)"
        r"\s*[:：]",
        re.I,
    ),
    # Buttons: print, close, font size, share.
    re.compile(
        r"^(?:[\s\[\]【】|/·•:：,，()]*(?:print(?:\s+this\s+page)?|close(?:\s+window)?|"
        r"back(?:\s+to\s+top)?|top|share(?:\s+to)?|font(?:\s+size)?|[aA][+-]?|large|medium|"
        r"small|打印(?:本页|此页)?|关闭(?:窗口|本页)?|返回(?:顶部)?|分享(?:到)?|收藏|字[体号]|"
        r"[大中小]|默认|扫一扫|在手机上查看|打开手机浏览器)[\s\[\]【】|/·•:：,，()]*)+$",
        re.I,
    ),
    # Footers.
    re.compile(
        r"^(?:produced\s+by|powered\s+by|copyright|©|\(c\)\s|all\s+rights\s+reserved|"
        r"sponsored\s+by|hosted\s+by|maintained\s+by|technical\s+support|版权所有|主办单位|"
        r"主办\s*[:：]|承办单位|承办\s*[:：]|技术支持|网站标识码|政府网站标识码|网站地图)",
        re.I,
    ),
    re.compile(r"ICP\s*备|公网安备"),
    META,
]
# A site's menu ("Home | About Lanshan | Services", "首页 | 政务公开 | 办事服务"): three or more
# short items without a colon or a digit between bars; vendor credits; share buttons.
BOILERPLATE += [
    re.compile(r"^[^|:\d]{1,30}(?:\|[^|:\d]{1,30}){2,}$"),
    re.compile(
        r"^(?:(?:web\s*)?site\s+)?designed\s+(?:and\s+\w+\s+)?by\b|"
        r"^(?:web\s*)?site\s+(?:developed|built|maintained|hosted)\s+by\b|"
        r"^(?:网站(?:设计|制作|建设|开发|维护)|设计制作|技术制作)(?:单位)?\s*[:：]",
        re.I,
    ),
    re.compile(r"^(?:分享到|分享|share\s+(?:to|on|this))\s*[:：]", re.I),
]
SYMBOLS_ONLY = re.compile(r"^[\W_]+$")

HEADINGS = {
    "functions": (
        r"institutional\s+functions|functions(?:\s+and\s+responsibilities)?|main\s+functions|"
        r"(?:main\s+)?responsibilities|(?:main\s+)?duties|government\s+structure|机构职能|"
        r"主要职能|主要职责|职能职责|部门职责|工作职责|机构职责|职责|职能|政府机构|组织机构|"
        # The chapters of a department's "three determinations" provisions, often numbered
        # ("一、职能配置", "二、内设机构"): a numbered heading, not a responsibility.
        r"职能配置|职责配置"
    ),
    "institutions": (
        r"internal\s+(?:institutions|organs|divisions|structure)|institutions|内设机构|机构设置|"
        r"内设处室"
    ),
    "units": (
        r"(?:directly\s+)?affiliated\s+(?:units|institutions)|subordinate\s+units|直属单位|"
        r"下属单位|直属事业单位|所属单位"
    ),
    "contacts": (
        r"contact(?:s|\s+us|\s+information|\s+details)?|联系方式|联系我们|联系信息|联系办法"
    ),
    "introduction": r"introduction|overview|about(?:\s+us)?|profile|机构简介|简介|概况|机构概况",
    "leaders": (
        r"leaders?|leadership|(?:current\s+)?leading\s+officials|领导|领导信息|领导班子|现任领导"
    ),
}
# Lists (issue 20): a section of names that does not say whether they are institutions or
# affiliated units.
HEADINGS["mixed"] = r"organi[sz]ations?(?:al\s+structure)?|organi[sz]ation\s+chart|组织架构"
HEADING = re.compile(
    rf"^(?:{MARKER.pattern[1:]})?(?P<heading>"
    + "|".join(f"(?P<{name}>{pattern})" for name, pattern in HEADINGS.items())
    + r")\s*(?:\([^)]*\))?\s*(?:[:.]\s*(?P<rest>.*))?$",
    re.I,
)

CONTACT_KINDS = [
    (ContactKind.EMAIL, r"e-?mail|electronic\s+mail|邮箱|电子邮箱|电子信箱|电子邮件|邮件地址|信箱"),
    (ContactKind.WEBSITE, r"website|web\s*site|web|url|home\s*page|网址|网站|门户网站|主页"),
    (ContactKind.POSTCODE, r"post\s*code|postal\s+code|zip(?:\s*code)?|邮编|邮政编码"),
    (ContactKind.COMPLAINT_TELEPHONE, r"complaints?|投诉|监督电话|举报电话"),
    (ContactKind.FAX, r"fax|facsimile|传真"),
    (
        ContactKind.OFFICE_HOURS,
        r"(?:office|working|opening|business|reception)\s+hours|hours|办公时间|工作时间|"
        r"接待时间|服务时间|上班时间",
    ),
    (ContactKind.TELEPHONE, r"tel|telephone|phone|hotline|电话|热线|值班"),
    (ContactKind.ADDRESS, r"address|地址|办公地点|地点"),
]
# A Chinese label may be padded with spaces to align a column ("地　　址：").
LABEL = re.compile(
    r"(?P<label>[A-Za-z][A-Za-z-]*(?:[ /][A-Za-z][A-Za-z-]*){0,3}"
    r"|[\u4e00-\u9fff](?:[ \u3000]+[\u4e00-\u9fff]){1,3}|[\u4e00-\u9fff]{1,8})\s*:"
)
NAME_MAX = 200

# Contact values. What follows a value without being part of it is an annotation that
# goes into the label: "(Chinese)", "（24小时）", an extension ("ext. 8001", "转8001").
# Several values share a line, separated by these (numbers) or each starting a web address.
ANNOTATION = re.compile(r"\s*\((?P<note>[^()]*[A-Za-z\u4e00-\u9fff][^()]*)\)\s*$")
EXTENSION = re.compile(
    r"\s*(?P<note>(?:(?<![A-Za-z])(?:ext|extn|extension)\.?|转|分机)\s*\d{1,6})\s*$", re.I
)
VALUE_SEPARATOR = re.compile(r"\s*(?:[,;、/]|\bor\b|或)\s*", re.I)
EMAIL_SEPARATOR = re.compile(r"\s*(?:[\s,;、/]|\bor\b|或)\s*", re.I)
WEB_ADDRESS_START = re.compile(r"(?:^|(?<=[\s,;、)或]))(?=https?://|www\.)", re.I)

INLINE_MARKER = re.compile(rf"\(\s*(\d{{1,2}}|[{CN_DIGITS}]{{1,3}})\s*\)")

# Number words.

EN_UNITS = words(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
)
EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
CN_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
CN_VALUES |= {"六": 6, "七": 7, "八": 8, "九": 9}

# What ends the name of a unit, where "and" separates two names: "A, B, C, and the D", "A、B、C和D".

EN_UNIT_NOUNS = (
    r"office|department|division|section|bureau|cent(?:re|er)|team|corps|institute|station|"
    r"hospital|school|prison|service|committee|commission|administration|academy|college|"
    r"university|association|agency|authority|brigade|detachment|group|museum|library|"
    r"laboratory|house|fund|company|court|hall|base|park|archives?"
)
ZH_UNIT_SUFFIX = (
    r"(?:处|室|局|部|所|队|中心|院|站|会|办|科|厅|委|组|馆|校|社|司|团|监狱|公司|基地|台|场|园)$"
)

# Sentences after the responsibilities.

INSTITUTIONS_EN = [
    re.compile(
        r"\b(?:consists?\s+of|comprises?|is\s+composed\s+of|is\s+made\s+up\s+of|has|have|"
        r"sets?\s+up|establishes|contains?)\s+(?:the\s+following\s+)?(?:(?P<count>[\w-]+)\s+)?"
        r"(?:internal\s+)?(?:institutions|divisions|departments|offices|organs|bodies)\b"
        r"\s*,?\s*(?:including|includes|include|namely|as\s+follows|which\s+are|:)\s*:?\s*"
        r"(?P<list>.+)$",
        re.I,
    ),
    re.compile(
        r"^(?:its\s+|the\s+(?:[\w\s]+?['’]s\s+)?)?internal\s+(?:institutions|divisions|organs|"
        r"departments)"
        r"(?:\s+of\s+.+?)?\s+(?:include|includes|are|consist\s+of)\s*:?\s*(?P<list>.+)$",
        re.I,
    ),
]
# "设" alone sets up institutions right after the department ("本局设…", "教育厅设…").
SETS_UP_ZH = r"(?:设有|下设|内设|设立|设置|(?:^|(?<=[厅局委会办部署院府]))设(?![有立置]))"
INSTITUTIONS_ZH = [
    # "设A、B…等(N个)内设机构", "设A、B四个处室".
    re.compile(
        rf"{SETS_UP_ZH}(?P<list>[^。]+?)(?:等(?:(?P<count>{COUNT})个)?|"
        rf"(?P<count2>{COUNT})个)(?:内设)?(?:机构|处室|职能处室)(?P<rest>.*)$"
    ),
    # "设(下列|四个)内设机构：A、B", "内设机构有：A、B…", "内设机构5个：A，B".
    re.compile(
        rf"(?:{SETS_UP_ZH}|设(?=下列|以下|如下))(?:下列|以下|如下)?"
        rf"(?:(?P<count>{COUNT})个)?(?:内设)?(?:机构|处室|职能处室)(?:共?(?P<count2>{COUNT})个)?"
        r"(?:有|包括|为|如下|是|分别是|分别为)?[:,]?(?P<list>.+)$"
    ),
    # "内设A、B、C。" with neither a count nor 机构.
    re.compile(r"(?:内设|下设)(?![机处])(?P<list>[^。]+)。?$"),
]
LIST_END_EN = re.compile(r",?\s*\betc\b\.?|,\s*(?=and\s+these\b)|\.\s*$", re.I)
LIST_END_ZH = re.compile(
    rf"等(?:(?P<count>{COUNT})个)?(?:内设)?(?:机构|处室|部门|单位)?(?=[,;。]|$)|[,;](?=这些|上述|以上|各)|[。;]"
)
FILLER = [
    re.compile(
        r"^(?:and\s+)?(?:these|the\s+above|all\s+these|all\s+the\s+above)\s+(?:institutions|"
        r"divisions|offices|departments)\s+(?:are\s+)?(?:responsible\s+for|undertake|"
        r"take\s+charge\s+of)\s+(?:the\s+)?(?:relevant|respective|related)\s+work\.?$",
        re.I,
    ),
    re.compile(
        r"^(?:这些|上述|以上|各)(?:内设)?(?:机构|处室)(?:分别)?(?:负责|承担)(?:相关|有关|相应)(?:工作|职责)。?$"
    ),
]
ROUTINE_EN = [
    re.compile(
        r"^(?:in\s+addition,?\s*|moreover,?\s*|besides,?\s*)?the\s+routine\s+work\s+of\s+"
        r"(?:the\s+)?(?P<handled>.+?)\s+is\s+(?:handled|undertaken|carried\s+out|performed|done|"
        r"taken\s+on)\s+by\s+(?:the\s+)?(?P<list>.+?)\.?$",
        re.I,
    ),
    # "X also handles the routine work of Y."
    re.compile(
        r"^(?:in\s+addition,?\s*|moreover,?\s*|besides,?\s*)?(?:the\s+)?(?P<list>.+?)\s+"
        r"(?:also\s+)?(?:handles|undertakes|carries\s+out|performs|does|takes\s+on|"
        r"is\s+(?:also\s+)?responsible\s+for)\s+the\s+routine\s+work\s+of\s+(?:the\s+)?"
        r"(?P<handled>.+?)\.?$",
        re.I,
    ),
]
ROUTINE_ZH = re.compile(
    r"^(?:其中|另外|此外)?[,]?(?P<handled>[^,。]+?)的日常工作由(?P<list>.+?)"
    rf"(?:等(?:{COUNT}个(?:处室|机构|部门))?)?(?:承担|负责|办理|承办)(?:完成)?。?$"
)
UNITS_EN = [
    re.compile(
        r"\b(?:has|have|there\s+are)\s+(?:the\s+following\s+|(?P<count>[\w-]+)\s+)"
        r"(?:directly[\s-]+)?"
        r"(?:affiliated|subordinate)\s+(?:public\s+)?(?:units?|institutions?|organi[sz]ations?|"
        r"bodies)\b(?:\s+(?:directly\s+)?under\s+it)?\s*[,:]?\s*(?:(?:including|includes|"
        r"include|namely|which\s+are|they\s+are|as\s+follows)\b\s*:?\s*)?(?P<rest>.*?)\.?$",
        re.I,
    ),
    re.compile(
        r"^(?:its|the\s+[\w\s]+?['’]s)\s+(?:directly\s+)?(?:affiliated|subordinate)\s+units\s+"
        r"(?:include|includes|are|consist\s+of)\s*:?\s*(?P<rest>.+?)\.?$",
        re.I,
    ),
]
MANAGES_EN = re.compile(r"(?:^|[,;]?\s+)(?:and\s+)?(?:it\s+)?(?:also\s+)?manages\s+", re.I)
MANAGED_EN = re.compile(
    r"^(?:in\s+addition,?\s*|besides,?\s*)?(?P<subject>.+?)\s+(?:also\s+)?manages\s+(?P<rest>.+?)"
    r"\.?$",
    re.I,
)
UNITS_ZH = [
    re.compile(
        rf"有(?P<count>{COUNT})个直属(?:事业|行政)?单位(?:[,:]|包括|分别是|分别为|即|为)*"
        r"(?P<rest>.*?)。?$"
    ),
    # "直属单位3个：…", "有直属单位2个，即…", "直属单位有4个，分别是…"; 所属/下属 units are
    # directly affiliated too.
    re.compile(
        rf"(?:直属|所属|下属)(?:事业|行政)?单位(?:有|共)?(?P<count>{COUNT})个"
        r"(?:[,:]|包括|分别是|分别为|即|为|是)*(?P<rest>.+?)。?$"
    ),
    re.compile(
        r"(?:直属|所属|下属)(?:事业|行政)?单位(?:有|包括|为|是|分别是)[:]?(?P<rest>.+?)。?$"
    ),
    re.compile(r"直属(?:事业|行政)?单位[:](?P<rest>.+?)。?$"),
    re.compile(r"(?:无|没有)直属(?:事业|行政)?单位(?P<rest>)。?$"),
]
MANAGES_ZH = re.compile(r"(?:[,;](?:并|另外?|还|同时)?|并|另外?|还|同时)(?:负责)?(?:管理|代管)")
MANAGED_ZH = re.compile(
    r"^(?:此外,?)?(?P<subject>.*?)(?:另外?|还|并|同时)?(?:负责)?(?:管理|代管)(?P<rest>.+?)。?$"
)
SELF_SUBJECTS = {"it", "the department", "this department", "本厅", "该厅", "本部门", "该部门"}
SELF_SUBJECTS |= {"本局", "该局", "本委", "该委", "本单位", "该单位", ""}

# A tail after a list: "…，分别承担相应工作。"
FILLER.append(re.compile(r"^(?:分别)?(?:负责|承担)(?:相关|有关|相应)(?:工作|职责)。?$"))

# Lists (issue 20): what closes a list without being part of its last name ("…, etc.", "…等",
# "，共4个"), and the small words an English name keeps in lower case.
LIST_CLOSE_EN = re.compile(r"(?:,?\s*\betc\b\.?|\.)\s*$", re.I)
LIST_CLOSE_ZH = re.compile(r"(?:等)?\s*[。.;；]?\s*$")
COUNT_TAIL_ZH = re.compile(
    rf"[,;]\s*(?:共|合计|总计|计)(?:有)?\s*(?P<count>{COUNT})\s*个"
    r"(?:内设机构|机构|处室|直属单位|单位)?\s*[.;]?\s*$"
)
# An unplaceable line with one of these words could hold a fact: it refuses the page.
FACT_WORDS = re.compile(
    r"\b(?:institutions?|divisions?|units?|affiliated|subordinate|routine\s+work|manages?|"
    r"responsib\w*|address|tel|telephone|phone|fax|e-?mail|website|hotline|post\s*code)\b|"
    r"机构|处室|单位|日常工作|管理|职责|地址|电话|传真|邮箱|网址|邮编|热线",
    re.I,
)
# Longer lines are text that should be somewhere: words (English), characters (Chinese).
FACT_FREE_MAX = {ENGLISH: 12, CHINESE: 30}
EN_SMALL_WORDS = {"of", "and", "the", "for", "on", "in", "at", "to", "a", "an", "de", "&"}

# Words that do not tell two names apart.
EN_STOP_WORDS = {"department", "office", "division", "section", "of", "and", "the", "for"}

# A sentence that announces a list on the lines after it ("The Bureau has the following
# internal institutions:", "本局直属单位如下："): the section the lines below belong to.
LIST_ANNOUNCEMENTS = {
    "institutions": re.compile(
        r"(?:\b(?:internal\s+)?(?:institutions|divisions|offices)\b[^:]*|"
        r"(?:内设机构|处室)(?:如下|有|包括|为|是)?):$",
        re.I,
    ),
    "units": re.compile(
        r"(?:\b(?:affiliated|subordinate)\s+(?:public\s+)?(?:units|institutions)\b[^:]*|"
        r"(?:直属|所属|下属)(?:事业|行政)?单位(?:如下|有|包括|为|是)?):$",
        re.I,
    ),
}
