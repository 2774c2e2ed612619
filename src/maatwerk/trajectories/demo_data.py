"""Demo data of the trajectories: the public histories with their real dates (DOMAIN.md §6), each with its source."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

from django.db import transaction

from maatwerk.registry.models import Company

from . import services
from .models import Confidentiality, Party, PartyKind, Trajectory

HISTORIES = resources.files("maatwerk.trajectories") / "demo" / "histories.json"


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def load() -> str:
    data = json.loads(HISTORIES.read_text(encoding="utf-8"))
    created = 0
    with transaction.atomic():
        parties = {}
        for p in data["parties"]:
            parties[p["name"]], _ = Party.objects.get_or_create(name=p["name"], defaults={"kind": p["kind"]})
        for spec in data["trajectories"]:
            company = Company.objects.get(name=spec["company"])
            trajectory, was_created = Trajectory.objects.get_or_create(company=company, defaults={"top20": spec["top20"]})
            if not was_created:
                continue  # histories are append-only: never loaded twice
            created += 1
            company_party, _ = Party.objects.get_or_create(
                name=company.name, defaults={"kind": PartyKind.COMPANY, "company": company}
            )
            trajectory.parties.add(company_party, *(parties[name] for name in spec["parties"]))
            if spec.get("securities"):
                trajectory.financial_securities = spec["securities"]
                trajectory.save(update_fields=["financial_securities"])
            for doc in spec.get("documents", []):
                services.add_document(
                    trajectory,
                    doc_type=doc["type"],
                    title=doc["title"],
                    confidentiality=doc.get("confidentiality") or (Confidentiality.PUBLIC if doc["public"] else Confidentiality.INTERNAL),
                    document_date=_date(doc["date"]),
                    published=doc["public"],
                    public_url=doc.get("url", ""),
                    source=doc["source"],
                )
            for event in spec["events"]:
                kind = event["kind"]
                if kind == "transition":
                    services.record_history(
                        trajectory, event["to"], _date(event["date"]), _date(event.get("not_after")), event.get("note", ""), event["source"]
                    )
                elif kind == "parliament":
                    services.inform_parliament(
                        trajectory,
                        _date(event["date"]),
                        event.get("kamerstuk", ""),
                        not_after=_date(event.get("not_after")),
                        source=event["source"],
                        note=event.get("note", ""),
                    )
                else:
                    services.note(trajectory, event["note"], _date(event["date"]), _date(event.get("not_after")), event["source"])
            if spec.get("amvi"):
                a = spec["amvi"]
                services.record_amvi_advice(
                    trajectory,
                    items=[{"kind": i["kind"], "text": i["text"], "response": i["response"], "response_reason": i["reason"]} for i in a["items"]],
                    concept_submitted_on=_date(a["submitted"]),
                    advice_date=_date(a["date"]),
                    feasibility=a["feasibility"],
                    cost_effectiveness=a["cost_effectiveness"],
                    ambition=a["ambition"],
                    summary=a["summary"],
                    source=a["source"],
                )
        for company in Company.objects.filter(in_programme=True, trajectory__isnull=True):
            Trajectory.objects.create(company=company)
            created += 1
    return f"trajecten: {created} nieuw, {Trajectory.objects.count()} in totaal"
