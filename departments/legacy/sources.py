"""What an import reads: exported pages as named bytes, and the files it passed over."""

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from .decoding import EXPORT_SUFFIXES

ARCHIVE_SUFFIX = ".zip"
# Folders that archiving tools add and that hold no page: macOS's resource forks.
TOOL_FOLDERS = {"__MACOSX"}


@dataclass
class Source:
    """An export to import: its file name and bytes (or why it could not be read)."""

    name: str
    data: bytes = b""
    error: str = ""


@dataclass
class Sources:
    """The pages found in files, folders and archives, and the files that are not pages."""

    pages: list = field(default_factory=list)
    skipped: list = field(default_factory=list)

    def extend(self, other):
        self.pages.extend(other.pages)
        self.skipped.extend(other.skipped)


def is_hidden(relative_path):
    """A file of the system or a tool (``.DS_Store``, ``__MACOSX/…``), not one of the site."""
    parts = PurePosixPath(relative_path).parts
    return any(part.startswith(".") or part in TOOL_FOLDERS for part in parts)


def is_export(name):
    return PurePosixPath(name).suffix.lower() in EXPORT_SUFFIXES


def is_archive(name):
    return PurePosixPath(name).suffix.lower() == ARCHIVE_SUFFIX
