from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from maatwerk.core import datacache
from maatwerk.core.links import see_also
from maatwerk.core.views import Refused, handle_post
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
    return _detail_page(request, trajectory, as_of=as_of, as_of_form=form)


#: what each form of the detail page is called in the page's alert when it was not saved
FORM_TITLES = {
    "transition_form": ("overgang", "Overgang geweigerd."),
    "document_form": ("document-indienen", "Document niet opgeslagen."),
    "review": ("documenten", "Beoordeling niet opgeslagen."),
    "amvi_form": ("amvi-advies", "AMVI-advies niet opgeslagen."),
    "response": ("amvi-reacties", "Reactie niet opgeslagen."),
    "parliament_form": ("kamer", "Niet opgeslagen."),
    "eligibility_form": ("toelating", "Niet opgeslagen: de toelatingsgegevens."),
}


def _detail_page(request, trajectory, *, as_of=None, as_of_form=None, status=200, **bound):
    """The trajectory page; ``bound`` replaces one of its forms by the refused, bound one (so the page
    shows the user's input with the errors), e.g. ``transition_form=form`` or ``review=(doc_pk, form)``."""
    state = services.state_as_of(trajectory, as_of)
    facts = services.facts_as_of(trajectory, as_of)
    may_move = permissions.can_transition(request.user, trajectory)
    moves = [m.to_phase for m in workflow.moves_from(state.phase)]
    context = {
        "trajectory": trajectory,
        "state": state,
        "as_of": as_of,
        "form": as_of_form or AsOfForm(),
        "checklist": workflow.gate_checklist(state.phase, facts),
        "next_phase": workflow.next_phase(state.phase),
        "obligations": workflow.obligations(state.phase, facts, as_of or timezone.localdate()),
        "events": permissions.visible_events(request.user, services.ordered_events(trajectory)),
        "documents": permissions.visible_documents(request.user).filter(trajectory=trajectory),
        "advices": trajectory.amvi_advices.prefetch_related("items"),
        "notices": trajectory.parliament_notices.all(),
        "transition_form": TransitionForm(
            initial={"version": trajectory.version, "to": workflow.next_phase(state.phase)}, moves=moves, auto_id="overgang-%s"
        )
        if may_move and moves
        else None,
        "document_form": _document_form_class(request.user, trajectory)(auto_id="document-%s")
        if permissions.can_submit_documents(request.user, trajectory)
        else None,
        "review_form": ReviewForm() if permissions.can_review_documents(request.user, trajectory) else None,
        "submitted": ReviewStatus.SUBMITTED,
        "amvi_form": AmviAdviceForm(auto_id="amvi-%s") if permissions.can_write_amvi_advice(request.user, trajectory) else None,
        "parliament_form": ParliamentForm(auto_id="kamer-%s") if may_move else None,
        "eligibility_form": EligibilityForm(
            initial={f: getattr(trajectory, f) for f in services.EDITABLE_FIELDS} | {"version": trajectory.version}, auto_id="toelating-%s"
        )
        if may_move
        else None,
        "response_form": ResponseForm() if may_move else None,
        "phase_labels": workflow.PHASE_LABELS,
        "see_also": see_also(request, trajectory.company),
    }
    for name, value in bound.items():
        context[name if name.endswith("_form") else f"bound_{name}"] = value
        anchor, title = FORM_TITLES[name]
        context["failed"] = {"anchor": anchor, "title": title}
    if "bound_review" in context:
        context["review_pk"], context["review_bound"] = context["bound_review"]
    if "bound_response" in context:
        context["response_pk"], context["response_bound"] = context["bound_response"]
    return render(request, "trajectories/detail.html", context, status=status)


def _page(request, trajectory, name, key=None):
    """The ``page`` of handle_post: the detail page again with the bound form in place of ``name``."""
    return lambda form, status: _detail_page(request, trajectory, status=status, **{name: (key, form) if key is not None else form})


@login_required
@require_POST
def move(request, pk):
    trajectory = _for_programme(request, pk, "Alleen het programmateam zet trajecten in een volgende fase.")
    state = services.state_as_of(trajectory)
    form = TransitionForm(request.POST, moves=[m.to_phase for m in workflow.moves_from(state.phase)], auto_id="overgang-%s")

    def save(form):
        d = form.cleaned_data
        try:
            services.transition(trajectory, d["to"], d["date"], actor=request.user, note=d["note"], expected_version=d["version"])
        except services.TransitionRefused as exc:
            raise Refused(exc.reasons) from None
        except services.StaleEdit as exc:
            _rebase(form, trajectory)
            raise Refused(str(exc)) from None
        return f"{trajectory.company.name} staat nu in fase {workflow.PHASE_LABELS[d['to']]}."

    return handle_post(request, form, save=save, page=_page(request, trajectory, "transition_form"), success_url=trajectory_url(pk))


def _rebase(form, trajectory):
    """After a stale edit the input stays, based on the version now stored: a second save is a conscious one."""
    trajectory.refresh_from_db()
    form.data = form.data.copy()
    form.data["version"] = str(trajectory.version)


def trajectory_url(pk) -> str:
    from django.urls import reverse

    return reverse("trajectories:detail", args=[pk])


@login_required
@require_POST
def upload(request, pk):
    trajectory = _trajectory_for(request.user, pk)
    if not permissions.can_submit_documents(request.user, trajectory):
        raise PermissionDenied("U mag bij dit traject geen documenten indienen.")
    form = _document_form_class(request.user, trajectory)(request.POST, request.FILES, auto_id="document-%s")

    def save(form):
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
        except UploadRefused as exc:
            raise Refused(f"{exc} Kies het bestand opnieuw.", status=422, field="file") from None
        except ValidationError as exc:
            raise Refused(exc.messages, status=422) from None
        if doc.status == ReviewStatus.SUBMITTED:
            return f"Document “{d['title']}” ingediend; het programmateam beoordeelt het."
        return f"Document “{d['title']}” opgeslagen."

    page = _page(request, trajectory, "document_form")

    def page_asking_for_the_file_again(form, status):
        if request.FILES and "file" not in form.errors:
            form.add_error("file", "Kies het bestand opnieuw: een browser bewaart een gekozen bestand niet na een fout.")
        return page(form, status)

    return handle_post(request, form, save=save, page=page_asking_for_the_file_again, success_url=trajectory_url(pk))


@login_required
@require_POST
def review(request, pk, doc_pk):
    trajectory = _trajectory_for(request.user, pk)
    if not permissions.can_review_documents(request.user, trajectory):
        raise PermissionDenied("Alleen het programmateam beoordeelt en publiceert documenten.")
    document = get_object_or_404(Document, pk=doc_pk, trajectory=trajectory)
    form = ReviewForm(request.POST, auto_id=f"beoordeling-{document.pk}-%s")

    def save(form):
        try:
            doc = services.review_document(document, form.cleaned_data["decision"], actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            raise Refused(exc.messages, status=422) from None
        return f"Document “{doc.title}”: {doc.get_status_display().lower()}{', gepubliceerd' if doc.published else ''}."

    return handle_post(request, form, save=save, page=_page(request, trajectory, "review", document.pk), success_url=trajectory_url(pk))


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
    form = AmviAdviceForm(request.POST, auto_id="amvi-%s")

    def save(form):
        d = dict(form.cleaned_data)
        d.pop("items")
        try:
            services.record_amvi_advice(trajectory, actor=request.user, items=form.all_items(), **d)
        except ValidationError as exc:
            raise Refused(exc.messages, status=422) from None
        return "AMVI-advies vastgelegd."

    return handle_post(request, form, save=save, page=_page(request, trajectory, "amvi_form"), success_url=trajectory_url(pk))


@login_required
@require_POST
def respond(request, pk, item_pk):
    trajectory = _for_programme(request, pk, "Alleen het programmateam legt de reactie van het kabinet vast.")
    item = get_object_or_404(AmviItem, pk=item_pk, advice__trajectory=trajectory)
    form = ResponseForm(request.POST, auto_id=f"reactie-{item.pk}-%s")

    def save(form):
        try:
            services.respond_to_item(item, form.cleaned_data["response"], form.cleaned_data["reason"], actor=request.user)
        except ValidationError as exc:
            raise Refused(exc.messages, status=422, field="reason") from None
        return "Reactie vastgelegd."

    return handle_post(request, form, save=save, page=_page(request, trajectory, "response", item.pk), success_url=trajectory_url(pk))


@login_required
@require_POST
def parliament(request, pk):
    trajectory = _for_programme(request, pk, "Alleen het programmateam legt vast dat de Kamer is geïnformeerd.")
    form = ParliamentForm(request.POST, auto_id="kamer-%s")

    def save(form):
        try:
            services.inform_parliament(trajectory, form.cleaned_data["informed_on"], form.cleaned_data["kamerstuk"], actor=request.user)
        except ValidationError as exc:
            raise Refused(exc.messages, status=422) from None
        return "Vastgelegd dat de Kamer is geïnformeerd."

    return handle_post(request, form, save=save, page=_page(request, trajectory, "parliament_form"), success_url=trajectory_url(pk))


@login_required
@require_POST
def eligibility(request, pk):
    trajectory = _for_programme(request, pk, "Alleen het programmateam wijzigt de toelatingsgegevens.")
    form = EligibilityForm(request.POST, auto_id="toelating-%s")

    def save(form):
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            event = services.edit(trajectory, data, actor=request.user, expected_version=version)
        except services.StaleEdit as exc:
            _rebase(form, trajectory)
            raise Refused(str(exc)) from None
        return "Gegevens opgeslagen." if event else "Niets gewijzigd."

    return handle_post(request, form, save=save, page=_page(request, trajectory, "eligibility_form"), success_url=trajectory_url(pk))
