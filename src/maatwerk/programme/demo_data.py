"""Demo data of the programme: budgets and the public target years of projects, with sources."""

import datetime as dt
import json
from importlib import resources

from django.db import transaction

from maatwerk.finance.models import Project

from .models import Budget, Milestone, OutlookAssumptions

#: the demo's note on the assumptions; no project borrows another's additional share (issue 16)
DEMO_NOTE = (
    "Illustratief: vertraging gemiddeld 1 jaar en 15% onzekerheid op de reductie zijn aannames. Projecten zonder "
    "gepubliceerd of berekend additioneel cijfer tellen niet mee als additioneel, maar in de band 'nog onbekend'."
)

DATA = resources.files("maatwerk.programme") / "demo" / "budgets_milestones.json"


def load() -> str:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    with transaction.atomic():
        for b in data["budgets"]:
            established = dt.date.fromisoformat(b["established_on"]) if b.get("established_on") else None
            Budget.objects.update_or_create(
                name=b["name"], defaults={**{k: b[k] for k in ("amount_eur", "scope", "source")}, "established_on": established}
            )
        for m in data["milestones"]:
            project = Project.objects.filter(trajectory__company__name=m["company"]).order_by("pk").first()
            if project:
                Milestone.objects.get_or_create(
                    project=project, kind=m["kind"], defaults={"planned": dt.date.fromisoformat(m["planned"]), "note": m["note"], "source": m["source"]}
                )
        if not OutlookAssumptions.objects.exists():
            OutlookAssumptions.objects.create(note=DEMO_NOTE)
    return f"programma: {Budget.objects.count()} budgetten, {Milestone.objects.count()} mijlpalen"
