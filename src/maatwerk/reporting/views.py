"""Reporting to parliament: the Rapportage page (letters and overviews, for the programme team), the
drafts and their sending, and the sent letters, which are public."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from maatwerk.accounts.models import Role, role_of
from maatwerk.core import datacache
from maatwerk.core.locking import StaleEdit
from maatwerk.core.templatetags.maatwerk import datum
from maatwerk.finance.bounds import PLAUSIBLE_PLANNING

from . import formats, services
from .forms import LetterForm, NewLetterForm, SendForm
from .letter import Meta, build
from .models import Letter, LetterStatus

PAGE_SIZE = 20


def _programme_only(user):
    if role_of(user) != Role.PROGRAMME:
        raise PermissionDenied("Concept-voortgangsbrieven en de overzichten voor de Kamer zijn voor het programmateam.")


def _date(request, name: str) -> dt.date | None:
    """A date from the query string; None when absent, unreadable or outside the plausible range."""
    try:
        day = dt.date.fromisoformat(request.GET[name])
    except (KeyError, ValueError):
        return None
    lo, hi = PLAUSIBLE_PLANNING
    return day if lo <= day <= hi else None


def _as_of(request) -> dt.date:
    return _date(request, "op") or timezone.localdate()


def _file_response(content: dict, fmt: str, stem: str, *, inline: bool = False) -> HttpResponse:
    if fmt not in services.LETTER_FORMATS:
        raise Http404("Onbekend formaat.")
    content_type, suffix = services.LETTER_FORMATS[fmt]
    response = HttpResponse(services.render_letter(content, fmt), content_type=content_type)
    disposition = "inline" if inline or fmt == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{stem}.{suffix}"'
    return response


@login_required
def index(request):
    """The Rapportage page: a letter for any date (preview and downloads), the drafts and sent letters,
    and the overviews."""
    _programme_only(request.user)
    as_of = _date(request, "op")
    since = _date(request, "sinds")
    form = NewLetterForm(initial={"as_of": as_of or timezone.localdate(), "since": since})
    page = Paginator(Letter.objects.select_related("created_by", "sent_by"), PAGE_SIZE).get_page(request.GET.get("pagina"))
    query = f"?op={(as_of or timezone.localdate()).isoformat()}" + (f"&sinds={since.isoformat()}" if since else "")
    return render(request, "reporting/index.html", {
        "form": form, "page": page, "as_of": as_of or timezone.localdate(), "since": since or services.previous_letter_date(as_of or timezone.localdate()),
        "query": query, "overviews": services.OVERVIEWS,
    })


@login_required
def progress_letter(request):
    """A letter for any date, not saved: the preview of the Rapportage page (HTML) and its PDF and DOCX.
    An unsent draft, so for the programme team only. Rendered once per data generation and date."""
    _programme_only(request.user)
    as_of = _as_of(request)
    since = _date(request, "sinds")
    if since is not None and since >= as_of:
        since = None
    content = datacache.cached("progress-letter", (as_of, since), lambda: build(as_of, since, Meta()))
    fmt = request.GET.get("format", "html")
    if fmt == "pdf":
        pdf = datacache.cached("progress-letter-pdf", (as_of, since), lambda: services.render_letter(content, "pdf"))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="voortgangsbrief-{as_of.isoformat()}.pdf"'
        return response
    return _file_response(content, fmt, f"voortgangsbrief-{as_of.isoformat()}")


@login_required
@require_POST
def letter_new(request):
    _programme_only(request.user)
    form = NewLetterForm(request.POST)
    if not form.is_valid():
        page = Paginator(Letter.objects.all(), PAGE_SIZE).get_page(1)
        as_of = timezone.localdate()
        return render(request, "reporting/index.html", {
            "form": form, "page": page, "as_of": as_of, "since": services.previous_letter_date(as_of), "query": "", "overviews": services.OVERVIEWS,
        }, status=422)
    data = form.cleaned_data
    letter = services.draft_letter(data["as_of"], data["since"], actor=request.user, kenmerk=data["kenmerk"])
    messages.success(request, f"Concept opgesteld voor de stand op {datum(letter.as_of)}. Bewerk de tekst; het voorbeeld staat ernaast.")
    return redirect("reporting:letter_edit", pk=letter.pk)


def _letter_page(request, letter, form=None, send_form=None, status=200, **extra):
    content = services.letter_content(letter)
    context = {
        "letter": letter, "content": content, "references": formats.reference_block(content),
        "form": form or (None if letter.is_sent else LetterForm(instance=letter)),
        "send_form": send_form or (None if letter.is_sent else SendForm(initial={"version": letter.version, "kenmerk": letter.kenmerk})),
        **extra,
    }
    return render(request, "reporting/letter_edit.html", context, status=status)


@login_required
def letter_edit(request, pk):
    """A draft: edit its reference, signatories and narrative, preview it, download it, send it.
    A sent letter: its frozen content and hashes (nothing to edit)."""
    _programme_only(request.user)
    letter = get_object_or_404(Letter, pk=pk)
    if request.method != "POST":
        return _letter_page(request, letter)
    if letter.is_sent:
        return _letter_page(request, letter, status=409, refused="Deze brief is verzonden en ligt vast; hij kan niet meer worden bewerkt.")
    form = LetterForm(request.POST, instance=letter)
    if not form.is_valid():
        return _letter_page(request, letter, form=form, status=422)
    try:
        form.save()
    except StaleEdit as exc:
        conflicts = form.conflicts(exc.current)
        form.rebase(exc.current)
        return _letter_page(request, Letter.objects.get(pk=pk), form=form, status=409, stale=str(exc), conflicts=conflicts)
    messages.success(request, "Concept opgeslagen.")
    return redirect("reporting:letter_edit", pk=pk)


@login_required
@require_POST
def letter_regenerate(request, pk):
    _programme_only(request.user)
    letter = get_object_or_404(Letter, pk=pk)
    try:
        services.regenerate_texts(letter, int(request.POST.get("version", -1)))
    except services.LetterRefused as exc:
        return _letter_page(request, letter, status=409, refused=str(exc))
    except (StaleEdit, ValueError):
        return _letter_page(request, Letter.objects.get(pk=pk), status=409, refused="Het concept is intussen gewijzigd; de tekst is niet opnieuw opgesteld. Laad de pagina opnieuw.")
    messages.success(request, "De tekst is opnieuw opgesteld uit de gebeurtenissen en de openbare cijfers.")
    return redirect("reporting:letter_edit", pk=pk)


@login_required
@require_POST
def letter_send(request, pk):
    """Mark a draft sent with its Kamerstuk: its content is frozen (and then public)."""
    _programme_only(request.user)
    letter = get_object_or_404(Letter, pk=pk)
    form = SendForm(request.POST)
    if not form.is_valid():
        return _letter_page(request, letter, send_form=form, status=422)
    try:
        services.send_letter(letter, sent_on=form.cleaned_data["sent_on"], kamerstuk=form.cleaned_data["kamerstuk"], kenmerk=form.cleaned_data["kenmerk"],
                             actor=request.user, expected_version=form.cleaned_data["version"])
    except services.LetterRefused as exc:
        form.add_error(None, str(exc))
        return _letter_page(request, Letter.objects.get(pk=pk), send_form=form, status=409)
    except StaleEdit:
        form.add_error(None, "Het concept is intussen gewijzigd door iemand anders. Bekijk het voorbeeld opnieuw en verzend dan.")
        return _letter_page(request, Letter.objects.get(pk=pk), send_form=form, status=409)
    messages.success(request, "De brief is als verzonden vastgelegd en staat nu openbaar bij de Kamerbrieven.")
    return redirect("reporting:letter_edit", pk=pk)


@login_required
def letter_file(request, pk, fmt):
    """A draft or sent letter as HTML (the preview), PDF or DOCX, for the programme team."""
    _programme_only(request.user)
    letter = get_object_or_404(Letter, pk=pk)
    return _file_response(services.letter_content(letter), fmt, f"voortgangsbrief-{letter.as_of.isoformat()}{'' if letter.is_sent else '-concept'}")


# --- sent letters: public ------------------------------------------------------------------------


def sent_letters(request):
    page = Paginator(services.sent_letters(), PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(request, "reporting/sent_letters.html", {"page": page})


def _sent(pk) -> Letter:
    return get_object_or_404(Letter, pk=pk, status=LetterStatus.SENT)


def sent_letter(request, pk):
    letter = _sent(pk)
    return render(request, "reporting/sent_letter.html", {"letter": letter, "content": letter.content, "references": formats.reference_block(letter.content)})


def sent_letter_file(request, pk, fmt):
    letter = _sent(pk)
    return _file_response(letter.content, fmt, f"voortgangsbrief-{letter.sent_on.isoformat()}")


# --- overviews -----------------------------------------------------------------------------------


@login_required
def overviews(request):
    from maatwerk.trajectories.forms import AsOfForm

    _programme_only(request.user)
    form = AsOfForm(request.GET)
    as_of = form.cleaned_data["op"] if form.is_valid() else None
    query = f"?op={as_of.isoformat()}" if as_of else ""
    return render(request, "reporting/overviews.html", {
        "overviews": services.OVERVIEWS, "form": form, "as_of": as_of or timezone.localdate(), "query": query,
        "dictionaries": {name: services.overview_dictionary(name) for name in services.OVERVIEWS},
    })


@login_required
def overview_download(request, name, fmt):
    _programme_only(request.user)
    if name not in services.OVERVIEWS or fmt not in ("csv", "xlsx"):
        raise Http404("Onbekend overzicht.")
    as_of = _date(request, "op") or timezone.localdate()
    if fmt == "csv":
        response = HttpResponse(services.overview_csv(name, as_of).encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(services.overview_xlsx(name, as_of), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="overzicht-{name}-{as_of.isoformat()}.{fmt}"'
    return response


@login_required
def overview_dictionary_csv(request, name):
    """The data dictionary of an overview's CSV: per column its name, type and meaning."""
    _programme_only(request.user)
    if name not in services.OVERVIEWS:
        raise Http404("Onbekend overzicht.")
    response = HttpResponse(services.dictionary_csv(name).encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="overzicht-{name}-woordenboek.csv"'
    return response


