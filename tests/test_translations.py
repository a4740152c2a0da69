import gettext
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


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
        msgid = entry["msgid"]
        if "msgctxt" in entry:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        expected = entry.get("msgstr") or entry.get("msgstr[0]")
        compiled_text = catalogue._catalog.get(msgid) or catalogue._catalog.get((msgid, 0))
        if compiled_text != expected:
            stale.append(entry["msgid"])
    assert stale == []
