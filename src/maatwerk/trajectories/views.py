from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from maatwerk.core import datacache
from maatwerk.core.links import see_also
from maatwerk.core.views import Refused, handle_post
from maatwerk.engine import workflow

from . import permissions, services
from .forms import (
    AdmissionForm,
    AmviAdviceForm,
    AsOfForm,
    CompanyDocumentForm,
    CompanyEditForm,
    DocumentForm,
    NewCompanyForm,
    NoteForm,
    ParliamentForm,
    PartyForm,
    ResponseForm,
    ReviewForm,
    SourceForm,
    TransitionForm,
)
from .models import AmviItem, Document, EventKind, Party, ReviewStatus
from .uploads import UploadRefused


def _trajectory_for(user, pk):
    trajectory = permissions.visible_trajectories(user).filter(pk=pk).first()
    if trajectory is None:
        raise Http404("Geen traject met dit nummer dat u mag zien.")
    return trajectory


def _document_form_class(user, trajectory):
    """The programme team may publish; a company submits for review (and may only propose public)."""
    return DocumentForm if permissions.can_publish_documents(user, trajectory) else CompanyDocumentForm


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
    "source_form": ("bron", "Bron niet opgeslagen."),
    "review": ("documenten", "Beoordeling niet opgeslagen."),
    "amvi_form": ("amvi-advies", "AMVI-advies niet opgeslagen."),
    "response": ("amvi-reacties", "Reactie niet opgeslagen."),
    "parliament_form": ("kamer", "Niet opgeslagen."),
    "eligibility_form": ("toelating", "Niet opgeslagen: de toelatingsgegevens."),
    "party_form": ("partijen", "Partij niet toegevoegd."),
    "note_form": ("notitie", "Notitie niet opgeslagen."),
}


def _documents(trajectory, user):
    """The documents a form may offer as a source: those of the trajectory the user may see."""
    return permissions.visible_documents(user).filter(trajectory=trajectory).order_by("document_date", "pk")


def _entered(state, events):
    """The event by which the current phase was entered (for an honest "since": "in 2021",
    "uiterlijk 30 juni 2025"), or None for the initial exploration."""
    entry = state.history[-1] if state.history else None
    if entry is None or entry.recorded_at is None:
        return None
    return next((e for e in reversed(events) if e.kind == EventKind.TRANSITION and e.to_phase == state.phase
                 and e.recorded_at == entry.recorded_at), None)


def _detail_page(request, trajectory, *, as_of=None, as_of_form=None, status=200, **bound):
    """The trajectory page; ``bound`` replaces one of its forms by the refused, bound one (so the page
    shows the user's input with the errors), e.g. ``transition_form=form`` or ``review=(doc_pk, form)``."""
    state = services.state_as_of(trajectory, as_of)
    facts = services.facts_as_of(trajectory, as_of)
    may_move = permissions.can_transition(request.user, trajectory)
    moves = [m.to_phase for m in workflow.moves_from(state.phase)]
    documents = _documents(trajectory, request.user)
    events = permissions.visible_events(request.user, services.ordered_events(trajectory))
    context = {
        "trajectory": trajectory,
        "state": state,
        "as_of": as_of,
        "form": as_of_form or AsOfForm(),
        "checklist": workflow.gate_checklist(state.phase, facts),
        "next_phase": workflow.next_phase(state.phase),
        "obligations": workflow.obligations(state.phase, facts, as_of or timezone.localdate()),
        "events": events,
        "entered": _entered(state, events),
        "exceptions": [e for e in events if e.kind == EventKind.GATE_EXCEPTION],
        "documents": permissions.visible_documents(request.user).filter(trajectory=trajectory),
        "admission_source": documents.filter(pk=trajectory.admission_source_id).first() if trajectory.admission_source_id else None,
        "advices": trajectory.amvi_advices.prefetch_related("items"),
        "notices": trajectory.parliament_notices.all(),
        "parties": trajectory.parties.all(),
        "may_move": may_move,
        "transition_form": TransitionForm(
            initial={"version": trajectory.version, "to": workflow.next_phase(state.phase)}, moves=moves, documents=documents,
            auto_id="overgang-%s",
        )
        if may_move and moves
        else None,
        "document_form": _document_form_class(request.user, trajectory)(auto_id="document-%s")
        if permissions.can_submit_documents(request.user, trajectory)
        else None,
        "source_form": SourceForm(auto_id="bron-%s") if may_move else None,
        "review_form": ReviewForm() if permissions.can_review_documents(request.user, trajectory) else None,
        "submitted": ReviewStatus.SUBMITTED,
        "amvi_form": AmviAdviceForm(auto_id="amvi-%s", documents=documents) if permissions.can_write_amvi_advice(request.user, trajectory) else None,
        "parliament_form": ParliamentForm(auto_id="kamer-%s", documents=documents) if may_move else None,
        "note_form": NoteForm(auto_id="notitie-%s", documents=documents) if may_move else None,
        "party_form": PartyForm(auto_id="partij-%s") if may_move else None,
        "eligibility_form": AdmissionForm(initial=_admission_initial(trajectory), documents=documents, auto_id="toelating-%s")
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


def _admission_initial(trajectory) -> dict:
    return {"admission_kind": trajectory.admission_kind, "admission_reason": trajectory.admission_reason,
            "admission_source": trajectory.admission_source_id, "version": trajectory.version,
            **{f: getattr(trajectory, f) for f in ("climate_plan_target_year", "willing_to_invest_in_nl", "financial_securities")}}


def _page(request, trajectory, name, key=None):
    """The ``page`` of handle_post: the detail page again with the bound form in place of ``name``."""
    return lambda form, status: _detail_page(request, trajectory, status=status, **{name: (key, form) if key is not None else form})


def trajectory_url(pk) -> str:
    return reverse("trajectories:detail", args=[pk])


def _rebase(form, trajectory):
    """After a stale edit the input stays, based on the version now stored: a second save is a conscious one."""
    trajectory.refresh_from_db()
    form.data = form.data.copy()
    form.data["version"] = str(trajectory.version)


def _refusing(form, trajectory, save):
    """``save`` with the services' refusals turned into the form's errors (the shared POST pattern):
    a rule (TransitionRefused) or a stale version (409) on the form, bad input (ValidationError, 422)
    next to each field it names (on the form when the form has no such field)."""

    def wrapped(form):
        try:
            return save(form)
        except services.TransitionRefused as exc:
            raise Refused(exc.reasons) from None
        except services.StaleEdit as exc:
            _rebase(form, trajectory)
            raise Refused(str(exc)) from None
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
                raise Refused([], status=422) from None
            raise Refused(exc.messages, status=422) from None

    return wrapped


def programme_post(request, pk, *, form, name, refusal, save, permitted=permissions.can_transition, key=None):
    """The POST of a form on the trajectory page: permission (else 403 with ``refusal``), the service
    in ``save(trajectory, form)`` with its refusals on the form, then back to the page (see handle_post)."""
    trajectory = _trajectory_for(request.user, pk)
    if not permitted(request.user, trajectory):
        raise PermissionDenied(refusal)
    bound = form(trajectory)
    return handle_post(request, bound, save=_refusing(bound, trajectory, lambda f: save(trajectory, f)),
                       page=_page(request, trajectory, name, key), success_url=trajectory_url(trajectory.pk))


def _exceptions(d) -> services.GateExceptions | None:
    if not d.get("exception"):
        return None
    return services.GateExceptions(d.get("exception_reason") or "", d.get("exception_source"))


@login_required
@require_POST
def move(request, pk):
    def form(trajectory):
        state = services.state_as_of(trajectory)
        return TransitionForm(request.POST, moves=[m.to_phase for m in workflow.moves_from(state.phase)], documents=_documents(trajectory, request.user),
                              auto_id="overgang-%s")

    def save(trajectory, form):
        d = form.cleaned_data
        services.transition(trajectory, d["to"], actor=request.user, note=d["note"], expected_version=d["version"], when=form.when,
                            source_document=d["source_document"], exceptions=_exceptions(d))
        excepted = " met een vastgelegde uitzondering" if d.get("exception") else ""
        return f"{trajectory.company.name} staat nu in fase {workflow.PHASE_LABELS[d['to']]}{excepted} ({form.when.dutch()})."

    return programme_post(request, pk, form=form, name="transition_form", save=save,
                          refusal="Alleen het programmateam zet trajecten in een volgende fase.")


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
def source(request, pk):
    def save(trajectory, form):
        d = form.cleaned_data
        doc = services.add_source(trajectory, kind=d["doc_type"], title=d["title"], date=d["date"], reference=d["reference"],
                                  url=d["public_url"], public=d["public"], actor=request.user)
        return f"Bron “{doc.title}” toegevoegd."

    return programme_post(request, pk, form=lambda t: SourceForm(request.POST, auto_id="bron-%s"), name="source_form", save=save,
                          refusal="Alleen het programmateam legt bronnen van een traject vast.")


@login_required
@require_POST
def review(request, pk, doc_pk):
    trajectory = _trajectory_for(request.user, pk)
    if not permissions.can_review_documents(request.user, trajectory):
        raise PermissionDenied("Alleen het programmateam beoordeelt en publiceert documenten.")
    document = get_object_or_404(Document, pk=doc_pk, trajectory=trajectory)
    form = ReviewForm(request.POST, auto_id=f"beoordeling-{document.pk}-%s")

    def save(form):
        doc = services.review_document(document, form.cleaned_data["decision"], actor=request.user, reason=form.cleaned_data["reason"])
        return f"Document “{doc.title}”: {doc.get_status_display().lower()}{', gepubliceerd' if doc.published else ''}."

    return handle_post(request, form, save=_refusing(form, trajectory, save), page=_page(request, trajectory, "review", document.pk),
                       success_url=trajectory_url(pk))


@login_required
def download(request, pk):
    document = get_object_or_404(Document, pk=pk)
    if not permissions.can_view_document(request.user, document) or not document.file:
        raise Http404("Geen document dat u mag zien.")
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1].split("-", 1)[-1], content_type=document.content_type or "application/octet-stream")


@login_required
@require_POST
def amvi_advice(request, pk):
    def save(trajectory, form):
        fields = form.advice_fields()
        items = fields.pop("items")
        services.record_amvi_advice(trajectory, actor=request.user, items=items, when=form.when,
                                    source_document=form.cleaned_data["source_document"], **fields)
        return f"AMVI-advies vastgelegd ({form.when.dutch()})."

    return programme_post(request, pk, form=lambda t: AmviAdviceForm(request.POST, auto_id="amvi-%s", documents=_documents(t, request.user)),
                          name="amvi_form", save=save, permitted=permissions.can_write_amvi_advice,
                          refusal="Alleen de AMVI (of het programmateam namens haar) legt een advies vast.")


@login_required
@require_POST
def respond(request, pk, item_pk):
    trajectory = _trajectory_for(request.user, pk)
    item = get_object_or_404(AmviItem, pk=item_pk, advice__trajectory=trajectory)

    def save(trajectory, form):
        try:
            services.respond_to_item(item, form.cleaned_data["response"], form.cleaned_data["reason"], actor=request.user)
        except ValidationError as exc:
            raise Refused(exc.messages, status=422, field="reason") from None
        return "Reactie vastgelegd."

    return programme_post(request, pk, form=lambda t: ResponseForm(request.POST, auto_id=f"reactie-{item.pk}-%s"), name="response",
                          key=item.pk, save=save, refusal="Alleen het programmateam legt de reactie van het kabinet vast.")


@login_required
@require_POST
def parliament(request, pk):
    def save(trajectory, form):
        d = form.cleaned_data
        services.inform_parliament(trajectory, None, d["kamerstuk"], actor=request.user, when=form.when, source_document=d["source_document"])
        return f"Vastgelegd dat de Kamer is geïnformeerd ({form.when.dutch()})."

    return programme_post(request, pk, form=lambda t: ParliamentForm(request.POST, auto_id="kamer-%s", documents=_documents(t, request.user)),
                          name="parliament_form", save=save, refusal="Alleen het programmateam legt vast dat de Kamer is geïnformeerd.")


@login_required
@require_POST
def note(request, pk):
    def save(trajectory, form):
        d = form.cleaned_data
        services.note(trajectory, d["note"], None, actor=request.user, when=form.when, source_document=d["source_document"])
        return f"Notitie vastgelegd ({form.when.dutch()})."

    return programme_post(request, pk, form=lambda t: NoteForm(request.POST, auto_id="notitie-%s", documents=_documents(t, request.user)),
                          name="note_form", save=save, refusal="Alleen het programmateam legt notities bij een traject vast.")


@login_required
@require_POST
def eligibility(request, pk):
    def save(trajectory, form):
        d = dict(form.cleaned_data)
        admitted = services.set_admission(trajectory, d.pop("admission_kind"), d.pop("admission_reason"), d.pop("admission_source"),
                                          actor=request.user, expected_version=d.pop("version"))
        edited = services.edit(trajectory, d, actor=request.user)
        return "Gegevens opgeslagen." if admitted or edited else "Niets gewijzigd."

    return programme_post(request, pk, form=lambda t: AdmissionForm(request.POST, documents=_documents(t, request.user), auto_id="toelating-%s"),
                          name="eligibility_form", save=save, refusal="Alleen het programmateam wijzigt de toelatingsgegevens.")


@login_required
@require_POST
def party_add(request, pk):
    def save(trajectory, form):
        party = services.add_party(trajectory, form.cleaned_data["name"], form.cleaned_data["role"], actor=request.user)
        return f"Partij {party.name} neemt deel."

    return programme_post(request, pk, form=lambda t: PartyForm(request.POST, auto_id="partij-%s"), name="party_form", save=save,
                          refusal="Alleen het programmateam voegt partijen toe.")


@login_required
@require_POST
def party_remove(request, pk, party_pk):
    trajectory = _trajectory_for(request.user, pk)
    if not permissions.can_transition(request.user, trajectory):
        raise PermissionDenied("Alleen het programmateam verwijdert partijen.")
    party = get_object_or_404(Party, pk=party_pk, trajectories=trajectory)
    services.remove_party(trajectory, party, actor=request.user)
    from django.contrib import messages

    messages.success(request, f"Partij {party.name} neemt niet meer deel.")
    return redirect(trajectory_url(pk) + "#partijen")


# --- companies: the intake pages ------------------------------------------------------------------------

COMPANY_REFUSAL = "Alleen het programmateam maakt bedrijven en trajecten aan en wijzigt ze."


def _company_page(request, template_context):
    def page(form, status=200):
        return render(request, "core/form_page.html", {**template_context, "form": form, "form_id": "bedrijf-formulier"}, status=status)

    return page


@login_required
def company_new(request):
    from maatwerk.core.roles import Role, role_of

    if role_of(request.user) != Role.PROGRAMME:
        raise PermissionDenied(COMPANY_REFUSAL)
    context = {"title": "Nieuw bedrijf", "intro": "Een bedrijf in het programma krijgt meteen zijn traject, in de fase verkenning. "
               "Bronnen, partijen, projecten en gebeurtenissen voegt u daarna toe op de trajectpagina.",
               "submit": "Bedrijf en traject aanmaken", "back_url": reverse("trajectories:board"), "back_label": "Trajecten"}
    if request.method != "POST":
        return _company_page(request, context)(NewCompanyForm(auto_id="bedrijf-%s"))
    form = NewCompanyForm(request.POST, auto_id="bedrijf-%s")
    created = {}

    def save(form):
        d = form.cleaned_data
        created["trajectory"] = services.create_company(**form.company_values(), admission_kind=d["admission_kind"],
                                                        admission_reason=d["admission_reason"], actor=request.user)
        return f"Bedrijf {d['name']} en zijn traject zijn aangemaakt (fase verkenning)."

    response = handle_post(request, form, save=_refusing(form, None, save), page=_company_page(request, context), success_url="/")
    if response.status_code == 302:
        return redirect(trajectory_url(created["trajectory"].pk))
    return response


@login_required
def company_edit(request, pk):
    trajectory = _trajectory_for(request.user, pk)
    if not permissions.can_transition(request.user, trajectory):
        raise PermissionDenied(COMPANY_REFUSAL)
    company = trajectory.company
    context = {"title": f"Bedrijf wijzigen: {company.name}", "submit": "Opslaan", "back_url": trajectory_url(pk), "back_label": f"Traject {company.name}",
               "intro": "Installaties en rekeninghouders die u hier weglaat, worden ontkoppeld."}
    if request.method != "POST":
        links = services._links_of(company)
        initial = {"name": company.name, "sector": company.sector, "subsector": company.subsector, "sites": company.sites,
                   "provinces": [p.strip() for p in company.provinces.split(",") if p.strip()],
                   "installations": ", ".join(links["installations"]),
                   "operators": "\n".join(company.operators.order_by("name").values_list("name", flat=True)), "version": trajectory.version}
        return _company_page(request, context)(CompanyEditForm(initial=initial, auto_id="bedrijf-%s"))
    form = CompanyEditForm(request.POST, auto_id="bedrijf-%s")

    def save(form):
        event = services.update_company(trajectory, form.company_values(), actor=request.user, expected_version=form.cleaned_data["version"])
        return f"Bedrijf {form.cleaned_data['name']} opgeslagen." if event else "Niets gewijzigd."

    return handle_post(request, form, save=_refusing(form, trajectory, save), page=_company_page(request, context), success_url=trajectory_url(pk))
