from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from maatwerk.core.charts import Series, format_fraction_percent, format_money, grouped_bar_chart, line_chart, tornado_chart
from maatwerk.core.labels import label
from maatwerk.core.links import see_also
from maatwerk.core.views import Refused, edit_page, handle_post
from maatwerk.engine import levy
from maatwerk.trajectories import permissions

from .decks import find_deck
from .forms import BusinessCaseForm, NewProjectForm, ProjectForm
from .models import BusinessCase, PriceDeck, Technique
from .selectors import visible_projects
from .services import additionality_by_regime, create_project, evaluate, sensitivity


@login_required
def project_list(request):
    projects = visible_projects(request.user).order_by("trajectory__company__name", "name")
    return render(request, "finance/project_list.html", {"projects": projects, "decks": PriceDeck.objects.all()})


def _project_for(user, pk):
    project = visible_projects(user).filter(pk=pk).first()
    if project is None:
        raise Http404("Geen project met dit nummer dat u mag zien.")
    return project


@login_required
def project_edit(request, pk):
    project = _project_for(request.user, pk)
    if not permissions.can_edit_project(request.user, project.trajectory):
        raise PermissionDenied("Alleen het programmateam wijzigt de gegevens van een project.")
    form = ProjectForm(request.POST or None, instance=project)
    return edit_page(
        request, form, title=f"Project bewerken: {project}", back_url=reverse("finance:project", args=[project.pk]),
        back_label=project.name, saved=f"Project {project.name} opgeslagen.",
        intro=("De eigen gegevens van het project: omschrijving, technieken, de emissies vóór het project (voor de doorrekening) "
               "en de regels. De cijfers van de afspraak (reducties, doeljaar, investering, maximale steun) legt u met hun bron vast "
               "onder Cijfers van het project; daar worden ze ook met vier ogen gepubliceerd."),
    )


@login_required
def business_case_edit(request, pk):
    project = _project_for(request.user, pk)
    if not permissions.can_edit_business_case(request.user, project.trajectory):
        raise PermissionDenied("Alleen het programmateam en het bedrijf zelf wijzigen de businesscase.")
    try:
        case = project.business_case
    except BusinessCase.DoesNotExist:
        case = BusinessCase(project=project, start_year=project.target_year - 3, lifetime_years=15, hurdle_rate=0.08, capex_schedule=[])
    form = BusinessCaseForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        form.instance.updated_by = request.user
    return edit_page(
        request, form, title=f"Businesscase: {project}", back_url=reverse("finance:project", args=[project.pk]),
        back_label=project.name, saved=f"Businesscase van {project.name} opgeslagen.",
        intro="Vertrouwelijke bedrijfsinformatie: alleen het programmateam, het bedrijf zelf en (na voorlegging) de AMVI zien deze cijfers.",
    )


@login_required
def project_detail(request, pk):
    project = _project_for(request.user, pk)
    confidential = permissions.can_view_confidential(request.user, project.trajectory)
    deck, deck_error = None, None
    if request.GET.get("deck"):
        try:
            deck = find_deck(request.GET["deck"])
        except PriceDeck.DoesNotExist as exc:
            deck_error = str(exc)
    regime = request.GET.get("regime") if request.GET.get("regime") in levy.REGIMES else None
    ev = evaluate(project, deck, regime)
    context = {
        "project": project,
        "ev": ev,
        "notes": ev.notes_for(confidential),  # a note derived from the business case follows its confidentiality
        "confidential": confidential,
        "can_edit": permissions.can_edit_project(request.user, project.trajectory),
        "can_edit_case": permissions.can_edit_business_case(request.user, project.trajectory),
        "milestones": project.milestones.all(),
        "decks": PriceDeck.objects.all(),
        "deck_error": deck_error,
        "regimes": levy.regimes(),
        "techniques": dict(Technique.choices),
        "additional_rows": list(zip(ev.path_years, ev.dispensation_rights_t, ev.additional_t)),
        "regime_rows": additionality_by_regime(project),
        "see_also": see_also(request, project.trajectory.company),
    }
    if ev.emissions_before_t is not None and ev.dispensation_rights_t:
        n = len(ev.path_years)
        context["path_chart"] = line_chart(
            [str(y) for y in ev.path_years],
            [
                Series("Dispensatierechten (heffingspad)", ev.dispensation_rights_t),
                Series("Emissies vóór het project", [ev.emissions_before_t] * n, dashed=True),
                Series("Emissies na het project", [ev.emissions_after_t] * n),
            ],
            title=f"Emissies tegen het pad van de dispensatierechten ({ev.regime})",
            description="Het deel van de reductie onder de lijn van de dispensatierechten is additioneel.",
            unit="ton CO2e per jaar",
        )
    if confidential and ev.has_business_case:
        context["cash_chart"] = grouped_bar_chart(
            [str(y) for y in ev.years],
            [Series(f"Kasstroom ({label(s, 'scenario')})", [float(v) for v in ev.cashflows[i]]) for i, s in enumerate(ev.scenarios)][:3],
            title="Kasstromen per jaar",
            description="Investeringen (negatief, onder de nullijn) en jaarlijkse kasstromen per prijsscenario, naast elkaar per jaar.",
            unit="euro per jaar",
        )
        context["tornado"] = tornado_chart(
            sensitivity(project, ev.deck),
            title="Gevoeligheid van de onrendabele top",
            description="Onrendabele top bij −20% en +20% per invoer, de rest gelijk.",
            unit="onrendabele top (euro)",
            value_format=format_money,
        )
        context["scenario_rows"] = [
            {"scenario": s, "npv": ev.npv_eur[i], "irr": ev.irr[i], "irr_pct": format_fraction_percent(float(ev.irr[i])), "gap": ev.funding_gap_eur[i], "payback": ev.payback_years[i]}
            for i, s in enumerate(ev.scenarios)
        ]
        context["instrument_rows"] = [
            {"name": {"maatwerk": "Maatwerk (vast bedrag, ten hoogste de onrendabele top)", "sde_style": "SDE++-achtig", "ccfd": "CO2-contract (CCfD)"}[i.name],
             "pv": float(i.pv_state_eur[0] if getattr(i.pv_state_eur, "ndim", 0) else i.pv_state_eur), "illustrative": i.illustrative}
            for i in ev.instruments
        ]
    return render(request, "finance/project_detail.html", context)


@login_required
def project_new(request, pk):
    """A new project under a trajectory (programme team): name, description, techniques; the figures
    and business case follow on the project's own pages."""
    from django.core.exceptions import ValidationError
    from django.shortcuts import redirect

    from maatwerk.trajectories import services as trajectory_services

    trajectory = permissions.visible_trajectories(request.user).filter(pk=pk).first()
    if trajectory is None:
        raise Http404("Geen traject met dit nummer dat u mag zien.")
    if not permissions.can_edit_project(request.user, trajectory):
        raise PermissionDenied("Alleen het programmateam maakt projecten aan.")
    back = reverse("trajectories:detail", args=[pk])
    context = {"title": f"Nieuw project: {trajectory.company.name}", "submit": "Project aanmaken", "back_url": back,
               "back_label": f"Traject {trajectory.company.name}", "form_id": "project-formulier",
               "intro": "Naam, omschrijving en technieken. Cijfers en de businesscase vult u daarna in op de projectpagina."}

    def page(form, status=200):
        return render(request, "core/form_page.html", {**context, "form": form}, status=status)

    if request.method != "POST":
        return page(NewProjectForm(auto_id="project-%s"))
    form = NewProjectForm(request.POST, auto_id="project-%s")
    created = {}

    def save(form):
        try:
            created["project"] = create_project(trajectory, **form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
            raise Refused([], status=409 if isinstance(exc, trajectory_services.DuplicateName) else 422) from None
        return f"Project {created['project'].name} aangemaakt."

    response = handle_post(request, form, save=save, page=page, success_url=back)
    if response.status_code == 302:
        return redirect(reverse("finance:project", args=[created["project"].pk]))
    return response
