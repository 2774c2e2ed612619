"""The mapping screen: the programme team links account holders and installations to companies.

Until now only ``maatwerk load_company_mapping`` or the admin (where the programme team has no rights)
could. The rules are the import's (:mod:`maatwerk.registry.mapping`): a new company needs a name with a
letter or digit to make its slug from and a sector, and its slug is made unique. Each write is one
transaction and happens only if the company the user saw is still the current one (the form carries
its id), so a double submit or someone else's change meanwhile is refused and nothing is written.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from maatwerk.core.roles import Role, role_of
from maatwerk.core.views import Refused, handle_post

from .forms_mapping import AssignForm, MappingFilterForm
from .models import Company, Installation, Operator, unique_slug

PAGE_SIZE = 50
REFUSAL = "Alleen het programmateam koppelt installaties en rekeninghouders aan bedrijven."


def _programme_only(request):
    if role_of(request.user) != Role.PROGRAMME:
        raise PermissionDenied(REFUSAL)


def _company_of(form) -> Company:
    """The company chosen, or the new one created (in the caller's transaction)."""
    d = form.cleaned_data
    if d["company"] is not None:
        return d["company"]
    try:
        with transaction.atomic():
            return Company.objects.create(name=d["new_name"], slug=unique_slug(d["new_name"]), sector=d["new_sector"])
    except IntegrityError:  # another user created the name or slug in the meantime
        raise Refused(f"Bedrijf {d['new_name']!r} kon niet worden aangemaakt: de naam bestaat intussen al; kies het in de lijst.",
                      field="new_name") from None


def _stale(form, current: Company | None, what: str):
    """Refuse a write based on a company that is no longer the current one; the form is based on the
    current one, with the user's choice kept, so a second submit is a conscious one."""
    form.data = form.data.copy()
    form.data["expected"] = str(current.pk) if current else ""
    now = current.name if current else "geen bedrijf"
    return Refused(f"Niet opgeslagen: {what} is intussen door iemand anders gewijzigd en hoort nu bij {now}. "
                   "Controleer de nieuwe stand en sla opnieuw op als u dat wilt.")


@login_required
def mapping(request):
    _programme_only(request)
    form = MappingFilterForm(request.GET or {"land": "NL"})
    qs = Installation.objects.select_related("operator__company", "company").order_by("operator__name", "eutl_id")
    if form.is_valid():
        d = form.cleaned_data
        if d["land"]:
            qs = qs.filter(country=d["land"])
        if d["zoek"]:
            qs = qs.filter(Q(operator__name__icontains=d["zoek"]) | Q(name__icontains=d["zoek"]) | Q(eutl_id__icontains=d["zoek"]))
        if d["niet_gekoppeld"]:
            qs = qs.filter(company__isnull=True, operator__company__isnull=True)
    else:
        qs = qs.none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(request, "registry/mapping_list.html", {"form": form, "page": page, "query": query.urlencode()})


def _installation_page(request, installation):
    def page(form, status=200):
        return render(request, "registry/mapping_installation.html",
                      {"installation": installation, "current": installation.effective_company, "form": form}, status=status)
    return page


@login_required
def mapping_installation(request, eutl_id):
    _programme_only(request)
    installation = get_object_or_404(Installation.objects.select_related("operator__company", "company"), eutl_id=eutl_id)
    current = installation.effective_company
    if request.method != "POST":
        form = AssignForm(initial={"expected": current.pk if current else ""}, auto_id="koppel-%s")
        return _installation_page(request, installation)(form)
    form = AssignForm(request.POST, auto_id="koppel-%s")

    def save(form):
        company = _company_of(form)
        expected = form.cleaned_data["expected"]
        if expected is None:
            still = Q(company__isnull=True, operator__company__isnull=True)
        else:
            still = Q(company_id=expected) | Q(company__isnull=True, operator__company_id=expected)
        # the installation's own company only where it differs from its account holder's
        override = None if company.pk == installation.operator.company_id else company
        if not Installation.objects.filter(pk=installation.pk).filter(still).update(company=override):
            installation.refresh_from_db()
            raise _stale(form, installation.effective_company, f"installatie {installation.eutl_id}")
        if expected == company.pk:
            return f"Installatie {installation.eutl_id} hoorde al bij {company.name}."
        return f"Installatie {installation.eutl_id} ({installation.name}) hoort nu bij {company.name}."

    return handle_post(request, form, save=save, page=_installation_page(request, installation),
                       success_url=reverse("registry:mapping_installation", args=[installation.eutl_id]))


def _operator_page(request, operator):
    def page(form, status=200):
        installations = operator.installations.select_related("company").order_by("eutl_id")
        return render(request, "registry/mapping_operator.html",
                      {"operator": operator, "current": operator.company, "installations": installations, "form": form}, status=status)
    return page


@login_required
def mapping_operator(request, pk):
    _programme_only(request)
    operator = get_object_or_404(Operator.objects.select_related("company"), pk=pk)
    if request.method != "POST":
        form = AssignForm(initial={"expected": operator.company_id or ""}, auto_id="koppel-%s")
        return _operator_page(request, operator)(form)
    form = AssignForm(request.POST, auto_id="koppel-%s")

    def save(form):
        company = _company_of(form)
        expected = form.cleaned_data["expected"]
        if not Operator.objects.filter(pk=operator.pk, company_id=expected).update(company=company):
            operator.refresh_from_db()
            raise _stale(form, operator.company, f"rekeninghouder {operator.name}")
        # all of its installations: an installation linked to another company on its own follows too
        moved = Installation.objects.filter(operator=operator).exclude(company__isnull=True).update(company=None)
        count = operator.installations.count()
        extra = f" ({moved} stond(en) apart gekoppeld en volgen nu ook)" if moved else ""
        return f"Rekeninghouder {operator.name} en zijn {count} installatie(s) horen nu bij {company.name}{extra}."

    return handle_post(request, form, save=save, page=_operator_page(request, operator),
                       success_url=reverse("registry:mapping_operator", args=[operator.pk]))
