"""A .zip archive of exports: its pages, read whole before anything is imported.

An archive is imported all or not at all as far as reading goes: every page in it is
read (and its checksum checked) before the first is imported, so a corrupt archive,
one that would expand into far more than a site of structure pages (a "zip bomb"), one
with a member path that climbs out of it (``/etc/…``, ``../…``) or an encrypted or
otherwise unreadable one is refused whole, and nothing of it is written.

Nothing is extracted to disk: members are read into memory, each at most
``MAX_FILE_SIZE`` bytes (the declared size is checked before reading, and reading
stops there whatever the member really expands to; a lying size then fails the
checksum). Members that are not exported pages (images, style sheets, links) are
listed as skipped, unread; those of the system or of archiving tools (``.DS_Store``,
``__MACOSX/``) are passed over. Folders inside the archive are read like folders on disk, in the
sorted order of their paths.
"""

import stat
import zipfile
from pathlib import PurePosixPath

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.text import large_number

from .decoding import MAX_FILE_SIZE
from .problems import ImportRefused, Problem
from .sources import Source, Sources, is_export, is_hidden

# A site of a few hundred departments, two languages each, with its images and style
# sheets, has a few thousand members; pages take well under a megabyte each.
MAX_ARCHIVE_MEMBERS = 5_000
MAX_ARCHIVE_PAGES_SIZE = 50 * 1024 * 1024
# The zip format's flag of member names written in UTF-8; without it, names are in the
# archiver's code page: GBK (GB18030) on Chinese Windows, which Python reads as cp437.
UTF8_NAMES_FLAG = 0x800
SHOWN_MEMBERS = 5


def refuse(message):
    raise ImportRefused([Problem(None, "", message)])


def member_name(info):
    """The member's path as its archiver meant it, with ``/`` between folders."""
    name = info.filename
    if not info.flag_bits & UTF8_NAMES_FLAG:
        raw = name.encode("cp437", errors="replace")
        for codec in ("utf-8", "gb18030"):
            try:
                name = raw.decode(codec)
                break
            except UnicodeDecodeError:
                continue
    return name.replace("\\", "/")


def climbs_out(name):
    """True for an absolute path or one that leaves the archive's folder."""
    path = PurePosixPath(name)
    return (
        name.startswith("/")
        or (len(name) > 1 and name[1] == ":")  # a Windows drive, C:/…
        or ".." in path.parts
    )


def is_link(info):
    return stat.S_ISLNK(info.external_attr >> 16)


def listing(names):
    shown = ", ".join(names[:SHOWN_MEMBERS])
    if len(names) > SHOWN_MEMBERS:
        shown += " " + _("and %(count)s more") % {"count": len(names) - SHOWN_MEMBERS}
    return shown


def read_archive(archive, label):
    """The Sources of an archive (a path or a file object); ImportRefused if it cannot be
    imported whole. Pages are named ``label/member path``."""
    try:
        with zipfile.ZipFile(archive) as opened:
            return read_members(opened, label)
    except zipfile.BadZipFile as error:
        refuse(_("The archive is damaged or is not a .zip archive (%(error)s).") % {"error": error})
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError) as error:
        # Encrypted members, unsupported compression methods, truncated data.
        refuse(_("The archive cannot be read (%(error)s).") % {"error": error})


def read_members(opened, label):
    infos = opened.infolist()
    if len(infos) > MAX_ARCHIVE_MEMBERS:
        refuse(
            _("The archive holds more than %(limit)s files; it was not read.")
            % {"limit": large_number(MAX_ARCHIVE_MEMBERS)}
        )
    named = [(member_name(info), info) for info in infos]
    climbing = [name for name, _info in named if climbs_out(name)]
    if climbing:
        refuse(
            _(
                "The archive names files outside its own folder (%(names)s); it was not read. "
                "Archive the exported folder itself."
            )
            % {"names": listing(climbing)}
        )
    found = Sources()
    pages = []
    for name, info in sorted(named, key=lambda item: item[0]):
        if info.is_dir() or is_hidden(name):
            continue
        if is_link(info) or not is_export(name):
            found.skipped.append(f"{label}/{name}")
        else:
            pages.append((name, info))
    if not pages:
        refuse(_("No exported pages (.txt, .html) in the archive."))
    if sum(info.file_size for _name, info in pages) > MAX_ARCHIVE_PAGES_SIZE:
        refuse(
            _(
                "The pages in the archive would expand to more than %(limit)s, far more than "
                "a site of structure pages; it was not read."
            )
            % {"limit": filesizeformat(MAX_ARCHIVE_PAGES_SIZE)}
        )
    for name, info in pages:
        source_name = f"{label}/{name}"
        if info.file_size > MAX_FILE_SIZE:
            found.pages.append(
                Source(source_name, error=_("The file is too large for a structure page."))
            )
            continue
        with opened.open(info) as member:
            # Never more than the limit, whatever the member expands to.
            data = member.read(MAX_FILE_SIZE + 1)
        found.pages.append(Source(source_name, data=data))
    return found
