"""Demo data of finance: illustrative price decks, and the illustrative business cases of the demo's projects.

The projects and their public figures come from the case files (:mod:`maatwerk.casefiles.demo_data`),
which load the business cases here (:func:`load_business_cases`) once their projects exist.
"""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
from django.db import transaction

from maatwerk.engine import finance

from . import projects as project_services
from .decks import import_deck
from .models import BusinessCase, PriceDeck, Project
from .services import evaluate

DEMO = resources.files("maatwerk.finance") / "demo"
DECKS = {
    "illustrative-public-2025.csv": (
        "Publiek-illustratief 2025",
        "Illustratieve prijzen uit publieke bronnen (zie de bronkolom en docs/price-sources.md); niet de AFRY-prijzen van de besluiten.",
    ),
}


def _calibrate(project: Project, bc: BusinessCase) -> None:
    """Choose the other income so the funding gap on the central prices equals the public maximum support."""
    ev = evaluate(project)
    if ev.npv_eur is None or project.support_max_eur is None:
        return
    build = len(bc.capex_schedule)
    per_euro = finance.npv(bc.hurdle_rate, np.concatenate([np.zeros(build), np.ones(bc.lifetime_years)]))
    bc.other_income_eur_per_year = round(float((-project.support_max_eur - ev.npv_eur[0]) / per_euro), 0)
    bc.save(update_fields=["other_income_eur_per_year"])


def load() -> str:
    with transaction.atomic():
        for file_name, (name, description) in DECKS.items():
            path = DEMO / file_name
            if path.is_file():
                import_deck(path.read_bytes(), file_name, name, description, illustrative=True, user="load_demo")
    return f"prijzensets: {PriceDeck.objects.count()}"


def load_business_cases(actor) -> str:
    """The evaluation inputs and illustrative business cases of the demo's projects (by company and
    project name), through the project services; a project that already has one is left alone."""
    data = json.loads((DEMO / "business_cases.json").read_text(encoding="utf-8"))
    created = 0
    with transaction.atomic():
        for spec in data["projects"]:
            project = Project.objects.filter(trajectory__company__name=spec["company"], name=spec["project"]).first()
            if project is None:
                continue
            if spec.get("inputs"):
                project = project_services.set_evaluation_inputs(project, spec["inputs"], actor=actor)
            bc_spec = dict(spec.get("business_case") or {})
            if not bc_spec or BusinessCase.objects.filter(project=project).exists():
                continue
            calibrate = bc_spec.pop("calibrate_to_support", False)
            bc = project_services.create_business_case(project, {**bc_spec, "illustrative": True}, actor=actor)
            created += 1
            if calibrate and PriceDeck.objects.exists():
                _calibrate(project, bc)
    return f"businesscases: {created} nieuw, {BusinessCase.objects.count()} in totaal"
