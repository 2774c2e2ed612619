from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from maatwerk.core import datacache
from maatwerk.core.forms import error_summary
from maatwerk.engine import workflow

from . import permissions, services
from .forms import (
    AmviAdviceForm,
    AsOfForm,
    CompanyDocumentForm,
    DocumentForm,
    EligibilityForm,
    ParliamentForm,
    ResponseForm,
    ReviewForm,
    TransitionForm,
)
from .models import AmviItem, Document, ReviewStatus
from .uploads import UploadRefused


def _trajectory_for(user, pk):
    trajectory = permissions.visible_trajectories(user).filter(pk=pk).first()
    if trajectory is None:
        raise Http404("Geen traject met dit nummer dat u mag zien.")
    return trajectory


def _document_form_class(user, trajectory):
    """The programme team may publish; a company submits for review (and may only propose public)."""
    return DocumentForm if permissions.can_publish_documents(user, trajectory) else CompanyDocumentForm


def _for_programme(request, pk, refusal: str):
    """The trajectory, if the user may see it and is the programme team (which alone records these)."""
    trajectory = _trajectory_for(request.user, pk)
    if not permissions.can_transition(request.user, trajectory):
        raise PermissionDenied(refusal)
    return trajectory


@login_required
def board(request):
    form = AsOfForm(request.GET)
    as_of = form.cleaned_data["op"] if form.is_valid() else None
    rows, key = services.board_of(permissions.visible_trajectories(request.user).values_list("pk", flat=True), as_of, with_key=True)
    columns = [(p, [r for r in rows if r.phase == p.code]) for p in workflow.PHASES]
    return render(
        request, "trajectories/board.html",
        {"form": form, "as_of": as_of, "columns": columns, "rows": rows, "board_key": key, "board_timeout": datacache.TIMEOUT},
    )


@login_required
def detail(request, pk):
    trajectory = _trajectory_for(request.user, pk)
    form = AsOfForm(request.GET)
    as_of = form.cleaned_data["op"] if form.is_valid() else None
    state = services.state_as_of(trajectory, as_of)
    facts = services.facts_as_of(trajectory, as_of)
    checklist = workflow.gate_checklist(state.phase, facts)
    may_move = permissions.can_transition(request.user, trajectory)
    documents = permissions.visible_documents(request.user).filter(trajectory=trajectory)
    events = permissions.visible_events(request.user, services.ordered_events(trajectory))
    return render(
        request,
        "trajectories/detail.html",
        {
            "trajectory": trajectory,
            "state": state,
            "as_of": as_of,
            "form": form,
            "checklist": checklist,
            "next_phase": workflow.next_phase(state.phase),
            "obligations": workflow.obligations(state.phase, facts, as_of or timezone.localdate()),
            "events": events,
            "documents": documents,
            "advices": trajectory.amvi_advices.prefetch_related("items"),
            "notices": trajectory.parliament_notices.all(),
            "transition_form": TransitionForm(
                initial={"version": trajectory.version, "to": workflow.next_phase(state.phase)},
                moves=[m.to_phase for m in workflow.moves_from(state.phase)],
            )
            if may_move and workflow.moves_from(state.phase)
            else None,
            "document_form": _document_form_class(request.user, trajectory)() if permissions.can_submit_documents(request.user, trajectory) else None,
            "review_form": ReviewForm() if permissions.can_review_documents(request.user, trajectory) else None,
            "submitted": ReviewStatus.SUBMITTED,
            "amvi_form": AmviAdviceForm() if permissions.can_write_amvi_advice(request.user, trajectory) else None,
            "parliament_form": ParliamentForm() if may_move else None,
            "eligibility_form": EligibilityForm(
                initial={f: getattr(trajectory, f) for f in services.EDITABLE_FIELDS} | {"version": trajectory.version}
            )
            if may_move
            else None,
            "response_form": ResponseForm() if may_move else None,
            "phase_labels": workflow.PHASE_LABELS,
            "refused": request.session.pop("refused", None),
        },
    )


@login_required
@require_POST
def move(request, pk):
    trajectory = _for_programme(request, pk, "Alleen het programmateam zet trajecten in een volgende fase.")
    form = TransitionForm(request.POST)
    if not form.is_valid():
        request.session["refused"] = [error_summary(form)]
        return redirect("trajectories:detail", pk=pk)
    d = form.cleaned_data
    try:
        services.transition(trajectory, d["to"], d["date"], actor=request.user, note=d["note"], expected_version=d["version"])
    except services.TransitionRefused as exc:
        request.session["refused"] = list(exc.reasons)
    except services.StaleEdit as exc:
        request.session["refused"] = [str(exc)]
    else:
        messages.success(request, f"{trajectory.company.name} staat nu in fase {workflow.PHASE_LABELS[d['to']]}.")
    return redirect("trajectories:detail", pk=pk)


@login_required
@require_POST
def upload(request, pk):
    trajectory = _trajectory_for(request.user, pk)
    if not permissions.can_submit_documents(request.user, trajectory):
        raise PermissionDenied("U mag bij dit traject geen documenten indienen.")
    form = _document_form_class(request.user, trajectory)(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            doc = services.add_document(
                trajectory,
                d["doc_type"],
                d["title"],
                actor=request.user,
                document_date=d["document_date"],
                file_name=d["file"].name,
                data=d["file"],  # read in chunks by the upload check, never whole into memory
                **form.document_terms(),
            )
        except (UploadRefused, ValidationError) as exc:
            messages.error(request, f"Document niet opgeslagen: {'; '.join(exc.messages) if isinstance(exc, ValidationError) else exc}")
        else:
            if doc.status == ReviewStatus.SUBMITTED:
                messages.success(request, f"Document “{d['title']}” ingediend; het programmateam beoordeelt het.")
            else:
                messages.success(request, f"Document “{d['title']}” opgeslagen.")
    else:
        messages.error(request, "Document niet opgeslagen: " + error_summary(form))
    return redirect("trajectories:detail", pk=pk)


@login_required
@require_POST
def review(request, pk, doc_pk):
    trajectory = _trajectory_for(request.user, pk)
    if not permissions.can_review_documents(request.user, trajectory):
        raise PermissionDenied("Alleen het programmateam beoordeelt en publiceert documenten.")
    document = get_object_or_404(Document, pk=doc_pk, trajectory=trajectory)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Beoordeling niet opgeslagen: " + error_summary(form))
        return redirect("trajectories:detail", pk=pk)
    try:
        doc = services.review_document(document, form.cleaned_data["decision"], actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, "Beoordeling niet opgeslagen: " + "; ".join(exc.messages))
    else:
        messages.success(request, f"Document “{doc.title}”: {doc.get_status_display().lower()}{', gepubliceerd' if doc.published else ''}.")
    return redirect("trajectories:detail", pk=pk)


@login_required
def download(request, pk):
    document = get_object_or_404(Document, pk=pk)
    if not permissions.can_view_document(request.user, document) or not document.file:
        raise Http404("Geen document dat u mag zien.")
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1].split("-", 1)[-1], content_type=document.content_type or "application/octet-stream")


@login_required
@require_POST
def amvi_advice(request, pk):
    trajectory = _trajectory_for(request.user, pk)
    if not permissions.can_write_amvi_advice(request.user, trajectory):
        raise PermissionDenied("Alleen de AMVI (of het programmateam namens haar) legt een advies vast.")
    form = AmviAdviceForm(request.POST)
    if form.is_valid():
        d = dict(form.cleaned_data)
        items = d.pop("items")
        services.record_amvi_advice(trajectory, actor=request.user, items=items, **d)
        messages.success(request, "AMVI-advies vastgelegd.")
    else:
        messages.error(request, "AMVI-advies niet opgeslagen: " + error_summary(form))
    return redirect("trajectories:detail", pk=pk)


@login_required
@require_POST
def respond(request, pk, item_pk):
    trajectory = _for_programme(request, pk, "Alleen het programmateam legt de reactie van het kabinet vast.")
    item = get_object_or_404(AmviItem, pk=item_pk, advice__trajectory=trajectory)
    form = ResponseForm(request.POST)
    if form.is_valid():
        try:
            services.respond_to_item(item, form.cleaned_data["response"], form.cleaned_data["reason"], actor=request.user)
        except ValidationError as exc:
            messages.error(request, "Reactie niet opgeslagen: " + "; ".join(exc.messages))
        else:
            messages.success(request, "Reactie vastgelegd.")
    else:
        messages.error(request, "Reactie niet opgeslagen: kies een reactie.")
    return redirect("trajectories:detail", pk=pk)


@login_required
@require_POST
def parliament(request, pk):
    trajectory = _for_programme(request, pk, "Alleen het programmateam legt vast dat de Kamer is geïnformeerd.")
    form = ParliamentForm(request.POST)
    if form.is_valid():
        services.inform_parliament(trajectory, form.cleaned_data["informed_on"], form.cleaned_data["kamerstuk"], actor=request.user)
        messages.success(request, "Vastgelegd dat de Kamer is geïnformeerd.")
    else:
        messages.error(request, "Niet opgeslagen: " + error_summary(form))
    return redirect("trajectories:detail", pk=pk)


@login_required
@require_POST
def eligibility(request, pk):
    trajectory = _for_programme(request, pk, "Alleen het programmateam wijzigt de toelatingsgegevens.")
    form = EligibilityForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Niet opgeslagen: " + error_summary(form))
        return redirect("trajectories:detail", pk=pk)
    data = dict(form.cleaned_data)
    version = data.pop("version")
    try:
        event = services.edit(trajectory, data, actor=request.user, expected_version=version)
    except services.StaleEdit as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Gegevens opgeslagen." if event else "Niets gewijzigd.")
    return redirect("trajectories:detail", pk=pk)
