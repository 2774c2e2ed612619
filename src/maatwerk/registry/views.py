from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from maatwerk.core.charts import Series, line_chart
from maatwerk.core.cli import render as render_rows
from maatwerk.core.exports import attachment
from maatwerk.core.links import see_also
from maatwerk.core.roles import Role, role_of

from .forms import RankingForm
from .models import Company, Installation, LevyKind, Sector
from .pollutants import SHOWN, releases_by_company
from .selectors import company_installations, history, rank_emitters


def ranking(request):
    form = RankingForm(request.GET)
    results, errors = [], None
    if form.is_valid():
        d = form.cleaned_data
        results = rank_emitters(
            year=d["year"], country=d["country"], by=d["by"], top=d["top"], sector=d["sector"] or None
        )
        fmt = request.GET.get("format")
        if fmt in ("csv", "json"):
            rows = [r.as_dict(d["by"]) for r in results]
            if fmt == "json":
                return JsonResponse(rows, safe=False, json_dumps_params={"ensure_ascii": False})
            response = HttpResponse(render_rows(rows, "csv"), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = attachment(f'uitstoters-{d["country"]}-{d["year"]}-{d["by"]}.csv')
            return response
    else:
        errors = form.errors
    total = sum(r.verified_emissions_t for r in results)
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "registry/ranking.html",
        {
            "form": form,
            "results": results,
            "errors": errors,
            "total": total,
            "sector_labels": dict(Sector.choices),
            "levy_labels": dict(LevyKind.choices),
            "query": query.urlencode(),
            "by": form.cleaned_data.get("by") if form.is_valid() else "company",
            "may_map": role_of(request.user) == Role.PROGRAMME,
        },
    )


def _history_context(installations, title):
    rows = history(installations)
    years = [str(r.year) for r in rows]
    chart = line_chart(
        years,
        [
            Series("Geverifieerde emissies", [r.verified_emissions_t for r in rows]),
            Series("Gratis toewijzing", [r.free_allocation_t for r in rows], dashed=True),
        ],
        title=f"Emissies en gratis toewijzing van {title}",
        description="Geverifieerde emissies en gratis toewijzing per jaar in ton CO2-equivalent; ontbrekende jaren zijn gaten.",
        unit="ton CO2e",
    ) if rows else None
    return {"history": rows, "chart": chart}


def company_detail(request, slug):
    company = get_object_or_404(Company, slug=slug)
    installations = list(company_installations(company).order_by("eutl_id"))
    return render(
        request,
        "registry/company_detail.html",
        {
            "company": company,
            "installations": installations,
            **_history_context(installations, company.name),
            "releases": releases_by_company({company.pk}).get(company.pk, []),
            "release_codes": SHOWN,
            "see_also": see_also(request, company),
        },
    )


def installation_detail(request, eutl_id):
    installation = get_object_or_404(Installation.objects.select_related("operator", "company"), eutl_id=eutl_id)
    return render(
        request,
        "registry/installation_detail.html",
        {"installation": installation, **_history_context([installation], installation.name)},
    )


def company_list(request):
    companies = Company.objects.order_by("-in_programme", "name")
    sector = request.GET.get("sector")
    if sector in Sector.values:
        companies = companies.filter(sector=sector)
    return render(
        request, "registry/company_list.html", {"companies": companies, "sectors": Sector.choices, "sector": sector}
    )
