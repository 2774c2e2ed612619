"""Reading case files in: through the front door, all or nothing, idempotent.

Every part of a case goes through the service a user's form goes through (no row is written around
them): the company and its admission (:func:`trajectories.services.create_company`,
:func:`~trajectories.services.set_admission`), parties, documents, events (a phase transition is
checked against the gates like any other; a gate the public record cannot satisfy passes only by the
file's explicit ``exception``), projects (:func:`finance.services.create_project`) and figures
(:func:`figures.services.record_figure`, published with
:func:`~figures.services.publish_from_case_file`).

Idempotent by natural keys: a source by its key (``Document.case_key``), an event by its content
(kind, phase, dates as entered, source, text), a project by its key (``Project.case_key``), a figure by
its place (subject, quantity, source, ``valid_from``, year) and content. A changed figure is a new
record superseding the recorded one; a source that differs from the recorded document is an error
(documents are not edited by re-import).

Errors of the services are mapped to the JSON path of the part being read (``$.events[2].to_phase:
…``); the import goes on to collect them all, then rolls everything back.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from maatwerk.accounts.models import Role, role_of

from . import format as case_format
from .format import CaseError, CaseFileInvalid

#: the case file's event kinds → the trajectory's Event.kind
EVENT_KINDS = {"transition": "transition", "parliament_informed": "parliament", "amvi_advice": "amvi_advice", "note": "note"}
WHEN_FIELDS = ("date", "not_after", "before", "approx")


@dataclass
class Report:
    """What one case file created (or, in a preview, would create): counts and one line per thing."""

    file_name: str
    company: str
    counts: Counter = field(default_factory=Counter)
    lines: list[str] = field(default_factory=list)

    def add(self, what: str, line: str) -> None:
        self.counts[what] += 1
        self.lines.append(line)

    @property
    def unchanged(self) -> bool:
        return not self.counts

    def summary(self) -> str:
        if self.unchanged:
            return f"{self.file_name}: {self.company}: niets nieuw (al ingelezen)"
        parts = ", ".join(f"{n} {what}" for what, n in sorted(self.counts.items()))
        return f"{self.file_name}: {self.company}: {parts}"


class _Abort(Exception):
    """Rolls the transaction of a preview back."""


def require_programme(actor) -> None:
    if actor is None or role_of(actor) != Role.PROGRAMME:
        raise PermissionDenied("Alleen het programmateam leest casusbestanden in.")


def read_files(paths) -> list[tuple[str, dict]]:
    """Read and check each file; every error of every file at once (CaseFileInvalid), nothing written."""
    cases, errors = [], []
    for path in paths:
        path = Path(path)
        try:
            data = case_format.read(path.read_bytes(), path.name)
            case_format.validate(data, path.name)
        except OSError as exc:
            errors.append(CaseError("$", f"{path.name}: kan het bestand niet lezen ({exc.strerror})"))
            continue
        except CaseFileInvalid as exc:
            errors += [CaseError(e.path, f"{path.name}: {e.message}") if len(paths) > 1 else e for e in exc.errors]
            continue
        cases.append((path.name, data))
    if errors:
        raise CaseFileInvalid(errors)
    return cases


def import_cases(cases, actor, *, preview: bool = False) -> list[Report]:
    """Import ``cases`` (``[(file name, parsed case)]``) by ``actor`` in one transaction.

    Raises CaseFileInvalid with every error (nothing written). With ``preview`` everything is done and
    then rolled back: the reports say what the import would create."""
    require_programme(actor)
    errors: list[CaseError] = []
    checked = []
    for name, data in cases:
        problems = case_format.check(data)
        errors += [CaseError(e.path, f"{name}: {e.message}") if len(cases) > 1 else e for e in problems]
        checked.append((name, data))
    if errors:
        raise CaseFileInvalid(errors)
    reports: list[Report] = []
    try:
        with transaction.atomic():
            for name, data in checked:
                importer = _CaseImport(name, data, actor)
                importer.run()
                reports.append(importer.report)
                errors += [CaseError(e.path, f"{name}: {e.message}") if len(cases) > 1 else e for e in importer.errors]
            if errors:
                raise CaseFileInvalid(errors)
            if preview:
                raise _Abort
            for report, (_name, data) in zip(reports, checked):
                if not report.unchanged:
                    _provenance(report, data, actor)
    except _Abort:
        pass
    return reports


def _provenance(report: Report, data: dict, actor) -> None:
    """Who imported what and when (the registry's import log); a file that changed nothing leaves none."""
    from maatwerk.registry.models import ImportRun

    digest = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    now = timezone.now()
    ImportRun.objects.create(kind="case", file_name=report.file_name[:255], sha256=digest, user=actor.get_username()[:150],
                             started_at=now, finished_at=now, counts=dict(report.counts))


def _messages(exc: Exception) -> dict[str | None, list[str]]:
    """A service's refusal as field → messages (None: the whole part)."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return {("" if k == "__all__" else k) or None: [str(m) for m in v] for k, v in exc.message_dict.items()}
        return {None: [str(m) for m in exc.messages]}
    reasons = getattr(exc, "reasons", None)
    if reasons:
        return {None: list(reasons)}
    return {None: [str(exc)]}


class _CaseImport:
    def __init__(self, file_name: str, data: dict, actor):
        self.data, self.actor = data, actor
        self.report = Report(file_name, data["company"]["name"])
        self.errors: list[CaseError] = []
        self.trajectory = None
        self.documents: dict[str, object] = {}

    # --- helpers ------------------------------------------------------------------------------

    def fail(self, path: str, exc: Exception, fields: dict[str, str] | None = None) -> None:
        """Record a service's refusal under ``path``; ``fields`` maps a service field to a file field."""
        for name, messages in _messages(exc).items():
            where = path if name is None else f"{path}.{(fields or {}).get(name, name)}"
            for message in messages:
                self.errors.append(CaseError(where, message))

    def attempt(self, path: str, fn, *args, fields=None, **kwargs):
        """Run one service call in a savepoint; on refusal record it and return None."""
        from maatwerk.trajectories.services import TransitionRefused

        try:
            with transaction.atomic():
                return fn(*args, **kwargs), True
        except (ValidationError, TransitionRefused, PermissionDenied, ValueError) as exc:
            self.fail(path, exc, fields)
            return None, False

    # --- the parts ------------------------------------------------------------------------------

    def run(self) -> None:
        if not self.company():
            return
        self.sources()
        self.admission_and_eligibility()
        self.parties()
        self.events()
        self.projects()

    def company(self) -> bool:
        from maatwerk.registry.models import Company
        from maatwerk.trajectories import services
        from maatwerk.trajectories.models import Trajectory

        spec = self.data["company"]
        holders, ok = self._operators(spec.get("account_holders", []))
        if not ok:
            return False
        values = {
            "name": spec["name"], "sector": spec.get("sector", "industry"), "provinces": spec.get("provinces", []),
            "subsector": spec.get("subsector", ""), "sites": spec.get("sites", ""),
            "installations": spec.get("installations", []), "operators": [o.pk for o in holders],
        }
        company = Company.objects.filter(name__iexact=spec["name"]).first()
        if company is None:
            admission = spec.get("admission") or {}
            trajectory, ok = self.attempt(
                "$.company", services.create_company, actor=self.actor, admission_kind=admission.get("kind", ""),
                admission_reason=admission.get("reason", ""), **values, fields={"operators": "account_holders"},
            )
            if not ok:
                return False
            self.trajectory = trajectory
            self.report.add("bedrijven", f"Bedrijf {trajectory.company.name} met zijn traject")
            return True
        trajectory = Trajectory.objects.filter(company=company).first()
        if trajectory is None:
            self.errors.append(CaseError("$.company.name", f"het bedrijf {company.name} bestaat al, maar heeft geen traject; "
                                                         "neem het op in het programma via Bedrijven en lees het bestand dan opnieuw in"))
            return False
        self.trajectory = trajectory
        current = _company_values(company)
        changes = {k: v for k, v in values.items() if k != "name" and _normal(current[k]) != _normal(v)}
        if changes:
            event, ok = self.attempt("$.company", services.update_company, trajectory, changes, actor=self.actor,
                                     fields={"operators": "account_holders"})
            if not ok:
                return False
            if event is not None:
                self.report.add("wijzigingen", f"Bedrijfsgegevens van {company.name}: {', '.join(sorted(event.payload.get('changed', {})))}")
        self.trajectory.refresh_from_db()
        return True

    def _operators(self, names):
        from maatwerk.registry.models import Operator

        found, ok = [], True
        for i, name in enumerate(names):
            matches = list(Operator.objects.filter(name=name)[:2])
            if not matches:
                self.errors.append(CaseError(f"$.company.account_holders[{i}]", f"rekeninghouder {name!r} staat niet in het register"))
                ok = False
            elif len(matches) > 1:
                self.errors.append(CaseError(f"$.company.account_holders[{i}]", f"rekeninghouder {name!r} staat meer dan eens in het register"))
                ok = False
            else:
                found.append(matches[0])
        return found, ok

    def sources(self) -> None:
        from maatwerk.trajectories import services
        from maatwerk.trajectories.models import Confidentiality, Document

        existing = {d.case_key: d for d in Document.objects.filter(trajectory=self.trajectory).exclude(case_key="")}
        for key, spec in self.data["sources"].items():
            path = case_format._json_path_join("$.sources", key)
            confidentiality = Confidentiality.PUBLIC if spec["public"] else spec.get("confidentiality", Confidentiality.INTERNAL)
            doc = existing.get(key)
            if doc is not None:
                differs = _source_differences(doc, spec)
                for name, (was, now) in differs.items():
                    self.errors.append(CaseError(f"{path}.{name}", f"verschilt van het vastgelegde document ({was!r}, nu {now!r}); "
                                                                   "een bron wordt niet gewijzigd door opnieuw in te lezen"))
                self.documents[key] = doc
                continue
            doc, ok = self.attempt(
                path, services.add_document, self.trajectory, spec["kind"], spec["title"], confidentiality, actor=self.actor,
                document_date=spec.get("date"), published=spec["public"], public_url=spec.get("url", ""), source=spec.get("note", ""),
                reference=spec.get("reference", ""), case_key=key,
                fields={"doc_type": "kind", "document_date": "date", "public_url": "url", "published": "public", "source": "note"},
            )
            if ok:
                self.documents[key] = doc
                self.report.add("documenten", f"Document “{doc.title}”" + (" (openbaar)" if spec["public"] else ""))

    def admission_and_eligibility(self) -> None:
        from maatwerk.trajectories import services

        spec = self.data["company"]
        admission = spec.get("admission")
        t = self.trajectory
        if admission is not None:
            source = self.documents.get(admission.get("source"))
            wanted = (admission["kind"], admission.get("reason", "").strip(), getattr(source, "pk", None))
            if (t.admission_kind, t.admission_reason, t.admission_source_id) != wanted:
                event, ok = self.attempt("$.company.admission", services.set_admission, t, admission["kind"], admission.get("reason", ""),
                                         source_document=source, actor=self.actor,
                                         fields={"admission_kind": "kind", "admission_reason": "reason", "admission_source": "source"})
                if ok and event is not None:
                    self.report.add("wijzigingen", f"Toelating: {admission['kind']}")
                t.refresh_from_db()
        changes = {name: spec[name] for name in ("climate_plan_target_year", "willing_to_invest_in_nl", "financial_securities")
                   if name in spec and getattr(t, name) != spec[name]}
        if changes:
            event, ok = self.attempt("$.company", services.edit, t, changes, actor=self.actor)
            if ok and event is not None:
                self.report.add("wijzigingen", "Geschiktheid: " + ", ".join(sorted(changes)))
            t.refresh_from_db()

    def parties(self) -> None:
        from maatwerk.trajectories import services

        wanted = [{"name": self.trajectory.company.name, "role": "company"}] + list(self.data.get("parties", []))
        for i, spec in enumerate(wanted):
            path = "$.company.name" if i == 0 else f"$.parties[{i - 1}]"
            before = set(self.trajectory.parties.values_list("pk", flat=True))
            party, ok = self.attempt(path, services.add_party, self.trajectory, spec["name"], spec["role"], actor=self.actor)
            if ok and party.pk not in before:
                self.report.add("partijen", f"Partij {party.name}")

    def events(self) -> None:
        from maatwerk.trajectories import services

        recorded = [_event_signature(e) for e in self.trajectory.events.select_related("source_document")]
        for i, spec in enumerate(self.data.get("events", [])):
            path = f"$.events[{i}]"
            needed = [spec.get("source"), (spec.get("exception") or {}).get("source")]
            if any(key is not None and key not in self.documents for key in needed):
                continue  # its source was refused: reported there
            signature = _spec_signature(spec)
            if signature in recorded:
                recorded.remove(signature)  # each recorded event answers for one event of the file
                continue
            kind = spec.get("kind", "transition")
            kwargs = {name: spec.get(name) for name in WHEN_FIELDS}
            exception = None
            if spec.get("exception"):
                e = spec["exception"]
                exception = services.GateExceptions(reason=e["reason"], source_document=self.documents.get(e["source"]),
                                                    conditions=frozenset(e["gates"]))
            advice = None
            if kind == "amvi_advice":
                advice = {name: spec[name] for name in ("feasibility", "cost_effectiveness", "ambition", "summary", "concept_submitted_on") if name in spec}
                advice["items"] = [
                    {"kind": item["kind"], "text": item["text"], "response": item.get("response", "pending"), "response_reason": item.get("reason", "")}
                    for item in spec.get("items", [])
                ]
            event, ok = self.attempt(
                path, services.record_event, self.trajectory, kind, to_phase=spec.get("to_phase"),
                source_document=self.documents.get(spec.get("source")), note=spec.get("note", ""), actor=self.actor,
                exceptions=exception, kamerstuk=spec.get("reference", ""), subject_phase=spec.get("subject_phase", "jloi_signed"),
                advice=advice,
                fields={"exception_reason": "exception.reason", "exception_source": "exception.source", "kamerstuk": "reference",
                        "source_document": "source"},
                **kwargs,
            )
            self.trajectory.refresh_from_db()
            if not ok:
                break  # the later events rest on this one: their errors would only repeat it
            self.report.add("gebeurtenissen", _event_line(spec))

    def projects(self) -> None:
        from maatwerk.finance import projects as finance_services
        from maatwerk.finance.models import Project

        from .commitments import commitments_from_register

        self.figures("$.figures", None, self.data.get("figures", []))
        for i, spec in enumerate(self.data.get("projects", [])):
            path = f"$.projects[{i}]"
            project = Project.objects.filter(trajectory=self.trajectory, case_key=spec["key"]).first()
            if project is None:
                project, ok = self.attempt(
                    path, finance_services.create_project, self.trajectory, name=spec["name"], description=spec.get("description", ""),
                    techniques=spec.get("techniques", []), case_key=spec["key"], actor=self.actor,
                )
                if not ok:
                    continue
                self.report.add("projecten", f"Project {project.name}")
            else:
                changes = {k: spec.get(k, default) for k, default in (("name", ""), ("description", ""), ("techniques", []))
                           if getattr(project, k) != spec.get(k, default)}
                if changes:
                    _, ok = self.attempt(path, finance_services.update_project, project, changes, actor=self.actor)
                    if ok:
                        self.report.add("wijzigingen", f"Project {project.name}: {', '.join(sorted(changes))}")
            self.figures(f"{path}.figures", project, spec.get("figures", []))
            self.attempt(path, commitments_from_register, project, actor=self.actor)

    def figures(self, base: str, project, specs) -> None:
        from maatwerk.figures import services as figure_services
        from maatwerk.figures.models import Figure, PublicationState

        company = self.trajectory.company
        for j, spec in enumerate(specs):
            path = f"{base}[{j}]"
            source = self.documents.get(spec["source"])
            if source is None:
                continue  # its source was refused: reported there
            values = _figure_values(spec)
            slot = Figure.objects.filter(company=company, project=project, quantity=spec["quantity"], source=source,
                                         valid_from=values["valid_from"], year=values["year"]).order_by("recorded_at", "pk")
            same = next((f for f in slot if _figure_content(f) == _content_of(values)), None)
            figure = same
            if figure is None:
                latest = _latest_unsuperseded(slot)
                figure, ok = self.attempt(
                    path, figure_services.record_figure, company=company, project=project, quantity=spec["quantity"],
                    source=source, supersedes=latest, case_key=_case_key(project, spec, values), actor=self.actor, **values,
                    fields={"base_period": "base_period" if spec.get("base_period") else "base_year"},
                )
                if not ok:
                    continue
                self.report.add("cijfers", f"Cijfer {spec['quantity']} ({_value_text(spec)}) uit “{source.title}”"
                                + (" ter vervanging van het eerder ingelezen cijfer" if latest else ""))
            published = figure.state == PublicationState.PUBLISHED
            if spec.get("published", False) and not published:
                _, ok = self.attempt(f"{path}.published", figure_services.publish_from_case_file, figure, self.actor)
                if ok:
                    self.report.add("publicaties", f"Cijfer {spec['quantity']} gepubliceerd (casusbestand)")
            elif published and not spec.get("published", False):
                self.errors.append(CaseError(f"{path}.published", "dit cijfer is al gepubliceerd; intrekken kan niet door opnieuw in te lezen"))


# --- comparing what is recorded with the file ---------------------------------------------------------


def _company_values(company) -> dict:
    """The company as the file's fields would give it (installations linked one by one, account holders by pk)."""
    from maatwerk.registry.models import Installation

    return {
        "sector": company.sector, "subsector": company.subsector, "sites": company.sites,
        "provinces": [p.strip() for p in company.provinces.split(",") if p.strip()],
        "installations": list(Installation.objects.filter(company=company).values_list("eutl_id", flat=True)),
        "operators": list(company.operators.values_list("pk", flat=True)),
    }


def _normal(value):
    if isinstance(value, (list, tuple)):
        return sorted(str(v) for v in value)
    return value


def _source_differences(doc, spec) -> dict[str, tuple]:
    from maatwerk.casefiles.exporter import source_spec

    recorded = source_spec(doc)
    wanted = {"kind": spec["kind"], "title": spec["title"].strip(), "date": spec.get("date"), "reference": spec.get("reference", "").strip(),
              "url": spec.get("url", ""), "public": spec["public"]}
    return {k: (recorded.get(k), v) for k, v in wanted.items() if recorded.get(k) != v}


def _when_of(values: dict) -> tuple:
    return tuple(values.get(name) for name in WHEN_FIELDS)


def _spec_signature(spec: dict) -> tuple:
    kind = EVENT_KINDS[spec.get("kind", "transition")]
    extra = ()
    if kind == "transition":
        extra = (spec["to_phase"],)
    elif kind == "parliament":
        extra = (spec.get("reference", "").strip(), spec.get("subject_phase", "jloi_signed"))
    elif kind == "amvi_advice":
        extra = (spec.get("summary", "").strip() or spec.get("note", "").strip(),)
    note = spec.get("note", "").strip() if kind != "amvi_advice" else ""
    return (kind, _when_of(spec), spec.get("source"), note, *extra)


def _event_signature(event) -> tuple:
    when = event.when.as_dict() if hasattr(event, "when") else {}
    source = event.source_document.case_key if getattr(event, "source_document", None) is not None else None
    kind = event.kind
    extra = ()
    if kind == "transition":
        extra = (event.to_phase,)
    elif kind == "parliament":
        extra = ((event.payload or {}).get("kamerstuk", ""), (event.payload or {}).get("subject", "jloi_signed"))
    elif kind == "amvi_advice":
        extra = ((event.note or "").strip(),)
    note = (event.note or "").strip() if kind != "amvi_advice" else ""
    return (kind, _when_of(when), source or None, note, *extra)


def _event_line(spec: dict) -> str:
    kind = spec.get("kind", "transition")
    when = spec.get("date") or ", ".join(f"{n} {spec[n]}" for n in WHEN_FIELDS[1:] if spec.get(n)) or "datum onbekend"
    if kind == "transition":
        from maatwerk.engine.workflow import phase_label

        return f"Faseovergang naar {phase_label(spec['to_phase'])} ({when})" + (" met uitzondering op " + ", ".join(spec["exception"]["gates"]) if spec.get("exception") else "")
    labels = {"parliament_informed": "Kamer geïnformeerd", "amvi_advice": "AMVI-advies", "note": "Notitie"}
    return f"{labels[kind]} ({when})"


def _figure_values(spec: dict) -> dict:
    import datetime as dt

    qualifier, low, high = spec["qualifier"], spec.get("low"), spec.get("high")
    if qualifier in ("exact", "about") and high is None:
        high = low
    base = spec.get("base_period") or (str(spec["base_year"]) if spec.get("base_year") is not None else "")
    return {
        "low": None if low is None else float(low), "high": None if high is None else float(high), "qualifier": qualifier,
        "year": spec.get("year"), "base_period": base, "valid_from": dt.date.fromisoformat(spec["valid_from"]),
        "note": spec.get("note", ""), "confidentiality": spec.get("confidentiality", "public"),
    }


CONTENT = ("low", "high", "qualifier", "base_period", "note", "confidentiality")


def _content_of(values: dict) -> tuple:
    return tuple(values[name] for name in CONTENT)


def _figure_content(figure) -> tuple:
    return tuple(getattr(figure, name) for name in CONTENT)


def _latest_unsuperseded(slot):
    records = list(slot)
    superseded = {f.supersedes_id for f in records}
    open_ = [f for f in records if f.pk not in superseded]
    return open_[-1] if open_ else None


def _case_key(project, spec: dict, values: dict) -> str:
    """Unique per company: the figure's place and a digest of its content (a changed figure is a new key)."""
    place = f"{getattr(project, 'case_key', '') or '-'}|{spec['quantity']}|{spec['source']}|{spec['valid_from']}|{spec.get('year')}"
    content = json.dumps(_content_of(values), ensure_ascii=False)
    return f"fig:{hashlib.sha256(place.encode()).hexdigest()[:20]}:{hashlib.sha256(content.encode()).hexdigest()[:12]}"


def _value_text(spec: dict) -> str:
    low, high, q = spec.get("low"), spec.get("high"), spec["qualifier"]
    if q == "range":
        return f"{low:g}–{high:g}"
    if q == "at_most":
        return f"ten hoogste {high:g}"
    if q in ("at_least", "more_than"):
        return f"{'ten minste' if q == 'at_least' else 'meer dan'} {low:g}"
    return f"{'ca. ' if q == 'about' else ''}{low:g}"
