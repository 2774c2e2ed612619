"""Demo data of the projects: public figures of the cases, illustrative business cases, illustrative price decks."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

import numpy as np
from django.db import transaction

from maatwerk.engine import finance
from maatwerk.registry.models import Company

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
PROJECT_FIELDS = (
    "description", "techniques", "levy_regime", "baseline_period", "baseline_emissions_t", "target_year", "co2_reduction_t",
    "dispensation_rights_t", "additional_reduction_public_t", "acceleration_years", "nox_reduction_t", "nh3_reduction_t", "zzs",
    "water_m3", "gas_m3", "investment_eur", "support_max_eur", "generic_instruments_checked", "financial_securities", "public_source",
    "figures_published",
)


def _calibrate(project: Project, bc: BusinessCase) -> None:
    """Choose the other income so the funding gap on the central prices equals the public maximum support."""
    bc.other_income_eur_per_year = 0.0
    bc.save()
    ev = evaluate(project)
    if ev.npv_eur is None or project.support_max_eur is None:
        return
    build = len(bc.capex_schedule)
    per_euro = finance.npv(bc.hurdle_rate, np.concatenate([np.zeros(build), np.ones(bc.lifetime_years)]))
    bc.other_income_eur_per_year = round(float((-project.support_max_eur - ev.npv_eur[0]) / per_euro), 0)
    bc.save()


def load() -> str:
    with transaction.atomic():
        for file_name, (name, description) in DECKS.items():
            path = DEMO / file_name
            if path.is_file():
                import_deck(path.read_bytes(), file_name, name, description, illustrative=True, user="load_demo")
        data = json.loads((DEMO / "projects.json").read_text(encoding="utf-8"))
        created = 0
        for spec in data["projects"]:
            company = Company.objects.get(name=spec["company"])
            trajectory = company.trajectory
            defaults = {f: spec[f] for f in PROJECT_FIELDS if f in spec}
            if spec.get("figures_published_on"):  # the day of the public source (the figures were public from then)
                defaults["figures_published_on"] = dt.date.fromisoformat(spec["figures_published_on"])
            project, was_created = Project.objects.get_or_create(trajectory=trajectory, name=spec["name"], defaults=defaults)
            if not was_created:
                continue
            created += 1
            bc_spec = spec.get("business_case")
            if bc_spec:
                calibrate = bc_spec.pop("calibrate_to_support", False)
                bc = BusinessCase.objects.create(project=project, illustrative=True, **bc_spec)
                if calibrate and PriceDeck.objects.exists():
                    _calibrate(project, bc)
    return f"projecten: {created} nieuw, {Project.objects.count()} in totaal; prijzensets: {PriceDeck.objects.count()}"
