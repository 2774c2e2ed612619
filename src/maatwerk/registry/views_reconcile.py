"""The reconciliation page: NEa figures beside the EUTL's, per installation (public, like the register)."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from maatwerk.core.cli import render as render_rows
from maatwerk.core.exports import attachment

from .models import ImportRun
from .nea_import import NEA_KIND
from .reconcile import STATUS_LABELS, match_permits, nea_years, reconcile

EXPORT_COLUMNS = ("status", "permit_id", "installation", "eutl_id", "nea_t", "eutl_t", "difference_t", "company", "note")


def reconciliation(request):
    years = nea_years()
    raw = request.GET.get("jaar", "").strip()
    error, result, year = None, None, None
    if raw:
        if raw.isascii() and raw.isdigit() and len(raw) == 4 and int(raw) in years:
            year = int(raw)
        elif years:
            error = f"Kies een jaar waarvoor de NEa cijfers heeft ({years[0]}-{years[-1]}); {raw[:10]!r} kan niet."
    elif years:
        year = years[-1]
    if year is not None:
        result = reconcile(year)
        fmt = request.GET.get("format")
        if fmt in ("csv", "json"):
            rows = [r.as_dict() for r in result.rows]
            if fmt == "json":
                return JsonResponse(rows, safe=False, json_dumps_params={"ensure_ascii": False})
            response = HttpResponse(render_rows(rows, "csv", columns=EXPORT_COLUMNS), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = attachment(f"afstemming-NEa-EUTL-NL-{year}.csv")
            return response
    unmatched = [m for m in match_permits() if m.installation is None]
    return render(
        request,
        "registry/reconciliation.html",
        {
            "years": list(reversed(years)),
            "year": year,
            "error": error,
            "result": result,
            "status_labels": STATUS_LABELS,
            "unmatched": unmatched,
            "last_import": ImportRun.objects.filter(kind=NEA_KIND).order_by("-started_at").first(),
        },
    )
