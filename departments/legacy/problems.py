"""Why a page is refused: the problems a reader or a writer finds."""

from dataclasses import dataclass


class ImportRefused(Exception):
    def __init__(self, problems):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass
class Problem:
    """Why a page is refused: a line it could not place (or the page as a whole)."""

    line: int | None
    text: str
    message: str

    def __str__(self):
        if self.line is None:
            return self.message
        return f"line {self.line}: {self.text} ({self.message})"
