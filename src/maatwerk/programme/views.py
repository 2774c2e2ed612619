import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from maatwerk.accounts.models import Role, role_of
from maatwerk.core.charts import bar_chart, format_decimal, format_percent, histogram_bins
from maatwerk.core import datacache
from maatwerk.core.exports import safe_row
from maatwerk.core.forms import plain_int
from maatwerk.core.views import edit_page
from maatwerk.engine import monitoring
from maatwerk.trajectories.forms import AsOfForm

from . import services
from .forms import AssumptionsForm, MilestoneForm
from .models import Milestone, OutlookAssumptions


def _programme_only(user):
    if role_of(user) != Role.PROGRAMME:
        raise PermissionDenied("Het programmadashboard is voor het programmateam.")


@login_required
def dashboard(request):
    _programme_only(request.user)
    form = AsOfForm(request.GET)
    as_of = form.cleaned_data["op"] if form.is_valid() else None
    year = plain_int(request.GET.get("jaar"))
    year = year if year is not None and 2020 <= year <= 2060 else None
    category = request.GET.get("categorie")
    category = category if category in {code for code, _, _ in services.CATEGORIES} else None
    # today is part of the key: a milestone becomes late when its date passes, without any write
    figures, key = datacache.cached(
        "dashboard", (as_of, year, category, timezone.localdate()), lambda: _dashboard_figures(as_of, year, category), with_key=True
    )
    assumptions = OutlookAssumptions.current()
    return render(
        request,
        "programme/dashboard.html",
        figures
        | {"form": form, "as_of": as_of, "year": year, "assumptions_form": AssumptionsForm(instance=assumptions),
           "figures_key": key, "figures_timeout": datacache.TIMEOUT},
    )


def _dashboard_figures(as_of, year, category) -> dict:
    """Everything on the dashboard that is derived from the data (cached per data generation)."""
    totals = services.totals(as_of, year=year)
    summary, result = services.run_outlook(trials=20_000, seed=0)
    cats = [(code, totals.by_category[code]) for code, _, _ in services.CATEGORIES]
    budget = services.budget_use(totals)
    return {
        "categories": cats,
        "selected": totals.by_category.get(category) if category else None,
        "selected_code": category,
        "companies_by_phase": totals.companies_by_phase,
        "budget": budget,
        "outlook": summary,
        "rates": services.conversion_rates(OutlookAssumptions.current()),
        "reduction_chart": bar_chart(
            [c["label"] for _, c in cats],
            [c["sums"]["co2_reduction_t"] / 1000 for _, c in cats],
            title="CO2-reductie per fase (kton per jaar)",
            description="Som van de CO2-reductie in het doeljaar van de projecten per fase.",
            unit="kton CO2 per jaar",
            label_header="Fase",
        ),
        "goal_chart": bar_chart(
            ["Kans op ≥ 1,0 Mton", "Kans op ≥ 1,9 Mton"],
            [100 * summary["p_additional_at_least_1_0_mton"], 100 * summary["p_additional_at_least_1_9_mton"]],
            title="Kans om het doel te halen (%)",
            description="Aandeel van de Monte Carlo-trekkingen met minstens 1,0 of 1,9 Mton additionele reductie in 2030, alleen over de projecten met een bekende additionaliteit.",
            unit="procent van de trekkingen",
            value_format=lambda v: format_percent(v, 0),
        ),
        "budget_chart": bar_chart(
            [b["budget"].name for b in budget if not b["reference"]],
            [100 * (b["share"] or 0) for b in budget if not b["reference"]],
            title="Gebruik van de budgetten (%)",
            description="Toegezegde maximale steun (vanaf getekende JLoI) als aandeel van elk budget.",
            unit="procent toegezegd",
            value_format=lambda v: format_percent(v, 0),
            label_header="Budget",
        ),
        "histogram": _histogram(result.additional_mton),
        "alerts": [r for r in services.monitoring_rows() if r.status.code == monitoring.LATE],
    }


def _histogram(values, bins=10):
    """Counts per round class of the additional reduction in Mt (``0,0–0,2 Mt``)."""
    edges, counts, decimals = histogram_bins(values, bins)
    decimals = max(decimals, 1)
    labels = [f"{format_decimal(edges[i], decimals)}–{format_decimal(edges[i + 1], decimals)} Mt" for i in range(len(counts))]
    return bar_chart(
        labels, [float(c) for c in counts], title="Verdeling additionele reductie 2030 (Mt CO2, bekend deel)",
        description="Aantal Monte Carlo-trekkingen per klasse van de additionele reductie in 2030; projecten met onbekende additionaliteit tellen niet mee.",
        unit="aantal trekkingen", value_format=lambda v: format_decimal(v, 0), label_header="Additionele reductie 2030",
    )


@login_required
def assumptions(request):
    _programme_only(request.user)
    form = AssumptionsForm(request.POST or None, instance=OutlookAssumptions.current())
    return edit_page(
        request, form, title="Aannames van de vooruitblik", back_url=reverse("programme:dashboard"), back_label="Programmadashboard",
        saved="Aannames van de vooruitblik opgeslagen.",
        intro="De vooruitblik rekent met deze aannames. Lege overgangskansen worden afgeleid uit de historie van het programma.",
    )


@login_required
def milestone_edit(request, pk):
    _programme_only(request.user)
    milestone = get_object_or_404(Milestone.objects.select_related("project__trajectory__company"), pk=pk)
    form = MilestoneForm(request.POST or None, instance=milestone)
    return edit_page(
        request, form, title=f"Mijlpaal bijwerken: {milestone}", back_url=reverse("finance:project", args=[milestone.project_id]),
        back_label=milestone.project.name, saved=f"Mijlpaal {milestone.get_kind_display().lower()} opgeslagen.",
        intro="Leg de prognose vast zodra een datum verschuift en de gerealiseerde datum zodra de mijlpaal gehaald is.",
    )


@login_required
def monitoring_list(request):
    _programme_only(request.user)
    rows = services.monitoring_rows()
    status = request.GET.get("status")
    company = (request.GET.get("bedrijf") or "").strip()
    if status in monitoring.STATUS_LABELS:
        rows = [r for r in rows if r.status.code == status]
    if company:
        rows = [r for r in rows if company.lower() in r.project.trajectory.company.name.lower()]
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="monitoring.csv"'
        writer = csv.writer(response)
        writer.writerow(["bedrijf", "project", "soort", "mijlpaal", "gepland", "prognose", "gerealiseerd", "status", "reden"])
        for r in rows:
            m = r.milestone
            writer.writerow(safe_row([r.project.trajectory.company.name, r.project.name, r.kind, m.get_kind_display() if m else "", m.planned if m else "", (m.forecast or "") if m else "", (m.actual or "") if m else "", r.status.label, r.status.reason]))
        return response
    page = Paginator(rows, 25).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "programme/monitoring.html",
        {"page": page, "status": status, "company": company, "statuses": monitoring.STATUS_LABELS, "query": query.urlencode()},
    )
