"""The public, read-only API (/api/public/v1/): only what :mod:`maatwerk.portal.public` allows."""

import datetime as dt

from django.http import Http404
from ninja import NinjaAPI, Schema
from pydantic import create_model

from . import public

api = NinjaAPI(
    title="maatwerk open data",
    version="1",
    description="Openbare, alleen-lezen API van de maatwerkaanpak: bedrijven, openbare fasen, publieke projectcijfers en gepubliceerde documenten.",
    urls_namespace="public-api-1",
)


class CompanyOut(Schema):
    name: str
    slug: str
    sector: str
    subsector: str
    sites: str
    provinces: str
    extension_reason: str
    source: str
    phase: str
    phase_label: str
    phase_since: dt.date | None


class _ProjectFields(Schema):
    """A project of the public record on a day. Each figure as the document said it: ``<figure>_low``,
    ``<figure>_high``, ``<figure>_qualifier`` (exact, about, at_least, more_than, at_most, range; empty
    when the figure is not public) and ``<figure>_text`` (Dutch, e.g. "224–263 kt")."""

    company: str
    company_slug: str
    name: str
    description: str
    techniques: list[str]
    target_year: int | None
    baseline_period: str
    public_source: str
    figures_published_on: dt.date | None


# the four parts of every figure of public.FIGURE_FIELDS, so the schema and the open data list the same fields
ProjectOut = create_model(
    "ProjectOut",
    __base__=_ProjectFields,
    **{
        f"{field}_{part}": (kind, ...)
        for field in public.FIGURE_FIELDS
        for part, kind in (("low", float | None), ("high", float | None), ("qualifier", str), ("text", str))
    },
)


class DocumentOut(Schema):
    id: int
    company: str
    company_slug: str
    title: str
    doc_type: str
    document_date: dt.date | None
    published_on: dt.date | None
    public_url: str
    source: str
    has_file: bool


@api.get("/companies/", response=list[CompanyOut], summary="Bedrijven met hun openbare fase")
def companies(request, as_of: dt.date | None = None):
    return public.companies(as_of)


@api.get("/companies/{slug}", response=CompanyOut, summary="Eén bedrijf")
def company(request, slug: str, as_of: dt.date | None = None):
    data = public.company(slug, as_of)
    if data is None:
        raise Http404("Onbekend bedrijf")
    return data


@api.get("/projects/", response=list[ProjectOut], summary="Publieke cijfers van de projecten, zoals openbaar op een dag")
def projects(request, company: str | None = None, as_of: dt.date | None = None):
    return public.open_projects(as_of) if company is None else [p for p in public.open_projects(as_of) if p["company_slug"] == company]


@api.get("/documents/", response=list[DocumentOut], summary="Gepubliceerde documenten")
def documents(request, company: str | None = None, doc_type: str | None = None):
    return public.documents(company, doc_type)
