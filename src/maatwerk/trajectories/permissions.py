"""Object-level permissions per role (programme team, company user, AMVI member, province/ministry, public).

- programme team: everything;
- company user: only their own company's trajectory and documents (their own business case too);
- AMVI member: only trajectories whose concept JLoI was put to the committee, and of those the
  documents the committee receives (concept JLoI, business case, due diligence, climate plan, advice)
  plus what is public; writes the advice;
- province or other ministry: trajectories in which their party takes part, without confidential
  business information;
- anyone else (anonymous or without a role): published public documents only.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from maatwerk.accounts.models import Role, role_of

from .models import AMVI_DOCUMENT_TYPES, Confidentiality, Document, Trajectory

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


def visible_documents(user) -> QuerySet[Document]:
    role = role_of(user)
    qs = Document.objects.select_related("trajectory__company")
    if role == Role.PROGRAMME:
        return qs
    if role == Role.COMPANY:
        return qs.filter(Q(trajectory__company_id=_membership(user).company_id) | public_documents_q())
    if role == Role.AMVI:
        committee = Q(trajectory__in=visible_trajectories(user), doc_type__in=AMVI_DOCUMENT_TYPES)
        return qs.filter(committee | public_documents_q())
    if role == Role.PROVINCE:
        own = Q(trajectory__parties=_membership(user).party_id) & ~Q(confidentiality=Confidentiality.CONFIDENTIAL)
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


def can_write_amvi_advice(user, trajectory: Trajectory) -> bool:
    role = role_of(user)
    return role == Role.PROGRAMME or (role == Role.AMVI and can_view_trajectory(user, trajectory))


def visible_events(user, events):
    """Events for display: a document event about a document the user may not see keeps its date and
    kind but loses its title and payload (the title of a business case is itself confidential)."""
    allowed = set(visible_documents(user).values_list("pk", flat=True))
    out = []
    for event in events:
        if event.kind == "document" and event.payload.get("document") not in allowed:
            event.note, event.payload, event.source = "Document (niet zichtbaar voor uw rol)", {}, ""
        out.append(event)
    return out
