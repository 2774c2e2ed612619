"""The budget stages, milestone precisions and expected phases of the public cases (DOMAIN.md §4, §6;
seed 000), recorded through the programme's services, the way the demo should record them.

The tests use this until the demo is loaded from case files; the demo helper can call the same
services (see the report of the ``budget`` branch). Only public facts: no disbursement is public, so
none is recorded; where DOMAIN.md gives no amount (Nobian's JLoI, Alco Energy's JLoI) nothing is.
"""

import datetime as dt

from maatwerk.finance.models import Project
from maatwerk.programme import services
from maatwerk.programme.models import Milestone, MilestoneKind
from maatwerk.trajectories.models import Document

D = dt.date

#: (company, stage, amount_eur, valid_from, precision, title of the demo's source document or None, source text)
STAGES = [
    ("Nobian", "committed", 185e6, D(2024, 12, 19), "day", "Bindende maatwerkafspraak Nobian",
     "Bindende maatwerkafspraak 19 december 2024: steun ten hoogste EUR 185 mln"),
    ("Royal Cosun", "reserved", 105e6, D(2025, 6, 23), "day", "Joint Letter of Intent Royal Cosun",
     "JLoI 23 juni 2025: ten hoogste EUR 105 mln"),
    ("Royal Cosun", "committed", 73e6, D(2025, 12, 18), "day", "Bindende maatwerkafspraak Royal Cosun",
     "Bindende maatwerkafspraak 18 december 2025: ten hoogste EUR 73 mln"),
    ("AnQore", "reserved", 46e6, D(2025, 7, 8), "day", "Joint Letter of Intent AnQore",
     "JLoI 8 juli 2025 (Kamerbrief juli 2025): onrendabele top maximaal EUR 46 mln"),
    ("Tata Steel Nederland", "reserved", 2e9, D(2025, 9, 29), "day", "Joint Letter of Intent Tata Steel Nederland",
     "JLoI 29 september 2025 (Kamerstuk 29 826 nr. 266): Staat ten hoogste EUR 2 mld"),
    ("Yara Sluiskil", "committed", 30e6, D(2023, 11, 1), "month", None,
     "Eenmalige maatwerksubsidie EUR 30 mln, november 2023 (CCS)"),
]

#: (company, phase, expected, precision, stated_on, title of the source document or None, source text, note)
EXPECTATIONS = [
    ("AnQore", "binding_agreement", D(2025, 9, 1), "month", D(2025, 7, 31), None,
     "Kamerbrief JLoI AnQore, juli 2025: uitwerken tot een bindende maatwerkafspraak in september 2025",
     "De brief noemt geen dag; gemeld op de laatste dag van juli 2025."),
    ("Tata Steel Nederland", "binding_agreement", D(2026, 1, 1), "year", D(2025, 9, 29), "Joint Letter of Intent Tata Steel Nederland",
     "JLoI 29 september 2025 (Kamerstuk 29 826 nr. 266): bindende afspraak verwacht in 2026", ""),
]

#: the demo's milestones that are known to a year only (programme/demo/budgets_milestones.json says "jaar, geen dag")
YEAR_ONLY_MILESTONES = ["AnQore", "Nobian", "Royal Cosun", "Tata Steel Nederland", "Yara Sluiskil"]


def _project(company: str) -> Project:
    return Project.objects.filter(trajectory__company__name=company).order_by("pk").first()


def _document(project: Project, title: str | None):
    return Document.objects.filter(trajectory=project.trajectory, title=title).first() if title else None


def record(actor=None) -> None:
    for company, stage, amount, valid_from, precision, title, source in STAGES:
        project = _project(company)
        services.record_budget_entry(
            project=project, stage=stage, amount_eur=amount, valid_from=valid_from, valid_from_precision=precision,
            document=_document(project, title), source=source, case_key=f"demo-{stage}", actor=actor,
        )
    for company, phase, expected, precision, stated_on, title, source, note in EXPECTATIONS:
        project = _project(company)
        services.record_expectation(
            trajectory=project.trajectory, phase=phase, expected=expected, precision=precision, stated_on=stated_on,
            document=_document(project, title), source=source, note=note, case_key=f"demo-{phase}", actor=actor,
        )
    for company in YEAR_ONLY_MILESTONES:
        m = Milestone.objects.get(project=_project(company), kind=MilestoneKind.FIRST_YEAR)
        m.planned, m.planned_precision = D(m.planned.year, 1, 1), "year"
        m.save()
