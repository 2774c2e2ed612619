"""The public record, built only from an explicit allow-list of fields and documents.

Everything the public sees (portal pages, the public API, bulk downloads, the progress letter) is
read through this module; a field that is not listed here never leaves the system that way.
Business cases, internal and confidential documents, contacts, events' payloads and users are
not listed, so they cannot appear.

Two further rules hold for everything here:

* a project's figures are public only once the programme team has published them
  (``Project.figures_published``); before that the project is not in the public record at all;
* a company whose trajectory ended in "geen potentieel" is not named (the phase's own rule: "het
  feit, zonder bedrijfsnaam", q 33): not in the companies, its projects and documents are left out,
  and it is only counted (:func:`unnamed_no_potential`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from maatwerk.engine import workflow
from maatwerk.finance.models import Project
from maatwerk.trajectories.models import Confidentiality, Document, Trajectory
from maatwerk.trajectories.services import state_as_of

COMPANY_FIELDS = ("name", "slug", "sector", "subsector", "sites", "provinces", "extension_reason", "source")
PROJECT_FIELDS = (
    "name", "description", "techniques", "target_year", "baseline_period", "co2_reduction_t", "additional_reduction_public_t",
    "acceleration_years", "nox_reduction_t", "nh3_reduction_t", "zzs", "water_m3", "gas_m3", "other_living_environment",
    "investment_eur", "support_max_eur", "public_source", "figures_published_on",
)
DOCUMENT_FIELDS = ("title", "doc_type", "document_date", "published_on", "public_url", "source")

def vocabularies() -> dict[tuple[str, str], list[tuple[str, str]]]:
    """The codes a field of the open data can hold, with their Dutch meaning (for the dictionary)."""
    from maatwerk.engine import workflow
    from maatwerk.finance.models import Technique
    from maatwerk.registry.models import Sector
    from maatwerk.trajectories.models import DocumentType

    return {
        ("company", "sector"): list(Sector.choices),
        ("company", "phase"): [(p.code, p.label) for p in workflow.PHASES],
        ("project", "techniques"): list(Technique.choices),
        ("document", "doc_type"): list(DocumentType.choices),
    }


DICTIONARY = {
    "company": {
        "name": "Naam van het bedrijf zoals het programma het groepeert",
        "slug": "Korte sleutel voor URL's",
        "sector": "Sector, als code (zie de waarden)",
        "subsector": "Soort bedrijf (bijv. staal, chemie)",
        "sites": "Locaties",
        "provinces": "Provincies",
        "extension_reason": "Reden van toelating buiten de top-20 (leeg voor de top-20)",
        "source": "Publieke bron van de bedrijfsgegevens",
        "phase": "Laatste openbare fase van het traject (code)",
        "phase_label": "Idem, in het Nederlands",
        "phase_since": "Datum waarop die fase begon (leeg als niet openbaar)",
    },
    "project": {
        "company": "Bedrijf",
        "name": "Naam van het project",
        "description": "Omschrijving",
        "techniques": "Technieken, als lijst van codes (zie de waarden)",
        "target_year": "Doeljaar van de afspraak",
        "baseline_period": "Referentieperiode",
        "co2_reduction_t": "CO2-reductie in het doeljaar, ton per jaar",
        "additional_reduction_public_t": "Additionele reductie volgens de afspraak, ton per jaar",
        "acceleration_years": "Versnelling in jaren",
        "nox_reduction_t": "NOx-reductie, ton per jaar",
        "nh3_reduction_t": "NH3-reductie, ton per jaar",
        "zzs": "Zeer zorgwekkende stoffen",
        "water_m3": "Minder zoetwater, m3 per jaar",
        "gas_m3": "Minder aardgas, m3 per jaar",
        "other_living_environment": "Overige leefomgeving",
        "investment_eur": "Investering, euro",
        "support_max_eur": "Maximale steun van de Staat, euro",
        "public_source": "Publieke bron van de cijfers",
        "figures_published_on": "Datum waarop de cijfers openbaar werden (leeg als de dag niet bekend is)",
    },
    "document": {
        "company": "Bedrijf",
        "title": "Titel",
        "doc_type": "Soort document, als code (zie de waarden)",
        "document_date": "Datum van het document",
        "published_on": "Datum van publicatie",
        "public_url": "Vindplaats",
        "source": "Bron",
    },
}


@dataclass(frozen=True)
class PublicPhase:
    code: str
    label: str
    since: dt.date | None


def public_phase(trajectory: Trajectory, as_of: dt.date | None = None) -> PublicPhase:
    """The last phase whose product is public (a concept JLoI at the AMVI is not: it shows as the EoP)."""
    state = state_as_of(trajectory, as_of)
    for entry in reversed(state.history):
        phase = workflow.PHASE_BY_CODE[entry.phase]
        if phase.public or (entry.phase == workflow.EXPLORATION and entry.since is not None):
            return PublicPhase(phase.code, phase.label, entry.since)
    return PublicPhase("exploration", "In gesprek (verkenning)", None)


def _unnamed(phase: PublicPhase) -> bool:
    """A company in this public phase is not named in public (only counted)."""
    return phase.code == workflow.NO_POTENTIAL


def unnamed_trajectory_ids(as_of: dt.date | None = None) -> set[int]:
    """Trajectories whose company may not be named in public (ended in "geen potentieel")."""
    return {t.pk for t in Trajectory.objects.prefetch_related("events") if _unnamed(public_phase(t, as_of))}


def unnamed_no_potential(as_of: dt.date | None = None) -> int:
    """How many trajectories ended in "geen potentieel" (the fact, without names)."""
    return len(unnamed_trajectory_ids(as_of))


def companies(as_of: dt.date | None = None) -> list[dict]:
    rows = []
    for t in Trajectory.objects.select_related("company").order_by("company__name"):
        phase = public_phase(t, as_of)
        if _unnamed(phase):
            continue
        rows.append(
            {**{f: getattr(t.company, f) for f in COMPANY_FIELDS}, "phase": phase.code, "phase_label": phase.label, "phase_since": phase.since}
        )
    return rows


def company(slug: str, as_of: dt.date | None = None) -> dict | None:
    return next((c for c in companies(as_of) if c["slug"] == slug), None)


def published_projects(as_of: dt.date | None = None):
    """Projects whose figures the programme team published, of companies that may be named."""
    qs = Project.objects.filter(figures_published=True).exclude(trajectory__in=unnamed_trajectory_ids(as_of))
    if as_of is not None:  # as the record stood then: figures published later were not public yet
        qs = qs.exclude(figures_published_on__gt=as_of)
    return qs.select_related("trajectory__company")


def projects(company_slug: str | None = None, as_of: dt.date | None = None) -> list[dict]:
    qs = published_projects(as_of).order_by("trajectory__company__name", "name")
    if company_slug:
        qs = qs.filter(trajectory__company__slug=company_slug)
    return [{"company": p.trajectory.company.name, "company_slug": p.trajectory.company.slug, **{f: getattr(p, f) for f in PROJECT_FIELDS}} for p in qs]


def published_documents():
    return (
        Document.objects.filter(published=True, confidentiality=Confidentiality.PUBLIC)
        .exclude(trajectory__in=unnamed_trajectory_ids())
        .select_related("trajectory__company")
    )


def documents(company_slug: str | None = None, doc_type: str | None = None) -> list[dict]:
    qs = published_documents().order_by("-document_date", "title")
    if company_slug:
        qs = qs.filter(trajectory__company__slug=company_slug)
    if doc_type:
        qs = qs.filter(doc_type=doc_type)
    return [
        {"company": d.trajectory.company.name, "company_slug": d.trajectory.company.slug, **{f: getattr(d, f) for f in DOCUMENT_FIELDS}, "id": d.pk, "has_file": bool(d.file)}
        for d in qs
    ]


# --- the State's money per company and budget (the budget stages, issue 13 §7) ---------------------------

SUPPORT_FIELDS = ("company", "company_slug", "reserved_eur", "committed_eur", "disbursed_eur", "claimed_eur", "stage", "sources")


def support_by_company(as_of: dt.date | None = None) -> list[dict]:
    """Per company that may be named: its reserved, committed and disbursed support on ``as_of`` (None:
    today), counted once (:mod:`maatwerk.programme.selectors`), from published public documents only
    (an entry with an internal source changes nothing here). Sources are those documents' titles."""
    from maatwerk.programme import selectors

    day = as_of or timezone.localdate()
    rows = selectors.support_by_company(day, audience="public", exclude_trajectories=unnamed_trajectory_ids(day))
    return [{**{f: r[f] for f in SUPPORT_FIELDS if f in r}, "company": r["company"].name, "company_slug": r["company"].slug} for r in rows]


def budget_use(as_of: dt.date | None = None) -> list[dict]:
    """Per budget: the public reserved, committed and disbursed money of the projects that draw from it
    (each project once, see :func:`maatwerk.programme.selectors.budget_stages`), without project names."""
    from maatwerk.programme import selectors

    day = as_of or timezone.localdate()
    stages = selectors.budget_stages(day, audience="public", exclude_trajectories=unnamed_trajectory_ids(day))
    keys = ("budget", "reference", "reserved_eur", "committed_eur", "disbursed_eur", "claimed_eur", "free_eur", "share")
    return [{k: row[k] for k in keys} for row in stages.rows]
