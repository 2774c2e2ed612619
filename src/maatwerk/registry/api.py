from ninja import Router, Schema

from .models import Company

router = Router(tags=["bedrijven"])


class CompanyOut(Schema):
    id: int
    name: str
    slug: str
    sector: str
    in_programme: bool
    extension_reason: str


@router.get("/companies/", response=list[CompanyOut], summary="Bedrijven in het register")
def list_companies(request, in_programme: bool | None = None):
    qs = Company.objects.order_by("name")
    if in_programme is not None:
        qs = qs.filter(in_programme=in_programme)
    return list(qs)


@router.get("/companies/{company_id}", response=CompanyOut, summary="Eén bedrijf")
def get_company(request, company_id: int):
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Company, pk=company_id)
