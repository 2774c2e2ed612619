"""Reading the registry: rankings of emitters and histories per company or installation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Max, Min, QuerySet, Sum
from django.db.models.functions import Coalesce

from .models import AVIATION_ACTIVITY_CODE, Company, EmissionRecord, Installation, LevyKind, Sector

GROUPINGS = ("company", "account-holder", "installation")

# EU ETS activity codes for combustion (phase 2: 1, phase 3+: 20). A combustion installation that is
# not mapped to a company cannot be told apart as power plant or industrial boiler: "other".
COMBUSTION_ACTIVITY_CODES = frozenset({1, 20})
OPTED_IN_ACTIVITY_CODE = 99


def inferred_sector(activity_code: int | None, levy_kind: str = LevyKind.ETS) -> str:
    """Sector of an installation that no company mapping classifies, from its EU ETS activity code
    (an incinerator outside the ETS is waste incineration whatever its code)."""
    if levy_kind == LevyKind.INCINERATOR:
        return Sector.WASTE
    if activity_code == AVIATION_ACTIVITY_CODE:
        return Sector.AVIATION
    if activity_code is None or activity_code in COMBUSTION_ACTIVITY_CODES or activity_code == OPTED_IN_ACTIVITY_CODE:
        return Sector.OTHER
    return Sector.INDUSTRY


@dataclass(frozen=True)
class RankedEmitter:
    rank: int
    key: str
    name: str
    verified_emissions_t: int
    installations: int
    sector: str
    company_slug: str | None = None
    eutl_id: str | None = None
    account_holders: tuple[str, ...] = ()
    # the part of verified_emissions_t from installations outside the EU ETS (national levy only)
    non_ets_t: int = 0
    # by installation: its levy kind and, outside the ETS, the source of its figure
    levy_kind: str | None = None
    record_source: str = ""

    @property
    def ets_t(self) -> int:
        return self.verified_emissions_t - self.non_ets_t

    def as_dict(self, by: str) -> dict:
        data = {
            "rank": self.rank,
            "name": self.name,
            "verified_emissions_t": self.verified_emissions_t,
            "installations": self.installations,
            "sector": self.sector,
            "non_ets_t": self.non_ets_t,
        }
        if by == "installation":
            data["id"] = self.eutl_id
            data["levy_kind"] = self.levy_kind
            data["record_source"] = self.record_source
        if by in ("company", "installation"):
            data["company"] = self.company_slug
        if by == "company":
            data["account_holders"] = list(self.account_holders)
        return data


def available_years(country: str | None = None) -> list[int]:
    """Years with at least one verified figure (in ``country``), each once, ascending.

    ``order_by("year")`` replaces the model's default ordering: with it, DISTINCT would also take the
    ordering's columns and give one year per record. One query on the (verified, year) index.
    """
    qs = EmissionRecord.objects.filter(verified_emissions_t__isnull=False)
    if country:
        qs = qs.filter(installation__country=country)
    return list(qs.order_by("year").values_list("year", flat=True).distinct())


def available_countries() -> list[str]:
    """Registry countries, each once, ascending: one DISTINCT query on the country index."""
    return list(Installation.objects.order_by("country").values_list("country", flat=True).distinct())


def rank_emitters(
    year: int, country: str | None = "NL", by: str = "company", top: int | None = 20, sector: str | None = None
) -> list[RankedEmitter]:
    """Rank emitters by verified emissions in ``year``; aviation (activity code 10) is always left out.

    Grouping ``company`` puts an installation under its own company mapping, else its account holder's
    company; installations with neither stand as their account holder (marked by ``company_slug=None``).

    Installations outside the EU ETS (national levy: incinerators, N2O) count with their own figure
    where they have one for ``year``; ``non_ets_t`` says how much of a total is theirs.
    """
    if by not in GROUPINGS:
        raise ValueError(f"onbekende groepering {by!r}; kies uit {', '.join(GROUPINGS)}")
    if sector is not None and sector not in Sector.values:
        raise ValueError(f"onbekende sector {sector!r}; kies uit {', '.join(Sector.values)}")
    if top is not None and top < 1:
        raise ValueError("top moet minstens 1 zijn")
    qs = EmissionRecord.objects.filter(year=year, verified_emissions_t__isnull=False).exclude(
        installation__activity_code=AVIATION_ACTIVITY_CODE
    )
    if country:
        qs = qs.filter(installation__country=country.upper())
    # One grouped query: partial sums per (company, account holder, activity code), per installation
    # when ranking installations. Folding those few rows into the asked grouping stays here, so that
    # the sector rule (inferred_sector) lives once.
    keys = {
        "company_id": Coalesce("installation__company_id", "installation__operator__company_id"),
        "op_id": F("installation__operator_id"),
        "op_name": F("installation__operator__name"),
        "activity": F("installation__activity_code"),
        "kind": F("installation__levy_kind"),
    }
    if by == "installation":
        keys |= {"eutl_id": F("installation__eutl_id"), "inst_name": F("installation__name"), "record_source": F("source")}
    partials = qs.order_by().values(**keys).annotate(total=Sum("verified_emissions_t"), count=Count("id"))
    companies = {c.pk: c for c in Company.objects.only("pk", "name", "slug", "sector")}
    groups: dict[str, dict] = {}
    for part in partials:
        company = companies.get(part["company_id"])
        inst_sector = company.sector if company else inferred_sector(part["activity"], part["kind"])
        if sector is not None and inst_sector != sector:
            continue
        op_id, op_name = part["op_id"], part["op_name"]
        national = part["kind"] != LevyKind.ETS
        if by == "installation":
            key, name = part["eutl_id"], part["inst_name"]
        elif by == "account-holder" or company is None:
            key, name = f"operator:{op_id}", op_name
        else:
            key, name = f"company:{company.pk}", company.name
        group = groups.setdefault(
            key,
            {
                "name": name,
                "total": 0,
                "count": 0,
                "sectors": set(),
                "company": company.slug if company and by != "account-holder" else None,
                "eutl_id": part["eutl_id"] if by == "installation" else None,
                "holders": set(),
                "non_ets": 0,
                "kind": part["kind"] if by == "installation" else None,
                "record_source": (part["record_source"] if national else "") if by == "installation" else "",
            },
        )
        group["total"] += part["total"]
        group["count"] += part["count"]
        group["sectors"].add(inst_sector)
        group["holders"].add(op_name)
        if national:
            group["non_ets"] += part["total"]
    ordered = sorted(groups.items(), key=lambda kv: (-kv[1]["total"], kv[1]["name"]))
    if top is not None:
        ordered = ordered[:top]
    return [
        RankedEmitter(
            rank=i,
            key=key,
            name=g["name"],
            verified_emissions_t=g["total"],
            installations=g["count"],
            sector=g["sectors"].pop() if len(g["sectors"]) == 1 else Sector.OTHER,
            company_slug=g["company"],
            eutl_id=g["eutl_id"],
            account_holders=tuple(sorted(g["holders"])),
            non_ets_t=g["non_ets"],
            levy_kind=g["kind"],
            record_source=g["record_source"],
        )
        for i, (key, g) in enumerate(ordered, start=1)
    ]


def national_figures(year: int, country: str = "NL") -> list[tuple[Installation, int | None]]:
    """(installation, figure) of every installation outside the EU ETS with a figure for ``year``.

    Such installations are in neither the EUTL nor the NEa's list of ETS permits: a ranking on either
    source adds these with their own source (``EmissionRecord.source``).
    """
    records = (
        EmissionRecord.objects.filter(year=year, verified_emissions_t__isnull=False, installation__country=country.upper())
        .exclude(installation__levy_kind=LevyKind.ETS)
        .select_related("installation", "installation__operator")
        .order_by("installation__eutl_id")
    )
    figures = []
    for record in records:
        record.installation.figure_source = record.source  # type: ignore[attr-defined]  # read by reconcile, like an annotation
        figures.append((record.installation, record.verified_emissions_t))
    return figures


@dataclass(frozen=True)
class YearRow:
    year: int
    verified_emissions_t: int | None
    free_allocation_t: int | None
    installations_reporting: int


def history(installations: Iterable[Installation] | QuerySet[Installation]) -> list[YearRow]:
    """Verified emissions and free allocation per year summed over ``installations`` (missing stays missing)."""
    qs = (
        EmissionRecord.objects.filter(installation__in=installations)
        .values("year")
        .annotate(ve=Sum("verified_emissions_t"), fa=Sum("free_allocation_t"))
        .order_by("year")
    )
    reporting: defaultdict[int, int] = defaultdict(int)
    for year in EmissionRecord.objects.filter(installation__in=installations, verified_emissions_t__isnull=False).values_list(
        "year", flat=True
    ):
        reporting[year] += 1
    return [YearRow(r["year"], r["ve"], r["fa"], reporting[r["year"]]) for r in qs]


def company_installations(company: Company) -> QuerySet[Installation]:
    """Installations of a company: those mapped to it directly, and those of its operators not mapped elsewhere."""
    from django.db.models import Q

    return Installation.objects.filter(
        Q(company=company) | Q(company__isnull=True, operator__company=company)
    ).select_related("operator")


def year_span() -> dict[str, int | None]:
    return EmissionRecord.objects.aggregate(first=Min("year"), last=Max("year"))
