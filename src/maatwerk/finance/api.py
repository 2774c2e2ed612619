import datetime as dt
from typing import Annotated

from django.db import transaction
from django.forms.models import model_to_dict
from django.http import Http404
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from maatwerk.core.forms import error_summary
from maatwerk.core.locking import StaleEdit
from maatwerk.trajectories import permissions

from . import bounds
from .decks import find_deck
from .forms import ProjectForm
from .models import PriceDeck
from .selectors import visible_projects
from .services import evaluate

router = Router(tags=["projecten"])


class ProjectOut(Schema):
    id: int
    name: str
    company: str
    trajectory_id: int
    techniques: list[str]
    levy_regime: str
    target_year: int
    baseline_period: str
    co2_reduction_t: float | None
    additional_reduction_public_t: float | None
    nox_reduction_t: float | None
    nh3_reduction_t: float | None
    support_max_eur: float | None
    investment_eur: float | None
    legally_required: bool
    generic_instruments_checked: bool
    financial_securities: bool
    state_aid_framework: str
    public_source: str
    figures_published: bool
    figures_published_on: dt.date | None
    version: int


TEXT = r"^[^\x00]*$"


def _number(lo_hi: tuple[float, float], description: str = ""):
    """A real, finite number within bounds: no booleans, no strings, no Infinity or NaN (strict)."""
    lo, hi = lo_hi
    return Field(None, ge=lo, le=hi, strict=True, allow_inf_nan=False, description=description)


class ProjectPatch(Schema):
    """The fields to change; every other field keeps its value. ``version`` is the version the change is based on.

    A project's figures (reductions, target year, support, source, publication) are not fields of the
    project: they are records of the register (``POST /api/v1/figures/``); naming one here is refused."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(..., ge=0, strict=True, description="Versie waarop de wijziging gebaseerd is (optimistische vergrendeling)")
    name: str | None = Field(None, min_length=1, max_length=200, pattern=TEXT)
    description: str | None = Field(None, max_length=20000, pattern=TEXT)
    baseline_emissions_t: float | None = _number(bounds.TONNES)
    acceleration_years: float | None = _number(bounds.YEARS_SPAN)
    legally_required: bool | None = Field(None, strict=True)
    generic_instruments_checked: bool | None = Field(None, strict=True)
    financial_securities: bool | None = Field(None, strict=True)
    techniques: list[Annotated[str, Field(max_length=40, pattern=TEXT)]] | None = Field(None, max_length=20, description="Codes, bijv. electrification, ccs")


class ProjectIn(Schema):
    """A new project under a trajectory; its figures and business case follow."""

    trajectory_id: int = Field(..., ge=1, le=2**31 - 1)
    name: str = Field(..., min_length=1, max_length=200, pattern=TEXT)
    description: str = Field("", max_length=20000, pattern=TEXT)
    techniques: list[Annotated[str, Field(max_length=40, pattern=TEXT)]] = Field([], max_length=20, description="Codes, bijv. electrification, ccs, mvr (mag leeg zijn)")


class Detail(Schema):
    detail: str


class Invalid(Schema):
    detail: str
    errors: dict[str, list[str]]


def _project_out(p) -> dict:
    data = {f: getattr(p, f) for f in ProjectOut.model_fields if hasattr(p, f)}
    data.update({"company": p.trajectory.company.name, "trajectory_id": p.trajectory_id})
    return data


def _project(request, project_id):
    project = visible_projects(request.user).filter(pk=project_id).first()
    if project is None:
        raise Http404("Geen project met dit nummer dat u mag zien.")
    return project


@router.get("/projects/", response=list[ProjectOut], summary="Projecten met hun (publieke) afspraken")
def list_projects(request):
    return [_project_out(p) for p in visible_projects(request.user).order_by("trajectory__company__name", "name")]


@router.get("/projects/{project_id}", response=ProjectOut, summary="Eén project")
def get_project(request, project_id: int):
    return _project_out(_project(request, project_id))


@router.get("/projects/{project_id}/evaluation", summary="Doorrekening: additionaliteit, onrendabele top, EUR/t, instrumenten")
def get_evaluation(request, project_id: int, deck: str | None = None, regime: str | None = None):
    project = _project(request, project_id)
    try:
        price_deck = find_deck(deck) if deck else None
        ev = evaluate(project, price_deck, regime)
    except PriceDeck.DoesNotExist as exc:
        raise Http404(str(exc)) from None
    except ValueError as exc:
        from ninja.errors import HttpError

        raise HttpError(422, str(exc)) from None
    return ev.summary(confidential=permissions.can_view_confidential(request.user, project.trajectory))


@router.patch(
    "/projects/{project_id}",
    response={200: ProjectOut, 403: Detail, 409: Detail, 422: Invalid},
    summary="Project wijzigen (met versie: een verouderde wijziging wordt geweigerd met 409)",
)
def patch_project(request, project_id: int, body: ProjectPatch):
    project = _project(request, project_id)
    if not permissions.can_edit_project(request.user, project.trajectory):
        return Status(403, {"detail": "Alleen het programmateam wijzigt de gegevens van een project."})
    if body.version != project.version:  # stale: say so before judging the values (the write checks again)
        return Status(409, {"detail": str(StaleEdit(project, body.version))})
    changes = body.model_dump(exclude_unset=True)
    data = {k: ("" if v is None else v) for k, v in model_to_dict(project, fields=ProjectForm._meta.fields).items()}
    for key, value in changes.items():
        if value is None and key == "techniques":
            value = []
        if value is None and key in ("name", "legally_required", "generic_instruments_checked", "financial_securities"):
            return Status(422, {"detail": f"{key}: mag niet leeg zijn.", "errors": {key: ["Mag niet leeg zijn."]}})
        data[key] = "" if value is None else value
    form = ProjectForm(data, instance=project)
    if not form.is_valid():
        return Status(422, {"detail": error_summary(form), "errors": {k: list(v) for k, v in form.errors.items()}})
    try:
        with transaction.atomic():
            form.save()
    except StaleEdit as exc:
        return Status(409, {"detail": str(exc)})
    return Status(200, _project_out(project))


@router.post("/projects/", response={201: ProjectOut, 403: Detail, 404: Detail, 409: Detail, 422: Invalid},
             summary="Een project aanmaken onder een traject: naam, omschrijving, technieken (programmateam)")
def post_project(request, body: ProjectIn):
    from django.core.exceptions import ValidationError

    from maatwerk.trajectories.services import DuplicateName

    from .services import create_project

    trajectory = permissions.visible_trajectories(request.user).filter(pk=body.trajectory_id).first()
    if trajectory is None:
        raise Http404("Geen traject met dit nummer dat u mag zien.")
    if not permissions.can_edit_project(request.user, trajectory):
        return Status(403, {"detail": "Alleen het programmateam maakt projecten aan."})
    try:
        project = create_project(trajectory, name=body.name, description=body.description, techniques=body.techniques, actor=request.user)
    except DuplicateName as exc:
        return Status(409, {"detail": "; ".join(exc.messages)})
    except ValidationError as exc:
        errors = {f"body.{k}": list(v) for k, v in exc.message_dict.items()}
        return Status(422, {"detail": "; ".join(m for ms in errors.values() for m in ms), "errors": errors})
    return Status(201, _project_out(project))
