"""Writing a case file (``maatwerk-case/1``) from what is recorded, whatever route recorded it.

The inverse of :mod:`.importer`: exporting an imported file gives the file back up to ordering and
normalisation (see :func:`normalise`). Reading only; a document recorded without a case-file key gets
the key ``D<pk>``, a project without one ``P<pk>``.
"""

from __future__ import annotations

import json

from .format import FORMAT, PartialDate

EVENT_KINDS = {"transition": "transition", "parliament": "parliament_informed", "amvi_advice": "amvi_advice", "note": "note"}


def _key(doc) -> str:
    return doc.case_key or f"D{doc.pk}"


def source_spec(doc) -> dict:
    spec = {
        "kind": doc.doc_type,
        "title": doc.title,
        "date": PartialDate.of(doc.document_date, doc.date_precision),
        "reference": doc.reference,
        "url": doc.public_url,
        "public": doc.is_public,
    }
    if not doc.is_public:
        spec["confidentiality"] = doc.confidentiality if doc.confidentiality != "public" else "internal"
    if doc.source:
        spec["note"] = doc.source
    return spec


def _company(trajectory) -> dict:
    from maatwerk.registry.models import Installation

    company = trajectory.company
    holders = sorted(company.operators.values_list("name", flat=True))
    # installations linked one by one (not through their account holder)
    installations = sorted(Installation.objects.filter(company=company).values_list("eutl_id", flat=True))
    spec = {
        "name": company.name,
        "sector": company.sector,
        "subsector": company.subsector,
        "sites": company.sites,
        "provinces": [p.strip() for p in company.provinces.split(",") if p.strip()],
        "installations": installations,
        "account_holders": holders,
    }
    if trajectory.admission_kind:
        admission = {"kind": trajectory.admission_kind}
        if trajectory.admission_reason:
            admission["reason"] = trajectory.admission_reason
        if trajectory.admission_source_id:
            admission["source"] = _key(trajectory.admission_source)
        spec["admission"] = admission
    for name in ("climate_plan_target_year", "willing_to_invest_in_nl"):
        if getattr(trajectory, name) is not None:
            spec[name] = getattr(trajectory, name)
    if trajectory.financial_securities:
        spec["financial_securities"] = trajectory.financial_securities
    return spec


def _when(event) -> dict:
    when = event.when.as_dict()
    return {name: when.get(name) for name in ("date", "not_after", "before", "approx") if name == "date" or when.get(name) is not None}


def _events(trajectory) -> list[dict]:
    from maatwerk.trajectories.models import AmviAdvice

    events = list(trajectory.events.select_related("source_document").order_by("pk"))
    by_pk = {e.pk: e for e in events}
    out = []
    for event in events:
        kind = EVENT_KINDS.get(event.kind)
        if kind is None:
            continue
        spec = {} if kind == "transition" else {"kind": kind}
        payload = event.payload or {}
        if kind == "transition":
            spec["to_phase"] = event.to_phase
        spec |= _when(event)
        if event.source_document_id:
            spec["source"] = _key(event.source_document)
        if kind == "parliament_informed":
            if payload.get("kamerstuk"):
                spec["reference"] = payload["kamerstuk"]
            if payload.get("subject", "jloi_signed") != "jloi_signed":
                spec["subject_phase"] = payload["subject"]
        if kind == "amvi_advice":
            advice = AmviAdvice.objects.filter(pk=payload.get("advice")).prefetch_related("items").first()
            if advice is not None:
                if advice.concept_submitted_on:
                    spec["concept_submitted_on"] = advice.concept_submitted_on.isoformat()
                for name in ("feasibility", "cost_effectiveness", "ambition", "summary"):
                    if getattr(advice, name):
                        spec[name] = getattr(advice, name)
                spec["items"] = [
                    {"kind": i.kind, "text": i.text, "response": i.response, **({"reason": i.response_reason} if i.response_reason else {})}
                    for i in advice.items.order_by("pk")
                ]
        elif event.note:
            spec["note"] = event.note
        exception_pk = payload.get("exception_event")
        if kind == "transition" and exception_pk in by_pk:
            exc = by_pk[exception_pk]
            spec["exception"] = {
                "gates": [c["code"] for c in (exc.payload or {}).get("conditions", [])],
                "reason": exc.note,
                "source": _key(exc.source_document) if exc.source_document_id else None,
            }
        out.append(spec)
    return out


def _figure(figure) -> dict:
    spec = {"quantity": figure.quantity, "low": figure.low, "high": figure.high, "qualifier": figure.qualifier}
    if figure.year is not None:
        spec["year"] = figure.year
    if figure.base_period:
        if figure.base_period.isdigit():
            spec["base_year"] = int(figure.base_period)
        else:
            spec["base_period"] = figure.base_period
    spec |= {
        "valid_from": figure.valid_from.isoformat(),
        "source": _key(figure.source),
        "confidentiality": figure.confidentiality,
        "published": figure.state == "published",
    }
    if figure.note:
        spec["note"] = figure.note
    return spec


def _figures(company, project) -> list[dict]:
    from maatwerk.figures.models import Figure

    records = list(Figure.objects.filter(company=company, project=project).select_related("source").order_by("pk"))
    place = lambda f: (f.quantity, f.source_id, f.valid_from, f.year)  # noqa: E731
    by_pk = {f.pk: f for f in records}
    corrected = {f.supersedes_id for f in records if f.supersedes_id in by_pk and place(by_pk[f.supersedes_id]) == place(f)}
    return [_figure(f) for f in records if f.pk not in corrected]


def export_case(company) -> dict:
    """The case of ``company`` (a registry Company with a trajectory) as a case-file dict."""
    trajectory = company.trajectory
    docs = list(trajectory.documents.order_by("pk"))
    parties = [
        {"name": p.name, "role": _role(p)} for p in trajectory.parties.order_by("pk") if not (p.kind == "company" and p.company_id == company.pk)
    ]
    projects = []
    for project in trajectory.projects.order_by("pk"):
        projects.append({
            "key": project.case_key or f"P{project.pk}",
            "name": project.name,
            **({"description": project.description} if project.description else {}),
            "techniques": list(project.techniques),
            "figures": _figures(company, project),
        })
    case = {
        "format": FORMAT,
        "company": _company(trajectory),
        "sources": {_key(d): source_spec(d) for d in docs},
        "parties": parties,
        "events": _events(trajectory),
        "figures": _figures(company, None),
        "projects": projects,
    }
    return case


def _role(party) -> str:
    return {"ministry": "state"}.get(party.kind, party.kind)


def dumps(case: dict) -> str:
    return json.dumps(case, indent=2, ensure_ascii=False) + "\n"


# --- normalisation (what "the same file" means) ------------------------------------------------------


def normalise(case: dict) -> dict:
    """A case file with every optional field at its default and lists in a fixed order: two files that
    say the same are equal after this. ``_about`` is dropped; a source's ``confidentiality`` follows
    ``public``; an exact or about figure has ``high`` = ``low``; a base year is a base period."""
    c = json.loads(json.dumps(case))
    c.pop("_about", None)
    company = c["company"]
    for name, default in (("sector", "industry"), ("subsector", ""), ("sites", ""), ("provinces", []), ("installations", []),
                          ("account_holders", []), ("financial_securities", "")):
        company.setdefault(name, default)
    for name in ("provinces", "installations", "account_holders"):
        company[name] = sorted(company[name])
    for name in ("climate_plan_target_year", "willing_to_invest_in_nl"):
        company.setdefault(name, None)
    admission = company.get("admission")
    if admission is not None:
        admission.setdefault("reason", "")
        admission.setdefault("source", None)
        admission.setdefault("date", None)
        admission.setdefault("not_after", None)
    for source in c["sources"].values():
        source.setdefault("date", None)
        source.setdefault("reference", "")
        source.setdefault("url", "")
        source.setdefault("note", "")
        source["confidentiality"] = "public" if source["public"] else source.get("confidentiality", "internal")
    c["parties"] = sorted(c.get("parties", []), key=lambda p: (p["role"], p["name"]))
    for event in c.setdefault("events", []):
        event.setdefault("kind", "transition")
        for name in ("date", "not_after", "before", "approx", "source"):
            event.setdefault(name, None)
        event.setdefault("note", "")
        if event["kind"] == "parliament_informed":
            event.setdefault("reference", "")
            event.setdefault("subject_phase", "jloi_signed")
        if event["kind"] == "amvi_advice":
            for name in ("feasibility", "cost_effectiveness", "ambition", "summary"):
                event.setdefault(name, "")
            event.setdefault("concept_submitted_on", None)
            for item in event.setdefault("items", []):
                item.setdefault("response", "pending")
                item.setdefault("reason", "")
        if event.get("exception"):
            event["exception"]["gates"] = sorted(event["exception"]["gates"])

    def figures(items):
        out = []
        for f in items:
            f = dict(f)
            if f["qualifier"] in ("exact", "about") and f.get("high") is None:
                f["high"] = f.get("low")
            f.setdefault("low", None)
            f.setdefault("high", None)
            for name in ("low", "high"):
                if f[name] is not None:
                    f[name] = float(f[name])
            base = f.pop("base_year", None)
            f["base_period"] = f.get("base_period") or (str(base) if base is not None else "")
            f.setdefault("year", None)
            f.setdefault("confidentiality", "public")
            f.setdefault("published", False)
            f.setdefault("note", "")
            out.append(f)
        return sorted(out, key=lambda f: (f["quantity"], f["valid_from"], f["source"], f["year"] or 0))

    c["figures"] = figures(c.get("figures", []))
    for project in c.setdefault("projects", []):
        project.setdefault("description", "")
        project.setdefault("techniques", [])
        project["figures"] = figures(project.get("figures", []))
    c["projects"] = sorted(c["projects"], key=lambda p: p["key"])
    return c
