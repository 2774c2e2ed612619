import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from . import services


def _as_of(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET["op"])
    except (KeyError, ValueError):
        return timezone.localdate()


def progress_letter(request):
    """The letter is a public document: built from the public record only, so no login."""
    as_of = _as_of(request)
    html = render_to_string("reporting/progress_letter.html", services.letter_context(as_of))
    if request.GET.get("format") == "pdf":
        response = HttpResponse(services.render_pdf(html, request.build_absolute_uri("/")), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="voortgangsbrief-{as_of.isoformat()}.pdf"'
        return response
    return HttpResponse(html)


@login_required
def overviews(request):
    return render(request, "reporting/overviews.html", {"overviews": services.OVERVIEWS})


@login_required
def overview_download(request, name, fmt):
    if name not in services.OVERVIEWS or fmt not in ("csv", "xlsx"):
        raise Http404("Onbekend overzicht.")
    if fmt == "csv":
        response = HttpResponse(services.overview_csv(name), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(services.overview_xlsx(name), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="overzicht-{name}.{fmt}"'
    return response
