"""Reading labeled data files: JSON (a list of objects) or JSONL, with line numbers kept.

Every reader of data in the project goes through here, so a malformed row is reported the
same way everywhere: by file and line number, never a crash and never a silent drop.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path


class BadRow(ValueError):
    """A row that cannot be used, with where it is."""

    def __init__(self, path: Path, line: int, reason: str):
        super().__init__(f"{path}:{line}: {reason}")
        self.path, self.line, self.reason = path, line, reason


def read_rows(path: str | Path) -> Iterator[tuple[int, dict | BadRow]]:
    """(line number, row) for each row; a row that does not parse comes as a ``BadRow``.

    A JSON list gives the line on which each element starts. Raises ``OSError`` if the file
    cannot be read and ``BadRow`` (line 1) if a file starting with ``[`` is not valid JSON.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8", errors="replace")
    if text.lstrip().startswith("["):
        decoder = json.JSONDecoder()
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise BadRow(path, error.lineno, f"not valid JSON: {error.msg}") from None
        starts = _element_lines(text, decoder)
        for k, row in enumerate(data):
            line = starts[k] if k < len(starts) else 1
            yield line, row if isinstance(row, dict) else BadRow(path, line, "not a JSON object")
        return
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            yield number, BadRow(path, number, f"not valid JSON: {error.msg}")
            continue
        yield number, row if isinstance(row, dict) else BadRow(path, number, "not a JSON object")


def _element_lines(text: str, decoder: json.JSONDecoder) -> list[int]:
    """Line numbers on which the elements of a top-level JSON array start."""
    lines = []
    index = text.index("[") + 1
    line, counted = 1, 0
    while True:
        while index < len(text) and text[index] in " \t\r\n,":
            index += 1
        if index >= len(text) or text[index] == "]":
            return lines
        line += text.count("\n", counted, index)
        counted = index
        lines.append(line)
        _, index = decoder.raw_decode(text, index)


def write_jsonl(path: str | Path, rows: list[dict]) -> None:
    Path(path).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                          encoding="utf-8")
