"""Importing milestones from CSV (company reports or the programme's planning), all or nothing.

Columns: ``company, project, kind, planned, forecast, actual, note``; ``project`` may be empty when
the company has one project. ``planned`` and ``forecast`` as YYYY-MM-DD, or YYYY-MM / YYYY when only
the month or the year is known ("vanaf 2026"; stored as the period's first day with its precision);
``actual`` as YYYY-MM-DD. A milestone that exists (same project and kind) is updated; errors name the
file, line and column and nothing is written.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from maatwerk.core.csvfiles import csv_rows, parse_iso_date
from maatwerk.core.dates import parse_partial_date
from maatwerk.finance.models import Project
from maatwerk.registry.eutl import ImportFileError

from .models import Milestone, MilestoneKind, milestone_date_problems

COLUMNS = ("company", "project", "kind", "planned", "forecast", "actual", "note")


def _date(value: str, file_name: str, line: int, column: str, required: bool = False) -> dt.date | None:
    if not value:
        if required:
            raise ImportFileError(file_name, "datum ontbreekt", line, column)
        return None
    return parse_iso_date(value, file_name, line, column)


def _partial(value: str, file_name: str, line: int, column: str, required: bool = False) -> tuple[dt.date | None, str]:
    """A planning date of the forms YYYY-MM-DD, YYYY-MM or YYYY: (first day, precision)."""
    if not value:
        if required:
            raise ImportFileError(file_name, "datum ontbreekt", line, column)
        return None, "day"
    try:
        return parse_partial_date(value)
    except ValidationError as exc:
        message = exc.messages[0]
        raise ImportFileError(file_name, message[0].lower() + message[1:], line, column) from None


def _project(row: dict, file_name: str, line: int) -> Project:
    qs = Project.objects.filter(trajectory__company__name=row["company"])
    if not qs.exists():
        raise ImportFileError(file_name, f"onbekend bedrijf {row['company']!r}", line, "company")
    if row["project"]:
        qs = qs.filter(name=row["project"])
    projects = list(qs[:2])
    if len(projects) != 1:
        problem = "onbekend project" if not projects else "meerdere projecten; vul de kolom project in"
        raise ImportFileError(file_name, f"{problem} bij {row['company']}", line, "project")
    return projects[0]


def import_milestones(data: bytes, file_name: str) -> dict:
    counts = {"created": 0, "updated": 0}
    with transaction.atomic():
        for line, row in csv_rows(data, file_name, COLUMNS, multiline=("note",)):
            if row["kind"] not in MilestoneKind.values:
                raise ImportFileError(file_name, f"onbekende mijlpaal {row['kind']!r}; kies uit {', '.join(MilestoneKind.values)}", line, "kind")
            planned, planned_precision = _partial(row["planned"], file_name, line, "planned", required=True)
            forecast, forecast_precision = _partial(row["forecast"], file_name, line, "forecast")
            actual = _date(row["actual"], file_name, line, "actual")
            problems = milestone_date_problems(planned, forecast, actual)
            if problems:  # the same rule as the form: a plausible planning range, no actual date in the future
                column = next(iter(problems))
                message = problems[column]
                raise ImportFileError(file_name, message[0].lower() + message[1:], line, column)
            # update_or_create saves through Milestone.save, which raises the version: an edit opened
            # before this import is then refused as stale instead of overwriting the imported dates
            _, created = Milestone.objects.update_or_create(
                project=_project(row, file_name, line),
                kind=row["kind"],
                defaults={"planned": planned, "planned_precision": planned_precision, "forecast": forecast,
                          "forecast_precision": forecast_precision, "actual": actual, "note": row["note"], "source": file_name},
            )
            counts["created" if created else "updated"] += 1
    return counts
