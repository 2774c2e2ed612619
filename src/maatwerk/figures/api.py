"""The register of figures in the internal API: read figures (as of a date), record, propose, publish.

What a user gets follows :mod:`maatwerk.figures.permissions`; a write that the role may not do is
403, one that a rule of publication refuses (four eyes, source not public, a step already taken) 409,
bad input 422 with the errors per field.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from maatwerk.core.dates import happened_date_error
from maatwerk.core.templatetags.maatwerk import figure as figure_text
from maatwerk.finance.models import Project
from maatwerk.registry.models import Company
from maatwerk.trajectories import permissions as trajectory_permissions
from maatwerk.trajectories.models import Confidentiality

from . import permissions, selectors, services
from .models import Figure, Qualifier, Quantity

router = Router(tags=["cijfers"])

TEXT = r"^[^\x00]*$"
QuantityCode = Literal[tuple(Quantity.values)]  # type: ignore[valid-type]
QualifierCode = Literal[tuple(Qualifier.values)]  # type: ignore[valid-type]
ConfidentialityCode = Literal[tuple(Confidentiality.values)]  # type: ignore[valid-type]


class SourceOut(Schema):
    id: int
    title: str
    doc_type: str
    document_date: dt.date | None
    date_precision: str
    reference: str
    public_url: str
    public: bool


class FigureOut(Schema):
    id: int
    company_id: int
    company: str
    project_id: int | None
    quantity: str
    unit: str
    qualifier: str
    low: float | None
    high: float | None
    text: str = Field(..., description="De waarde in het Nederlands, bijv. 'ca. 260 kt' of '224–263 kt'")
    year: int | None
    base_period: str
    source: SourceOut
    valid_from: dt.date
    note: str
    confidentiality: str
    supersedes_id: int | None
    state: str
    recorded_by: str
    recorded_at: dt.datetime
    proposed_by: str
    proposed_at: dt.datetime | None
    published_by: str
    published_at: dt.datetime | None
    published_on: dt.date | None


class FigureIn(Schema):
    company_id: int = Field(..., description="Het bedrijf")
    project_id: int | None = Field(None, description="Het project; leeg: het bedrijf als geheel")
    quantity: QuantityCode = Field(..., description="Grootheid, bijv. co2_reduction_t_per_year")
    qualifier: QualifierCode = Field(..., description="exact, about (alleen low), at_least, more_than (alleen low), at_most (alleen high), range (beide)")
    low: float | None = Field(None, ge=0, strict=True, allow_inf_nan=False, description="Waarde of ondergrens")
    high: float | None = Field(None, ge=0, strict=True, allow_inf_nan=False, description="Bovengrens")
    year: int | None = Field(None, ge=1990, le=2100, description="Het jaar waarover het cijfer gaat")
    base_period: str = Field("", max_length=20, pattern=TEXT, description="Ten opzichte van, bijv. 2021 of 2018-2021")
    source_id: int = Field(..., description="Het brondocument (een document van het traject)")
    valid_from: dt.date | None = Field(None, description="Geldig vanaf; leeg: de datum van het brondocument")
    note: str = Field("", max_length=5000, pattern=TEXT)
    confidentiality: ConfidentialityCode = Field(..., description="public, internal of confidential")
    supersedes_id: int | None = Field(None, description="Het cijfer dat dit cijfer vervangt (correctie of nieuwere afspraak)")


class PublishIn(Schema):
    published_on: dt.date | None = Field(None, description="Openbaar sinds; leeg: de dag van het brondocument (of geldig vanaf)")


class Detail(Schema):
    detail: str


class Invalid(Schema):
    detail: str
    errors: dict[str, list[str]]


def _name(user) -> str:
    return user.get_username() if user is not None else ""


def _out(f: Figure) -> dict:
    s = f.source
    return {
        **{k: getattr(f, k) for k in ("id", "company_id", "project_id", "quantity", "unit", "qualifier", "low", "high", "year", "base_period",
                                        "valid_from", "note", "confidentiality", "supersedes_id", "state", "recorded_at", "proposed_at",
                                        "published_at", "published_on")},
        "company": f.company.name,
        "text": figure_text(f),
        "source": {"id": s.pk, "title": s.title, "doc_type": s.doc_type, "document_date": s.document_date, "date_precision": s.date_precision,
                   "reference": s.reference, "public_url": s.public_url, "public": s.is_public},
        "recorded_by": _name(f.recorded_by), "proposed_by": _name(f.proposed_by), "published_by": _name(f.published_by),
    }


def _visible(request):
    return permissions.visible_figures(request.user).select_related("company", "project", "source", "recorded_by", "proposed_by", "published_by")


def _figure(request, figure_id: int) -> Figure:
    f = _visible(request).filter(pk=figure_id).first()
    if f is None:
        raise Http404("Geen cijfer met dit nummer dat u mag zien.")
    return f


def _invalid(exc: ValidationError):
    errors = {k: list(v) for k, v in exc.message_dict.items()} if hasattr(exc, "error_dict") else {"invoer": list(exc.messages)}
    return Status(422, {"detail": "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()), "errors": errors})


class FigureFilters(Schema):
    company_id: int | None = Field(None, description="Alleen dit bedrijf")
    project_id: int | None = Field(None, description="Alleen dit project")
    quantity: QuantityCode | None = Field(None, description="Alleen deze grootheid")
    as_of: dt.date | None = Field(
        None, description="Alleen het cijfer dat per reeks gold op deze datum (intern: geldig vanaf); leeg: alle vastgelegde cijfers"
    )


@router.get("/figures/", response=list[FigureOut], summary="Cijfers uit het register die u mag zien (optioneel zoals ze golden op een datum)")
def list_figures(request, filters: Query[FigureFilters]):
    qs = _visible(request)
    if filters.company_id is not None:
        qs = qs.filter(company_id=filters.company_id)
    if filters.project_id is not None:
        qs = qs.filter(project_id=filters.project_id)
    if filters.quantity is not None:
        qs = qs.filter(quantity=filters.quantity)
    if filters.as_of is not None:
        holding = selectors.current(as_of=filters.as_of, audience=selectors.INTERNAL, among=qs)
        pks = [f.pk for f in holding.values()]
        qs = qs.filter(pk__in=pks)
    return [_out(f) for f in qs.order_by("company__name", "company_id", "project_id", "quantity", "valid_from", "recorded_at", "pk")]


@router.get("/figures/{figure_id}", response=FigureOut, summary="Eén cijfer")
def get_figure(request, figure_id: int):
    return _out(_figure(request, figure_id))


@router.post(
    "/figures/",
    response={201: FigureOut, 403: Detail, 404: Detail, 422: Invalid},
    summary="Een cijfer vastleggen (als concept), zoals het brondocument het noemt",
)
def post_figure(request, body: FigureIn):
    company = Company.objects.filter(pk=body.company_id, trajectory__isnull=False).first()
    if company is None or not permissions.can_read_register(request.user, company):
        raise Http404("Geen bedrijf met een traject dat u mag zien.")
    if not permissions.can_record(request.user, company):
        return Status(403, {"detail": "U mag voor dit bedrijf geen cijfers vastleggen."})
    errors: dict[str, list[str]] = {}
    project = None
    if body.project_id is not None:
        project = Project.objects.filter(pk=body.project_id, trajectory__company=company).first()
        if project is None:
            errors["project_id"] = [f"Geen project {body.project_id} bij {company}."]
    source = trajectory_permissions.visible_documents(request.user).filter(pk=body.source_id, trajectory__company=company).first()
    if source is None:
        errors["source_id"] = [f"Geen document {body.source_id} van het traject van {company} dat u mag zien."]
    supersedes = None
    if body.supersedes_id is not None:
        supersedes = permissions.visible_figures(request.user).filter(pk=body.supersedes_id, company=company).first()
        if supersedes is None:
            errors["supersedes_id"] = [f"Geen cijfer {body.supersedes_id} van {company} dat u mag zien."]
    valid_from = body.valid_from or (source.document_date if source is not None else None)
    if valid_from is None and source is not None:
        errors["valid_from"] = ["Het brondocument heeft geen datum; geef valid_from."]
    if errors:
        return Status(422, {"detail": "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()), "errors": errors})
    try:
        f = services.record_figure(
            company=company, project=project, quantity=body.quantity, low=body.low, high=body.high, qualifier=body.qualifier,
            year=body.year, base_period=body.base_period, source=source, valid_from=valid_from, note=body.note,
            confidentiality=body.confidentiality, supersedes=supersedes, actor=request.user,
        )
    except services.NotAllowed as exc:
        return Status(403, {"detail": str(exc)})
    except ValidationError as exc:
        renamed = {"project": "project_id", "source": "source_id", "supersedes": "supersedes_id"}
        if hasattr(exc, "error_dict"):
            exc = ValidationError({renamed.get(k, k): v for k, v in exc.error_dict.items()})
        return _invalid(exc)
    return Status(201, _out(_figure(request, f.pk)))


@router.post(
    "/figures/{figure_id}/propose",
    response={200: FigureOut, 403: Detail, 404: Detail, 409: Detail},
    summary="Een cijfer voorstellen voor publicatie",
)
def propose_figure(request, figure_id: int):
    f = _figure(request, figure_id)
    if not permissions.can_propose(request.user, f.company):
        return Status(403, {"detail": "U mag voor dit bedrijf geen cijfers voorstellen."})
    try:
        services.propose(f, request.user)
    except services.NotAllowed as exc:
        return Status(403, {"detail": str(exc)})
    except ValidationError as exc:
        return Status(409, {"detail": " ".join(exc.messages)})
    return Status(200, _out(_figure(request, f.pk)))


@router.post(
    "/figures/{figure_id}/publish",
    response={200: FigureOut, 403: Detail, 404: Detail, 409: Detail, 422: Invalid},
    summary="Een cijfer publiceren (programmateam; vier ogen: niet wie het voorstelde, en alleen met een openbare bron)",
)
def publish_figure(request, figure_id: int, body: PublishIn | None = None):
    f = _figure(request, figure_id)
    if not permissions.can_publish(request.user):
        return Status(403, {"detail": "Alleen het programmateam publiceert cijfers."})
    published_on = body.published_on if body is not None else None
    if published_on is not None and (error := happened_date_error(published_on, "published_on (openbaar sinds)")):
        return Status(422, {"detail": error, "errors": {"published_on": [error]}})
    try:
        services.publish(f, request.user, published_on=published_on)
    except services.NotAllowed as exc:
        return Status(403, {"detail": str(exc)})
    except services.PublicationRefused as exc:
        return Status(409, {"detail": " ".join(exc.messages)})
    except ValidationError as exc:
        return _invalid(exc)
    return Status(200, _out(_figure(request, f.pk)))

