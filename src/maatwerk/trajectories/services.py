"""The trajectory service: every change is an append-only event, checked against the workflow engine.

Views, the API, the CLI and the demo loader all come through here, so the same rules hold everywhere.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from maatwerk.core import datacache, locking
from maatwerk.core.dates import PartialDate, When, happened_date_error, partial_date_error
from maatwerk.core.roles import Role, role_of
from maatwerk.engine import workflow
from maatwerk.registry.models import Company, Installation, Operator, Sector, unique_slug

from . import permissions
from .models import (
    COMPANY_SUBMITTABLE_TYPES,
    CONFIDENTIAL_TYPES,
    AdmissionKind,
    AmviAdvice,
    AmviItem,
    Confidentiality,
    DatePrecision,
    Document,
    DocumentType,
    Event,
    EventKind,
    Originator,
    ParliamentNotice,
    Party,
    PartyKind,
    ReviewStatus,
    Trajectory,
    originator_by_type,
)
from .uploads import check_upload


class TransitionRefused(Exception):
    """A move the rules do not allow; ``reasons`` says what is missing, in Dutch."""

    def __init__(self, reasons):
        self.reasons = tuple(reasons)
        super().__init__("; ".join(self.reasons))


def _actor_name(actor) -> str:
    return actor.get_username() if actor is not None and getattr(actor, "is_authenticated", False) else ""


def _actor(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


# --- reading the state -------------------------------------------------------------------------


def engine_event(e: Event) -> workflow.WorkflowEvent:
    """A recorded event as the engine reads it (its date, or its bounds as ordering hints)."""
    return workflow.WorkflowEvent(
        effective_date=e.effective_date,
        recorded_at=e.recorded_at,
        kind=e.kind,
        to_phase=e.to_phase or None,
        payload={
            **e.payload,
            **({"not_after": e.not_after.isoformat()} if e.not_after else {}),
            **({"approx": e.approx.isoformat()} if e.approx else {}),
        },
    )


def engine_events(trajectory: Trajectory) -> list[workflow.WorkflowEvent]:
    return [engine_event(e) for e in trajectory.events.all()]


def ordered_events(trajectory: Trajectory) -> list[Event]:
    """The trajectory's events in the engine's order (:func:`maatwerk.engine.workflow.in_order`), the
    order in which its state is derived: a timeline shows the phases as the state has them."""
    return workflow.in_order(list(trajectory.events.select_related("actor")), engine_event)


def state_as_of(trajectory: Trajectory, as_of: dt.date | None = None) -> workflow.DerivedState:
    return workflow.derive_state(engine_events(trajectory), as_of)


def _known_by(date: dt.date | None, not_after: dt.date | None, as_of: dt.date | None) -> bool:
    """Whether something with this (possibly unknown) date had happened by ``as_of``."""
    if as_of is None:
        return True
    bound = date or not_after
    return bound is not None and bound <= as_of


def facts_as_of(trajectory: Trajectory, as_of: dt.date | None = None) -> workflow.TrajectoryFacts:
    """What the gate conditions look at, as the records stood on ``as_of`` (None: now)."""
    company = trajectory.company
    # Only documents the programme team accepted count for a gate (a company's submission does not).
    docs = {
        d.doc_type
        for d in trajectory.documents.all()
        if d.status == ReviewStatus.ACCEPTED and (_known_by(d.latest_date, None, as_of) or d.document_date is None)
    }
    advices = [a for a in trajectory.amvi_advices.all() if _known_by(a.advice_date, None, as_of) or a.advice_date is None]
    advice = advices[-1] if advices else None
    notices = [n for n in trajectory.parliament_notices.all() if _known_by(n.informed_on, n.not_after, as_of) or (n.informed_on is None and n.not_after is None)]
    state = state_as_of(trajectory, as_of)
    jloi_notices = [n for n in notices if n.subject_phase == "jloi_signed"]
    return workflow.TrajectoryFacts(
        top20=trajectory.top20,
        extension_reason=company.extension_reason,
        climate_plan_target_year=trajectory.climate_plan_target_year,
        willing_to_invest_in_nl=trajectory.willing_to_invest_in_nl,
        documents=frozenset(docs),
        amvi_advice_recorded=advice is not None,
        amvi_feasibility=advice.feasibility if advice else "",
        amvi_cost_effectiveness=advice.cost_effectiveness if advice else "",
        amvi_ambition=advice.ambition if advice else "",
        amvi_items=tuple(
            workflow.AmviItemFact(i.kind, i.response, bool(i.response_reason.strip())) for i in advice.items.all()
        )
        if advice
        else (),
        jloi_signed_on=state.entered_on("jloi_signed"),
        parliament_informed_on=max((n.informed_on for n in jloi_notices if n.informed_on), default=None),
        parliament_informed=bool(jloi_notices),
        kamerstuk=next((n.kamerstuk for n in reversed(jloi_notices) if n.kamerstuk), ""),
        financial_securities=bool(trajectory.financial_securities.strip()),
        realisation_reported=workflow.DOC_PROGRESS_REPORT in docs,
        phase_before_pause=state.phase_before_pause,
    )


# --- writing: the one skeleton ----------------------------------------------------------------------
#
# Every write on a trajectory has the same shape: lock the trajectory row (SELECT ... FOR UPDATE), check
# the version the user's edit was based on, write the rows and append the events, refresh the cached
# phase and raise the version, all in one transaction. :func:`recording` is that skeleton; each
# action below is one service (views, API, CLI, case files and the demo loader all come through here).


StaleEdit = locking.StaleEdit  # the one StaleEdit (core.locking); kept under this name for callers


def _locked(trajectory: Trajectory, expected_version: int | None) -> Trajectory:
    fresh = Trajectory.objects.select_for_update().select_related("company").get(pk=trajectory.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise StaleEdit(
            fresh, expected_version,
            message=f"Het traject {fresh} is intussen gewijzigd (versie {fresh.version}, u bewerkte versie {expected_version}). "
            "Laad de pagina opnieuw; uw wijziging is niet opgeslagen.",
        )
    return fresh


def refresh_cache(trajectory: Trajectory) -> None:
    state = state_as_of(trajectory)
    Trajectory.objects.filter(pk=trajectory.pk).update(phase=state.phase, phase_since=state.since, version=trajectory.version + 1)
    trajectory.phase, trajectory.phase_since, trajectory.version = state.phase, state.since, trajectory.version + 1


class Recording:
    """One write on a locked trajectory: :meth:`event` appends an event; :meth:`on_commit` runs a
    function once the transaction has committed (never after a rollback)."""

    def __init__(self, trajectory: Trajectory, actor):
        self.trajectory, self.actor = trajectory, actor
        self.events: list[Event] = []
        self._hooks: list = []

    def event(self, kind, *, when: When | None = None, effective_date=None, not_after=None, to_phase: str = "",
              note: str = "", source: str = "", source_document: Document | None = None, payload: dict | None = None) -> Event:
        """Append an event. ``when`` (a :class:`When`) gives its date: the exact day, or the latest
        possible day as ``not_after`` and the estimate as ``approx`` (both at most today, as the engine
        reads them), and the forms as entered in ``payload["when"]``."""
        payload = dict(payload or {})
        approx = None
        if when is not None:
            effective_date, not_after, approx = _columns(when)
            if when.known:
                payload["when"] = when.as_dict()
        event = Event.objects.create(
            trajectory=self.trajectory, kind=kind, to_phase=to_phase, effective_date=effective_date, not_after=not_after,
            approx=approx, actor=_actor(self.actor), actor_name=_actor_name(self.actor) or "systeem", note=note, source=source,
            source_document=source_document, payload=payload,
        )
        self.events.append(event)
        return event

    def on_commit(self, fn) -> None:
        self._hooks.append(fn)


@contextmanager
def recording(trajectory: Trajectory, actor=None, expected_version: int | None = None):
    """``with recording(t, actor, version) as rec: ...``: the write skeleton (see above). Raises
    :class:`StaleEdit` when ``expected_version`` is given and no longer the stored one."""
    with transaction.atomic():
        rec = Recording(_locked(trajectory, expected_version), actor)
        yield rec
        refresh_cache(rec.trajectory)
        for hook in rec._hooks:
            transaction.on_commit(hook)


def _columns(when: When) -> tuple[dt.date | None, dt.date | None, dt.date | None]:
    """``(effective_date, not_after, approx)`` of an event for ``when``: what the engine reads."""
    if when.exact is not None:
        return when.exact, None, None
    today = timezone.localdate()
    bound = min(when.bound, today) if when.bound is not None else None
    approx = min(when.approx.latest, bound or today) if when.approx is not None else None
    return None, bound, approx


def _when(date=None, not_after=None, before=None, approx=None, *, labels=None) -> When:
    """A :class:`When` from the four date arguments of a service (text, day, PartialDate or None), or
    a ValidationError naming each bad field."""
    if isinstance(date, When):
        return date
    return When.parse(date=date, not_after=not_after, before=before, approx=approx, labels=labels)


def _day_when(date: dt.date | None, not_after: dt.date | None = None, label: str = "Datum") -> When:
    """The :class:`When` of the older day-only arguments (a day, else a ``not_after`` day), checked
    like every date of something that happened (a ValidationError naming the field)."""
    if date:
        return When.parse(date=date, labels={"date": label})
    return When.parse(not_after=not_after)


def _own_document(trajectory: Trajectory, document, field: str = "source_document") -> Document | None:
    """``document`` (a Document or its pk) if it belongs to ``trajectory``; else a ValidationError on ``field``."""
    if document is None or document == "":
        return None
    pk = document.pk if isinstance(document, Document) else document
    found = Document.objects.filter(pk=pk, trajectory=trajectory).first() if isinstance(pk, int) else None
    if found is None:
        raise ValidationError({field: f"Brondocument {pk!r} hoort niet bij het traject van {trajectory.company.name}."})
    return found


# --- phase transitions and gate exceptions ------------------------------------------------------------

#: conditions of the forward gates (the EoP's climate plan, documents, AMVI judgements, …): these may
#: be passed by a recorded exception when the public record cannot satisfy them. The reasons of an
#: exit (no potential, pause, withdrawal) and resuming where paused never can: they are the move itself.
EXCEPTABLE_CONDITIONS = frozenset(
    code for t in workflow.TRANSITIONS if t.kind == "forward" for code in t.conditions
)


@dataclass(frozen=True)
class GateExceptions:
    """A recorded exception to a gate: who (the actor of the move), why (``reason``) and which source
    (``source_document``, a document of the trajectory). ``conditions``: the condition codes it covers;
    None covers every condition that fails at the move (each is listed in the event). Both a reason
    and a source are required: an exception is never silent."""

    reason: str
    source_document: Document | int | None
    conditions: frozenset[str] | None = None


def failing_conditions(trajectory: Trajectory, to: str) -> tuple[workflow.GateCondition, ...]:
    """The gate conditions that would refuse a move of ``trajectory`` to ``to`` now (none for a move
    that is not in the table at all: that is refused whatever the exceptions)."""
    current = state_as_of(trajectory)
    if (current.phase, to) not in workflow.TRANSITION_BY_PAIR:
        return ()
    facts = facts_as_of(trajectory)
    return tuple(
        workflow.CONDITIONS[c] for c in workflow.TRANSITION_BY_PAIR[(current.phase, to)].conditions
        if not workflow.CONDITIONS[c].predicate(facts, to)
    )


def _excepted(check: workflow.TransitionCheck, exceptions: GateExceptions | None, trajectory) -> tuple[list, Document | None]:
    """The failing conditions that ``exceptions`` lets pass, checked; raises when it cannot."""
    structural = {"unknown_phase", "same_phase", "final_phase", "backward", "skip", "not_in_table"}
    if exceptions is None or check.allowed or structural & set(check.codes):
        if exceptions is not None and check.allowed:
            raise TransitionRefused(["Geen uitzondering nodig: aan alle voorwaarden van deze overgang is voldaan."])
        if not check.allowed:
            raise TransitionRefused(check.reasons)
        return [], None
    errors = {}
    if not (exceptions.reason or "").strip():
        errors["exception_reason"] = "Reden van de uitzondering: verplicht; zeg waarom het openbare dossier deze voorwaarden niet invult."
    try:
        document = _own_document(trajectory, exceptions.source_document, "exception_source")
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
        document = None
    if document is None and "exception_source" not in errors:
        errors["exception_source"] = "Bron van de uitzondering: verplicht; kies het document waarop de overgang steunt."
    if errors:
        raise ValidationError(errors)
    failing = dict(zip(check.codes, check.reasons))
    wanted = set(failing) if exceptions.conditions is None else set(exceptions.conditions)
    not_exceptable = [code for code in failing if code in wanted and code not in EXCEPTABLE_CONDITIONS]
    unneeded = sorted(wanted - set(failing))
    refusals = [failing[c] for c in failing if c not in wanted] + [
        f"{workflow.CONDITIONS[c].label}: hiervoor is geen uitzondering mogelijk; {failing[c]}" for c in not_exceptable
    ] + [f"Geen uitzondering nodig voor '{workflow.CONDITIONS[c].label if c in workflow.CONDITIONS else c}': die voorwaarde is voldaan of hoort niet bij deze overgang." for c in unneeded]
    if refusals:
        raise TransitionRefused(refusals)
    return [{"code": c, "label": workflow.CONDITIONS[c].label, "missing": failing[c]} for c in failing], document


def _transition(rec: Recording, to: str, when: When, *, note: str, source: str, source_document, exceptions) -> Event:
    trajectory = rec.trajectory
    source_document = _own_document(trajectory, source_document)
    current = state_as_of(trajectory)
    latest = when.bound
    if current.since is not None and latest is not None and latest < current.since:
        raise TransitionRefused([
            f"De datum ({when.dutch()}) ligt vóór het begin van de huidige fase ({current.since:%d-%m-%Y})."
        ])
    facts = replace(facts_as_of(trajectory), joint_conclusion_note=note, pause_reason=note, withdrawal_reason=note)  # the note of an exit is its reason
    covered, exception_doc = _excepted(workflow.check_transition(current.phase, to, facts), exceptions, trajectory)
    payload: dict[str, Any] = {"from": current.phase}
    if covered:
        assert exceptions is not None and exception_doc is not None  # _excepted covers conditions only with both
        exception_event = rec.event(
            EventKind.GATE_EXCEPTION, when=when, note=exceptions.reason.strip(), source_document=exception_doc,
            source=exception_doc.title, payload={"from": current.phase, "to_phase": to, "conditions": covered, "document": exception_doc.pk},
        )
        payload |= {"exceptions": [c["code"] for c in covered], "exception_event": exception_event.pk}
    event = rec.event(EventKind.TRANSITION, when=when, to_phase=to, note=note, source=source or (source_document.title if source_document else ""),
                      source_document=source_document, payload=payload)
    after = state_as_of(trajectory)
    if after.phase != to:
        raise TransitionRefused([
            f"Met deze datum ({when.dutch()}) zou '{workflow.phase_label(to)}' niet de laatste fase zijn "
            f"(het traject staat dan in '{workflow.phase_label(after.phase)}'); controleer de datum en de grenzen."
        ])
    return event


def transition(
    trajectory: Trajectory,
    to: str,
    date: dt.date | None = None,
    actor=None,
    note: str = "",
    source: str = "",
    expected_version: int | None = None,
    *,
    when: When | None = None,
    source_document: Document | int | None = None,
    exceptions: GateExceptions | None = None,
) -> Event:
    """Move a trajectory to ``to`` if the rules allow it; otherwise raise TransitionRefused.

    ``date`` is the exact day; or ``when`` a :class:`When` (a month, a year, only bounds, or nothing:
    then it counts from today). A failing forward-gate condition passes only by ``exceptions``,
    recorded as its own event before the move. Bad dates or a missing reason/source of an exception
    raise a ValidationError naming the field."""
    if when is None:
        implausible = happened_date_error(date, "Datum van de overgang")
        if implausible:
            raise TransitionRefused([implausible])
        when = When(date=PartialDate.of(date)) if date is not None else When()
    if when.date is None and when.not_after is None and when.before is None:
        raise ValidationError({"date": "Datum: vul de datum van de overgang in (een dag, maand of jaar), of een grens "
                                       "(uiterlijk op, vóór) als de datum niet openbaar is."})
    with recording(trajectory, actor, expected_version) as rec:
        return _transition(rec, to, when, note=note, source=source, source_document=source_document, exceptions=exceptions)


# --- eligibility and admission -------------------------------------------------------------------------

EDITABLE_FIELDS = ("top20", "climate_plan_target_year", "willing_to_invest_in_nl", "financial_securities")


def _diff(obj, changes: dict) -> dict:
    return {f: [getattr(obj, f), v] for f, v in changes.items() if getattr(obj, f) != v}


def edit(trajectory: Trajectory, changes: dict, actor=None, date: dt.date | None = None, expected_version: int | None = None) -> Event | None:
    """Change eligibility fields; the event records old and new values."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"niet te wijzigen velden: {', '.join(sorted(unknown))}")
    with recording(trajectory, actor, expected_version) as rec:
        diff = _diff(rec.trajectory, changes)
        if not diff:
            return None
        for f, (_, new) in diff.items():
            setattr(rec.trajectory, f, new)
        rec.trajectory.save(update_fields=list(diff))
        return rec.event(EventKind.EDIT, effective_date=date or timezone.localdate(), payload={"changed": diff})


ADMISSION_KINDS = tuple(AdmissionKind.values)


def _admission_fields(trajectory: Trajectory, kind: str, reason: str, source_document) -> dict:
    errors = {}
    if kind not in ("", *ADMISSION_KINDS):
        errors["admission_kind"] = f"Toegelaten als: kies top20 of extension (uitbreiding), niet {kind!r}."
    if kind == AdmissionKind.EXTENSION and not (reason or "").strip():
        errors["admission_reason"] = "Reden van toelating: verplicht bij een uitbreiding buiten de top-20 (waarom is het bedrijf toegelaten?)."
    try:
        document = _own_document(trajectory, source_document, "admission_source")
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
        document = None
    if errors:
        raise ValidationError(errors)
    return {"admission_kind": kind, "admission_reason": (reason or "").strip(), "admission_source": document,
            "top20": True if kind == AdmissionKind.TOP20 else False if kind == AdmissionKind.EXTENSION else None}


def set_admission(trajectory: Trajectory, kind: str, reason: str = "", source_document: Document | int | None = None,
                  actor=None, expected_version: int | None = None) -> Event | None:
    """Record how the company was admitted: ``kind`` "top20" or "extension" ("" unknown), why, and the
    source document. ``top20`` and the company's ``extension_reason`` (what the EoP gate reads) follow.
    An extension needs a reason. None when nothing changed."""
    with recording(trajectory, actor, expected_version) as rec:
        t = rec.trajectory
        fields = _admission_fields(t, kind, reason, source_document)
        diff = _diff(t, fields)
        extension_reason = fields["admission_reason"] if kind == AdmissionKind.EXTENSION else ""
        if not diff and t.company.extension_reason == extension_reason:
            return None
        for f, value in fields.items():
            setattr(t, f, value)
        t.save(update_fields=list(fields))
        if t.company.extension_reason != extension_reason:
            t.company.extension_reason = extension_reason
            t.company.save(update_fields=["extension_reason"])
        shown = {f: [old.pk if isinstance(old, Document) else old, new.pk if isinstance(new, Document) else new] for f, (old, new) in diff.items()}
        label = dict(AdmissionKind.choices).get(kind, "onbekend")
        return rec.event(EventKind.EDIT, effective_date=timezone.localdate(), note=f"Toelating: {label}" + (f" — {fields['admission_reason']}" if fields["admission_reason"] else ""),
                         source_document=fields["admission_source"], payload={"changed": shown, "admission": kind})


# --- companies -------------------------------------------------------------------------------------------

#: the twelve provinces, as a company's ``provinces`` names them
PROVINCES = ("Drenthe", "Flevoland", "Friesland", "Gelderland", "Groningen", "Limburg", "Noord-Brabant", "Noord-Holland",
             "Overijssel", "Utrecht", "Zeeland", "Zuid-Holland")


class DuplicateName(ValidationError):
    """A company of that name exists already (the API answers 409)."""


def _company_fields(values: dict, company: Company | None) -> dict:
    """Check the company fields given (name, sector, subsector, sites, provinces, installations,
    operators); a ValidationError names each bad one. Installations are EUTL ids, operators pks."""
    errors, out = {}, {}
    if "name" in values:
        name = (values["name"] or "").strip()
        if not name:
            errors["name"] = "Naam: verplicht."
        elif len(name) > 200:
            errors["name"] = "Naam: ten hoogste 200 tekens."
        elif not slugify(name):
            errors["name"] = f"Naam: {name!r} bevat geen letter of cijfer om een adres van te maken."
        out["name"] = name
    if "sector" in values:
        if values["sector"] not in Sector.values:
            errors["sector"] = f"Sector: kies uit {', '.join(Sector.values)}, niet {values['sector']!r}."
        out["sector"] = values["sector"]
    for field, label, limit in (("subsector", "Subsector", 200), ("sites", "Locaties", 300)):
        if field in values:
            out[field] = (values[field] or "").strip()
            if len(out[field]) > limit:
                errors[field] = f"{label}: ten hoogste {limit} tekens."
    if "provinces" in values:
        provinces = [p.strip() for p in values["provinces"] or () if p and p.strip()]
        wrong = [p for p in provinces if p not in PROVINCES]
        if wrong:
            errors["provinces"] = f"Provincies: {', '.join(repr(p) for p in wrong)} is geen provincie; kies uit {', '.join(PROVINCES)}."
        out["provinces"] = ", ".join(p for p in PROVINCES if p in provinces)
    if "installations" in values:
        ids = list(dict.fromkeys(i.strip() for i in values["installations"] or () if i and i.strip()))
        found = {i.eutl_id: i for i in Installation.objects.select_related("operator__company", "company").filter(eutl_id__in=ids)}
        missing = [i for i in ids if i not in found]
        taken = [f"{i} hoort al bij {found[i].effective_company}" for i in ids if i in found and found[i].effective_company
                 and (company is None or found[i].effective_company.pk != company.pk)]
        if missing:
            errors["installations"] = f"Installaties: {', '.join(missing)} staat niet in het register (EUTL-id, bijv. NL-439)."
        elif taken:
            errors["installations"] = f"Installaties: {'; '.join(taken)}; koppel haar om via Register › Koppelen als dat de bedoeling is."
        out["installations"] = [found[i] for i in ids if i in found]
    if "operators" in values:
        raw = list(values["operators"] or ())
        valid = [p for p in raw if isinstance(p, int) and not isinstance(p, bool) and 0 < p < 2**31]
        if len(valid) != len(raw):
            errors["operators"] = "Rekeninghouders: geef de nummers (id's) van rekeninghouders uit het register."
        pks = list(dict.fromkeys(valid))
        operators = {o.pk: o for o in Operator.objects.select_related("company").filter(pk__in=pks)}
        missing = [str(p) for p in pks if p not in operators]
        taken = [f"{operators[p].name} hoort al bij {operators[p].company}" for p in pks if p in operators and operators[p].company_id
                 and (company is None or operators[p].company_id != company.pk)]
        if missing:
            errors["operators"] = f"Rekeninghouders: {', '.join(missing)} bestaat niet."
        elif taken:
            errors["operators"] = f"Rekeninghouders: {'; '.join(taken)}; koppel om via Register › Koppelen als dat de bedoeling is."
        out["operators"] = [operators[p] for p in pks if p in operators]
    if errors:
        raise ValidationError(errors)
    if "name" in out and Company.objects.filter(name__iexact=out["name"]).exclude(pk=company.pk if company else None).exists():  # type: ignore[misc]
        raise DuplicateName({"name": f"Naam: er is al een bedrijf '{out['name']}'."})
    return out


def _link(company: Company, installations, operators) -> None:
    """Link operators (account holders) and installations to ``company``, as the mapping screen does:
    an installation names its own company only where it differs from its account holder's."""
    for operator in operators:
        if operator.company_id != company.pk:
            Operator.objects.filter(pk=operator.pk).update(company=company)
            operator.company = company
    for installation in installations:
        installation.refresh_from_db(fields=["operator", "company"])
        override = None if installation.operator.company_id == company.pk else company
        Installation.objects.filter(pk=installation.pk).update(company=override)


def _links_of(company: Company) -> dict:
    return {
        "installations": sorted(Installation.objects.filter(Q(company=company) | Q(company__isnull=True, operator__company=company)).values_list("eutl_id", flat=True)),
        "operators": sorted(Operator.objects.filter(company=company).values_list("pk", flat=True)),
    }


def create_company(*, name: str, sector: str = Sector.INDUSTRY, provinces=(), subsector: str = "", sites: str = "",
                   installations=(), operators=(), admission_kind: str = "", admission_reason: str = "",
                   actor=None) -> Trajectory:
    """Create a programme company with its trajectory (in ``exploration``, since unknown): name,
    sector, provinces (of :data:`PROVINCES`), linked installations (EUTL ids) and account holders
    (Operator pks), and its admission (see :func:`set_admission`; the source document is set later,
    once it is recorded). One transaction; a ValidationError names each bad field (DuplicateName for
    a name in use); nothing is written then."""
    with transaction.atomic():
        fields = _company_fields({"name": name, "sector": sector, "provinces": provinces, "subsector": subsector, "sites": sites,
                                  "installations": installations, "operators": operators}, None)
        try:
            with transaction.atomic():
                company = Company.objects.create(
                    name=fields["name"], slug=unique_slug(fields["name"]), sector=fields["sector"], subsector=fields["subsector"],
                    sites=fields["sites"], provinces=fields["provinces"], in_programme=True,
                )
        except IntegrityError:
            raise DuplicateName({"name": f"Naam: er is al een bedrijf '{fields['name']}'."}) from None
        _link(company, fields["installations"], fields["operators"])
        trajectory = Trajectory.objects.create(company=company)
        admission = _admission_fields(trajectory, admission_kind, admission_reason, None)
        for f, value in admission.items():
            setattr(trajectory, f, value)
        trajectory.save()
        if admission_kind == AdmissionKind.EXTENSION:
            company.extension_reason = admission["admission_reason"]
            company.save(update_fields=["extension_reason"])
        with recording(trajectory, actor) as rec:
            rec.event(EventKind.EDIT, effective_date=timezone.localdate(), note=f"Bedrijf {company.name} en zijn traject aangemaakt.",
                      payload={"created": {"name": company.name, "sector": company.sector, "provinces": company.provinces,
                                           "admission": admission_kind, **_links_of(company)}})
        trajectory.refresh_from_db()
        return trajectory


COMPANY_FIELDS = ("name", "sector", "provinces", "subsector", "sites", "installations", "operators")


def update_company(trajectory: Trajectory, changes: dict, actor=None, expected_version: int | None = None) -> Event | None:
    """Change the company of ``trajectory`` (any of :data:`COMPANY_FIELDS`; ``installations`` and
    ``operators`` are the whole set of links: ones left out are unlinked). The slug (its address)
    stays. Based on the trajectory's ``version``; an EDIT event lists what changed; None if nothing did."""
    unknown = set(changes) - set(COMPANY_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Onbekend veld van een bedrijf."))
    with recording(trajectory, actor, expected_version) as rec:
        company = rec.trajectory.company
        fields = _company_fields(changes, company)
        before = {"name": company.name, "sector": company.sector, "provinces": company.provinces, "subsector": company.subsector,
                  "sites": company.sites, **_links_of(company)}
        plain = {f: v for f, v in fields.items() if f not in ("installations", "operators")}
        for f, value in plain.items():
            setattr(company, f, value)
        if plain:
            try:
                with transaction.atomic():
                    company.save(update_fields=list(plain))
            except IntegrityError:
                raise DuplicateName({"name": f"Naam: er is al een bedrijf '{fields['name']}'."}) from None
        if "operators" in fields:
            keep = {o.pk for o in fields["operators"]}
            Operator.objects.filter(company=company).exclude(pk__in=keep).update(company=None)
        if "installations" in fields:
            keep = {i.pk for i in fields["installations"]}
            Installation.objects.filter(company=company).exclude(pk__in=keep).update(company=None)
        _link(company, fields.get("installations", ()), fields.get("operators", ()))
        if "installations" in fields:  # an installation left out that still follows its account holder here
            keep = {i.pk for i in fields["installations"]}
            for inst in Installation.objects.filter(company__isnull=True, operator__company=company).exclude(pk__in=keep):
                raise ValidationError({"installations": f"Installaties: {inst.eutl_id} hoort bij rekeninghouder {inst.operator.name}, "
                                                        "die aan dit bedrijf gekoppeld blijft; ontkoppel de rekeninghouder of koppel de installatie om."})
        after = {"name": company.name, "sector": company.sector, "provinces": company.provinces, "subsector": company.subsector,
                 "sites": company.sites, **_links_of(company)}
        diff = {f: [before[f], after[f]] for f in before if before[f] != after[f]}
        if not diff:
            return None
        return rec.event(EventKind.EDIT, effective_date=timezone.localdate(), note="Bedrijfsgegevens gewijzigd: " + ", ".join(diff),
                         payload={"changed": diff})


# --- parties ----------------------------------------------------------------------------------------------

#: the roles of a case file's parties, as party kinds (the State is a ministry: KGG, IenW)
PARTY_ROLES = {"state": PartyKind.MINISTRY, "province": PartyKind.PROVINCE, "company": PartyKind.COMPANY, "other": PartyKind.OTHER}
ROLE_OF_KIND: dict[str, str] = {PartyKind.MINISTRY: "state", PartyKind.PROVINCE: "province", PartyKind.COMPANY: "company"}


def party_role(party: Party) -> str:
    """The case-file role of a party: state, province, company or other."""
    return ROLE_OF_KIND.get(party.kind, "other")


def add_party(trajectory: Trajectory, name: str, role: str, actor=None) -> Party:
    """Add the party ``name`` with ``role`` (state|province|company|other, or a PartyKind code) to the
    trajectory, creating it when new. A party already known under another kind is refused (names
    are unique). Already taking part: nothing changes (no event)."""
    name = (name or "").strip()
    kind = PARTY_ROLES.get(role, role)
    errors = {}
    if not name:
        errors["name"] = "Naam van de partij: verplicht."
    elif len(name) > 200:
        errors["name"] = "Naam van de partij: ten hoogste 200 tekens."
    if kind not in PartyKind.values:
        errors["role"] = f"Rol: kies uit {', '.join(PARTY_ROLES)}, niet {role!r}."
    if errors:
        raise ValidationError(errors)
    with recording(trajectory, actor) as rec:
        party = Party.objects.filter(name__iexact=name).first()
        if party is not None and party.kind != kind:
            raise ValidationError({"role": f"Rol: de partij {party.name} bestaat al als {party.get_kind_display().lower()}."})
        if party is None:
            party = Party.objects.create(name=name, kind=kind, company=rec.trajectory.company if kind == PartyKind.COMPANY else None)
        if rec.trajectory.parties.filter(pk=party.pk).exists():
            return party
        rec.trajectory.parties.add(party)
        rec.event(EventKind.PARTY, effective_date=timezone.localdate(), note=f"Partij toegevoegd: {party.name} ({party.get_kind_display().lower()})",
                  payload={"added": party.pk, "name": party.name, "role": party_role(party)})
        return party


def remove_party(trajectory: Trajectory, party: Party | int, actor=None) -> Event:
    """Take ``party`` out of the trajectory (the party itself stays for other trajectories)."""
    pk = party.pk if isinstance(party, Party) else party
    with recording(trajectory, actor) as rec:
        found = rec.trajectory.parties.filter(pk=pk).first()
        if found is None:
            raise ValidationError({"party": f"Partij {pk!r} neemt niet deel aan het traject van {rec.trajectory.company.name}."})
        rec.trajectory.parties.remove(found)
        return rec.event(EventKind.PARTY, effective_date=timezone.localdate(), note=f"Partij verwijderd: {found.name}",
                         payload={"removed": found.pk, "name": found.name, "role": party_role(found)})


# --- documents ------------------------------------------------------------------------------------------


class DocumentRefused(ValidationError):
    """An upload or review the rules do not allow (a ValidationError, so callers show its messages)."""


def _type_label(doc_type: str) -> str:
    return str(DocumentType(doc_type).label).lower() if doc_type in DocumentType.values else repr(doc_type)


def _document_terms(trajectory, actor, doc_type, confidentiality, published, proposed_public, originator):
    """Status, originator, confidentiality and publication of a new document, from who uploads it.

    The programme team (and the system: demo data, imports, with no actor) records documents as
    accepted and may publish them; a company submits them for review, never published, at most
    proposed as public. Confidential types are confidential whatever was asked."""
    actor = _actor(actor)
    role = role_of(actor) if actor is not None else None
    if actor is not None and not permissions.can_submit_documents(actor, trajectory):
        raise DocumentRefused("U mag bij dit traject geen documenten indienen.")
    if doc_type in CONFIDENTIAL_TYPES:
        if published or confidentiality == Confidentiality.PUBLIC:
            raise DocumentRefused({"confidentiality": f"Een {_type_label(doc_type)} is altijd vertrouwelijk; nooit openbaar."})
        confidentiality, proposed_public = Confidentiality.CONFIDENTIAL, False
    if role == Role.COMPANY:
        if doc_type not in COMPANY_SUBMITTABLE_TYPES:
            raise DocumentRefused({"doc_type": f"Een bedrijf kan geen {_type_label(doc_type)} indienen; dat stuk is van de Staat of de AMVI."})
        if published or confidentiality == Confidentiality.PUBLIC:
            raise DocumentRefused(
                {"published": "Een bedrijf publiceert geen documenten; stel het voor als openbaar, het programmateam beslist na beoordeling."}
            )
        return ReviewStatus.SUBMITTED, Originator.COMPANY, confidentiality, False, proposed_public
    if published and actor is not None and not permissions.can_publish_documents(actor, trajectory):
        raise DocumentRefused({"published": "Alleen het programmateam publiceert documenten."})
    return ReviewStatus.ACCEPTED, originator or originator_by_type(doc_type), confidentiality, published, proposed_public


def add_document(
    trajectory: Trajectory,
    doc_type: str,
    title: str,
    confidentiality: str,
    actor=None,
    document_date: dt.date | PartialDate | str | None = None,
    file_name: str | None = None,
    data=None,
    published: bool = False,
    public_url: str = "",
    source: str = "",
    not_after: dt.date | None = None,
    proposed_public: bool = False,
    originator: str | None = None,
    *,
    reference: str = "",
    case_key: str = "",
) -> Document:
    """Record a document (``data``: bytes or an uploaded file, read in chunks; a source such as a
    Kamerbrief or a news item needs no file). ``document_date`` may be a day, or a month or year
    (``"2025-06"``, ``"2021"`` or a PartialDate): the stored date is then the period's first day and
    ``date_precision`` says which; its document event counts from the period's last day.

    Everything is checked before the file is written; if anything fails afterwards (the database, a
    rollback of this block) the written file is removed again, so a refused upload leaves nothing."""
    checked = check_upload(file_name or "document", data) if data is not None else None
    partial: PartialDate | None
    if isinstance(document_date, dt.date) and not isinstance(document_date, dt.datetime):
        implausible = happened_date_error(document_date, "Documentdatum")
        if implausible:
            raise DocumentRefused({"document_date": implausible})
        partial = PartialDate.of(document_date)
    else:
        partial, error = partial_date_error(document_date, "Documentdatum")
        if error:
            raise DocumentRefused({"document_date": error})
    implausible = happened_date_error(not_after, "Uiterlijk op")
    if implausible:
        raise DocumentRefused({"not_after": implausible})
    saved_name = None
    try:
        with recording(trajectory, actor) as rec:
            status, originator, confidentiality, published, proposed_public = _document_terms(
                rec.trajectory, actor, doc_type, confidentiality, published, proposed_public, originator
            )
            day = partial.earliest if partial else None
            doc = Document(
                trajectory=rec.trajectory,
                doc_type=doc_type,
                title=(title or "").strip(),
                confidentiality=confidentiality,
                document_date=day,
                date_precision=partial.precision if partial else DatePrecision.DAY,
                reference=(reference or "").strip(),
                case_key=case_key,
                published=published,
                published_on=(partial.latest if partial else None) if published else None,
                public_url=public_url,
                source=source,
                uploaded_by=_actor(actor),
                status=status,
                originator=originator,
                proposed_public=proposed_public,
            )
            if checked is not None:
                doc.set_file_meta(checked.size, checked.sha256, checked.content_type)
            try:
                doc.full_clean(exclude=["file"])
            except ValidationError as exc:
                raise DocumentRefused(exc.message_dict) from None
            if checked is not None:
                doc.file.save(checked.name, checked.file, save=False)
                saved_name = doc.file.name
            doc.save()
            when = When(date=partial) if partial else _day_when(None, not_after)
            rec.event(
                EventKind.DOCUMENT, when=when, note=doc.title, source=source, source_document=doc,
                payload={
                    "document": doc.pk, "type": doc_type, "confidentiality": confidentiality, "published": published,
                    "status": status, "originator": originator, "proposed_public": proposed_public,
                },
            )
            return doc
    except BaseException:
        if saved_name:
            Document.file.field.storage.delete(saved_name)
        raise


def add_source(trajectory: Trajectory, *, kind: str, title: str, date=None, reference: str = "", url: str = "",
               public: bool = False, case_key: str = "", actor=None) -> Document:
    """Record a source document without a file (a Kamerbrief, a news item, the EoP as published):
    ``kind`` a DocumentType code (kamerbrief, news, eop, jloi, …), ``date`` a day, month or year
    (text ``JJJJ-MM-DD``/``JJJJ-MM``/``JJJJ``, a date or a PartialDate; None: undated), its
    reference (kenmerk, e.g. "Kamerstuk 29 826 nr. 266"), its url, and whether it is public
    (confidentiality public; publishing it on the portal is a separate, four-eyes step)."""
    errors = {}
    if kind not in DocumentType.values:
        errors["doc_type"] = f"Soort: kies uit {', '.join(DocumentType.values)}, niet {kind!r}."
    if not (title or "").strip():
        errors["title"] = "Titel: verplicht."
    if url and not str(url).startswith(("https://", "http://")):
        errors["public_url"] = f"Vindplaats: {url!r} is geen webadres (begint met https://)."
    if errors:
        raise DocumentRefused(errors)
    confidentiality = Confidentiality.PUBLIC if public else Confidentiality.INTERNAL
    return add_document(trajectory, kind, title, confidentiality, actor=actor, document_date=date, public_url=url or "",
                        reference=reference, case_key=case_key, originator=Originator.STATE)


REVIEW_DECISIONS = ("accept", "publish", "reject")


def review_document(document: Document, decision: str, actor=None, reason: str = "") -> Document:
    """The programme team's review of a document: accept, accept and publish, or reject (with a reason).

    A submitted document is accepted or rejected once; an accepted one may still be published. Each
    decision is an append-only review event; publishing needs a type that may be public."""
    if decision not in REVIEW_DECISIONS:
        raise DocumentRefused({"decision": f"Onbekende beslissing {decision!r}; kies uit {', '.join(REVIEW_DECISIONS)}."})
    with recording(document.trajectory, actor) as rec:
        if _actor(actor) is not None and not permissions.can_review_documents(actor, rec.trajectory):
            raise DocumentRefused("Alleen het programmateam beoordeelt en publiceert documenten.")
        doc = Document.objects.select_for_update().get(pk=document.pk)
        before = doc.status
        if decision == "reject":
            if before != ReviewStatus.SUBMITTED:
                raise DocumentRefused(f"“{doc.title}” is al {doc.get_status_display().lower()}; alleen een ingediend document kan worden afgewezen.")
            if not reason.strip():
                raise DocumentRefused({"review_reason": "Geef een reden als een document wordt afgewezen."})
            doc.status = ReviewStatus.REJECTED
        elif decision == "accept":
            if before != ReviewStatus.SUBMITTED:
                raise DocumentRefused(f"“{doc.title}” is al {doc.get_status_display().lower()}.")
            doc.status = ReviewStatus.ACCEPTED
        else:
            if before == ReviewStatus.REJECTED or doc.published:
                raise DocumentRefused(f"“{doc.title}” is {'al gepubliceerd' if doc.published else 'afgewezen'}; publiceren kan niet.")
            if doc.doc_type in CONFIDENTIAL_TYPES:
                raise DocumentRefused(f"Een {doc.get_doc_type_display().lower()} is altijd vertrouwelijk en wordt nooit gepubliceerd.")
            doc.status, doc.confidentiality, doc.published = ReviewStatus.ACCEPTED, Confidentiality.PUBLIC, True
            doc.published_on = timezone.localdate()
        doc.review_reason = reason.strip()
        doc.full_clean(exclude=["file"])
        doc.save()
        rec.event(
            EventKind.REVIEW, effective_date=timezone.localdate(), note=reason.strip(),
            payload={"document": doc.pk, "decision": decision, "from": before, "to": doc.status, "published": doc.published},
        )
        return doc


# --- AMVI, parliament, notes ----------------------------------------------------------------------------


def record_amvi_advice(trajectory: Trajectory, actor=None, items=(), *, when: When | None = None,
                       source_document: Document | int | None = None, **fields) -> AmviAdvice:
    """Record the AMVI's advice with its conditions, advice and considerations.

    ``when``: the advice's date as the record gives it (a day, a month, a year, bounds or nothing);
    without it, ``advice_date`` of ``fields``. Judgements left empty are unknown (not public)."""
    with recording(trajectory, actor) as rec:
        document = _own_document(rec.trajectory, source_document)
        if when is None:
            when = _day_when(fields.get("advice_date"), None, "Datum advies")
        fields["advice_date"] = when.exact
        for name in ("feasibility", "cost_effectiveness", "ambition", "summary", "source"):
            fields[name] = fields.get(name) or ""
        advice = AmviAdvice(trajectory=rec.trajectory, author=_actor(actor), **fields)
        advice.full_clean()
        advice.save()
        for item in items:
            obj = AmviItem(advice=advice, **item)
            obj.full_clean()
            obj.save()
        rec.event(
            EventKind.AMVI_ADVICE, when=when, note=advice.summary, source=advice.source or (document.title if document else ""),
            source_document=document,
            payload={"advice": advice.pk, "feasibility": advice.feasibility, "cost_effectiveness": advice.cost_effectiveness, "ambition": advice.ambition, "items": len(items)},
        )
        return advice


def respond_to_item(item: AmviItem, response: str, reason: str, actor=None, date: dt.date | None = None) -> AmviItem:
    with recording(item.advice.trajectory, actor) as rec:
        old = item.response
        item.response, item.response_reason = response, reason
        item.full_clean()
        item.save()
        rec.event(EventKind.AMVI_RESPONSE, effective_date=date or timezone.localdate(), note=reason, payload={"item": item.pk, "from": old, "to": response})
        return item


def inform_parliament(
    trajectory: Trajectory,
    informed_on: dt.date | None,
    kamerstuk: str,
    actor=None,
    subject_phase: str = "jloi_signed",
    not_after: dt.date | None = None,
    source: str = "",
    note: str = "",
    *,
    when: When | None = None,
    source_document: Document | int | None = None,
) -> ParliamentNotice:
    """Record that parliament was informed (about ``subject_phase``): on a day, or as ``when`` gives it
    (a month, a year, bounds, or nothing at all: "Kamer geïnformeerd, datum onbekend"); the
    Kamerstuk number may be unknown ("")."""
    with recording(trajectory, actor) as rec:
        document = _own_document(rec.trajectory, source_document)
        if when is None:
            when = _day_when(informed_on, not_after, "Geïnformeerd op")
        _, bound, _ = _columns(when)
        notice = ParliamentNotice(
            trajectory=rec.trajectory, informed_on=when.exact, not_after=bound, kamerstuk=(kamerstuk or "").strip(),
            subject_phase=subject_phase, source=source or (document.title if document else ""),
        )
        notice.full_clean()
        notice.save()
        rec.event(EventKind.PARLIAMENT, when=when, note=note, source=notice.source, source_document=document,
                  payload={"kamerstuk": notice.kamerstuk, "subject": subject_phase, "notice": notice.pk})
        return notice


def note(trajectory: Trajectory, text: str, date: dt.date | None, not_after: dt.date | None = None, source: str = "", actor=None,
         *, when: When | None = None, source_document: Document | int | None = None) -> Event:
    if not (text or "").strip():
        raise ValidationError({"note": "Toelichting: verplicht bij een notitie."})
    with recording(trajectory, actor) as rec:
        document = _own_document(rec.trajectory, source_document)
        if when is None:
            when = _day_when(date, not_after)
        return rec.event(EventKind.NOTE, when=when, note=text.strip(), source=source or (document.title if document else ""), source_document=document)


add_note = note  # (record_event's argument ``note`` is the text)


#: the kinds :func:`record_event` records (the case file's names; "parliament" is the event kind's own code)
RECORDABLE_KINDS = ("transition", "note", "parliament_informed", "amvi_advice")


def record_event(
    trajectory: Trajectory,
    kind: str,
    to_phase: str | None = None,
    date=None,
    not_after=None,
    before=None,
    approx=None,
    source_document: Document | int | None = None,
    note: str = "",
    actor=None,
    *,
    exceptions: GateExceptions | None = None,
    expected_version: int | None = None,
    kamerstuk: str = "",
    subject_phase: str = "jloi_signed",
    advice: dict | None = None,
) -> Event:
    """Record one event with a partial or bounded date, through the service of its kind.

    ``kind``: "transition" (``to_phase`` required; gates checked, a failing forward condition passes
    only with ``exceptions``), "note" (``note`` required), "parliament_informed" (``kamerstuk`` may be
    empty, ``subject_phase``) or "amvi_advice" (``advice``: feasibility, cost_effectiveness, ambition
    (each may be "" = unknown), summary, concept_submitted_on, items). ``date``, ``not_after``,
    ``before``, ``approx``: each None, a day, or text ``JJJJ-MM-DD``/``JJJJ-MM``/``JJJJ`` (or a
    PartialDate); a date of a day takes no bounds. Bad input raises a ValidationError naming the
    field ("date", "not_after", …) and nothing is written; a refused move raises TransitionRefused."""
    if kind == "parliament":
        kind = "parliament_informed"
    if kind not in RECORDABLE_KINDS:
        raise ValidationError({"kind": f"Soort: kies uit {', '.join(RECORDABLE_KINDS)}, niet {kind!r}."})
    when = _when(date, not_after, before, approx)
    if kind == "transition":
        if not to_phase:
            raise ValidationError({"to_phase": "Naar fase: verplicht bij een faseovergang."})
        if to_phase not in workflow.PHASE_BY_CODE:
            raise ValidationError({"to_phase": f"Naar fase: onbekende fase {to_phase!r}; kies uit {', '.join(workflow.PHASE_CODES)}."})
        return transition(trajectory, to_phase, actor=actor, note=note, expected_version=expected_version, when=when,
                          source_document=source_document, exceptions=exceptions)
    if exceptions is not None:
        raise ValidationError({"exception_reason": "Een uitzondering hoort alleen bij een faseovergang."})
    if expected_version is not None:
        _locked(trajectory, expected_version)  # refuse a stale form before recording anything
    if kind == "note":
        return add_note(trajectory, note, None, when=when, source_document=source_document, actor=actor)
    if kind == "parliament_informed":
        notice = inform_parliament(trajectory, None, kamerstuk, actor=actor, subject_phase=subject_phase, note=note, when=when,
                                   source_document=source_document)
        return trajectory.events.filter(kind=EventKind.PARLIAMENT, payload__notice=notice.pk).latest("pk")
    fields = dict(advice or {})
    items = fields.pop("items", ())
    submitted, error = partial_date_error(fields.pop("concept_submitted_on", None), "Concept voorgelegd op")
    if error:
        raise ValidationError({"concept_submitted_on": error})
    if submitted is not None and submitted.precision != "day":
        raise ValidationError({"concept_submitted_on": f"Concept voorgelegd op: alleen een dag wordt vastgelegd, niet {submitted.iso()}; "
                                                       "laat het leeg als de dag niet openbaar is."})
    unknown = set(fields) - {"feasibility", "cost_effectiveness", "ambition", "summary", "source"}
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Onbekend veld van een AMVI-advies."))
    if note and not fields.get("summary"):
        fields["summary"] = note
    advice_row = record_amvi_advice(trajectory, actor=actor, items=items, when=when, source_document=source_document,
                                    concept_submitted_on=submitted.exact if submitted else None, **fields)
    return trajectory.events.filter(kind=EventKind.AMVI_ADVICE, payload__advice=advice_row.pk).latest("pk")


@dataclass(frozen=True)
class BoardRow:
    trajectory: Trajectory
    phase: str
    since: dt.date | None
    since_known: bool
    lacking: tuple[str, ...]
    obligations: tuple


def for_derivation():
    """All trajectories with everything state and facts are derived from, in a fixed number of queries."""
    return Trajectory.objects.select_related("company").prefetch_related(
        "events", "documents", "amvi_advices__items", "parliament_notices"
    ).order_by("company__name", "pk")


def board_of(visible_ids, as_of: dt.date | None = None, *, with_key: bool = False):
    """The board rows of the trajectories ``visible_ids`` (in board order); derived once per data generation.

    With ``with_key``: ``(rows, key)``, ``key`` naming exactly these rows in this generation (for
    caching their rendering), None when nothing may be cached."""
    def compute():
        rows = board(for_derivation(), as_of)
        for row in rows:
            row.trajectory._prefetched_objects_cache = {}  # type: ignore[attr-defined]  # keep the cached rows small
        return rows

    wanted = set(visible_ids)
    rows, key = datacache.cached("board", (as_of, timezone.localdate()), compute, with_key=True)
    rows = [r for r in rows if r.trajectory.pk in wanted]
    if not with_key:
        return rows
    return rows, (f"{key}:{','.join(str(pk) for pk in sorted(wanted))}" if key else None)


def board(trajectories, as_of: dt.date | None = None) -> list[BoardRow]:
    rows = []
    for t in trajectories:
        state = state_as_of(t, as_of)
        facts = facts_as_of(t, as_of)
        checklist = workflow.gate_checklist(state.phase, facts)
        rows.append(
            BoardRow(
                trajectory=t,
                phase=state.phase,
                since=state.since,
                since_known=state.since is not None,
                lacking=tuple(item.label for item in checklist if not item.satisfied),
                obligations=tuple(workflow.obligations(state.phase, facts, as_of or timezone.localdate())),
            )
        )
    return rows
