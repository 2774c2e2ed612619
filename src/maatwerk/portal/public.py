"""The public record, built only from an explicit allow-list of fields and documents.

Everything the public sees (portal pages, the public API, bulk downloads, the progress letter) is
read through this module; a field that is not listed here never leaves the system that way.
Business cases, internal and confidential documents, contacts, events' payloads and users are
not listed, so they cannot appear.

Two further rules hold for everything here:

* a project's figures are read from the register of figures (:mod:`maatwerk.figures`) as of a day:
  only records that were published (four eyes), public, from a public source and valid on that day.
  A project without such a figure is not in the public record at all; a draft, proposed, internal or
  confidential figure changes nothing here, not even a count;
* a company whose trajectory ended in "geen potentieel" is not named (the phase's own rule: "het
  feit, zonder bedrijfsnaam", q 33): not in the companies, its projects and documents are left out,
  and it is only counted (:func:`unnamed_no_potential`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from maatwerk.engine import workflow
from maatwerk.engine.ranges import POINT_QUALIFIERS, Value
from maatwerk.figures.models import Figure
from maatwerk.figures.selectors import current, source_text
from maatwerk.figures.selectors import value as figure_value
from maatwerk.finance.models import Project
from maatwerk.trajectories.models import Confidentiality, Document, Trajectory
from maatwerk.trajectories.services import state_as_of

COMPANY_FIELDS = ("name", "slug", "sector", "subsector", "sites", "provinces", "extension_reason", "source")
# The project's own descriptive fields (its name and what it does); its figures come from the register.
PROJECT_TEXT_FIELDS = ("name", "description", "techniques")
# Each public figure of a project: the field of the open data → the register's quantity. A figure is
# given as ``<field>_low``, ``<field>_high`` and ``<field>_qualifier`` (what the document said: "224–263
# kt" is low 224000, high 263000, range; "ten hoogste € 105 mln" is only high) and as ``<field>_text``.
FIGURE_FIELDS = {
    "co2_reduction_t": "co2_reduction_t_per_year",
    "additional_reduction_public_t": "additional_reduction_t_per_year",
    "reduction_pct": "reduction_pct",
    "nox_reduction_t": "nox_reduction_t_per_year",
    "nh3_reduction_t": "nh3_reduction_t_per_year",
    "water_m3": "water_reduction_m3_per_year",
    "gas_m3": "gas_reduction_m3_per_year",
    "electric_capacity_mw": "electric_capacity_mw",
    "investment_eur": "investment_eur",
    "support_max_eur": "support_max_eur",
}
FIGURE_PARTS = ("low", "high", "qualifier", "text")
PROJECT_FIELDS = (
    *PROJECT_TEXT_FIELDS, "target_year", "baseline_period",
    *(f"{f}_{part}" for f in FIGURE_FIELDS for part in FIGURE_PARTS),
    "public_source", "figures_published_on",
)
DOCUMENT_FIELDS = ("title", "doc_type", "document_date", "published_on", "public_url", "source")

def vocabularies() -> dict[tuple[str, str], list[tuple[str, str]]]:
    """The codes a field of the open data can hold, with their Dutch meaning (for the dictionary)."""
    from maatwerk.engine import workflow
    from maatwerk.figures.models import Qualifier
    from maatwerk.finance.models import Technique
    from maatwerk.registry.models import Sector
    from maatwerk.trajectories.models import DocumentType

    return {
        ("company", "sector"): list(Sector.choices),
        ("company", "phase"): [(p.code, p.label) for p in workflow.PHASES],
        ("project", "techniques"): list(Technique.choices),
        ("document", "doc_type"): list(DocumentType.choices),
        **{("project", f"{field}_qualifier"): list(Qualifier.choices) for field in FIGURE_FIELDS},
    }


PART_MEANING = {
    "low": "ondergrens of waarde (leeg bij 'ten hoogste')",
    "high": "bovengrens (leeg bij 'ten minste', 'meer dan', een precieze waarde of 'ca.')",
    "qualifier": "aanduiding: exact, about (ca.), at_least (ten minste), more_than (meer dan), at_most (ten hoogste) of range",
    "text": "zoals de bron het zegt, in het Nederlands ('onbekend' als het cijfer niet openbaar is)",
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
        "target_year": "Doeljaar van de afspraak (het jaar van de gepubliceerde CO2-reductie)",
        "baseline_period": "Referentieperiode van de CO2-reductie",
        **{
            f"{field}_{part}": f"{meaning}, {PART_MEANING[part]}"
            for field, meaning in (
                ("co2_reduction_t", "CO2-reductie in het doeljaar (ton per jaar)"),
                ("additional_reduction_public_t", "Additionele reductie volgens de afspraak (ton per jaar)"),
                ("reduction_pct", "Reductie (procent)"),
                ("nox_reduction_t", "NOx-reductie (ton per jaar)"),
                ("nh3_reduction_t", "NH3-reductie (ton per jaar)"),
                ("water_m3", "Minder zoetwater (m3 per jaar)"),
                ("gas_m3", "Minder aardgas (m3 per jaar)"),
                ("electric_capacity_mw", "Elektrisch vermogen (MW)"),
                ("investment_eur", "Investering (euro)"),
                ("support_max_eur", "Maximale steun van de Staat (euro)"),
            )
            for part in FIGURE_PARTS
        },
        "public_source": "Publieke bronnen van de cijfers (titel, datum, kenmerk)",
        "figures_published_on": "Laatste datum waarop een van deze cijfers openbaar werd",
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


@dataclass(frozen=True)
class PublicProject:
    """A project as the public record gives it on a day: its own descriptive fields and, per quantity,
    the register's figure that was published and valid then (see :func:`maatwerk.figures.selectors.current`)."""

    project: Project
    figures: dict[str, Figure]  # field of FIGURE_FIELDS → the record that holds

    def value(self, field: str) -> Value | None:
        figure = self.figures.get(field)
        return None if figure is None else figure_value(figure)


def public_figures(as_of: dt.date | None = None, known_at: dt.datetime | None = None, company_slug: str | None = None) -> list[PublicProject]:
    """The projects with at least one figure in the public record on ``as_of`` (None: today), of
    companies that may be named, each with the figures that held then (``known_at``: as the system
    knew it at that moment, for a letter regenerated later). A draft, proposed, internal or
    confidential figure, or one whose source is not public, is not read at all."""
    day = as_of or timezone.localdate()
    companies = Trajectory.objects.exclude(pk__in=unnamed_trajectory_ids(day)).values_list("company_id", flat=True)
    if company_slug:
        companies = companies.filter(company__slug=company_slug)
    field_of = {q: f for f, q in FIGURE_FIELDS.items()}
    quantities = [*FIGURE_FIELDS.values(), "target_year", "base_year"]
    held = current(as_of=day, audience="public", known_at=known_at, companies=list(companies), quantities=quantities)
    by_project: dict[int, dict[str, Figure]] = {}
    for (_company, project_id, quantity), figure in held.items():
        if project_id is None:
            continue  # a figure of the company as a whole is shown on its page, not as a project
        by_project.setdefault(project_id, {})[field_of.get(quantity, quantity)] = figure
    found = Project.objects.filter(pk__in=list(by_project)).select_related("trajectory__company")
    ordered = sorted(found, key=lambda p: (p.trajectory.company.name, p.name, p.pk))
    return [PublicProject(p, by_project[p.pk]) for p in ordered]


def _project_row(item: PublicProject) -> dict:
    from maatwerk.core.templatetags.maatwerk import figure as figure_text

    p, figures = item.project, item.figures
    row: dict = {"company": p.trajectory.company.name, "company_slug": p.trajectory.company.slug, **{f: getattr(p, f) for f in PROJECT_TEXT_FIELDS}}
    reduction = figures.get("co2_reduction_t")
    target = figures.get("target_year")
    row["target_year"] = int(target.low) if target is not None and target.low is not None else (reduction.year if reduction is not None else None)
    row["baseline_period"] = reduction.base_period if reduction is not None else ""
    for field in FIGURE_FIELDS:
        value = item.value(field)
        row[f"{field}_low"] = None if value is None else value.low
        row[f"{field}_high"] = None if value is None else (value.high if value.qualifier not in POINT_QUALIFIERS else None)
        row[f"{field}_qualifier"] = "" if value is None else value.qualifier
        row[f"{field}_text"] = figure_text(figures.get(field))
    shown = sorted(figures.values(), key=lambda f: (f.valid_from, f.pk))
    sources = {f.source_id: f.source for f in shown}
    row["public_source"] = "; ".join(source_text(d) for d in sources.values())
    row["figures_published_on"] = max((f.published_on for f in shown if f.published_on), default=None)
    row["values"] = {field: item.value(field) for field in FIGURE_FIELDS}  # for totals and pages, not for the open data
    return row


def projects(company_slug: str | None = None, as_of: dt.date | None = None, known_at: dt.datetime | None = None) -> list[dict]:
    """The public record's projects on ``as_of`` as rows of :data:`PROJECT_FIELDS` (plus ``company``,
    ``company_slug`` and ``values``: each figure as an :class:`maatwerk.engine.ranges.Value`)."""
    return [_project_row(item) for item in public_figures(as_of, known_at, company_slug)]


def projects_by_id(as_of: dt.date | None = None) -> list[tuple[int, dict]]:
    """:func:`projects` with each project's key, for joining other public data (its budget stages) to it;
    the key itself is not part of the public record's fields."""
    return [(item.project.pk, _project_row(item)) for item in public_figures(as_of)]


def open_projects(as_of: dt.date | None = None) -> list[dict]:
    """The projects dataset of the open data: plain values only."""
    return [{k: v for k, v in row.items() if k != "values"} for row in projects(as_of=as_of)]


def published_documents():
    return (
        Document.objects.filter(published=True, confidentiality=Confidentiality.PUBLIC)
        .exclude(trajectory__in=unnamed_trajectory_ids())
        .select_related("trajectory__company")
    )


def documents(company_slug: str | None = None, doc_type: str | None = None, as_of: dt.date | None = None) -> list[dict]:
    """The published public documents; with ``as_of`` only those published by then."""
    qs = published_documents().order_by("-document_date", "title")
    if as_of is not None:
        qs = qs.exclude(published_on__gt=as_of)
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


def support_by_project(as_of: dt.date | None = None) -> dict[int, dict]:
    """Per project (of a company that may be named): its reserved, committed and disbursed support on
    ``as_of`` and its furthest stage, from published public documents only."""
    from maatwerk.programme import selectors

    day = as_of or timezone.localdate()
    rows = selectors.project_support(day, audience="public", exclude_trajectories=unnamed_trajectory_ids(day))
    return {
        s.project.pk: {"reserved_eur": s.counted.reserved_eur, "committed_eur": s.counted.committed_eur,
                       "disbursed_eur": s.counted.disbursed_eur, "stage": str(s.stage)}
        for s in rows
    }
