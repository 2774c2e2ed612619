import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import field_validator

from maatwerk.core import datacache
from maatwerk.core.dates import happened_date_error
from maatwerk.engine import workflow

from . import permissions, services

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


class EventOut(Schema):
    id: int
    kind: str
    to_phase: str
    effective_date: dt.date | None
    not_after: dt.date | None
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
    confidentiality: str
    published: bool
    status: str
    proposed_public: bool
    review_reason: str


class TransitionIn(Schema):
    to: str = Field(..., description="Nieuwe fase, bijv. eop_signed", max_length=30, pattern=r"^[a-z_]+$")
    date: dt.date = Field(..., description="Datum van de overgang (JJJJ-MM-DD)")
    note: str = Field("", max_length=5000, pattern=r"^[^\x00]*$", description="Toelichting (bij een exit: de reden)")
    version: int | None = Field(None, description="Versie waarop de wijziging gebaseerd is (optimistische vergrendeling)")

    @field_validator("date")
    @classmethod
    def plausible(cls, value: dt.date) -> dt.date:
        error = happened_date_error(value, "date (datum van de overgang)")
        if error:
            raise ValueError(error)
        return value


class ReviewIn(Schema):
    decision: str = Field(..., description="accept, publish (accepteren en publiceren) of reject", pattern=r"^(accept|publish|reject)$")
    reason: str = Field("", max_length=2000, pattern=r"^[^\x00]*$", description="Reden (verplicht bij reject)")


class Detail(Schema):
    detail: str


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
    return [
        {**{f: getattr(e, f) for f in ("id", "kind", "to_phase", "effective_date", "not_after", "recorded_at", "note", "source", "payload")}, "actor": e.actor_name}
        for e in permissions.visible_events(request.user, services.ordered_events(trajectory))
    ]


@router.get("/documents/", response=list[DocumentOut], summary="Documenten die u mag zien")
def list_documents(request, trajectory_id: int | None = None):
    qs = permissions.visible_documents(request.user)
    if trajectory_id is not None:
        qs = qs.filter(trajectory_id=trajectory_id)
    return list(qs.order_by("trajectory_id", "document_date", "pk"))


@router.post(
    "/trajectories/{trajectory_id}/transitions",
    response={201: TrajectoryOut, 403: Detail, 409: Detail},
    summary="Faseovergang volgens de regels",
)
def post_transition(request, trajectory_id: int, body: TransitionIn):
    trajectory = _trajectory(request, trajectory_id)
    if not permissions.can_transition(request.user, trajectory):
        return Status(403, {"detail": "Alleen het programmateam zet trajecten in een volgende fase."})
    try:
        services.transition(trajectory, body.to, body.date, actor=request.user, note=body.note, expected_version=body.version)
    except services.TransitionRefused as exc:
        return Status(409, {"detail": "; ".join(exc.reasons)})
    except services.StaleEdit as exc:
        return Status(409, {"detail": str(exc)})
    trajectory.refresh_from_db()
    return Status(201, _out(trajectory))


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
