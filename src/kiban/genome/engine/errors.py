"""The one exception a bad input file raises: it names the file, the line (when known) and the problem."""

from pathlib import Path


class GenomeInputError(ValueError):
    """Bad input: message names the file, the line (when known) and the problem."""

    def __init__(self, path: str | Path, line: int | None, problem: str) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {problem}")
