"""Writing the NEa's yearly publication into the registry: one transaction, with provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from .models import ImportRun, NeaEmission, NeaPermit
from .nea import NeaFile, parse_nea
from .reconcile import PermitMatch, match_permits
from .services import read_import_file, sha256_of

NEA_KIND = "nea"
NEA_SOURCE = "Nederlandse Emissieautoriteit (NEa), Emissiecijfers (CC0)"
_PERMIT_FIELDS = ("installation_name", "operator_name", "city", "sheet", "row")


@dataclass
class NeaImportReport:
    file_name: str
    sha256: str
    years: list[int]
    already_imported: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    unmatched: list[PermitMatch] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def import_nea_file(path: Path | str, user: str | None = None) -> NeaImportReport:
    """Import one NEa file all-or-nothing: a bad file raises :class:`ImportFileError` and nothing is written.

    Idempotent like the EUTL import: only what differs is written, and a file imported before that
    changes nothing leaves no trace. A figure the file gives as '-' is stored as NULL (it replaces an
    older figure of the same permit and year: the newest publication is leading); permits and years the
    file does not contain are left as they are.
    """
    path, data, user = read_import_file(path, user)
    parsed = parse_nea(data, path.name)
    with transaction.atomic():
        return _store(path.name, sha256_of(data), parsed, user)


def _store(file_name: str, digest: str, parsed: NeaFile, user: str) -> NeaImportReport:
    report = NeaImportReport(file_name, digest, parsed.years, warnings=list(parsed.warnings))
    seen_before = ImportRun.objects.filter(kind=NEA_KIND, sha256=digest).exists()
    run = ImportRun.objects.create(kind=NEA_KIND, file_name=file_name, sha256=digest, user=user, started_at=timezone.now())
    counts = dict.fromkeys(
        ["permits", "permits_created", "permits_updated", "records_created", "records_updated", "records_unchanged"], 0
    )
    counts["permits"] = len(parsed.rows)
    existing = {p.permit_id.upper(): p for p in NeaPermit.objects.all()}
    new_permits, changed_permits = [], []
    for row in parsed.rows:
        values = {f: getattr(row, f) for f in _PERMIT_FIELDS}
        permit = existing.get(row.permit_id.upper())
        if permit is None:
            permit = NeaPermit(permit_id=row.permit_id, import_run=run, **values)
            new_permits.append(permit)
            existing[row.permit_id.upper()] = permit
        elif permit.permit_id != row.permit_id or any(getattr(permit, f) != v for f, v in values.items() if f not in ("sheet", "row")):
            permit.permit_id = row.permit_id
            for f, v in values.items():
                setattr(permit, f, v)
            permit.import_run = run
            changed_permits.append(permit)
        else:  # where it stands in this file; not a change of content
            permit.sheet, permit.row = row.sheet, row.row
    NeaPermit.objects.bulk_create(new_permits, batch_size=500)
    if new_permits and new_permits[0].pk is None:  # backends without RETURNING
        existing = {p.permit_id.upper(): p for p in NeaPermit.objects.all()}
    NeaPermit.objects.bulk_update(changed_permits, ["permit_id", *_PERMIT_FIELDS, "import_run"], batch_size=500)
    counts["permits_created"], counts["permits_updated"] = len(new_permits), len(changed_permits)

    old = {
        (permit_id, year): (pk, value)
        for pk, permit_id, year, value in NeaEmission.objects.values_list("pk", "permit_id", "year", "emissions_t")
    }
    new_records, changed_records = [], []
    for row in parsed.rows:
        permit_pk = existing[row.permit_id.upper()].pk
        for year, value in row.years.items():
            before = old.get((permit_pk, year))
            if before is None:
                new_records.append(NeaEmission(permit_id=permit_pk, year=year, emissions_t=value, import_run=run))
            elif before[1] != value:
                changed_records.append(NeaEmission(pk=before[0], emissions_t=value, import_run=run))
            else:
                counts["records_unchanged"] += 1
    NeaEmission.objects.bulk_create(new_records, batch_size=1000)
    NeaEmission.objects.bulk_update(changed_records, ["emissions_t", "import_run"], batch_size=1000)
    counts["records_created"], counts["records_updated"] = len(new_records), len(changed_records)
    changes = sum(v for k, v in counts.items() if k.endswith(("_created", "_updated")))
    in_file = {r.permit_id.upper() for r in parsed.rows}
    report.unmatched = [m for m in match_permits() if m.installation is None and m.permit_id.upper() in in_file]
    counts["matched"], counts["unmatched"] = len(parsed.rows) - len(report.unmatched), len(report.unmatched)
    report.counts = counts
    if seen_before and not changes:
        run.delete()
        report.already_imported = True
    else:
        run.counts = {**counts, "years": parsed.years, "warnings": parsed.warnings}
        run.finished_at = timezone.now()
        run.save(update_fields=["counts", "finished_at"])
    return report
