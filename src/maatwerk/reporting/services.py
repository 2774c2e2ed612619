"""The half-yearly progress letter and the parliamentary overviews, from the public record only."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from maatwerk.core.charts import bar_chart
from maatwerk.engine import workflow
from maatwerk.finance.models import Technique
from maatwerk.portal import public
from maatwerk.programme import services as programme
from maatwerk.registry.models import EmissionRecord
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


def changes(since: dt.date, as_of: dt.date) -> list[Change]:
    """Public phase changes with a known day in (since, as_of], and undated ones bounded in that window."""
    out = []
    for t in Trajectory.objects.select_related("company"):
        for entry in state_as_of(t, as_of).history[1:]:
            phase = workflow.PHASE_BY_CODE[entry.phase]
            if not (phase.public or entry.phase == workflow.EXPLORATION):
                continue
            day = entry.since or entry.not_after
            if day is not None and since < day <= as_of:
                out.append(Change(t.company.name, entry.since, entry.not_after if entry.since is None else None, phase.label))
    return sorted(out, key=lambda c: (c.date or c.not_after, c.company))


def letter_context(as_of: dt.date, since: dt.date | None = None) -> dict:
    since = since or previous_letter_date(as_of)
    companies = public.companies(as_of)
    projects = {p["company_slug"]: p for p in public.projects()}
    totals = programme.totals(as_of)
    categories = [(code, totals.by_category[code]) for code, _, _ in programme.CATEGORIES]
    budget = programme.budget_use(totals)
    return {
        "as_of": as_of,
        "since": since,
        "companies": [{**c, "project": projects.get(c["slug"])} for c in companies],
        "changes": changes(since, as_of),
        "categories": categories,
        "goal_mton": programme.GOAL_MTON,
        "additional_agreed_t": sum(c["sums"]["additional_t"] for code, c in categories if code in programme.COMMITTED),
        "additional_unknown": sum(c["unknown"]["additional_t"] for code, c in categories if code in programme.COMMITTED),
        "budget": budget,
        "phase_counts": [(p.label, sum(1 for c in companies if c["phase"] == p.code)) for p in workflow.PHASES],
        "reduction_chart": bar_chart(
            [c["label"] for _, c in categories],
            [c["sums"]["co2_reduction_t"] / 1000 for _, c in categories],
            title="CO2-reductie per fase (kton per jaar)",
            description="Som van de publieke CO2-reductie in het doeljaar per fase van het traject.",
            unit="kton CO2 per jaar",
        ),
    }


def render_pdf(html: str, base_url: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()


# --- parliamentary overviews --------------------------------------------------------------------


def _programme_companies():
    return [t.company for t in Trajectory.objects.select_related("company").order_by("company__name")]


def overview_emissions(first_year: int = 2013, last_year: int | None = None) -> tuple[list[str], list[list]]:
    """CO2 emissions per company by year (EU ETS verified emissions; empty where none)."""
    years = sorted({y for y in EmissionRecord.objects.order_by("year").values_list("year", flat=True).distinct() if y >= first_year and (last_year is None or y <= last_year)})
    header = ["bedrijf", *map(str, years)]
    rows = []
    for company in _programme_companies():
        per_year = {}
        for year, value in EmissionRecord.objects.filter(installation__in=company_installations(company), verified_emissions_t__isnull=False).values_list("year", "verified_emissions_t"):
            per_year[year] = per_year.get(year, 0) + value
        rows.append([company.name, *(per_year.get(y) for y in years)])
    return header, rows


def _per_project(fields: list[tuple[str, str]]):
    header = ["bedrijf", "project", *(label for _, label in fields)]
    rows = [[p["company"], p["name"], *(p[f] for f, _ in fields)] for p in public.projects()]
    return header, rows


def overview_nox():
    return _per_project([("nox_reduction_t", "NOx-reductie (t/jr)"), ("target_year", "doeljaar")])


def overview_reductions():
    return _per_project(
        [("co2_reduction_t", "CO2-reductie (t/jr)"), ("additional_reduction_public_t", "additioneel (t/jr)"), ("nox_reduction_t", "NOx (t/jr)"),
         ("nh3_reduction_t", "NH3 (t/jr)"), ("water_m3", "zoetwater (m3/jr)"), ("gas_m3", "aardgas (m3/jr)"), ("target_year", "doeljaar")]
    )


def overview_techniques():
    labels = dict(Technique.choices)
    header = ["bedrijf", "project", "technieken"]
    return header, [[p["company"], p["name"], ", ".join(str(labels.get(t, t)) for t in p["techniques"])] for p in public.projects()]


def overview_dates():
    phases = [p for p in workflow.PHASES if p.public or p.code == workflow.EXPLORATION]
    header = ["bedrijf", *(p.label for p in phases)]
    rows = []
    for t in Trajectory.objects.select_related("company").order_by("company__name"):
        entered = {}
        for e in state_as_of(t).history[1:]:
            entered[e.phase] = e.since.isoformat() if e.since else (f"uiterlijk {e.not_after.isoformat()}" if e.not_after else "datum onbekend")
        rows.append([t.company.name, *(entered.get(p.code, "") for p in phases)])
    return header, rows


def overview_support():
    return _per_project([("support_max_eur", "maximale steun (EUR)"), ("investment_eur", "investering (EUR)"), ("public_source", "bron")])


OVERVIEWS = {
    "emissies": ("CO2-emissies per bedrijf per jaar (EU ETS)", overview_emissions),
    "stikstof": ("NOx per bedrijf", overview_nox),
    "reducties": ("Afgesproken reducties per bedrijf", overview_reductions),
    "technieken": ("Technieken per bedrijf", overview_techniques),
    "data": ("Data per fase per bedrijf", overview_dates),
    "steun": ("Toegezegde steun per bedrijf", overview_support),
}


def overview_csv(name: str) -> str:
    import csv

    from maatwerk.core.exports import safe_row

    header, rows = OVERVIEWS[name][1]()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row(header))
    writer.writerows(safe_row("" if v is None else v for v in row) for row in rows)
    return out.getvalue()


def overview_xlsx(name: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from maatwerk.core.exports import append_row

    title, build = OVERVIEWS[name]
    header, rows = build()
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


