from django.http import Http404
from ninja import Router, Schema

from maatwerk.trajectories import permissions

from .decks import find_deck
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
