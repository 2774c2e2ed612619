"""Reading an uploaded CSV the same way for every import: UTF-8, required columns, a header without
duplicate columns, a field count per line that matches the header, no control characters; errors name
the file, line and column (ImportFileError).

The strict parsers (:func:`parse_int`, :func:`parse_decimal`, :func:`parse_iso_date`, :func:`check_text`)
read a figure the way the file format writes it and nothing more: ASCII digits only (Python's ``int`` and
``float`` also take '１２３', '1_000', '1e20', 'nan' and 'inf'), a range that fits the database column,
and text without NUL or control characters within the column's ``max_length``. SQLite stores what
PostgreSQL refuses; checking here gives the same answer on both databases and writes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterator, Mapping, Sequence

# Longest cell any import accepts in a column it has no limit for (a TextField): larger means a broken file.
DEFAULT_MAX_LENGTH = 10_000
# C0 and C1 control characters and DEL; the Unicode line and paragraph separators. Tab, CR and LF are
# only allowed in columns declared multi-line (a note).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_EXCEPT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_INT = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MAX_DIGITS = 30  # longer than any figure we store; refused before Python converts it


class ImportFileError(ValueError):
    """A file that cannot be imported; the message names the file, the line and the column."""

    def __init__(self, file_name: str, message: str, line: int | None = None, column: str | None = None):
        self.file_name, self.line, self.column, self.detail = file_name, line, column, message
        where = file_name
        if line is not None:
            where += f", regel {line}"
        if column is not None:
            where += f", kolom {column}"
        super().__init__(f"{where}: {message}")


def _shown(value: str, limit: int = 40) -> str:
    """A value as quoted in an error message: repr (so control characters show), cut to ``limit``."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


def check_header(header: Sequence[str], file_name: str) -> None:
    """Refuse a header naming a column twice (compared without case and surrounding spaces)."""
    seen: dict[str, str] = {}
    for name in header:
        key = name.strip().casefold()
        if key in seen:
            shown = repr(name) if name == seen[key] else f"{seen[key]!r} en {name!r}"
            raise ImportFileError(file_name, f"kolom {shown} staat twee keer in de kopregel", 1, name.strip())
        seen[key] = name


def check_text(
    value: str, file_name: str, line: int | None, column: str | None, max_length: int | None = None, multiline: bool = False
) -> str:
    """``value`` if it has no control characters (NUL included) and at most ``max_length`` characters."""
    limit = DEFAULT_MAX_LENGTH if max_length is None else max_length
    if len(value) > limit:
        raise ImportFileError(file_name, f"tekst van {len(value)} tekens; hier mogen er hoogstens {limit}", line, column)
    bad = (_CONTROL_EXCEPT_LINES if multiline else _CONTROL).search(value)
    if bad:
        raise ImportFileError(
            file_name,
            f"ongeldig teken U+{ord(bad.group()):04X} (een stuur- of nulteken) op positie {bad.start() + 1}",
            line,
            column,
        )
    return value


def parse_int(value: str, file_name: str, line: int, column: str, minimum: int, maximum: int, what: str = "geheel getal") -> int:
    """A whole number in ASCII digits with an optional sign, between ``minimum`` and ``maximum``."""
    text = value.strip()
    if len(text) > _MAX_DIGITS or not _INT.fullmatch(text):
        raise ImportFileError(file_name, f"{_shown(text)} is geen {what} (alleen de cijfers 0-9)", line, column)
    number = int(text)
    if not minimum <= number <= maximum:
        raise ImportFileError(file_name, f"{text} ligt buiten {minimum} tot en met {maximum}", line, column)
    return number


def parse_decimal(
    value: str, file_name: str, line: int, column: str, minimum: float, maximum: float, decimal_comma: bool = True
) -> float:
    """A decimal figure: ASCII digits, optional sign, one decimal point (or comma); no exponent, no '_'."""
    text = value.strip()
    if len(text) > _MAX_DIGITS or not _DECIMAL.fullmatch(text) or ("," in text and not decimal_comma):
        raise ImportFileError(file_name, f"{_shown(text)} is geen getal (cijfers 0-9 met hoogstens één decimaalteken)", line, column)
    number = float(text.replace(",", "."))
    if not math.isfinite(number) or not minimum <= number <= maximum:
        raise ImportFileError(file_name, f"{text} ligt buiten {minimum:g} tot {maximum:g} (verkeerde eenheid?)", line, column)
    return number


def parse_iso_date(value: str, file_name: str, line: int, column: str) -> dt.date:
    """A date written exactly as JJJJ-MM-DD in ASCII digits (``date.fromisoformat`` also takes '20241219')."""
    text = value.strip()
    if not _ISO_DATE.fullmatch(text):
        raise ImportFileError(file_name, f"{_shown(text)} is geen datum JJJJ-MM-DD", line, column)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ImportFileError(file_name, f"{_shown(text)} is geen bestaande datum JJJJ-MM-DD", line, column) from None


def csv_rows(
    data: bytes,
    file_name: str,
    required: Sequence[str],
    max_lengths: Mapping[str, int] | None = None,
    multiline: Sequence[str] = (),
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row with stripped values); raise ImportFileError at the first problem.

    Every value is checked with :func:`check_text`: ``max_lengths`` gives a column's limit (else
    DEFAULT_MAX_LENGTH), ``multiline`` names the columns that may hold tabs and line breaks.
    """
    if not data.strip():
        raise ImportFileError(file_name, "het bestand is leeg")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(file_name, f"het bestand is geen UTF-8 (positie {exc.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        fieldnames = next(reader, [])
    except csv.Error as exc:
        raise ImportFileError(file_name, f"onleesbare kopregel ({exc})", 1) from None
    for name in fieldnames:
        check_text(name, file_name, 1, name[:40], max_length=200)
    missing = [c for c in required if c not in fieldnames]
    if missing:
        raise ImportFileError(file_name, "verplichte kolom(men) ontbreken: " + ", ".join(missing), 1)
    check_header(fieldnames, file_name)
    limits = max_lengths or {}
    try:
        next_line = reader.line_num + 1
        for record in reader:
            line, next_line = next_line, reader.line_num + 1  # where the row starts (a quoted field may span lines)
            if not record:
                continue  # a blank line
            if len(record) != len(fieldnames):
                raise ImportFileError(file_name, "aantal velden klopt niet met de kopregel", line)
            values = {k: v.strip() for k, v in zip(fieldnames, record)}
            for k, v in values.items():
                check_text(v, file_name, line, k, limits.get(k), multiline=k in multiline)
            yield line, values
    except csv.Error as exc:
        raise ImportFileError(file_name, f"onleesbare CSV ({exc})", reader.line_num) from None
