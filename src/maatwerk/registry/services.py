"""Writing to the registry: EUTL imports and the company mapping. Each import is one transaction."""

from __future__ import annotations

import getpass
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from maatwerk.core.csvfiles import check_text

from .eutl import ImportFileError, InstallationRow, parse_eutl
from .models import EmissionRecord, ImportRun, Installation, Operator

EUTL_SOURCE = "European Commission, EU Transaction Log (CC BY 4.0)"
_INSTALLATION_FIELDS = (
    "name",
    "country",
    "activity_code",
    "activity_label",
    "permit_id",
    "address",
    "zip_code",
    "city",
    "first_year",
    "last_year",
)


@dataclass
class ImportReport:
    file_name: str
    sha256: str
    already_imported: bool = False
    counts: dict[str, int] = field(default_factory=dict)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - no login name in some containers
        return ""


def read_import_file(path: Path | str, user: str | None) -> tuple[Path, bytes, str]:
    """The start of every registry import: the file's bytes and the importing user, both checked
    against the ImportRun columns they end up in, before anything is parsed or written."""
    path = Path(path)
    user = user if user is not None else _default_user()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(path.name, f"kan het bestand niet lezen ({exc.strerror})") from None
    check_text(path.name, path.name, None, None, max_length=255)  # ImportRun.file_name
    check_text(user, path.name, None, "gebruiker", max_length=150)  # ImportRun.user
    return path, data, user


def import_eutl_files(
    paths: Iterable[Path | str],
    user: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[ImportReport]:
    """Import EUTL files all-or-nothing: any bad file raises :class:`ImportFileError` and nothing is written.

    Idempotent: a record, installation or operator is only written when its content differs, and a file
    whose content (sha256) was imported before and changes nothing leaves no trace at all.
    """
    parsed = []
    for path in paths:
        path, data, user = read_import_file(path, user)
        parsed.append((path.name, sha256_of(data), parse_eutl(data, path.name)))
    reports = []
    with transaction.atomic():
        for file_name, digest, rows in parsed:
            reports.append(store_rows(file_name, digest, rows, user or "", progress))  # user: checked by read_import_file
        if sum(r.counts.get("records_created", 0) for r in reports) >= ANALYZE_AFTER_RECORDS:
            refresh_planner_statistics()
    return reports


# After this many new yearly records the planner's row estimates are stale enough to choose poor plans
# for the register page (a first EU import multiplies the tables) until autovacuum gets round to them.
ANALYZE_AFTER_RECORDS = 10_000


def refresh_planner_statistics() -> None:
    """ANALYZE the registry tables (inside the import's transaction; both databases allow that).

    PostgreSQL counts the rows this transaction inserted; SQLite fills ``sqlite_stat1`` for its planner.
    """
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in (Operator, Installation, EmissionRecord):
            cursor.execute(f"ANALYZE {qn(model._meta.db_table)}")


_RECORD_COLUMNS = ("installation_id", "year", "verified_emissions_t", "free_allocation_t", "compliance_code", "source", "import_run_id")
_OPERATOR_COLUMNS = ("country", "name", "registration_no")
_NEW_INSTALLATION_COLUMNS = ("eutl_id", "operator_id", "import_run_id", *_INSTALLATION_FIELDS)


def bulk_insert(model: type[Model], columns: tuple[str, ...], values: list[tuple]) -> None:
    """Insert new rows of ``model`` (tuples of database values in ``columns``' order) inside the caller's
    transaction, the fastest way each database offers, without reading anything back.

    PostgreSQL: one ``COPY … FROM STDIN`` through psycopg's ``cursor.copy`` (a stream: no statement and
    no round trip per row; psycopg escapes every value). SQLite: one prepared INSERT run with
    ``executemany``. Columns of the model not named get their field's default, so a field added later
    with a default needs no change here. A failure raises inside the surrounding ``transaction.atomic``
    and nothing of the import stays.

    COPY passes no execute wrapper: the data generation (core.datacache) still rises on commit because
    every import also writes its ImportRun row through the ORM in the same transaction.
    """
    if not values:
        return
    fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
    unknown = set(columns) - set(fields)
    if unknown:  # pragma: no cover - a programming error
        raise ValueError(f"{model.__name__} has no column(s) {', '.join(sorted(unknown))}")
    rest = [f for name, f in fields.items() if name not in columns]
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    names = [*columns, *(f.attname for f in rest)]
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    column_list = ", ".join(qn(fields[n].column) for n in names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row + defaults if defaults else row)
            return
        sql = f"INSERT INTO {table} ({column_list}) VALUES ({', '.join(['%s'] * len(names))})"
        for start in range(0, len(values), 5000):
            batch = values[start : start + 5000]
            cursor.executemany(sql, [row + defaults for row in batch] if defaults else batch)


def store_rows(
    file_name: str,
    digest: str,
    rows: list[InstallationRow],
    user: str,
    progress: Callable[[int], object] | None = None,
    kind: str = "eutl",
    source: str = EUTL_SOURCE,
) -> ImportReport:
    """Write parsed rows (inside the caller's transaction), touching only what differs.

    New operators, installations and yearly records go in with :func:`bulk_insert` (COPY on
    PostgreSQL); their ids are then read back in one query each.
    """
    report = ImportReport(file_name, digest)
    seen_before = ImportRun.objects.filter(kind=kind, sha256=digest).exists()
    run = ImportRun.objects.create(kind=kind, file_name=file_name, sha256=digest, user=user, started_at=timezone.now())
    counts = dict.fromkeys(
        [
            "installations",
            "operators_created",
            "installations_created",
            "installations_updated",
            "records_created",
            "records_updated",
            "records_unchanged",
        ],
        0,
    )
    counts["installations"] = len(rows)
    countries = {r.country for r in rows}

    def operator_ids() -> dict[tuple[str, str], int]:
        return {
            (country, name): pk
            for pk, country, name in Operator.objects.filter(country__in=countries).values_list("pk", "country", "name")
        }

    operators = operator_ids()
    new_ops = {}
    for row in rows:
        key = (row.country, row.account_holder)
        if key not in operators and key not in new_ops:
            new_ops[key] = (row.country, row.account_holder, row.registration_no)
    bulk_insert(Operator, _OPERATOR_COLUMNS, list(new_ops.values()))
    if new_ops:
        operators = operator_ids()
    counts["operators_created"] = len(new_ops)

    eutl_ids = [r.eutl_id for r in rows]
    existing = {i.eutl_id: i for i in Installation.objects.filter(eutl_id__in=eutl_ids)}
    new_inst, changed_inst = [], []
    for row in rows:
        op_id = operators[(row.country, row.account_holder)]
        inst = existing.get(row.eutl_id)
        values = {f: getattr(row, f) for f in _INSTALLATION_FIELDS}
        if inst is None:
            new_inst.append((row.eutl_id, op_id, run.pk, *values.values()))
        elif inst.operator_id != op_id or any(getattr(inst, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(inst, f, v)
            inst.operator_id = op_id
            inst.import_run = run
            changed_inst.append(inst)
    bulk_insert(Installation, _NEW_INSTALLATION_COLUMNS, new_inst)
    Installation.objects.bulk_update(changed_inst, [*_INSTALLATION_FIELDS, "operator", "import_run"], batch_size=500)
    counts["installations_created"], counts["installations_updated"] = len(new_inst), len(changed_inst)
    installation_id = dict(Installation.objects.filter(eutl_id__in=eutl_ids).values_list("eutl_id", "pk"))

    # only installations that existed before this file can have records; unordered (the model's default
    # ordering would join installations to sort by EUTL id)
    ids = [inst.pk for inst in existing.values()]
    old_records = {
        (inst_id, year): (pk, ve, fa, cc)
        for pk, inst_id, year, ve, fa, cc in EmissionRecord.objects.filter(installation_id__in=ids)
        .order_by()
        .values_list("pk", "installation_id", "year", "verified_emissions_t", "free_allocation_t", "compliance_code")
    } if ids else {}
    new_records, changed_records = [], []
    for index, row in enumerate(rows):
        inst_id = installation_id[row.eutl_id]
        for year, fig in row.years.items():
            old = old_records.get((inst_id, year))
            figures = (fig.verified_emissions_t, fig.free_allocation_t, fig.compliance_code)
            if old is None:
                new_records.append((inst_id, year, *figures, source, run.pk))
            elif old[1:] != figures:
                changed_records.append(
                    EmissionRecord(
                        pk=old[0],
                        verified_emissions_t=figures[0],
                        free_allocation_t=figures[1],
                        compliance_code=figures[2],
                        source=source,
                        import_run=run,
                    )
                )
            else:
                counts["records_unchanged"] += 1
        if progress and index % 200 == 199:
            progress(200)
    if progress:
        progress(len(rows) % 200)
    bulk_insert(EmissionRecord, _RECORD_COLUMNS, new_records)
    EmissionRecord.objects.bulk_update(
        changed_records, ["verified_emissions_t", "free_allocation_t", "compliance_code", "source", "import_run"], batch_size=500
    )
    counts["records_created"], counts["records_updated"] = len(new_records), len(changed_records)
    changes = sum(v for k, v in counts.items() if k.endswith(("_created", "_updated")))
    report.counts = counts
    if seen_before and not changes:
        run.delete()
        report.already_imported = True
    else:
        run.counts = counts
        run.finished_at = timezone.now()
        run.save(update_fields=["counts", "finished_at"])
    return report
