import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from maatwerk.accounts.models import Role, role_of
from maatwerk.core import datacache
from maatwerk.finance.bounds import PLAUSIBLE_PLANNING

from . import services


def _programme_only(user):
    if role_of(user) != Role.PROGRAMME:
        raise PermissionDenied("De concept-voortgangsbrief en de overzichten voor de Kamer zijn voor het programmateam.")


def _as_of(request) -> dt.date:
    """The letter's date from ``?op=``; today when absent, unreadable or outside the plausible range."""
    try:
        day = dt.date.fromisoformat(request.GET["op"])
    except (KeyError, ValueError):
        return timezone.localdate()
    lo, hi = PLAUSIBLE_PLANNING
    return day if lo <= day <= hi else timezone.localdate()


@login_required
def progress_letter(request):
    """The letter as drafted from the public record: an unsent draft, so for the programme team only
    (a letter becomes public when it is sent). Rendered once per data generation and date: a PDF
    costs about a second of CPU."""
    _programme_only(request.user)
    as_of = _as_of(request)
    html = datacache.cached(
        "progress-letter-html", (as_of,), lambda: render_to_string("reporting/progress_letter.html", services.letter_context(as_of))
    )
    if request.GET.get("format") == "pdf":
        base_url = request.build_absolute_uri("/")
        pdf = datacache.cached("progress-letter-pdf", (as_of, base_url), lambda: services.render_pdf(html, base_url))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="voortgangsbrief-{as_of.isoformat()}.pdf"'
        return response
    return HttpResponse(html)


@login_required
def overviews(request):
    from maatwerk.trajectories.forms import AsOfForm

    _programme_only(request.user)
    form = AsOfForm(request.GET)
    as_of = form.cleaned_data["op"] if form.is_valid() else None
    query = f"?op={as_of.isoformat()}" if as_of else ""
    return render(request, "reporting/overviews.html", {"overviews": services.OVERVIEWS, "form": form, "as_of": as_of, "query": query})


@login_required
def overview_download(request, name, fmt):
    _programme_only(request.user)
    if name not in services.OVERVIEWS or fmt not in ("csv", "xlsx"):
        raise Http404("Onbekend overzicht.")
    as_of = _as_of(request) if request.GET.get("op") else None
    stamp = f"-{as_of.isoformat()}" if as_of else ""
    if fmt == "csv":
        response = HttpResponse(services.overview_csv(name, as_of), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(services.overview_xlsx(name, as_of), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="overzicht-{name}{stamp}.{fmt}"'
    return response
