"""The public, read-only API (/api/public/v1/): only what :mod:`maatwerk.portal.public` allows."""

import datetime as dt

from django.http import Http404
from ninja import NinjaAPI, Schema

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


class ProjectOut(Schema):
    company: str
    company_slug: str
    name: str
    description: str
    techniques: list[str]
    target_year: int
    baseline_period: str
    co2_reduction_t: float | None
    additional_reduction_public_t: float | None
    acceleration_years: float | None
    nox_reduction_t: float | None
    nh3_reduction_t: float | None
    zzs: str
    water_m3: float | None
    gas_m3: float | None
    other_living_environment: str
    investment_eur: float | None
    support_max_eur: float | None
    public_source: str
    figures_published_on: dt.date | None


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


@api.get("/projects/", response=list[ProjectOut], summary="Publieke cijfers van de projecten")
def projects(request, company: str | None = None):
    return public.projects(company)


@api.get("/documents/", response=list[DocumentOut], summary="Gepubliceerde documenten")
def documents(request, company: str | None = None, doc_type: str | None = None):
    return public.documents(company, doc_type)
