"""Public pages (no login), built only from :mod:`maatwerk.portal.public`."""

import csv
import datetime as dt
import json

from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from maatwerk.core import datacache
from maatwerk.core.charts import Series, line_chart
from maatwerk.core.exports import safe_cell
from maatwerk.core.links import see_also
from maatwerk.engine import ranges, workflow
from maatwerk.registry.models import Company
from maatwerk.registry.selectors import company_installations, history
from maatwerk.trajectories.forms import AsOfForm
from maatwerk.trajectories.models import DocumentType

from . import public

DATASETS = {
    "bedrijven": ("company", lambda as_of: public.companies(as_of)),
    "projecten": ("project", lambda as_of: public.open_projects(as_of)),
    "documenten": ("document", lambda as_of: [{k: v for k, v in d.items() if k in ("company", *public.DOCUMENT_FIELDS)} for d in public.documents()]),
}
AGREED_PHASES = ("jloi_signed", "binding_agreement", "realisation", "completed")


def _as_of(request) -> tuple[AsOfForm, dt.date | None]:
    """The public record as it stood on ``?op=`` (a day; today when empty or not a date)."""
    form = AsOfForm(request.GET)
    as_of = form.cleaned_data["op"] if form.is_valid() else None
    return form, as_of


def home(request):
    form, as_of = _as_of(request)
    day = as_of or timezone.localdate()
    figures = datacache.cached("portal-home", (day, timezone.localdate()), lambda: _home_figures(day))
    return render(request, "portal/home.html", figures | {"form": form, "as_of": as_of})


def _home_figures(as_of: dt.date) -> dict:
    companies = public.companies(as_of)
    by_phase = [(p, [c for c in companies if c["phase"] == p.code]) for p in workflow.PHASES]
    phase_of = {c["slug"]: c["phase"] for c in companies}
    agreed = [p for p in public.projects(as_of=as_of) if phase_of.get(p["company_slug"]) in AGREED_PHASES]
    return {
        "by_phase": [(p, cs) for p, cs in by_phase if cs],
        # a total of ranges is a range, and a qualifier survives ("ten minste"); no figure is "onbekend", not 0
        "agreed_reduction": ranges.total(p["values"]["co2_reduction_t"] for p in agreed if p["values"]["co2_reduction_t"]),
        "agreed_support": ranges.total(p["values"]["support_max_eur"] for p in agreed if p["values"]["support_max_eur"]),
        "reduction_unknown": sum(1 for p in agreed if p["values"]["co2_reduction_t"] is None),
        "support_unknown": sum(1 for p in agreed if p["values"]["support_max_eur"] is None),
        "agreed": agreed,
        "latest_documents": public.documents(as_of=as_of)[:8],
        "no_potential": public.unnamed_no_potential(as_of),
    }


def company(request, slug):
    form, as_of = _as_of(request)
    data = public.company(slug, as_of)
    if data is None:
        raise Http404("Geen bedrijf in de maatwerkaanpak met deze naam.")
    registry_company = Company.objects.get(slug=slug)
    rows = history(company_installations(registry_company))
    chart = (
        line_chart(
            [str(r.year) for r in rows],
            [Series("Geverifieerde emissies", [r.verified_emissions_t for r in rows])],
            title=f"Geverifieerde CO2-emissies van {data['name']}",
            description="Geverifieerde emissies per jaar volgens het EU-emissieregister (EUTL), ton CO2-equivalent.",
            unit="ton CO2e",
        )
        if rows
        else None
    )
    return render(
        request,
        "portal/company.html",
        {"company": data, "projects": public.projects(slug, as_of=as_of), "documents": public.documents(slug, as_of=as_of), "history": rows, "chart": chart,
         "see_also": see_also(request, registry_company), "form": form, "as_of": as_of},
    )


def documents(request):
    doc_type = request.GET.get("soort") if request.GET.get("soort") in DocumentType.values else None
    company_slug = request.GET.get("bedrijf") or None
    docs = public.documents(company_slug, doc_type)
    page = Paginator(docs, 20).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "portal/documents.html",
        {"page": page, "types": DocumentType.choices, "doc_type": doc_type, "companies": public.companies(), "company_slug": company_slug, "query": query.urlencode()},
    )


def document_file(request, pk):
    document = public.published_documents().filter(pk=pk).first()
    if document is None or not document.file:
        raise Http404("Geen gepubliceerd document met dit nummer.")
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1].split("-", 1)[-1])


def open_data(request):
    codes = public.vocabularies()
    dictionary = {kind: [(f, meaning, codes.get((kind, f), [])) for f, meaning in fields.items()] for kind, fields in public.DICTIONARY.items()}
    return render(request, "portal/open_data.html", {"dictionary": dictionary, "datasets": DATASETS})


def download(request, name, fmt):
    if name not in DATASETS or fmt not in ("csv", "json"):
        raise Http404("Onbekende dataset.")
    kind, rows_of = DATASETS[name]
    _, as_of = _as_of(request)
    rows = rows_of(as_of)
    if fmt == "json":
        response = HttpResponse(json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        columns = list(rows[0]) if rows else list(public.DICTIONARY[kind])
        writer = csv.DictWriter(response, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: safe_cell(";".join(map(str, v)) if isinstance(v, list) else v) for k, v in r.items()})
    response["Content-Disposition"] = f'attachment; filename="maatwerk-{name}.{fmt}"'
    return response
