"""Writing to the registry: EUTL imports and the company mapping. Each import is one transaction."""

from __future__ import annotations

import getpass
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
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


def import_eutl_files(
    paths: Iterable[Path | str],
    user: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[ImportReport]:
    """Import EUTL files all-or-nothing: any bad file raises :class:`ImportFileError` and nothing is written.

    Idempotent: a record, installation or operator is only written when its content differs, and a file
    whose content (sha256) was imported before and changes nothing leaves no trace at all.
    """
    user = user if user is not None else _default_user()
    parsed = []
    for path in paths:
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ImportFileError(path.name, f"kan het bestand niet lezen ({exc.strerror})") from None
        check_text(path.name, path.name, None, None, max_length=255)  # ImportRun.file_name
        check_text(user, path.name, None, "gebruiker", max_length=150)  # ImportRun.user
        parsed.append((path.name, sha256_of(data), parse_eutl(data, path.name)))
    reports = []
    with transaction.atomic():
        for file_name, digest, rows in parsed:
            reports.append(store_rows(file_name, digest, rows, user, progress))
    return reports


_RECORD_COLUMNS = (
    "installation_id",
    "year",
    "verified_emissions_t",
    "free_allocation_t",
    "compliance_code",
    "source",
    "import_run_id",
)


def _insert_records(values: list[tuple]) -> None:
    """Insert new yearly records with one prepared statement (the ORM's per-object cost dominates otherwise)."""
    if not values:
        return
    qn = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        qn(EmissionRecord._meta.db_table),
        ", ".join(qn(c) for c in _RECORD_COLUMNS),
        ", ".join(["%s"] * len(_RECORD_COLUMNS)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(values), 5000):
            cursor.executemany(sql, values[start : start + 5000])


def store_rows(
    file_name, digest, rows: list[InstallationRow], user, progress=None, kind="eutl", source=EUTL_SOURCE
) -> ImportReport:
    """Write parsed rows (inside the caller's transaction), touching only what differs."""
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
    operators = {(o.country, o.name): o for o in Operator.objects.filter(country__in=countries)}
    new_ops = []
    for row in rows:
        key = (row.country, row.account_holder)
        if key not in operators:
            op = Operator(country=row.country, name=row.account_holder, registration_no=row.registration_no)
            operators[key] = op
            new_ops.append(op)
    Operator.objects.bulk_create(new_ops, batch_size=500)
    if new_ops and new_ops[0].pk is None:  # backends without RETURNING
        operators = {(o.country, o.name): o for o in Operator.objects.filter(country__in=countries)}
    counts["operators_created"] = len(new_ops)

    existing = {i.eutl_id: i for i in Installation.objects.filter(eutl_id__in=[r.eutl_id for r in rows])}
    new_inst, changed_inst = [], []
    for row in rows:
        op = operators[(row.country, row.account_holder)]
        inst = existing.get(row.eutl_id)
        values = {f: getattr(row, f) for f in _INSTALLATION_FIELDS}
        if inst is None:
            inst = Installation(eutl_id=row.eutl_id, operator=op, import_run=run, **values)
            new_inst.append(inst)
            existing[row.eutl_id] = inst
        elif inst.operator_id != op.pk or any(getattr(inst, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(inst, f, v)
            inst.operator = op
            inst.import_run = run
            changed_inst.append(inst)
    Installation.objects.bulk_create(new_inst, batch_size=500)
    if new_inst and new_inst[0].pk is None:
        existing = {i.eutl_id: i for i in Installation.objects.filter(eutl_id__in=[r.eutl_id for r in rows])}
    Installation.objects.bulk_update(changed_inst, [*_INSTALLATION_FIELDS, "operator", "import_run"], batch_size=500)
    counts["installations_created"], counts["installations_updated"] = len(new_inst), len(changed_inst)

    ids = [existing[r.eutl_id].pk for r in rows]
    old_records = {
        (inst_id, year): (pk, ve, fa, cc)
        for pk, inst_id, year, ve, fa, cc in EmissionRecord.objects.filter(installation_id__in=ids).values_list(
            "pk", "installation_id", "year", "verified_emissions_t", "free_allocation_t", "compliance_code"
        )
    }
    new_records, changed_records = [], []
    for index, row in enumerate(rows):
        inst_id = existing[row.eutl_id].pk
        for year, fig in row.years.items():
            old = old_records.get((inst_id, year))
            values = (fig.verified_emissions_t, fig.free_allocation_t, fig.compliance_code)
            if old is None:
                new_records.append((inst_id, year, *values, source, run.pk))
            elif old[1:] != values:
                changed_records.append(
                    EmissionRecord(
                        pk=old[0],
                        verified_emissions_t=values[0],
                        free_allocation_t=values[1],
                        compliance_code=values[2],
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
    _insert_records(new_records)
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
