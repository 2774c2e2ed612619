"""The programme's read endpoint of the internal API: support per company by budget stage, as of a date."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema

from maatwerk.accounts.models import Role, role_of

from . import selectors

router = Router(tags=["programma"])


class ProjectSupportOut(Schema):
    project_id: int
    project: str
    reserved_eur: float
    committed_eur: float
    disbursed_eur: float
    superseded_reserved_eur: float
    stage: str
    sources: list[str]


class CompanySupportOut(Schema):
    company_id: int
    company: str
    reserved_eur: float
    committed_eur: float
    disbursed_eur: float
    claimed_eur: float
    superseded_reserved_eur: float
    stage: str
    sources: list[str]
    projects: list[ProjectSupportOut]


@router.get(
    "/budget/support", response=list[CompanySupportOut],
    summary="Steun per bedrijf: gereserveerd, toegezegd, uitbetaald (elk project één keer), op een peildatum",
)
def support(request, as_of: dt.date | None = None):
    """Internal figures (every recorded entry whose day has come by ``as_of``, default today); for the programme team."""
    if role_of(request.user) != Role.PROGRAMME:
        raise PermissionDenied("De steun per bedrijf is voor het programmateam.")
    return [
        {
            "company_id": r["company"].pk, "company": r["company_name"],
            **{k: r[k] for k in ("reserved_eur", "committed_eur", "disbursed_eur", "claimed_eur", "superseded_reserved_eur", "stage", "sources")},
            "projects": [
                {"project_id": s.project.pk, "project": s.project.name, "reserved_eur": s.counted.reserved_eur,
                 "committed_eur": s.counted.committed_eur, "disbursed_eur": s.counted.disbursed_eur,
                 "superseded_reserved_eur": s.counted.superseded_reserved_eur, "stage": s.stage, "sources": s.sources}
                for s in r["projects"]
            ],
        }
        for r in selectors.support_by_company(as_of)
    ]
