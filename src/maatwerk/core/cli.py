"""Shared helpers for management commands: the ``--format table|json|csv`` output of every listing."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from decimal import Decimal

from maatwerk.core.exports import safe_cell, safe_row

FORMATS = ("table", "json", "csv")


def add_format_argument(parser, default: str = "table") -> None:
    parser.add_argument("--format", choices=FORMATS, default=default, help="uitvoerformaat (standaard: %(default)s)")


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def render(rows: Sequence[dict], fmt: str, columns: Sequence[str] | None = None) -> str:
    """Render a list of dicts as an aligned table, a JSON list, or CSV with a header row."""
    columns = list(columns or (rows[0].keys() if rows else []))
    if fmt == "json":
        return json.dumps([{k: _plain(v) for k, v in r.items()} for r in rows], ensure_ascii=False, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(safe_row(columns))
        for r in rows:
            writer.writerow([_csv_cell(r.get(c)) for c in columns])
        return out.getvalue().rstrip("\n")
    if not rows:
        return "(geen resultaten)"
    cells = [[_CONTROL.sub("?", _cell(r.get(c))) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    numeric = [all(isinstance(r.get(c), (int, float, Decimal)) or r.get(c) is None for r in rows) for c in columns]

    def line(values):
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)).rstrip()

    return "\n".join([line(columns), line(["-" * w for w in widths]), *(line(row) for row in cells)])


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return str(_plain(value))


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # a terminal would act on these (escape sequences)


def _csv_cell(value) -> str:
    """A CSV cell: numbers as they are (a negative number is not a formula), text made inert."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return _cell(value)
    return safe_cell(_cell(value))
