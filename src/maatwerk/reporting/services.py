"""The half-yearly progress letter and the parliamentary overviews, from the public record only.

Everything here reads companies, projects and their figures through :mod:`maatwerk.portal.public`
(its allow-list, the publication state of the figures, and its rule that a company without potential
is not named); nothing reads a model's fields directly, so a field that is not on the allow-list
cannot reach a letter or an overview."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from maatwerk.core.charts import bar_chart
from maatwerk.engine import ranges, workflow
from maatwerk.finance.models import Technique
from maatwerk.portal import public
from maatwerk.programme import services as programme
from maatwerk.registry.models import Company, EmissionRecord
from maatwerk.registry.selectors import company_installations
from maatwerk.trajectories.models import Trajectory
from maatwerk.trajectories.services import state_as_of


def previous_letter_date(as_of: dt.date) -> dt.date:
    """Letters go every half year: the previous one is six months earlier (same day, clamped to month end)."""
    month, year = as_of.month - 6, as_of.year
    if month <= 0:
        month, year = month + 12, year - 1
    for day in (as_of.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class Change:
    company: str
    date: dt.date | None
    not_after: dt.date | None
    text: str


def _in_window(entry: workflow.PhaseEntry, since: dt.date, as_of: dt.date) -> bool:
    day = entry.since or entry.not_after
    return day is not None and since < day <= as_of


def changes(since: dt.date, as_of: dt.date) -> list[Change]:
    """Public phase changes with a known day in (since, as_of], and undated ones bounded in that window;
    not of companies that may not be named (see :func:`unnamed_changes`)."""
    out = []
    unnamed = public.unnamed_trajectory_ids(as_of)
    for t in Trajectory.objects.select_related("company").exclude(pk__in=unnamed):
        for entry in state_as_of(t, as_of).history[1:]:
            phase = workflow.PHASE_BY_CODE[entry.phase]
            if not (phase.public or entry.phase == workflow.EXPLORATION):
                continue
            if _in_window(entry, since, as_of):
                out.append(Change(t.company.name, entry.since, entry.not_after if entry.since is None else None, phase.label))
    return sorted(out, key=lambda c: (c.date or c.not_after, c.company))


def unnamed_changes(since: dt.date, as_of: dt.date) -> int:
    """How many trajectories ended without potential in the window: the fact, without names or days."""
    unnamed = public.unnamed_trajectory_ids(as_of)
    return sum(
        1
        for t in Trajectory.objects.filter(pk__in=unnamed)
        for entry in state_as_of(t, as_of).history[1:]
        if entry.phase == workflow.NO_POTENTIAL and _in_window(entry, since, as_of)
    )


# the letter's figures: its name → (the field of the public allow-list, the register's unit)
PUBLIC_FIGURES = {
    "co2_reduction_t": ("co2_reduction_t", "t CO2/jr"), "additional_t": ("additional_reduction_public_t", "t CO2/jr"),
    "nox_reduction_t": ("nox_reduction_t", "t NOx/jr"), "nh3_reduction_t": ("nh3_reduction_t", "t NH3/jr"),
    "water_m3": ("water_m3", "m3/jr"), "gas_m3": ("gas_m3", "m3/jr"), "support_max_eur": ("support_max_eur", "EUR"),
}


def public_totals(as_of: dt.date | None = None, known_at: dt.datetime | None = None) -> dict[str, dict]:
    """Per category of the public phase: the published figures of its projects added up as values of
    the register (:func:`maatwerk.engine.ranges.total`: a sum of ranges is a range, "ten minste"
    survives), None when no project of it has the figure; ``unknown`` counts the projects without it
    (unknown is not 0). ``text`` is each total in Dutch ("onbekend" when none is known)."""
    from maatwerk.core.templatetags.maatwerk import figure as figure_text

    companies = {c["slug"]: c for c in public.companies(as_of)}
    rows = [
        (programme.CATEGORY_OF.get(companies[p["company_slug"]]["phase"]), p, companies[p["company_slug"]])
        for p in public.projects(as_of=as_of, known_at=known_at)
        if p["company_slug"] in companies
    ]
    out: dict[str, Any] = {}
    for code, label, _ in programme.CATEGORIES:
        members = [p for category, p, _ in rows if category == code]
        sums = {f: ranges.total(p["values"][source] for p in members if p["values"][source] is not None) for f, (source, _) in PUBLIC_FIGURES.items()}
        out[code] = {
            "label": label,
            "projects": members,
            "sums": sums,
            "text": {f: figure_text(sums[f], unit) if members else "–" for f, (_, unit) in PUBLIC_FIGURES.items()},
            "unknown": {f: sum(1 for p in members if p["values"][source] is None) for f, (source, _) in PUBLIC_FIGURES.items()},
        }
    out["_rows"] = rows
    return out


def public_budget_use(totals: dict | None = None, as_of: dt.date | None = None) -> list[dict]:
    """Per budget the published reserved, committed and disbursed support on ``as_of``, each project
    counted once (read from the budget stages through :func:`maatwerk.portal.public.budget_use`; a
    JLoI's maximum is reserved, not committed). ``totals`` is no longer used (kept for callers)."""
    return public.budget_use(as_of)


def letter_context(as_of: dt.date, since: dt.date | None = None) -> dict:
    since = since or previous_letter_date(as_of)
    companies = public.companies(as_of)
    projects: dict[str, list[dict]] = {}
    for p in public.projects(as_of=as_of):
        projects.setdefault(p["company_slug"], []).append(p)
    totals = public_totals(as_of)
    categories = [(code, totals[code]) for code, _, _ in programme.CATEGORIES]
    budget = public_budget_use(totals, as_of)
    unnamed = public.unnamed_no_potential(as_of)
    return {
        "as_of": as_of,
        "since": since,
        # a company that withdrew has no agreement: its earlier ambition is not shown as a reduction
        "companies": [{**c, "projects": [] if c["phase"] == workflow.WITHDRAWN else projects.get(c["slug"], [])} for c in companies],
        "changes": changes(since, as_of),
        "categories": categories,
        "goal_mton": programme.GOAL_MTON,
        "additional_agreed": ranges.total(c["sums"]["additional_t"] for code, c in categories if code in programme.COMMITTED and c["sums"]["additional_t"]),
        "additional_unknown": sum(c["unknown"]["additional_t"] for code, c in categories if code in programme.COMMITTED),
        "budget": budget,
        "phase_counts": [
            (p.label, unnamed if p.code == workflow.NO_POTENTIAL else sum(1 for c in companies if c["phase"] == p.code)) for p in workflow.PHASES
        ],
        "unnamed_changes": unnamed_changes(since, as_of),
        "reduction_chart": bar_chart(
            [c["label"] for _, c in categories],
            [(c["sums"]["co2_reduction_t"].lower if c["sums"]["co2_reduction_t"] else 0.0) / 1000 for _, c in categories],
            title="CO2-reductie per fase (kton per jaar, ondergrens)",
            description="Som van de publieke CO2-reductie in het doeljaar per fase van het traject; van een bandbreedte de ondergrens.",
            unit="kton CO2 per jaar",
        ),
    }


def render_pdf(html: str, base_url: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()


# --- parliamentary overviews --------------------------------------------------------------------


def _programme_companies(as_of: dt.date | None = None) -> list[Company]:
    """The companies the public record names on ``as_of`` (not those without potential)."""
    slugs = [c["slug"] for c in public.companies(as_of)]
    return list(Company.objects.filter(slug__in=slugs).order_by("name"))


def overview_emissions(as_of: dt.date | None = None, first_year: int = 2013, last_year: int | None = None) -> tuple[list[str], list[list]]:
    """CO2 emissions per company by year (EU ETS verified emissions; empty where none), of the
    companies the public record names on ``as_of``."""
    years = sorted({y for y in EmissionRecord.objects.order_by("year").values_list("year", flat=True).distinct() if y >= first_year and (last_year is None or y <= last_year)})
    header = ["bedrijf", *map(str, years)]
    rows = []
    for company in _programme_companies(as_of):
        per_year: dict[int, int] = {}
        for year, value in EmissionRecord.objects.filter(installation__in=company_installations(company), verified_emissions_t__isnull=False).values_list("year", "verified_emissions_t"):
            per_year[year] = per_year.get(year, 0) + (value or 0)  # never None: filtered above
        rows.append([company.name, *(per_year.get(y) for y in years)])
    return header, rows


def _per_project(fields: list[tuple[str, str]], as_of: dt.date | None = None) -> tuple[list[str], list[list]]:
    """One row per project of the public record on ``as_of`` (today when None); a figure of the register gives three columns: its low and high end
    as numbers (empty where the source gives none) and the figure as the source says it."""
    header = ["bedrijf", "project"]
    for f, label in fields:
        header += [f"{label} ondergrens", f"{label} bovengrens", f"{label} volgens de bron"] if f in public.FIGURE_FIELDS else [label]
    rows = []
    for p in public.projects(as_of=as_of):
        row = [p["company"], p["name"]]
        for f, _ in fields:
            row += [p[f"{f}_low"], p[f"{f}_high"], p[f"{f}_text"]] if f in public.FIGURE_FIELDS else [p[f]]
        rows.append(row)
    return header, rows


def overview_nox(as_of: dt.date | None = None) -> tuple[list[str], list[list]]:
    """The agreed NOx reduction per project (as before), and per company and year the NOx and NH3 it emitted
    to air according to the EEA's industrial reporting (tonnes; 'vertrouwelijk' where the EEA withholds it).

    One table in long form: a project row leaves the emission columns empty, an emission row (one per
    company and year) leaves the project columns empty, so summing a column counts nothing twice."""
    from maatwerk.registry.pollutants import releases_by_company

    header, project_rows = _per_project([("nox_reduction_t", "NOx-reductie (t/jr)"), ("target_year", "doeljaar")], as_of)
    header = [*header, "emissiejaar", "NOx-emissie naar lucht (t)", "NH3-emissie naar lucht (t)", "bron emissie"]
    by_company: dict[str, list] = {}
    for row in project_rows:
        by_company.setdefault(row[0], []).append([*row, None, None, None, None])
    blank = [None] * (len(header) - 2 - 4)
    companies = _programme_companies(as_of)
    releases = releases_by_company({c.pk for c in companies})
    for company in companies:
        for cy in releases.get(company.pk, []):
            by_company.setdefault(company.name, []).append(
                [company.name, None, *blank, cy.year, cy.cells["NOX"].shown(), cy.cells["NH3"].shown(), cy.source]
            )
    return header, [row for name in sorted(by_company) for row in by_company[name]]


def overview_reductions(as_of: dt.date | None = None) -> tuple[list[str], list[list]]:
    return _per_project(
        [("co2_reduction_t", "CO2-reductie (t/jr)"), ("additional_reduction_public_t", "additioneel (t/jr)"), ("nox_reduction_t", "NOx (t/jr)"),
         ("nh3_reduction_t", "NH3 (t/jr)"), ("water_m3", "zoetwater (m3/jr)"), ("gas_m3", "aardgas (m3/jr)"), ("target_year", "doeljaar")],
        as_of,
    )


def overview_techniques(as_of: dt.date | None = None) -> tuple[list[str], list[list]]:
    labels = dict(Technique.choices)
    header = ["bedrijf", "project", "technieken"]
    return header, [[p["company"], p["name"], ", ".join(str(labels.get(t, t)) for t in p["techniques"])] for p in public.projects(as_of=as_of)]


def overview_dates(as_of: dt.date | None = None) -> tuple[list[str], list[list]]:
    phases = [p for p in workflow.PHASES if p.public or p.code == workflow.EXPLORATION]
    header = ["bedrijf", *(p.label for p in phases)]
    rows = []
    unnamed = public.unnamed_trajectory_ids(as_of)
    for t in Trajectory.objects.select_related("company").exclude(pk__in=unnamed).order_by("company__name"):
        entered = {}
        for e in state_as_of(t, as_of).history[1:]:
            entered[e.phase] = e.since.isoformat() if e.since else (f"uiterlijk {e.not_after.isoformat()}" if e.not_after else "datum onbekend")
        rows.append([t.company.name, *(entered.get(p.code, "") for p in phases)])
    return header, rows


def overview_support(as_of: dt.date | None = None) -> tuple[list[str], list[list]]:
    return _per_project([("support_max_eur", "maximale steun (EUR)"), ("investment_eur", "investering (EUR)"), ("public_source", "bron")], as_of)


OVERVIEWS = {
    "emissies": ("CO2-emissies per bedrijf per jaar (EU ETS)", overview_emissions),
    "stikstof": ("NOx per bedrijf: afgesproken reductie en uitstoot (EEA)", overview_nox),
    "reducties": ("Afgesproken reducties per bedrijf", overview_reductions),
    "technieken": ("Technieken per bedrijf", overview_techniques),
    "data": ("Data per fase per bedrijf", overview_dates),
    "steun": ("Toegezegde steun per bedrijf", overview_support),
}


def overview_csv(name: str, as_of: dt.date | None = None) -> str:
    import csv

    from maatwerk.core.exports import safe_row

    header, rows = OVERVIEWS[name][1](as_of)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row(header))
    writer.writerows(safe_row("" if v is None else v for v in row) for row in rows)
    return out.getvalue()


def overview_xlsx(name: str, as_of: dt.date | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from maatwerk.core.exports import append_row

    title, build = OVERVIEWS[name]
    header, rows = build(as_of)
    wb = Workbook()
    ws = wb.active
    ws.title = name[:31]
    append_row(ws, header)
    for row in rows:
        append_row(ws, row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


