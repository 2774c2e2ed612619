"""The trajectory service: every change is an append-only event, checked against the workflow engine.

Views, the API, the CLI and the demo loader all come through here, so the same rules hold everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import IO, TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from maatwerk.core import datacache
from maatwerk.core.dates import happened_date_error
from maatwerk.core.roles import Actor, Role, role_of
from maatwerk.engine import workflow

from . import permissions
from .models import (
    COMPANY_SUBMITTABLE_TYPES,
    CONFIDENTIAL_TYPES,
    AmviAdvice,
    AmviItem,
    Confidentiality,
    Document,
    DocumentType,
    Event,
    EventKind,
    Originator,
    ParliamentNotice,
    ReviewStatus,
    Trajectory,
    originator_by_type,
)
from .uploads import check_upload

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class TransitionRefused(Exception):
    """A move the rules do not allow; ``reasons`` says what is missing, in Dutch."""

    def __init__(self, reasons: Iterable[str]) -> None:
        self.reasons = tuple(reasons)
        super().__init__("; ".join(self.reasons))


class StaleEdit(Exception):
    """Someone else changed the trajectory since the form was loaded."""


def _actor_name(actor: Actor) -> str:
    return actor.get_username() if actor is not None and getattr(actor, "is_authenticated", False) else ""


def _actor(actor: Actor) -> User | None:
    return cast("User", actor) if actor is not None and getattr(actor, "is_authenticated", False) else None


# --- reading the state -------------------------------------------------------------------------


def engine_events(trajectory: Trajectory) -> list[workflow.WorkflowEvent]:
    return [
        workflow.WorkflowEvent(
            effective_date=e.effective_date,
            recorded_at=e.recorded_at,
            kind=e.kind,
            to_phase=e.to_phase or None,
            payload={**e.payload, **({"not_after": e.not_after.isoformat()} if e.not_after else {})},
        )
        for e in trajectory.events.all()
    ]


def ordered_events(trajectory: Trajectory) -> list[Event]:
    """Events in the engine's order: by date, or for an undated event its latest possible date; then as recorded."""
    events = list(trajectory.events.select_related("actor"))
    return sorted(
        events,
        key=lambda e: (e.effective_date or min(filter(None, [e.not_after, e.recorded_at.date()])), e.effective_date is not None, e.recorded_at, e.pk),
    )


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
        if d.status == ReviewStatus.ACCEPTED and (_known_by(d.document_date, None, as_of) or d.document_date is None)
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


# --- writing -------------------------------------------------------------------------------------


def _locked(trajectory: Trajectory, expected_version: int | None) -> Trajectory:
    fresh = Trajectory.objects.select_for_update().select_related("company").get(pk=trajectory.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise StaleEdit(
            f"Het traject {fresh} is intussen gewijzigd (versie {fresh.version}, u bewerkte versie {expected_version}). "
            "Laad de pagina opnieuw; uw wijziging is niet opgeslagen."
        )
    return fresh


def refresh_cache(trajectory: Trajectory) -> None:
    state = state_as_of(trajectory)
    Trajectory.objects.filter(pk=trajectory.pk).update(phase=state.phase, phase_since=state.since, version=trajectory.version + 1)
    trajectory.phase, trajectory.phase_since, trajectory.version = state.phase, state.since, trajectory.version + 1


def _event(
    trajectory: Trajectory,
    kind: str,
    actor: Actor,
    effective_date: dt.date | None = None,
    not_after: dt.date | None = None,
    to_phase: str = "",
    note: str = "",
    source: str = "",
    payload: dict | None = None,
) -> Event:
    return Event.objects.create(
        trajectory=trajectory,
        kind=kind,
        to_phase=to_phase,
        effective_date=effective_date,
        not_after=not_after,
        actor=_actor(actor),
        actor_name=_actor_name(actor) or "systeem",
        note=note,
        source=source,
        payload=payload or {},
    )


def transition(
    trajectory: Trajectory,
    to: str,
    date: dt.date,
    actor: Actor = None,
    note: str = "",
    source: str = "",
    expected_version: int | None = None,
) -> Event:
    """Move a trajectory to ``to`` on ``date`` if the rules allow it; otherwise raise TransitionRefused."""
    implausible = happened_date_error(date, "Datum van de overgang")
    if implausible:
        raise TransitionRefused([implausible])
    with transaction.atomic():
        trajectory = _locked(trajectory, expected_version)
        current = state_as_of(trajectory)
        if current.since is not None and date < current.since:
            raise TransitionRefused([f"De datum {date:%d-%m-%Y} ligt vóór het begin van de huidige fase ({current.since:%d-%m-%Y})."])
        facts = replace(
            facts_as_of(trajectory), joint_conclusion_note=note, pause_reason=note, withdrawal_reason=note
        )  # the note of an exit is its reason
        check = workflow.check_transition(current.phase, to, facts)
        if not check.allowed:
            raise TransitionRefused(check.reasons)
        event = _event(trajectory, EventKind.TRANSITION, actor, date, to_phase=to, note=note, source=source, payload={"from": current.phase})
        refresh_cache(trajectory)
        return event


EDITABLE_FIELDS = ("top20", "climate_plan_target_year", "willing_to_invest_in_nl", "financial_securities")


def edit(trajectory: Trajectory, changes: dict, actor: Actor = None, date: dt.date | None = None, expected_version: int | None = None) -> Event | None:
    """Change eligibility fields; the event records old and new values."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"niet te wijzigen velden: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        trajectory = _locked(trajectory, expected_version)
        diff = {f: [getattr(trajectory, f), v] for f, v in changes.items() if getattr(trajectory, f) != v}
        if not diff:
            return None
        for f, (_, new) in diff.items():
            setattr(trajectory, f, new)
        trajectory.save(update_fields=list(diff))
        event = _event(trajectory, EventKind.EDIT, actor, date or timezone.localdate(), payload={"changed": diff})
        refresh_cache(trajectory)
        return event


class DocumentRefused(ValidationError):
    """An upload or review the rules do not allow (a ValidationError, so callers show its messages)."""


def _type_label(doc_type: str) -> str:
    return str(DocumentType(doc_type).label).lower() if doc_type in DocumentType.values else repr(doc_type)


def _document_terms(
    trajectory: Trajectory, actor: Actor, doc_type: str, confidentiality: str, published: bool, proposed_public: bool, originator: str | None
) -> tuple[str, str, str, bool, bool]:
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
    actor: Actor = None,
    document_date: dt.date | None = None,
    file_name: str | None = None,
    data: bytes | IO[bytes] | None = None,
    published: bool = False,
    public_url: str = "",
    source: str = "",
    not_after: dt.date | None = None,
    proposed_public: bool = False,
    originator: str | None = None,
) -> Document:
    """Record a document (``data``: bytes or an uploaded file, read in chunks).

    Everything is checked before the file is written; if anything fails afterwards (the database, a
    rollback of this block) the written file is removed again, so a refused upload leaves nothing."""
    checked = check_upload(file_name or "document", data) if data is not None else None
    saved_name = None
    try:
        with transaction.atomic():
            trajectory = _locked(trajectory, None)
            status, originator, confidentiality, published, proposed_public = _document_terms(
                trajectory, actor, doc_type, confidentiality, published, proposed_public, originator
            )
            doc = Document(
                trajectory=trajectory,
                doc_type=doc_type,
                title=title,
                confidentiality=confidentiality,
                document_date=document_date,
                published=published,
                published_on=document_date if published else None,
                public_url=public_url,
                source=source,
                uploaded_by=_actor(actor),
                status=status,
                originator=originator,
                proposed_public=proposed_public,
            )
            if checked is not None:
                doc.set_file_meta(checked.size, checked.sha256, checked.content_type)
            doc.full_clean(exclude=["file"])
            implausible = happened_date_error(not_after, "Uiterlijk op")
            if implausible:
                raise DocumentRefused({"not_after": implausible})
            if checked is not None:
                doc.file.save(checked.name, checked.file, save=False)
                saved_name = doc.file.name
            doc.save()
            _event(
                trajectory,
                EventKind.DOCUMENT,
                actor,
                document_date,
                not_after=not_after,
                note=title,
                source=source,
                payload={
                    "document": doc.pk, "type": doc_type, "confidentiality": confidentiality, "published": published,
                    "status": status, "originator": originator, "proposed_public": proposed_public,
                },
            )
            refresh_cache(trajectory)
            return doc
    except BaseException:
        if saved_name:
            Document.file.field.storage.delete(saved_name)
        raise


REVIEW_DECISIONS = ("accept", "publish", "reject")


def review_document(document: Document, decision: str, actor: Actor = None, reason: str = "") -> Document:
    """The programme team's review of a document: accept, accept and publish, or reject (with a reason).

    A submitted document is accepted or rejected once; an accepted one may still be published. Each
    decision is an append-only review event; publishing needs a type that may be public."""
    if decision not in REVIEW_DECISIONS:
        raise DocumentRefused({"decision": f"Onbekende beslissing {decision!r}; kies uit {', '.join(REVIEW_DECISIONS)}."})
    with transaction.atomic():
        trajectory = _locked(document.trajectory, None)
        if _actor(actor) is not None and not permissions.can_review_documents(actor, trajectory):
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
        _event(
            trajectory,
            EventKind.REVIEW,
            actor,
            timezone.localdate(),
            note=reason.strip(),
            payload={"document": doc.pk, "decision": decision, "from": before, "to": doc.status, "published": doc.published},
        )
        refresh_cache(trajectory)
        return doc


def record_amvi_advice(trajectory: Trajectory, actor: Actor = None, items: Sequence[dict] = (), **fields: Any) -> AmviAdvice:
    """Record the AMVI's advice with its conditions, advice and considerations."""
    with transaction.atomic():
        trajectory = _locked(trajectory, None)
        advice = AmviAdvice(trajectory=trajectory, author=_actor(actor), **fields)
        advice.full_clean()
        advice.save()
        for item in items:
            obj = AmviItem(advice=advice, **item)
            obj.full_clean()
            obj.save()
        _event(
            trajectory,
            EventKind.AMVI_ADVICE,
            actor,
            advice.advice_date,
            note=advice.summary,
            source=advice.source,
            payload={"advice": advice.pk, "feasibility": advice.feasibility, "cost_effectiveness": advice.cost_effectiveness, "ambition": advice.ambition, "items": len(items)},
        )
        refresh_cache(trajectory)
        return advice


def respond_to_item(item: AmviItem, response: str, reason: str, actor: Actor = None, date: dt.date | None = None) -> AmviItem:
    with transaction.atomic():
        trajectory = _locked(item.advice.trajectory, None)
        old = item.response
        item.response, item.response_reason = response, reason
        item.full_clean()
        item.save()
        _event(trajectory, EventKind.AMVI_RESPONSE, actor, date or timezone.localdate(), note=reason, payload={"item": item.pk, "from": old, "to": response})
        refresh_cache(trajectory)
        return item


def inform_parliament(
    trajectory: Trajectory,
    informed_on: dt.date | None,
    kamerstuk: str,
    actor: Actor = None,
    subject_phase: str = "jloi_signed",
    not_after: dt.date | None = None,
    source: str = "",
    note: str = "",
) -> ParliamentNotice:
    with transaction.atomic():
        trajectory = _locked(trajectory, None)
        notice = ParliamentNotice(
            trajectory=trajectory, informed_on=informed_on, not_after=not_after, kamerstuk=kamerstuk, subject_phase=subject_phase, source=source
        )
        notice.full_clean()
        notice.save()
        _event(trajectory, EventKind.PARLIAMENT, actor, informed_on, not_after=not_after, note=note, source=source, payload={"kamerstuk": kamerstuk, "subject": subject_phase})
        refresh_cache(trajectory)
        return notice


def record_history(trajectory: Trajectory, to: str, date: dt.date | None, not_after: dt.date | None, note: str, source: str, actor: Actor = None) -> Event:
    """Record a move that happened in the past, as published; used to load public histories.

    The public record is taken as it is (the documents behind an old gate may not be in the system),
    so gates are not checked, but the move itself must be in the transition table.
    """
    with transaction.atomic():
        trajectory = _locked(trajectory, None)
        current = state_as_of(trajectory)
        if (current.phase, to) not in workflow.TRANSITION_BY_PAIR and to != current.phase:
            raise TransitionRefused([f"{current.phase} → {to} is geen overgang uit de tabel."])
        event = _event(trajectory, EventKind.TRANSITION, actor, date, not_after=not_after, to_phase=to, note=note, source=source, payload={"from": current.phase, "historical": True})
        refresh_cache(trajectory)
        return event


def note(trajectory: Trajectory, text: str, date: dt.date | None, not_after: dt.date | None = None, source: str = "", actor: Actor = None) -> Event:
    with transaction.atomic():
        trajectory = _locked(trajectory, None)
        event = _event(trajectory, EventKind.NOTE, actor, date, not_after=not_after, note=text, source=source)
        refresh_cache(trajectory)
        return event


@dataclass(frozen=True)
class BoardRow:
    trajectory: Trajectory
    phase: str
    since: dt.date | None
    since_known: bool
    lacking: tuple[str, ...]
    obligations: tuple


def for_derivation() -> QuerySet[Trajectory]:
    """All trajectories with everything state and facts are derived from, in a fixed number of queries."""
    return Trajectory.objects.select_related("company").prefetch_related(
        "events", "documents", "amvi_advices__items", "parliament_notices"
    ).order_by("company__name", "pk")


def board_of(visible_ids: Iterable[int], as_of: dt.date | None = None, *, with_key: bool = False) -> list[BoardRow] | tuple[list[BoardRow], str | None]:
    """The board rows of the trajectories ``visible_ids`` (in board order); derived once per data generation.

    With ``with_key``: ``(rows, key)``, ``key`` naming exactly these rows in this generation (for
    caching their rendering), None when nothing may be cached."""
    def compute() -> list[BoardRow]:
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


def board(trajectories: Iterable[Trajectory], as_of: dt.date | None = None) -> list[BoardRow]:
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
