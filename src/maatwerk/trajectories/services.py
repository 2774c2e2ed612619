"""The trajectory service: every change is an append-only event, checked against the workflow engine.

Views, the API, the CLI and the demo loader all come through here, so the same rules hold everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from maatwerk.core import datacache
from maatwerk.engine import workflow

from .models import (
    AmviAdvice,
    AmviItem,
    Document,
    Event,
    EventKind,
    ParliamentNotice,
    Trajectory,
)
from .uploads import check_upload


class TransitionRefused(Exception):
    """A move the rules do not allow; ``reasons`` says what is missing, in Dutch."""

    def __init__(self, reasons):
        self.reasons = tuple(reasons)
        super().__init__("; ".join(self.reasons))


class StaleEdit(Exception):
    """Someone else changed the trajectory since the form was loaded."""


def _actor_name(actor) -> str:
    return actor.get_username() if actor is not None and getattr(actor, "is_authenticated", False) else ""


def _actor(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


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
    docs = {d.doc_type for d in trajectory.documents.all() if _known_by(d.document_date, None, as_of) or d.document_date is None}
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


def _event(trajectory, kind, actor, effective_date=None, not_after=None, to_phase="", note="", source="", payload=None):
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
    actor=None,
    note: str = "",
    source: str = "",
    expected_version: int | None = None,
) -> Event:
    """Move a trajectory to ``to`` on ``date`` if the rules allow it; otherwise raise TransitionRefused."""
    with transaction.atomic():
        trajectory = _locked(trajectory, expected_version)
        current = state_as_of(trajectory)
        if current.since is not None and date < current.since:
            raise TransitionRefused([f"De datum {date:%d-%m-%Y} ligt vóór het begin van de huidige fase ({current.since:%d-%m-%Y})."])
        if date > timezone.localdate():
            raise TransitionRefused([f"De datum {date:%d-%m-%Y} ligt in de toekomst."])
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


def edit(trajectory: Trajectory, changes: dict, actor=None, date: dt.date | None = None, expected_version: int | None = None) -> Event | None:
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


def add_document(
    trajectory: Trajectory,
    doc_type: str,
    title: str,
    confidentiality: str,
    actor=None,
    document_date: dt.date | None = None,
    file_name: str | None = None,
    data: bytes | None = None,
    published: bool = False,
    public_url: str = "",
    source: str = "",
    not_after: dt.date | None = None,
) -> Document:
    with transaction.atomic():
        trajectory = _locked(trajectory, None)
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
        )
        if data is not None:
            checked = check_upload(file_name or "document", data)
            doc.set_file_meta(checked.data, checked.content_type)
            doc.file.save(checked.name, ContentFile(checked.data), save=False)
        doc.full_clean()
        doc.save()
        _event(
            trajectory,
            EventKind.DOCUMENT,
            actor,
            document_date,
            not_after=not_after,
            note=title,
            source=source,
            payload={"document": doc.pk, "type": doc_type, "confidentiality": confidentiality, "published": published},
        )
        refresh_cache(trajectory)
        return doc


def record_amvi_advice(trajectory: Trajectory, actor=None, items=(), **fields) -> AmviAdvice:
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


def respond_to_item(item: AmviItem, response: str, reason: str, actor=None, date: dt.date | None = None) -> AmviItem:
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
    actor=None,
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


def record_history(trajectory: Trajectory, to: str, date: dt.date | None, not_after: dt.date | None, note: str, source: str, actor=None) -> Event:
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


def note(trajectory: Trajectory, text: str, date: dt.date | None, not_after: dt.date | None = None, source: str = "", actor=None) -> Event:
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
            row.trajectory._prefetched_objects_cache = {}  # keep the cached rows small
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
