"""Object-level permissions per role (programme team, company user, AMVI member, province/ministry, public).

- programme team: everything; it alone accepts, rejects and publishes documents;
- company user: only their own company's trajectory. Of its documents the company sees those it
  supplied itself (``originator`` company, whatever their review state, so also its own business
  case and a rejected submission with the reason), and those of the State that are not confidential
  once accepted; never the State's own papers (due diligence, negotiation papers: mandate, positions),
  and never another confidential document of the State. It may submit documents (never publish:
  at most propose them as public), which wait for the programme team's review;
- AMVI member: only trajectories whose concept JLoI was put to the committee, and of those the
  accepted documents the committee receives (concept JLoI, business case, due diligence, climate
  plan, advice) as they were put to it: when an advice exists, only documents that were on record
  when the latest advice was recorded and not dated after it; before any advice, all of them;
  plus what is public; writes the advice;
- province or other ministry: trajectories in which their party takes part, accepted documents
  without confidential business information;
- anyone else (anonymous or without a role): published public documents only (published implies
  accepted, by a database constraint).

Events are shown through :func:`visible_events` only (page, API, anything else): an event about a
document the user may not see loses its title and payload, an event resting on such a document
(its ``source_document``: a transition, a gate exception) loses the document's title; an edit of a field the user may not see
(:data:`CONFIDENTIAL_FIELDS`) keeps the field's name but loses its values.
"""

from __future__ import annotations

import copy

from django.db.models import DateTimeField, F, Max, OuterRef, Q, QuerySet, Subquery

from maatwerk.core.roles import Role, role_of

from .models import (
    AMVI_DOCUMENT_TYPES,
    STATE_ONLY_TYPES,
    AmviAdvice,
    Confidentiality,
    Document,
    Event,
    EventKind,
    Originator,
    ReviewStatus,
    Trajectory,
)

# Trajectory fields whose values only the programme team sees (the page shows them to it alone).
CONFIDENTIAL_FIELDS = frozenset({"financial_securities"})
REDACTED = "(niet zichtbaar voor uw rol)"
HIDDEN_SOURCE = "een document dat niet zichtbaar is voor uw rol"

# Phases from which a concept JLoI has been put to the AMVI (it stays put to it afterwards).
PUT_TO_AMVI_PHASES = ("jloi_concept", "amvi_advice", "jloi_signed", "binding_agreement", "realisation", "completed")


def _membership(user):
    return getattr(user, "membership", None)


def put_to_amvi_q(prefix: str = "") -> Q:
    """Trajectories with a concept JLoI put to the AMVI: an event moving into jloi_concept exists."""
    return Q(**{f"{prefix}events__kind": "transition", f"{prefix}events__to_phase": "jloi_concept"})


def visible_trajectories(user) -> QuerySet[Trajectory]:
    role = role_of(user)
    qs = Trajectory.objects.select_related("company")
    if role == Role.PROGRAMME:
        return qs
    if role == Role.COMPANY:
        return qs.filter(company_id=_membership(user).company_id)
    if role == Role.AMVI:
        return qs.filter(put_to_amvi_q()).distinct()
    if role == Role.PROVINCE:
        return qs.filter(parties=_membership(user).party_id)
    return qs.none()


def can_view_trajectory(user, trajectory: Trajectory) -> bool:
    return visible_trajectories(user).filter(pk=trajectory.pk).exists()


def public_documents_q() -> Q:
    return Q(published=True, confidentiality=Confidentiality.PUBLIC)


def _as_put_to_amvi(qs: QuerySet[Document]) -> QuerySet[Document]:
    """Committee documents as they were put to the AMVI: once an advice exists, those on record when
    the latest advice was recorded (its event) and not dated after the latest advice date."""
    advices = AmviAdvice.objects.filter(trajectory=OuterRef("trajectory")).order_by()
    latest_date = advices.values("trajectory").annotate(d=Max("advice_date")).values("d")
    recorded = (
        Event.objects.filter(trajectory=OuterRef("trajectory"), kind=EventKind.AMVI_ADVICE).order_by()
        .values("trajectory").annotate(t=Max("recorded_at")).values("t")
    )
    has_advice = advices
    qs = qs.annotate(
        _advised=Subquery(has_advice.values("pk")[:1]),
        _advice_date=Subquery(latest_date),
        _advice_recorded=Subquery(recorded, output_field=DateTimeField()),
    )
    on_record = Q(_advice_recorded__isnull=False, uploaded_at__lte=F("_advice_recorded")) | Q(
        _advice_recorded__isnull=True, _advice_date__isnull=False, uploaded_at__date__lte=F("_advice_date")
    ) | Q(_advice_recorded__isnull=True, _advice_date__isnull=True)
    not_dated_after = Q(_advice_date__isnull=True) | Q(document_date__isnull=True) | Q(document_date__lte=F("_advice_date"))
    return qs.filter(Q(_advised__isnull=True) | (on_record & not_dated_after))


def visible_documents(user) -> QuerySet[Document]:
    role = role_of(user)
    qs = Document.objects.select_related("trajectory__company")
    accepted = Q(status=ReviewStatus.ACCEPTED)
    if role == Role.PROGRAMME:
        return qs
    if role == Role.COMPANY:
        own_trajectory = Q(trajectory__company_id=_membership(user).company_id) & ~Q(doc_type__in=STATE_ONLY_TYPES)
        supplied = Q(originator=Originator.COMPANY)
        states_open = Q(originator=Originator.STATE) & accepted & ~Q(confidentiality=Confidentiality.CONFIDENTIAL)
        return qs.filter((own_trajectory & (supplied | states_open)) | public_documents_q())
    if role == Role.AMVI:
        committee = qs.filter(trajectory__in=visible_trajectories(user), doc_type__in=AMVI_DOCUMENT_TYPES, status=ReviewStatus.ACCEPTED)
        committee_ids = _as_put_to_amvi(committee).values("pk")
        return qs.filter(Q(pk__in=committee_ids) | public_documents_q())
    if role == Role.PROVINCE:
        own = Q(trajectory__parties=_membership(user).party_id) & accepted & ~Q(confidentiality=Confidentiality.CONFIDENTIAL)
        return qs.filter(own | public_documents_q()).distinct()
    return qs.filter(public_documents_q())


def can_view_document(user, document: Document) -> bool:
    return visible_documents(user).filter(pk=document.pk).exists()


def can_view_confidential(user, trajectory: Trajectory) -> bool:
    """May see confidential business information (business case figures) of this trajectory."""
    role = role_of(user)
    if role == Role.PROGRAMME:
        return True
    if role == Role.COMPANY:
        return _membership(user).company_id == trajectory.company_id
    if role == Role.AMVI:
        return can_view_trajectory(user, trajectory)
    return False


def can_transition(user, trajectory: Trajectory) -> bool:
    return role_of(user) == Role.PROGRAMME


def can_edit_project(user, trajectory: Trajectory) -> bool:
    """The project's public figures, agreements and milestones: the programme team records them."""
    return role_of(user) == Role.PROGRAMME


def can_edit_business_case(user, trajectory: Trajectory) -> bool:
    """The business case: the programme team, and the company itself (it supplies the figures)."""
    role = role_of(user)
    return role == Role.PROGRAMME or (role == Role.COMPANY and _membership(user).company_id == trajectory.company_id)


def can_submit_documents(user, trajectory: Trajectory) -> bool:
    role = role_of(user)
    return role == Role.PROGRAMME or (role == Role.COMPANY and _membership(user).company_id == trajectory.company_id)


def can_review_documents(user, trajectory: Trajectory) -> bool:
    """Accepting, rejecting and publishing documents: the programme team alone."""
    return role_of(user) == Role.PROGRAMME


def can_publish_documents(user, trajectory: Trajectory) -> bool:
    """Uploading a document as public and published at once: the programme team alone (a company proposes)."""
    return role_of(user) == Role.PROGRAMME


def can_view_field(user, field: str, trajectory: Trajectory | None = None) -> bool:
    """May see the value of this trajectory field (e.g. in an edit event's payload)."""
    return field not in CONFIDENTIAL_FIELDS or role_of(user) == Role.PROGRAMME


def can_write_amvi_advice(user, trajectory: Trajectory) -> bool:
    role = role_of(user)
    return role == Role.PROGRAMME or (role == Role.AMVI and can_view_trajectory(user, trajectory))


def _may_see_figure_event(user, event, payload, allowed_documents, confidential_seen: dict) -> bool:
    """The rule of ``figures.permissions.visible_figures``, read from an event's payload (this module
    may not import the figures app): the source document visible, and a confidential figure only for
    a role that may see confidential information of the trajectory (never a province)."""
    if payload.get("document") not in allowed_documents:
        return False
    if payload.get("confidentiality") == Confidentiality.CONFIDENTIAL:
        if event.trajectory_id not in confidential_seen:
            confidential_seen[event.trajectory_id] = role_of(user) != Role.PROVINCE and can_view_confidential(user, event.trajectory)
        return confidential_seen[event.trajectory_id]
    return True


def visible_events(user, events):
    """Events for display, the one place that decides what of an event a role sees (page, API, …).

    Copies, never the given objects: a document or review event about a document the user may not
    see keeps its date and kind but loses its title, payload and source (the title of a business case
    is itself confidential); so does an event of the register of figures (a figure recorded, proposed
    or published; a document proposed or published) about a figure or document the user may not see; an edit event keeps the names of the fields changed, but the old and new
    values of a field the user may not see (:func:`can_view_field`) are replaced by a notice."""
    events = list(events)
    if role_of(user) == Role.PROGRAMME:
        return [copy.copy(e) for e in events]
    allowed = set(visible_documents(user).values_list("pk", flat=True))
    confidential_seen: dict[int, bool] = {}
    out = []
    for event in events:
        event = copy.copy(event)
        payload = event.payload if isinstance(event.payload, dict) else {}
        if event.kind in (EventKind.FIGURE, EventKind.PUBLICATION) and "figure" in payload:
            if not _may_see_figure_event(user, event, payload, allowed, confidential_seen):
                event.note, event.payload, event.source = "Cijfer (niet zichtbaar voor uw rol)", {}, ""
        elif event.kind in (EventKind.DOCUMENT, EventKind.REVIEW, EventKind.PUBLICATION) and payload.get("document") not in allowed:
            event.note, event.payload, event.source = "Document (niet zichtbaar voor uw rol)", {}, ""
        elif event.source_document_id is not None and event.source_document_id not in allowed:
            # the event rests on a document the role may not see: its title (the event's source) goes too
            event.source, event.source_document_id = HIDDEN_SOURCE, None
            if isinstance(payload.get("document"), int):
                event.payload = {k: v for k, v in payload.items() if k != "document"}
        elif event.kind == EventKind.EDIT and isinstance(payload.get("changed"), dict):
            changed = {
                f: (values if can_view_field(user, f) else [REDACTED, REDACTED])
                for f, values in payload["changed"].items()
            }
            event.payload = {**payload, "changed": changed}
        out.append(event)
    return out
