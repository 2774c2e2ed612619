"""NEa figures beside the EUTL's: joining permits to installations, rankings on NEa figures, reconciliation.

**Joining.** An NEa row names a permit (``NL-200400186``); the EUTL's ``PermitOrPlanID`` holds the same
number and is stored as ``Installation.permit_id``. Sub-permits: the NEa writes ``NL-200400161a`` …
``m`` (Chemelot BKG 02 … 14), the EUTL the same permit with a capital letter (``NL-200400161A``) and
as an installation of its own (NL-204626 …), with its own figures; the base permit ``NL-200400161``
is only Chemelot BKG 01 (NL-107). So a sub-permit joins to its *own* installation (the permit number
compared without case), never to the base permit's: adding it to the base would count it twice
against the EUTL. A sub-permit the registry does not hold stays unmatched, with a note naming the
base permit's installation. Where one permit number belongs to several installations (the EUTL kept
the phase-1 installation, which stopped in 2007, beside its phase-3 successor), the installation
active in the years the NEa has figures for is taken; if that still leaves more than one, the row
stays unmatched and says so.

The join is made when read, not stored: importing the EUTL after the NEa joins as well.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass

from .models import AVIATION_ACTIVITY_CODE, Company, EmissionRecord, Installation, LevyKind, NeaEmission, NeaPermit, Sector
from .selectors import GROUPINGS, RankedEmitter, inferred_sector, national_figures

SOURCES = ("nea", "eutl")
SOURCE_LABELS = {
    "nea": "NEa (Nederlandse Emissieautoriteit, Emissiecijfers)",
    "eutl": "EUTL (EU Transaction Log)",
}
NEA_COUNTRY = "NL"
_SUB_PERMIT_LETTER = "abcdefghijklmnopqrstuvwxyz"


@dataclass
class PermitMatch:
    permit_pk: int
    permit_id: str
    name: str
    operator_name: str
    city: str
    sheet: str
    row: int | None
    installation: Installation | None
    note: str = ""


def nea_years() -> list[int]:
    """The years the imported NEa publications have at least one figure for."""
    return list(NeaEmission.objects.filter(emissions_t__isnull=False).order_by("year").values_list("year", flat=True).distinct())


def default_source(country: str, year: int) -> str:
    """NL: the NEa where it has the year (its figures are leading, q 6), else the EUTL; other countries: EUTL."""
    return "nea" if country.upper() == NEA_COUNTRY and year in nea_years() else "eutl"


def match_permits() -> list[PermitMatch]:
    """Every NEa permit with the registry installation it joins to (or None and why)."""
    permits = list(NeaPermit.objects.order_by("permit_id"))
    if not permits:
        return []
    countries = {p.permit_id[:2].upper() for p in permits}
    candidates: dict[str, list[Installation]] = defaultdict(list)
    installations = (
        Installation.objects.filter(country__in=countries)
        .exclude(permit_id="")
        .exclude(activity_code=AVIATION_ACTIVITY_CODE)
        .filter(levy_kind=LevyKind.ETS)  # the NEa's publication lists ETS permits only
        .select_related("operator", "operator__company", "company")
        .order_by("eutl_id")
    )
    for inst in installations:
        candidates[inst.permit_id.strip().upper()].append(inst)
    years_of: dict[int, list[int]] = defaultdict(list)
    for permit_pk, year in NeaEmission.objects.filter(emissions_t__isnull=False).values_list("permit_id", "year"):
        years_of[permit_pk].append(year)
    eutl_years: dict[int, set[int]] | None = None
    matches = []
    for p in permits:
        key = p.permit_id.upper()
        found = candidates.get(key, [])
        installation, note = None, ""
        if len(found) > 1:
            years = years_of.get(p.pk) or []
            if years:
                first, last = min(years), max(years)
                found = [
                    i for i in found if (i.last_year is None or i.last_year >= first) and (i.first_year is None or i.first_year <= last)
                ] or found
            if len(found) > 1:
                if eutl_years is None:
                    eutl_years = defaultdict(set)
                    ids = [i.pk for group in candidates.values() if len(group) > 1 for i in group]
                    for inst_id, year in EmissionRecord.objects.filter(
                        installation_id__in=ids, verified_emissions_t__isnull=False
                    ).values_list("installation_id", "year"):
                        eutl_years[inst_id].add(year)
                with_figures = [i for i in found if eutl_years[i.pk] & set(years)]
                found = with_figures or found
        if len(found) == 1:
            installation = found[0]
        elif found:
            note = "meerdere installaties met deze vergunning in het register: " + ", ".join(i.eutl_id for i in found)
        else:
            base = key.rstrip(_SUB_PERMIT_LETTER.upper())
            if base != key and candidates.get(base):
                note = (
                    f"deelvergunning: de hoofdvergunning {base} staat in het register als "
                    f"{', '.join(i.eutl_id for i in candidates[base])}, deze deelvergunning niet"
                )
            else:
                note = "geen installatie met deze vergunning in het register"
        matches.append(PermitMatch(p.pk, p.permit_id, p.installation_name, p.operator_name, p.city, p.sheet, p.row, installation, note))
    return matches


@dataclass(frozen=True)
class NeaRankedEmitter(RankedEmitter):
    permit_id: str | None = None
    source: str = "nea"

    def as_dict(self, by: str) -> dict:
        data = super().as_dict(by)
        if by == "installation":
            data["permit_id"] = self.permit_id
        return data


def rank_nea(
    year: int, country: str = NEA_COUNTRY, by: str = "company", top: int | None = 20, sector: str | None = None
) -> list[NeaRankedEmitter]:
    """Rank emitters by the NEa's verified emissions in ``year``, grouped like :func:`rank_emitters`.

    A permit joined to an installation is grouped by that installation's company (or account holder);
    an unmatched permit stands under the NEa's operator (*drijver*) and counts as sector "other".
    """
    if by not in GROUPINGS:
        raise ValueError(f"onbekende groepering {by!r}; kies uit {', '.join(GROUPINGS)}")
    if sector is not None and sector not in Sector.values:
        raise ValueError(f"onbekende sector {sector!r}; kies uit {', '.join(Sector.values)}")
    if top is not None and top < 1:
        raise ValueError("top moet minstens 1 zijn")
    if country.upper() != NEA_COUNTRY:
        raise ValueError(f"NEa-cijfers bestaan alleen voor {NEA_COUNTRY}, niet voor {country}")
    matches = {m.permit_pk: m for m in match_permits()}
    companies = {c.pk: c for c in Company.objects.only("pk", "name", "slug", "sector")}
    groups: dict[str, dict] = {}
    for permit_pk, emissions in NeaEmission.objects.filter(year=year, emissions_t__isnull=False).values_list("permit_id", "emissions_t"):
        m = matches[permit_pk]
        inst = m.installation
        company = companies.get(inst.company_id or inst.operator.company_id) if inst else None
        inst_sector = company.sector if company else (inferred_sector(inst.activity_code) if inst else Sector.OTHER)
        if sector is not None and inst_sector != sector:
            continue
        if by == "installation":
            key, name = f"permit:{m.permit_id.upper()}", m.name
        elif by == "company" and company is not None:
            key, name = f"company:{company.pk}", company.name
        elif inst is not None:
            key, name = f"operator:{inst.operator_id}", inst.operator.name
        else:
            key, name = f"nea-operator:{m.operator_name.casefold()}", m.operator_name or m.name
        group = groups.setdefault(
            key,
            {
                "name": name,
                "total": 0,
                "count": 0,
                "sectors": set(),
                "company": company.slug if company and by != "account-holder" else None,
                "eutl_id": inst.eutl_id if inst and by == "installation" else None,
                "permit_id": m.permit_id if by == "installation" else None,
                "holders": set(),
            },
        )
        group["total"] += emissions
        group["count"] += 1
        group["sectors"].add(inst_sector)
        group["holders"].add(inst.operator.name if inst else m.operator_name)
    # installations outside the EU ETS are in neither source: added with their own figure and source
    for inst, emissions in national_figures(year, country):
        company = companies.get(inst.company_id or inst.operator.company_id)
        inst_sector = company.sector if company else inferred_sector(inst.activity_code, inst.levy_kind)
        if sector is not None and inst_sector != sector:
            continue
        if by == "installation":
            key, name = f"national:{inst.eutl_id}", inst.name
        elif by == "company" and company is not None:
            key, name = f"company:{company.pk}", company.name
        else:
            key, name = f"operator:{inst.operator_id}", inst.operator.name
        group = groups.setdefault(
            key,
            {
                "name": name, "total": 0, "count": 0, "sectors": set(), "eutl_id": inst.eutl_id if by == "installation" else None,
                "company": company.slug if company and by != "account-holder" else None, "permit_id": None, "holders": set(),
            },
        )
        group["total"] += emissions
        group["count"] += 1
        group["sectors"].add(inst_sector)
        group["holders"].add(inst.operator.name)
        group["non_ets"] = group.get("non_ets", 0) + emissions
        if by == "installation":
            group["kind"], group["record_source"] = inst.levy_kind, inst.figure_source
    ordered = sorted(groups.items(), key=lambda kv: (-kv[1]["total"], kv[1]["name"]))
    if top is not None:
        ordered = ordered[:top]
    return [
        NeaRankedEmitter(
            rank=i,
            key=key,
            name=g["name"],
            verified_emissions_t=g["total"],
            installations=g["count"],
            sector=g["sectors"].pop() if len(g["sectors"]) == 1 else Sector.OTHER,
            company_slug=g["company"],
            eutl_id=g["eutl_id"],
            account_holders=tuple(sorted(g["holders"])),
            permit_id=g["permit_id"],
            non_ets_t=g.get("non_ets", 0),
            levy_kind=g.get("kind", LevyKind.ETS if by == "installation" else None),
            record_source=g.get("record_source", ""),
        )
        for i, (key, g) in enumerate(ordered, start=1)
    ]


STATUS_LABELS = {
    "differs": "verschillend",
    "nea_only": "alleen NEa",
    "eutl_only": "alleen EUTL",
}


@dataclass
class ReconcileRow:
    status: str
    permit_id: str | None
    installation: str
    eutl_id: str | None
    nea_t: int | None
    eutl_t: int | None
    difference_t: int | None  # NEa minus EUTL
    company: str | None
    note: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Reconciliation:
    year: int
    country: str
    rows: list[ReconcileRow]
    equal: int  # installations whose two figures are the same (not listed)
    nea_total_t: int
    eutl_total_t: int

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def count_differs(self) -> int:
        return self.count("differs")

    @property
    def count_nea_only(self) -> int:
        return self.count("nea_only")

    @property
    def count_eutl_only(self) -> int:
        return self.count("eutl_only")


def reconcile(year: int, country: str = NEA_COUNTRY) -> Reconciliation:
    """Every installation whose NEa and EUTL figures for ``year`` differ, and those in only one source.

    A figure the NEa gives as '-' counts as absent, like the EUTL's 'NA' or 'Excluded': never as zero.
    Aviation (activity code 10) is outside the NEa's publication and left out on both sides, and so are
    installations outside the EU ETS (their figures come from neither source).
    """
    country = country.upper()
    if country != NEA_COUNTRY:
        raise ValueError(f"NEa-cijfers bestaan alleen voor {NEA_COUNTRY}, niet voor {country}")
    years = nea_years()
    if year not in years:
        have = f" (wel {years[0]}-{years[-1]})" if years else "; importeer eerst met maatwerk import_nea"
        raise ValueError(f"de NEa-publicatie heeft geen cijfers voor {year}{have}")
    eutl = dict(
        EmissionRecord.objects.filter(
            year=year, installation__country=country, installation__levy_kind=LevyKind.ETS, verified_emissions_t__isnull=False
        )
        .exclude(installation__activity_code=AVIATION_ACTIVITY_CODE)
        .values_list("installation_id", "verified_emissions_t")
    )
    nea = dict(NeaEmission.objects.filter(year=year).values_list("permit_id", "emissions_t"))
    companies = {c.pk: c.slug for c in Company.objects.only("pk", "slug")}

    def slug(inst):
        return companies.get(inst.company_id or inst.operator.company_id) if inst else None

    rows: list[ReconcileRow] = []
    equal = 0
    covered: set[int] = set()
    for m in match_permits():
        if m.permit_pk not in nea:
            continue
        inst, nea_t = m.installation, nea[m.permit_pk]
        eutl_t = eutl.get(inst.pk) if inst else None
        if inst is not None:
            covered.add(inst.pk)
        common = dict(permit_id=m.permit_id, installation=m.name, eutl_id=inst.eutl_id if inst else None, company=slug(inst))
        if nea_t is not None and eutl_t is not None:
            if nea_t == eutl_t:
                equal += 1
            else:
                rows.append(ReconcileRow("differs", nea_t=nea_t, eutl_t=eutl_t, difference_t=nea_t - eutl_t, **common))
        elif nea_t is not None:
            note = m.note or f"het EUTL heeft geen cijfer voor {year}"
            rows.append(ReconcileRow("nea_only", nea_t=nea_t, eutl_t=None, difference_t=None, note=note, **common))
        elif eutl_t is not None:
            rows.append(
                ReconcileRow("eutl_only", nea_t=None, eutl_t=eutl_t, difference_t=None, note="NEa: '-' (geen cijfer)", **common)
            )
    missing = [pk for pk in eutl if pk not in covered]
    for inst in Installation.objects.filter(pk__in=missing).select_related("operator").order_by("eutl_id"):
        note = (
            f"vergunning {inst.permit_id} staat niet in de NEa-publicatie" if inst.permit_id else "geen vergunningnummer in het EUTL"
        )
        rows.append(
            ReconcileRow(
                "eutl_only",
                permit_id=inst.permit_id or None,
                installation=inst.name,
                eutl_id=inst.eutl_id,
                nea_t=None,
                eutl_t=eutl[inst.pk],
                difference_t=None,
                company=slug(inst),
                note=note,
            )
        )
    order = {"differs": 0, "nea_only": 1, "eutl_only": 2}
    rows.sort(key=lambda r: (order[r.status], -abs(r.difference_t or r.nea_t or r.eutl_t or 0), r.permit_id or "", r.eutl_id or ""))
    return Reconciliation(
        year=year,
        country=country,
        rows=rows,
        equal=equal,
        nea_total_t=sum(v for v in nea.values() if v is not None),
        eutl_total_t=sum(eutl.values()),
    )
