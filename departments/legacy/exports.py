"""Exports on disk: exported pages, folders of them, and .zip archives of them.

A folder is read with its sub-folders (a site's export has one per section or per
department), in the sorted order of the pages' paths, so that two runs import the
pages in the same order. Hidden files and folders (``.git``, ``.DS_Store``) and symbolic
links to folders are passed over; other files that are not exported pages (images,
style sheets) are listed as skipped. Pages are named by their path inside the folder given.
"""

import os
from pathlib import Path

from django.utils.translation import gettext as _

from .archive import read_archive
from .decoding import MAX_FILE_SIZE
from .problems import ImportRefused
from .sources import Source, Sources, is_archive, is_export, is_hidden


def read_paths(paths):
    """The Sources of files, folders and archives given on the command line."""
    found = Sources()
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found.extend(read_folder(path))
        elif is_archive(path.name):
            found.extend(read_zip(path))
        else:
            found.pages.append(read_file(path, path.name))
    return found


def read_folder(folder):
    found = Sources()
    files = []
    for parent, folders, names in os.walk(folder):
        # Pruned in place: os.walk then does not descend into them.
        folders[:] = [name for name in folders if not is_hidden(name)]
        for name in names:
            relative = Path(parent, name).relative_to(folder).as_posix()
            files.append((relative, Path(parent, name)))
    for relative, path in sorted(files):
        if is_hidden(relative):
            continue
        if not is_export(relative):
            found.skipped.append(relative)
        else:
            found.pages.append(read_file(path, relative))
    if not found.pages:
        message = _("No exported pages (.txt, .html) in the folder.")
        found.pages.append(Source(str(folder), error=message))
    return found


def read_zip(path):
    try:
        return read_archive(path, path.name)
    except ImportRefused as refusal:
        return Sources(pages=[Source(path.name, error=refusal.problems[0].message)])
    except OSError as error:
        return Sources(pages=[Source(str(path), error=cannot_read(error))])


def read_file(path, name):
    try:
        if path.stat().st_size > MAX_FILE_SIZE:
            return Source(name, error=_("The file is too large for a structure page."))
        return Source(name, data=path.read_bytes())
    except OSError as error:
        return Source(str(path), error=cannot_read(error))


def cannot_read(error):
    return _("Cannot read the file: %(error)s.") % {"error": error.strerror or error}
