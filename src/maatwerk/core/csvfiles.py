"""Reading an uploaded CSV the same way for every import: UTF-8, required columns, a field count per
line that matches the header; errors name the file, line and column (ImportFileError)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from maatwerk.registry.eutl import ImportFileError


def csv_rows(data: bytes, file_name: str, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row with stripped values); raise ImportFileError at the first problem."""
    if not data.strip():
        raise ImportFileError(file_name, "het bestand is leeg")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(file_name, f"het bestand is geen UTF-8 (positie {exc.start})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportFileError(file_name, "verplichte kolom(men) ontbreken: " + ", ".join(missing), 1)
    try:
        for row in reader:
            if None in row or any(v is None for v in row.values()):
                raise ImportFileError(file_name, "aantal velden klopt niet met de kopregel", reader.line_num)
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items()}
    except csv.Error as exc:
        raise ImportFileError(file_name, f"onleesbare CSV ({exc})", reader.line_num) from None
