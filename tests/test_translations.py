import ast
import gettext
import re
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.utils.translation.template import templatize

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
JINJA2_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "jinja2"

QUOTED = r"""(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
# Every call of _ in a template source, with its first argument when that is a string literal.
TEMPLATE_GETTEXT_CALL = re.compile(rf"(?<![\w.])_\(\s*({QUOTED})?")
# What templatize (makemessages' reading of an .html file) hands on to xgettext.
EXTRACTED_CALL = re.compile(rf" _\(({QUOTED})\) ")


def unescape(quoted):
    return quoted.strip()[1:-1].replace('\\"', '"').replace("\\n", "\n")


def po_entries():
    """(msgid, msgstr, flags) of each entry of the Chinese catalogue, parsed plainly."""
    entries, current = [], {}
    for line in (CATALOGUE / "django.po").read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current.get("msgid"):
                entries.append(current)
            current = {}
        elif line.startswith("#,"):
            current["flags"] = line
        elif line.startswith(("msgctxt ", "msgid ", "msgstr ", "msgstr[0] ", "msgid_plural ")):
            key, _, value = line.partition(" ")
            current[key] = unescape(value)
            current["last"] = key
        elif line.startswith('"') and "last" in current:
            current[current["last"]] += unescape(line)
    return entries


def test_every_interface_string_has_a_chinese_translation():
    untranslated = [
        entry["msgid"]
        for entry in po_entries()
        if not (entry.get("msgstr") or entry.get("msgstr[0]")) or "fuzzy" in entry.get("flags", "")
    ]
    assert untranslated == []


def test_compiled_catalogue_matches_its_source():
    """`make messages` compiles the catalogue; a stale .mo would hide new translations."""
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = []
    for entry in po_entries():
        msgid, plural, context = entry["msgid"], entry.get("msgid_plural"), entry.get("msgctxt")
        expected = entry.get("msgstr") or entry.get("msgstr[0]")
        if plural and context:
            compiled_text = catalogue.npgettext(context, msgid, plural, 1)
        elif plural:
            compiled_text = catalogue.ngettext(msgid, plural, 1)
        elif context:
            compiled_text = catalogue.pgettext(context, msgid)
        else:
            compiled_text = catalogue.gettext(msgid)
        if compiled_text != expected:
            stale.append(entry["msgid"])
    assert stale == []


def test_every_string_of_the_jinja2_templates_is_extracted_and_translated():
    """makemessages reads the templates as Django templates: it sees ``_("literal")`` only at
    the start of a ``{{ }}`` or anywhere in a ``{% %}``. A string it cannot see, or that
    nobody translated, would show in English on the Chinese pages."""
    translated = {
        entry["msgid"]
        for entry in po_entries()
        if "msgctxt" not in entry
        and (entry.get("msgstr") or entry.get("msgstr[0]"))
        and "fuzzy" not in entry.get("flags", "")
    }
    problems = []
    templates = sorted(JINJA2_TEMPLATES.rglob("*.html"))
    assert templates
    for template in templates:
        name = template.relative_to(JINJA2_TEMPLATES)
        source = template.read_text(encoding="utf-8")
        literals = []
        for match in TEMPLATE_GETTEXT_CALL.finditer(source):
            if match[1] is None:
                line = source.count("\n", 0, match.start()) + 1
                problems.append(f"{name}:{line}: _() of something other than a string literal")
            else:
                literals.append(match[1])
        extracted = EXTRACTED_CALL.findall(templatize(source, origin=str(template)))
        unseen = Counter(literals) - Counter(extracted)
        problems += [f"{name}: makemessages does not see _({literal})" for literal in unseen]
        problems += [
            f"{name}: no Chinese translation of _({literal})"
            for literal in literals
            if ast.literal_eval(literal) not in translated
        ]
    assert problems == []


def test_admin_templates_hold_no_chinese_outside_the_catalogue():
    """Admin text comes from the catalogue in the admin's language; Chinese written into an
    admin template (as "预览草稿" once was) shows to every reader whatever their language."""
    admin_templates = Path(settings.BASE_DIR) / "templates" / "admin"
    chinese = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
    found = [
        f"{template.relative_to(admin_templates)}:{number}: {line.strip()}"
        for template in sorted(admin_templates.rglob("*.html"))
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1)
        if chinese.search(line)
    ]
    assert found == []


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
MARKUP = re.compile(r"<[^>]+>|&\w+;")
HAN = r"[\u4e00-\u9fff]"


def test_chinese_is_written_with_full_width_punctuation_and_no_space_after_it():
    """A msgstr in Chinese uses （）：，；！？ and no space after them, nor between Chinese and
    a number or a name it gives ("已将%(count)s个部门", not "已将 %(count)s 个部门")."""
    wrong = []
    for entry in po_entries():
        msgstr = entry.get("msgstr") or entry.get("msgstr[0]") or ""
        if not re.search(HAN, msgstr):
            continue
        text = PLACEHOLDER.sub("X", MARKUP.sub("", msgstr))
        if (
            re.search(rf"{HAN}[(),:;!?]|[(),:;!?]{HAN}", text)
            or re.search(r"[，。：；、（）！？] ", text)
            or re.search(rf"{HAN} X|X {HAN}", text)
        ):
            wrong.append(msgstr)
    assert wrong == []


def test_one_chinese_term_for_each_thing():
    """Withdrawing is 撤下; the display modes are 标准模式 and 长者模式; affiliated units as a
    whole (directly affiliated and managed) are 所属单位, managed units 管理单位."""
    msgstrs = {
        entry["msgid"]: entry.get("msgstr") or entry.get("msgstr[0]") or ""
        for entry in po_entries()
    }
    chinese = "\n".join(msgstrs.values())
    for other_word in ("撤回", "撤销", "下线", "标准显示", "适老化显示", "管理的单位", "百万像素"):
        assert other_word not in chinese
    assert msgstrs["Affiliated units"] == "所属单位"
    assert msgstrs["Directly affiliated units"] == "直属单位"
    assert msgstrs["Managed units"] == "管理单位"
    assert msgstrs["Standard mode"] == "标准模式"


BRITISH_SPELLING = re.compile(
    r"\b\w+(?:is(?:e|ed|es|ing|ation|ations)|yse|ysed|elled|elling)\b|colour|behaviour|honour|"
    r"favour|neighbour|centre|licence|catalogue|cancelled|grey|enquir",
    re.IGNORECASE,
)
# Words that are spelled so in American English too.
AMERICAN_ALSO = {
    *("otherwise", "likewise", "wise", "rise", "arise", "raise", "noise", "praise", "precise"),
    *("concise", "premise", "promise", "compromise", "comprise", "advise", "devise", "revise"),
    *("supervise", "exercise", "enterprise", "expertise", "surprise", "franchise", "disguise"),
    *("raised", "raising", "arising", "rising", "revised", "advised", "supervised", "promised"),
}


def test_the_english_interface_spells_as_the_seed_does():
    """American spelling, as the seed page ("organizing", "analyzing"): "organization chart",
    "canceled", "neighboring"."""
    british = {
        word
        for entry in po_entries()
        for word in BRITISH_SPELLING.findall(entry["msgid"] + " " + entry.get("msgid_plural", ""))
        if word.lower() not in AMERICAN_ALSO
    }
    assert british == set()
