import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from maatwerk.accounts.models import Role, role_of
from maatwerk.core import datacache
from maatwerk.core.charts import Series, bar_chart, format_decimal, format_percent, histogram_bins, stacked_bar_chart
from maatwerk.core.exports import safe_row
from maatwerk.core.forms import error_summary, plain_int
from maatwerk.core.views import Refused, edit_page, handle_post
from maatwerk.engine import monitoring
from maatwerk.engine.periods import iso
from maatwerk.finance.models import Project
from maatwerk.trajectories.forms import AsOfForm
from maatwerk.trajectories.models import Trajectory

from . import selectors, services
from .forms import AssumptionsForm, BudgetEntryForm, ExpectationForm, MilestoneCreateForm, MilestoneForm
from .models import Budget, BudgetEntry, BudgetStage, Milestone, OutlookAssumptions, PhaseExpectation


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
    summary, result = services.run_outlook(trials=20_000, seed=0, as_of=as_of)
    cats = [(code, totals.by_category[code]) for code, _, _ in services.CATEGORIES]
    stages = selectors.budget_stages(as_of)
    budget = stages.rows
    return {
        "categories": cats,
        "selected": totals.by_category.get(category) if category else None,
        "selected_code": category,
        "companies_by_phase": totals.companies_by_phase,
        "budget": budget,
        "budget_unassigned": stages.unassigned,
        "support": selectors.project_support(as_of),
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
        "budget_chart": _budget_chart([b for b in budget if not b["reference"]]),
        "histogram": _histogram(result.additional_mton),
        "alerts": [r for r in services.monitoring_rows() if r.status.code == monitoring.LATE],
    }


def _budget_chart(rows):
    """Per budget the share of it that is paid out, committed (not yet paid out) and reserved, stacked."""
    def share(row, value):
        return 100 * value / row["budget"].amount_eur if row["budget"].amount_eur else 0.0

    return stacked_bar_chart(
        [b["budget"].name for b in rows],
        [
            Series("Uitbetaald", [share(b, b["disbursed_eur"]) for b in rows]),
            Series("Toegezegd, nog niet uitbetaald", [share(b, b["committed_eur"] - b["disbursed_eur"]) for b in rows]),
            Series("Gereserveerd (JLoI)", [share(b, b["reserved_eur"]) for b in rows]),
        ],
        title="Gebruik van de budgetten (% van elk budget)",
        description="Per budget het deel dat is uitbetaald, toegezegd in een bindend besluit en gereserveerd in een JLoI; "
        "elk project telt één keer: een toezegging vervangt de reservering, uitbetaald is een deel van toegezegd.",
        unit="procent van het budget",
        value_format=lambda v: format_percent(v, 0),
        label_header="Budget",
        reference=100.0,
        reference_label="het hele budget (100%)",
    )


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
        rows = [r for r in rows if company.lower() in r.company.name.lower()]
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="monitoring.csv"'
        writer = csv.writer(response)
        writer.writerow(["bedrijf", "project", "soort", "mijlpaal", "gepland", "prognose", "gerealiseerd", "status", "reden"])
        for r in rows:
            m, e = r.milestone, r.expectation
            subject = m.get_kind_display() if m else (f"verwacht: {e.get_phase_display()}" if e else "")
            planned = iso(m.planned, m.planned_precision) if m else (iso(e.expected, e.precision) if e else "")
            forecast = iso(m.forecast, m.forecast_precision) if m else ""
            writer.writerow(safe_row([r.company.name, r.project.name if r.project else "", r.kind, subject, planned, forecast, (m.actual or "") if m else "", r.status.label, r.status.reason]))
        return response
    page = Paginator(rows, 25).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "programme/monitoring.html",
        {"page": page, "status": status, "company": company, "statuses": monitoring.STATUS_LABELS, "query": query.urlencode()},
    )


# --- recording milestones, expected phases and budget stages (programme team) -----------------------------


def _service_errors(form, call):
    """Run a service inside :func:`handle_post`'s save; its ValidationError becomes errors on the form's
    fields (nothing written, the user's input stays in the form)."""
    from django.core.exceptions import ValidationError

    try:
        return call()
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
        for name, messages in errors.items():
            target = name if name in form.fields else None
            for message in messages:
                form.add_error(target, message)
        raise Refused([], status=422) from None


def _record_page(request, template, context, form, status=200):
    context = context | {"form": form}
    if form.is_bound and form.errors:
        context["error_summary"] = error_summary(form)
    return render(request, template, context, status=status)


@login_required
def milestone_add(request, pk):
    _programme_only(request.user)
    project = get_object_or_404(Project.objects.select_related("trajectory__company"), pk=pk)
    form = MilestoneCreateForm(request.POST or None, auto_id="mijlpaal-%s")
    back = reverse("finance:project", args=[project.pk])
    context = {"title": f"Nieuwe mijlpaal: {project}", "back_url": back, "back_label": project.name,
               "intro": "Een geplande datum mag een dag, een maand of alleen een jaar zijn (‘vanaf 2026’): de monitoring noemt de mijlpaal pas te laat na het einde van die periode."}

    def page(f, status=200):
        return _record_page(request, "core/edit.html", context, f, status)

    if request.method != "POST":
        return page(form)

    def save(f):
        d = f.cleaned_data
        m = _service_errors(f, lambda: services.record_milestone(
            project=project, kind=d["kind"], planned=d["planned"], planned_precision=d["planned_precision"], forecast=d.get("forecast"),
            forecast_precision=d.get("forecast_precision") or "day", actual=d.get("actual"), note=d.get("note", ""), source=d.get("source", ""),
            actor=request.user))
        return f"Mijlpaal {m.get_kind_display().lower()} vastgelegd."

    return handle_post(request, form, save=save, page=page, success_url=back)


@login_required
def expectations(request, pk):
    """The expected phases of a trajectory: their history, their status today, and a form for a new one."""
    _programme_only(request.user)
    trajectory = get_object_or_404(Trajectory.objects.select_related("company"), pk=pk)
    form = ExpectationForm(request.POST or None, trajectory=trajectory, auto_id="verwachting-%s",
                           initial={"stated_on": timezone.localdate(), "phase": _next_main_phase(trajectory)})
    today = timezone.localdate()
    context = {
        "trajectory": trajectory,
        "history": PhaseExpectation.objects.filter(trajectory=trajectory).select_related("document", "recorded_by").order_by("phase", "-stated_on", "-recorded_at", "-pk"),
        "rows": [r for r in services.planning_rows(today, [trajectory]) if r.kind == "expectation"],
        "back_url": reverse("trajectories:detail", args=[trajectory.pk]),
    }

    def page(f, status=200):
        return _record_page(request, "programme/expectations.html", context, f, status)

    if request.method != "POST":
        return page(form)

    def save(f):
        d = f.cleaned_data
        e = _service_errors(f, lambda: services.record_expectation(
            trajectory=trajectory, phase=d["phase"], expected=d["expected"], precision=d["precision"], stated_on=d["stated_on"],
            document=d.get("document"), source=d.get("source", ""), note=d.get("note", ""), actor=request.user))
        return f"Verwachting vastgelegd: {e.get_phase_display()} verwacht {e.expected_text}."

    return handle_post(request, form, save=save, page=page, success_url=reverse("programme:expectations", args=[trajectory.pk]))


def _next_main_phase(trajectory):
    from maatwerk.engine import workflow
    from maatwerk.trajectories.services import state_as_of

    phase = state_as_of(trajectory).phase
    line = workflow.MAIN_LINE
    return line[line.index(phase) + 1] if phase in line and line.index(phase) + 1 < len(line) else None


@login_required
def project_budget(request, pk):
    """The budget stages of one project: what counts today, every entry with its history, a form for a new one."""
    _programme_only(request.user)
    project = get_object_or_404(Project.objects.select_related("trajectory__company"), pk=pk)
    form = BudgetEntryForm(request.POST or None, project=project, auto_id="budget-%s")
    support = selectors.project_support(projects=[project])
    budgets = list(Budget.objects.all())
    context = {
        "project": project,
        "support": support[0] if support else None,
        "entries": BudgetEntry.objects.filter(project=project).select_related("document", "recorded_by").order_by("stage", "year", "-valid_from", "-recorded_at", "-pk"),
        "stages": BudgetStage.choices,
        "budget": selectors.budget_for(project.trajectory.company, budgets),
        "back_url": reverse("finance:project", args=[project.pk]),
    }

    def page(f, status=200):
        return _record_page(request, "programme/project_budget.html", context, f, status)

    if request.method != "POST":
        return page(form)

    def save(f):
        d = f.cleaned_data
        e = _service_errors(f, lambda: services.record_budget_entry(
            project=project, stage=d["stage"], amount_eur=d["amount_eur"], year=d.get("year"), valid_from=d["valid_from"],
            valid_from_precision=d["valid_from_precision"], document=d.get("document"), source=d.get("source", ""), note=d.get("note", ""),
            actor=request.user))
        return f"Vastgelegd: {e.get_stage_display().lower()} voor {project.name}, geldig vanaf {e.valid_from_text}."

    return handle_post(request, form, save=save, page=page, success_url=reverse("programme:project_budget", args=[project.pk]))
