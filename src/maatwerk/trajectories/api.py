import datetime as dt
from typing import Annotated

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from maatwerk.core import datacache
from maatwerk.core.dates import When
from maatwerk.engine import workflow

from . import permissions, services
from .models import Trajectory

router = Router(tags=["trajecten"])


class GateItemOut(Schema):
    code: str
    label: str
    satisfied: bool


class TrajectoryOut(Schema):
    id: int
    company: str
    company_id: int
    phase: str
    phase_label: str
    since: dt.date | None
    top20: bool | None
    version: int
    next_phase: str | None
    next_gate: list[GateItemOut]


class WhenOut(Schema):
    date: str | None = Field(None, description="JJJJ-MM-DD, JJJJ-MM of JJJJ, zoals vastgelegd")
    not_after: str | None = None
    before: str | None = None
    approx: str | None = None
    text: str = Field(..., description="In het Nederlands, bijv. 'in 2021', 'uiterlijk 30 juni 2025', 'datum onbekend'")


class EventOut(Schema):
    id: int
    kind: str
    to_phase: str
    effective_date: dt.date | None
    not_after: dt.date | None
    approx: dt.date | None = None
    when: WhenOut
    source_document_id: int | None = None
    recorded_at: dt.datetime
    actor: str
    note: str
    source: str
    payload: dict


class DocumentOut(Schema):
    id: int
    trajectory_id: int
    doc_type: str
    title: str
    document_date: dt.date | None
    date_precision: str
    reference: str
    public_url: str
    confidentiality: str
    published: bool
    status: str
    proposed_public: bool
    review_reason: str


TEXT = r"^[^\x00]*$"
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
Code = Annotated[str, Field(max_length=40, pattern=TEXT)]
PARTIAL = Field(None, max_length=10, pattern=TEXT, description="JJJJ-MM-DD (dag), JJJJ-MM (maand) of JJJJ (jaar)")
DOCUMENT_ID = Field(None, ge=1, le=2**31 - 1, description="Een document van dit traject")


class ExceptionIn(Schema):
    """A recorded exception to the gate: why, and the source document it rests on."""

    reason: str = Field(..., max_length=5000, pattern=TEXT, description="Waarom het openbare dossier de voorwaarde(n) niet invult")
    source_document_id: int | None = DOCUMENT_ID
    conditions: list[Code] | None = Field(None, max_length=30, description="Voorwaardecodes; leeg: elke voorwaarde die niet voldaan is")


class WhenIn(Schema):
    date: str | None = PARTIAL
    not_after: str | None = Field(None, max_length=10, pattern=TEXT, description="Uiterlijk op (bij onbekende datum)")
    before: str | None = Field(None, max_length=10, pattern=TEXT, description="Vóór (bij onbekende datum)")
    approx: str | None = Field(None, max_length=10, pattern=TEXT, description="Ongeveer (een schatting)")


class TransitionIn(WhenIn):
    to: str = Field(..., description="Nieuwe fase, bijv. eop_signed", max_length=30, pattern=r"^[a-z_]+$")
    note: str = Field("", max_length=5000, pattern=TEXT, description="Toelichting (bij een exit: de reden)")
    source_document_id: int | None = DOCUMENT_ID
    exception: ExceptionIn | None = None
    version: int | None = Field(None, ge=0, le=2**31 - 1, description="Versie waarop de wijziging gebaseerd is (optimistische vergrendeling)")


class AdviceIn(Schema):
    feasibility: str = Field("", pattern=r"^(|positive|conditional|negative|not_explicit)$")
    cost_effectiveness: str = Field("", pattern=r"^(|positive|conditional|negative|not_explicit)$")
    ambition: str = Field("", pattern=r"^(|positive|conditional|negative|not_explicit)$")
    summary: str = Field("", max_length=20000, pattern=TEXT)
    concept_submitted_on: str | None = PARTIAL


class EventIn(TransitionIn):
    kind: str = Field(..., pattern=r"^(transition|note|parliament_informed|amvi_advice)$",
                      description="transition, note, parliament_informed of amvi_advice")
    to: str | None = Field(None, description="Bij transition: de nieuwe fase", max_length=30, pattern=r"^[a-z_]+$")
    kamerstuk: str = Field("", max_length=40, pattern=r"^(|\d{5}-\d{1,4})$", description="Bij parliament_informed: bijv. 29826-266 (leeg: onbekend)")
    subject_phase: str = Field("jloi_signed", max_length=30, pattern=r"^[a-z_]+$")
    advice: AdviceIn | None = None


class CaseOut(TrajectoryOut):
    company_slug: str
    sector: str
    subsector: str
    sites: str
    provinces: list[str]
    installations: list[str]
    operators: list[int]
    admission_kind: str
    admission_reason: str
    admission_source_id: int | None
    climate_plan_target_year: int | None
    willing_to_invest_in_nl: bool | None
    parties: list["PartyOut"]


class PartyOut(Schema):
    id: int
    name: str
    role: str = Field(..., description="state, province, company of other")
    kind: str


class CompanyIn(Schema):
    name: str = Field(..., min_length=1, max_length=200, pattern=TEXT)
    sector: str = Field("industry", max_length=20, pattern=TEXT)
    subsector: str = Field("", max_length=200, pattern=TEXT)
    sites: str = Field("", max_length=300, pattern=TEXT)
    provinces: list[Code] = Field([], max_length=12)
    installations: list[Code] = Field([], max_length=200, description="EUTL-id's, bijv. NL-439")
    operators: list[Id] = Field([], max_length=200, description="Rekeninghouders (id's uit het register)")
    admission_kind: str = Field("", pattern=r"^(|top20|extension)$", description="top20 of extension (leeg: onbekend)")
    admission_reason: str = Field("", max_length=5000, pattern=TEXT)


class CompanyPatch(Schema):
    version: int = Field(..., ge=0, le=2**31 - 1, description="Versie van het traject waarop de wijziging gebaseerd is")
    name: str | None = Field(None, min_length=1, max_length=200, pattern=TEXT)
    sector: str | None = Field(None, max_length=20, pattern=TEXT)
    subsector: str | None = Field(None, max_length=200, pattern=TEXT)
    sites: str | None = Field(None, max_length=300, pattern=TEXT)
    provinces: list[Code] | None = Field(None, max_length=12)
    installations: list[Code] | None = Field(None, max_length=200)
    operators: list[Id] | None = Field(None, max_length=200)


class TrajectoryPatch(Schema):
    version: int = Field(..., ge=0, le=2**31 - 1, description="Versie waarop de wijziging gebaseerd is (optimistische vergrendeling)")
    admission_kind: str | None = Field(None, pattern=r"^(|top20|extension)$")
    admission_reason: str | None = Field(None, max_length=5000, pattern=TEXT)
    admission_source_id: int | None = DOCUMENT_ID
    climate_plan_target_year: int | None = Field(None, ge=2025, le=2100)
    willing_to_invest_in_nl: bool | None = None
    financial_securities: str | None = Field(None, max_length=20000, pattern=TEXT)


class PartyIn(Schema):
    name: str = Field(..., min_length=1, max_length=200, pattern=TEXT)
    role: str = Field(..., pattern=r"^(state|province|company|other)$", description="state, province, company of other")


class SourceIn(Schema):
    kind: str = Field(..., max_length=30, pattern=r"^[a-z_]+$", description="Soort: kamerbrief, news, eop, jloi, …")
    title: str = Field(..., min_length=1, max_length=300, pattern=TEXT)
    date: str | None = PARTIAL
    reference: str = Field("", max_length=100, pattern=TEXT, description="Kenmerk, bijv. Kamerstuk 29 826 nr. 266")
    url: str = Field("", max_length=200, pattern=TEXT)
    public: bool = False
    case_key: str = Field("", max_length=100, pattern=TEXT)


class ReviewIn(Schema):
    decision: str = Field(..., description="accept, publish (accepteren en publiceren) of reject", pattern=r"^(accept|publish|reject)$")
    reason: str = Field("", max_length=2000, pattern=r"^[^\x00]*$", description="Reden (verplicht bij reject)")


class Detail(Schema):
    detail: str


class Invalid(Schema):
    detail: str
    errors: dict[str, list[str]]


CaseOut.model_rebuild()


def _invalid(exc: ValidationError) -> Status:
    """422 in the API's one shape, each message under ``body.<field>``."""
    if hasattr(exc, "error_dict"):
        errors = {f"body.{field}": list(messages) for field, messages in exc.message_dict.items()}
    else:
        errors = {"body": list(exc.messages)}
    return Status(422, {"detail": "; ".join(m for ms in errors.values() for m in ms), "errors": errors})


def _refusal(exc) -> Status:
    """A service's refusal as the API's answer: 409 for a rule, a name in use or a stale version, 422 for bad input."""
    if isinstance(exc, services.TransitionRefused):
        return Status(409, {"detail": "; ".join(exc.reasons)})
    if isinstance(exc, (services.StaleEdit, services.DuplicateName)):
        return Status(409, {"detail": str(exc) if isinstance(exc, services.StaleEdit) else "; ".join(exc.messages)})
    return _invalid(exc)


REFUSALS = (services.TransitionRefused, services.StaleEdit, ValidationError)
PROGRAMME_ONLY = "Alleen het programmateam legt zaken van een traject vast (bedrijven, toelating, partijen, bronnen, gebeurtenissen)."


def _trajectory(request, trajectory_id: int):
    trajectory = permissions.visible_trajectories(request.user).filter(pk=trajectory_id).first()
    if trajectory is None:
        raise Http404("Geen traject met dit nummer dat u mag zien.")
    return trajectory


def _out(trajectory, as_of=None) -> dict:
    state = services.state_as_of(trajectory, as_of)
    facts = services.facts_as_of(trajectory, as_of)
    return {
        "id": trajectory.pk,
        "company": trajectory.company.name,
        "company_id": trajectory.company_id,
        "phase": state.phase,
        "phase_label": workflow.PHASE_LABELS[state.phase],
        "since": state.since,
        "top20": trajectory.top20,
        "version": trajectory.version,
        "next_phase": workflow.next_phase(state.phase),
        "next_gate": [{"code": i.code, "label": i.label, "satisfied": i.satisfied} for i in workflow.gate_checklist(state.phase, facts)],
    }


@router.get("/trajectories/", response=list[TrajectoryOut], summary="Trajecten (optioneel zoals ze stonden op een datum)")
def list_trajectories(request, as_of: dt.date | None = None):
    every = datacache.cached(
        "api-trajectories", (as_of, timezone.localdate()), lambda: [_out(t, as_of) for t in services.for_derivation()]
    )
    visible = set(permissions.visible_trajectories(request.user).values_list("pk", flat=True))
    return [row for row in every if row["id"] in visible]


@router.get("/trajectories/{trajectory_id}", response=TrajectoryOut, summary="Eén traject")
def get_trajectory(request, trajectory_id: int, as_of: dt.date | None = None):
    return _out(_trajectory(request, trajectory_id), as_of)


@router.get("/trajectories/{trajectory_id}/events", response=list[EventOut], summary="De gebeurtenissen van een traject")
def list_events(request, trajectory_id: int):
    trajectory = _trajectory(request, trajectory_id)
    return [_event_out(e) for e in permissions.visible_events(request.user, services.ordered_events(trajectory))]


def _event_out(e) -> dict:
    when = e.when
    return {**{f: getattr(e, f) for f in ("id", "kind", "to_phase", "effective_date", "not_after", "approx", "source_document_id",
                                          "recorded_at", "note", "source", "payload")},
            "actor": e.actor_name, "when": {**when.as_dict(), "text": when.dutch()}}


@router.get("/documents/", response=list[DocumentOut], summary="Documenten die u mag zien")
def list_documents(request, trajectory_id: int | None = None):
    qs = permissions.visible_documents(request.user)
    if trajectory_id is not None:
        qs = qs.filter(trajectory_id=trajectory_id)
    return list(qs.order_by("trajectory_id", "document_date", "pk"))


def _exceptions(body) -> services.GateExceptions | None:
    if body.exception is None:
        return None
    e = body.exception
    return services.GateExceptions(e.reason, e.source_document_id, frozenset(e.conditions) if e.conditions is not None else None)


def _when(body):
    return When.parse(date=body.date, not_after=body.not_after, before=body.before, approx=body.approx)


@router.post(
    "/trajectories/{trajectory_id}/transitions",
    response={201: TrajectoryOut, 403: Detail, 404: Detail, 409: Detail, 422: Invalid},
    summary="Faseovergang volgens de regels (datum als dag, maand, jaar of alleen grenzen; poortuitzondering met reden en bron)",
)
def post_transition(request, trajectory_id: int, body: TransitionIn):
    trajectory = _trajectory(request, trajectory_id)
    if not permissions.can_transition(request.user, trajectory):
        return Status(403, {"detail": "Alleen het programmateam zet trajecten in een volgende fase."})
    try:
        services.transition(trajectory, body.to, actor=request.user, note=body.note, expected_version=body.version, when=_when(body),
                            source_document=body.source_document_id, exceptions=_exceptions(body))
    except REFUSALS as exc:
        return _refusal(exc)
    trajectory.refresh_from_db()
    return Status(201, _out(trajectory))


def _case_out(trajectory) -> dict:
    trajectory = Trajectory.objects.select_related("company").get(pk=trajectory.pk)
    company = trajectory.company
    links = services._links_of(company)
    return {
        **_out(trajectory), "company_slug": company.slug, "sector": company.sector, "subsector": company.subsector, "sites": company.sites,
        "provinces": [p.strip() for p in company.provinces.split(",") if p.strip()], **links,
        "admission_kind": trajectory.admission_kind, "admission_reason": trajectory.admission_reason,
        "admission_source_id": trajectory.admission_source_id, "climate_plan_target_year": trajectory.climate_plan_target_year,
        "willing_to_invest_in_nl": trajectory.willing_to_invest_in_nl,
        "parties": [_party_out(p) for p in trajectory.parties.all()],
    }


def _party_out(p) -> dict:
    return {"id": p.pk, "name": p.name, "role": services.party_role(p), "kind": p.kind}


def _programme(request, trajectory=None):
    from maatwerk.core.roles import Role, role_of

    if trajectory is not None:
        return permissions.can_transition(request.user, trajectory)
    return role_of(request.user) == Role.PROGRAMME


@router.post("/trajectories/", response={201: CaseOut, 403: Detail, 409: Detail, 422: Invalid},
             summary="Een bedrijf met zijn traject aanmaken (fase verkenning), met registerkoppelingen en toelating (programmateam)")
def post_company(request, body: CompanyIn):
    if not _programme(request):
        return Status(403, {"detail": PROGRAMME_ONLY})
    try:
        trajectory = services.create_company(**body.model_dump(), actor=request.user)
    except REFUSALS as exc:
        return _refusal(exc)
    return Status(201, _case_out(trajectory))


@router.get("/trajectories/{trajectory_id}/case", response=CaseOut, summary="Eén traject met bedrijf, koppelingen, toelating en partijen")
def get_case(request, trajectory_id: int):
    return _case_out(_trajectory(request, trajectory_id))


@router.patch("/trajectories/{trajectory_id}/company", response={200: CaseOut, 403: Detail, 404: Detail, 409: Detail, 422: Invalid},
              summary="Het bedrijf van een traject wijzigen: naam, sector, provincies, installaties, rekeninghouders (programmateam)")
def patch_company(request, trajectory_id: int, body: CompanyPatch):
    trajectory = _trajectory(request, trajectory_id)
    if not _programme(request, trajectory):
        return Status(403, {"detail": PROGRAMME_ONLY})
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version")
    try:
        lists = ("provinces", "installations", "operators")  # null is the empty list; a null name or sector changes nothing
        changes = {k: ([] if v is None else v) for k, v in changes.items() if v is not None or k in lists}
        services.update_company(trajectory, changes, actor=request.user, expected_version=version)
    except REFUSALS as exc:
        return _refusal(exc)
    return Status(200, _case_out(trajectory))


@router.patch("/trajectories/{trajectory_id}", response={200: CaseOut, 403: Detail, 404: Detail, 409: Detail, 422: Invalid},
              summary="Toelating (top-20 of uitbreiding, reden, bron) en toelatingsgegevens wijzigen (programmateam)")
def patch_trajectory(request, trajectory_id: int, body: TrajectoryPatch):
    trajectory = _trajectory(request, trajectory_id)
    if not _programme(request, trajectory):
        return Status(403, {"detail": PROGRAMME_ONLY})
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version")
    admission = {k: changes.pop(k) for k in ("admission_kind", "admission_reason", "admission_source_id") if k in changes}
    try:
        with transaction.atomic():
            services._locked(trajectory, version)
            if admission:
                services.set_admission(
                    trajectory, admission.get("admission_kind", trajectory.admission_kind) or "",
                    admission.get("admission_reason", trajectory.admission_reason) or "",
                    admission.get("admission_source_id", trajectory.admission_source_id), actor=request.user)
            if changes:
                if "financial_securities" in changes and changes["financial_securities"] is None:
                    changes["financial_securities"] = ""
                services.edit(trajectory, changes, actor=request.user)
    except REFUSALS as exc:
        return _refusal(exc)
    return Status(200, _case_out(trajectory))


@router.post("/trajectories/{trajectory_id}/parties", response={201: PartyOut, 403: Detail, 404: Detail, 409: Detail, 422: Invalid},
             summary="Een partij toevoegen (rol state, province, company of other; programmateam)")
def post_party(request, trajectory_id: int, body: PartyIn):
    trajectory = _trajectory(request, trajectory_id)
    if not _programme(request, trajectory):
        return Status(403, {"detail": PROGRAMME_ONLY})
    try:
        party = services.add_party(trajectory, body.name, body.role, actor=request.user)
    except REFUSALS as exc:
        return _refusal(exc)
    return Status(201, _party_out(party))


@router.delete("/trajectories/{trajectory_id}/parties/{party_id}", response={200: list[PartyOut], 403: Detail, 404: Detail, 422: Invalid},
               summary="Een partij uit het traject halen (programmateam); antwoordt met de partijen die overblijven")
def delete_party(request, trajectory_id: int, party_id: int):
    trajectory = _trajectory(request, trajectory_id)
    if not _programme(request, trajectory):
        return Status(403, {"detail": PROGRAMME_ONLY})
    if not trajectory.parties.filter(pk=party_id).exists():
        raise Http404("Deze partij neemt niet deel aan dit traject.")
    try:
        services.remove_party(trajectory, party_id, actor=request.user)
    except REFUSALS as exc:
        return _refusal(exc)
    return Status(200, [_party_out(p) for p in trajectory.parties.all()])


@router.post("/trajectories/{trajectory_id}/documents", response={201: DocumentOut, 403: Detail, 404: Detail, 409: Detail, 422: Invalid},
             summary="Een bron vastleggen zonder bestand: Kamerbrief, nieuwsbericht, EoP, JLoI … met datum als dag, maand of jaar (programmateam)")
def post_source(request, trajectory_id: int, body: SourceIn):
    trajectory = _trajectory(request, trajectory_id)
    if not _programme(request, trajectory):
        return Status(403, {"detail": PROGRAMME_ONLY})
    try:
        doc = services.add_source(trajectory, kind=body.kind, title=body.title, date=body.date, reference=body.reference, url=body.url,
                                  public=body.public, case_key=body.case_key, actor=request.user)
    except IntegrityError:
        return Status(409, {"detail": f"Er is al een document met sleutel {body.case_key!r} in dit traject."})
    except REFUSALS as exc:
        return _refusal(exc)
    return Status(201, doc)


@router.post("/trajectories/{trajectory_id}/events", response={201: EventOut, 403: Detail, 404: Detail, 409: Detail, 422: Invalid},
             summary="Een gebeurtenis vastleggen: faseovergang, notitie, Kamer geïnformeerd of AMVI-advies, met datum, maand, jaar of grenzen")
def post_event(request, trajectory_id: int, body: EventIn):
    trajectory = _trajectory(request, trajectory_id)
    allowed = permissions.can_write_amvi_advice if body.kind == "amvi_advice" else permissions.can_transition
    if not allowed(request.user, trajectory):
        return Status(403, {"detail": PROGRAMME_ONLY})
    try:
        event = services.record_event(
            trajectory, body.kind, body.to, body.date, body.not_after, body.before, body.approx, body.source_document_id, body.note,
            request.user, exceptions=_exceptions(body), expected_version=body.version, kamerstuk=body.kamerstuk,
            subject_phase=body.subject_phase, advice=body.advice.model_dump() if body.advice else None,
        )
    except REFUSALS as exc:
        return _refusal(exc)
    return Status(201, _event_out(event))


@router.post(
    "/documents/{document_id}/review",
    response={200: DocumentOut, 403: Detail, 404: Detail, 409: Detail},
    summary="Een document beoordelen: accepteren, accepteren en publiceren, of afwijzen (programmateam)",
)
def post_review(request, document_id: int, body: ReviewIn):
    document = permissions.visible_documents(request.user).filter(pk=document_id).first()
    if document is None:
        raise Http404("Geen document met dit nummer dat u mag zien.")
    if not permissions.can_review_documents(request.user, document.trajectory):
        return Status(403, {"detail": "Alleen het programmateam beoordeelt en publiceert documenten."})
    try:
        return services.review_document(document, body.decision, actor=request.user, reason=body.reason)
    except ValidationError as exc:
        return Status(409, {"detail": "; ".join(exc.messages)})
