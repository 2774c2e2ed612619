"""The register's pages: a company's (or project's) figures with their history, the form to record or
correct one, the propose/publish buttons and the programme team's queue of what awaits publication."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from maatwerk.core.forms import plain_int
from maatwerk.core.links import see_also
from maatwerk.core.views import Refused, handle_post
from maatwerk.finance.models import Project
from maatwerk.registry.models import Company
from maatwerk.trajectories import permissions as trajectory_permissions
from maatwerk.trajectories.forms import AsOfForm
from maatwerk.trajectories.models import Confidentiality, Document, Event, EventKind, ReviewStatus

from . import permissions, selectors, services
from .forms import FigureForm
from .models import UNITS, Figure, PublicationState, Quantity

QUANTITY_ORDER = {q.value: i for i, q in enumerate(Quantity)}
PAGE_SIZE = 25


def _company_for(user, slug) -> Company:
    company = Company.objects.filter(slug=slug, trajectory__isnull=False).select_related("trajectory").first()
    if company is None or not permissions.can_read_register(user, company):
        raise Http404("Geen bedrijf met een traject dat u mag zien.")
    return company


def _project_for(user, pk) -> Project:
    project = Project.objects.filter(pk=pk).select_related("trajectory__company").first()
    if project is None or not permissions.can_read_register(user, project.trajectory.company):
        raise Http404("Geen project dat u mag zien.")
    return project


def _figure_for(user, pk) -> Figure:
    figure = permissions.visible_figures(user).filter(pk=pk).select_related("company", "project", "source").first()
    if figure is None:
        raise Http404("Geen cijfer met dit nummer dat u mag zien.")
    return figure


def figures_url(company, project=None) -> str:
    if project is not None:
        return reverse("figures:project", args=[project.pk])
    return reverse("figures:company", args=[company.slug])


# --- what a user may do with a record (buttons, or the reason why not) -------------------------------


@dataclass
class Actions:
    propose: bool = False
    publish: bool = False
    correct: bool = False
    reasons: list[str] = field(default_factory=list)


def actions_for(user, f: Figure) -> Actions:
    """Which buttons ``user`` gets for ``f``, and, where one is missing, why (shown as help text)."""
    a = Actions(correct=permissions.can_record(user, f.company))
    if f.state == PublicationState.PUBLISHED:
        return a
    may_publish = permissions.can_publish(user)
    if f.confidentiality != Confidentiality.PUBLIC:
        if a.correct:
            a.reasons.append(f"Dit cijfer is {f.get_confidentiality_display().lower()}; alleen een openbaar cijfer wordt voorgesteld en gepubliceerd.")
        return a
    if f.state == PublicationState.DRAFT and permissions.can_propose(user, f.company):
        a.propose = True
    if not may_publish:
        if f.state == PublicationState.PROPOSED:
            a.reasons.append("Voorgesteld voor publicatie; het programmateam publiceert het (vier ogen).")
        return a
    refusal = services.four_eyes_refusal(actor=user, proposed_by_id=f.proposed_by_id, recorded_by_id=f.recorded_by_id)
    if refusal:
        a.reasons.append(refusal)
    elif not f.source.is_public:
        a.reasons.append(f"Het brondocument “{f.source.title}” is nog niet openbaar; publiceer eerst het document (onder Bronnen).")
    else:
        a.publish = True
    return a


def document_actions(user, doc: Document) -> Actions:
    a = Actions()
    if doc.published or not doc.may_be_published:
        return a
    company = doc.trajectory.company
    if doc.proposed_by_id is None and permissions.can_propose(user, company):
        a.propose = True
    if permissions.can_publish(user):
        refusal = services.four_eyes_refusal(actor=user, proposed_by_id=doc.proposed_by_id, recorded_by_id=doc.uploaded_by_id, what="document")
        if refusal:
            a.reasons.append(refusal)
        else:
            a.publish = True
    elif doc.proposed_by_id is not None or doc.proposed_public:
        a.reasons.append("Voorgesteld voor publicatie; het programmateam publiceert het (vier ogen).")
    return a


# --- the register page of a company or a project --------------------------------------------------------


@dataclass
class Row:
    figure: Figure
    status: str  # "geldt" (holds on the day), "vervangen" (an earlier record), "later" (valid after the day)
    actions: Actions | None
    replaced: bool = False  # another record names it in "vervangt"


@dataclass
class SeriesView:
    key: tuple
    quantity: str
    label: str
    unit: str
    project: Project | None
    current: Figure | None
    rows: list[Row]

    @property
    def anchor(self) -> str:
        return f"reeks-{self.project.pk if self.project else 'bedrijf'}-{self.quantity}"


def series_views(user, company, project=None, as_of=None) -> list[SeriesView]:
    """Each series the user may see, with the record holding on ``as_of`` (today when None) and the
    full history: what came before the holding record is "vervangen", what starts later "later"."""
    day = as_of or timezone.localdate()
    visible = permissions.visible_figures(user)
    records = list(selectors.history(company=company, project=project).filter(pk__in=visible.values("pk")))
    holding = selectors.current(as_of=day, audience=selectors.INTERNAL, companies=[company], among=visible)
    replaced = selectors.superseded_ids(records)
    show_actions = as_of is None
    grouped: dict[tuple, list[Figure]] = {}
    for f in records:
        grouped.setdefault(selectors.series_key(f), []).append(f)
    out = []
    for key, figures in grouped.items():
        current = holding.get(key)
        rows = []
        for f in figures:
            if current is not None and f.pk == current.pk:
                status = "geldt"
            elif f.valid_from > day:
                status = "later"
            else:
                status = "vervangen"
            rows.append(Row(f, status, actions_for(user, f) if show_actions else None, f.pk in replaced))
        first = figures[0]
        out.append(SeriesView(key, first.quantity, first.get_quantity_display(), UNITS.get(first.quantity, first.unit), first.project, current, rows))
    out.sort(key=lambda s: (s.project is not None, s.project.name if s.project else "", QUANTITY_ORDER.get(s.quantity, 99)))
    return out


def _sources(user, company) -> list[tuple[Document, Actions]]:
    docs = trajectory_permissions.visible_documents(user).filter(trajectory=company.trajectory).exclude(status=ReviewStatus.REJECTED)
    return [(d, document_actions(user, d)) for d in docs.select_related("trajectory__company").order_by("-document_date", "title")]


def _register_page(request, company, project=None, *, refusal=None, status=200):
    form = AsOfForm(request.GET)
    as_of = form.cleaned_data["op"] if form.is_valid() else None
    context = {
        "company": company,
        "project": project,
        "form": form,
        "as_of": as_of,
        "series": series_views(request.user, company, project, as_of),
        "sources": _sources(request.user, company) if project is None else None,
        "projects": company.trajectory.projects.order_by("name"),
        "may_record": permissions.can_record(request.user, company),
        "may_publish": permissions.can_publish(request.user),
        "trajectory": company.trajectory,
        "refusal": refusal,
        "see_also": see_also(request, company),
        "here": request.get_full_path(),
    }
    return render(request, "figures/register.html", context, status=status)


@login_required
def company_figures(request, slug):
    return _register_page(request, _company_for(request.user, slug))


@login_required
def project_figures(request, pk):
    project = _project_for(request.user, pk)
    return _register_page(request, project.trajectory.company, project)


# --- recording and correcting ----------------------------------------------------------------------------------


@login_required
def record(request, slug):
    company = _company_for(request.user, slug)
    if not permissions.can_record(request.user, company):
        raise PermissionDenied("U mag voor dit bedrijf geen cijfers vastleggen.")
    old = None
    if (old_pk := plain_int(request.GET.get("vervangt"))) is not None:
        old = permissions.visible_figures(request.user).filter(pk=old_pk, company=company).first()
        if old is None:
            raise Http404("Geen cijfer met dit nummer dat u mag zien.")
    initial = FigureForm.initial_from(old) if old else {}
    if not old and (project_pk := plain_int(request.GET.get("project"))) is not None:
        initial["project"] = project_pk
    form = FigureForm(request.POST or None, company=company, user=request.user, initial=initial, auto_id="cijfer-%s")
    back = figures_url(company)

    def page(form, status):
        return render(
            request, "figures/record.html",
            {"form": form, "company": company, "old": old, "back_url": back, "trajectory": company.trajectory},
            status=status,
        )

    if request.method != "POST":
        return page(form, 200)

    def save(form):
        d = form.cleaned_data
        try:
            f = services.record_figure(
                company=company, project=d["project"], quantity=d["quantity"], low=d["low"], high=d["high"], qualifier=d["qualifier"],
                year=d["year"], base_period=d["base_period"], source=d["source"], valid_from=d["valid_from"], note=d["note"],
                confidentiality=d["confidentiality"], supersedes=d["supersedes"], actor=request.user,
            )
        except services.NotAllowed as exc:
            raise Refused(str(exc), status=403) from None
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                for message in errors:
                    form.add_error(name if name in form.fields else None, message)
            raise Refused([], status=422) from None
        form.saved = f
        return f"Cijfer vastgelegd: {f.get_quantity_display()} ({f.get_state_display().lower()})."

    return handle_post(request, form, save=save, page=page, success_url=back)


# --- propose and publish -----------------------------------------------------------------------------


def _back(request, default: str) -> str:
    """Where a button returns to: the page it was on (a path of this site), or ``default``."""
    target = request.POST.get("terug", "")
    return target if target.startswith("/") and not target.startswith("//") else default


def _act(request, company, step, success: str, back: str):
    """Run ``step()``; a refusal shows the register page again with the reason (409), nothing changed."""
    try:
        step()
    except services.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from None
    except ValidationError as exc:
        return _register_page(request, company, refusal=" ".join(exc.messages), status=409)
    messages.success(request, success)
    return redirect(back)


def _figure_action(request, pk, step_name):
    f = _figure_for(request.user, pk)
    step = {"propose": services.propose, "publish": services.publish}[step_name]
    if step_name == "publish" and not permissions.can_publish(request.user):
        raise PermissionDenied("Alleen het programmateam publiceert cijfers.")
    if step_name == "propose" and not permissions.can_propose(request.user, f.company):
        raise PermissionDenied("U mag voor dit bedrijf geen cijfers voorstellen.")
    done = "voorgesteld voor publicatie" if step_name == "propose" else "gepubliceerd"
    return _act(
        request, f.company, lambda: step(f, request.user), f"Cijfer {f.get_quantity_display()} {done}.",
        _back(request, figures_url(f.company, f.project)),
    )


@login_required
@require_POST
def propose_figure(request, pk):
    return _figure_action(request, pk, "propose")


@login_required
@require_POST
def publish_figure(request, pk):
    return _figure_action(request, pk, "publish")


def _document_for(user, pk) -> Document:
    doc = trajectory_permissions.visible_documents(user).filter(pk=pk).select_related("trajectory__company").first()
    if doc is None or not permissions.can_read_register(user, doc.trajectory.company):
        raise Http404("Geen document met dit nummer dat u mag zien.")
    return doc


@login_required
@require_POST
def propose_document(request, pk):
    doc = _document_for(request.user, pk)
    company = doc.trajectory.company
    if not permissions.can_propose(request.user, company):
        raise PermissionDenied("U mag bij dit traject geen documenten voorstellen voor publicatie.")
    return _act(
        request, company, lambda: services.propose_document(doc, request.user), f"Document “{doc.title}” voorgesteld voor publicatie.",
        _back(request, figures_url(company)),
    )


@login_required
@require_POST
def publish_document(request, pk):
    doc = _document_for(request.user, pk)
    if not permissions.can_publish(request.user):
        raise PermissionDenied("Alleen het programmateam publiceert documenten.")
    company = doc.trajectory.company
    return _act(
        request, company, lambda: services.publish_document(doc, request.user), f"Document “{doc.title}” gepubliceerd.",
        _back(request, figures_url(company)),
    )


# --- the queue ------------------------------------------------------------------------------------------


@dataclass
class QueueItem:
    kind: str  # "figure" | "document"
    when: object
    company: Company
    figure: Figure | None = None
    document: Document | None = None
    proposer: str = ""
    actions: Actions | None = None


def queue_items(user) -> list[QueueItem]:
    """Proposed figures and documents, oldest proposal first."""
    items = [
        QueueItem("figure", f.proposed_at, f.company, figure=f, proposer=f.proposed_by.get_username() if f.proposed_by else "systeem",
                  actions=actions_for(user, f))
        for f in selectors.queue()
    ]
    docs = list(
        Document.objects.filter(published=False, proposed_public=True)
        .exclude(status=ReviewStatus.REJECTED).exclude(doc_type__in=["business_case", "due_diligence", "negotiation"])
        .select_related("trajectory__company", "proposed_by", "uploaded_by")
    )
    events = Event.objects.filter(kind=EventKind.PUBLICATION, payload__step="proposed", trajectory__in={d.trajectory_id for d in docs})
    proposed_at = {
        e.payload.get("document"): e.recorded_at for e in events.exclude(payload__has_key="figure").order_by("recorded_at", "pk")
    }
    for d in docs:
        who = d.proposed_by or d.uploaded_by
        items.append(QueueItem("document", proposed_at.get(d.pk, d.uploaded_at), d.trajectory.company, document=d,
                               proposer=who.get_username() if who else "systeem", actions=document_actions(user, d)))
    items.sort(key=lambda i: (i.when, i.kind, (i.figure or i.document).pk))
    return items


@login_required
def queue(request):
    if not permissions.can_publish(request.user):
        raise PermissionDenied("De wachtrij van te publiceren cijfers en documenten is voor het programmateam.")
    page = Paginator(queue_items(request.user), PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(request, "figures/queue.html", {"page": page, "here": request.get_full_path()})
