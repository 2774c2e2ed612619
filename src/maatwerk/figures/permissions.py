"""Who may see, record, propose and publish figures (issue 13).

- programme team: every figure; records, proposes and publishes (publishing with four eyes, see
  :mod:`maatwerk.figures.services`);
- company user: the figures of its own company whose source document it may see, confidential ones
  included (they are its own figures); records and proposes for its own company, never publishes;
- province (or other ministry): the figures of the trajectories its party takes part in whose
  source it may see, without confidential ones; records and proposes for those companies, never
  publishes;
- AMVI member: reads the figures of the trajectories put to it whose source it may see (internal
  and confidential, as it may see the business case: ``can_view_confidential``); writes none;
- anyone else: nothing here (public figures reach the public through ``portal.public``).

The same rule decides what of a figure's events a role sees
(:func:`maatwerk.trajectories.permissions.visible_events`, from the event's payload).
"""

from __future__ import annotations

from django.db.models import QuerySet

from maatwerk.accounts.models import Role, role_of
from maatwerk.trajectories import permissions as trajectory_permissions
from maatwerk.trajectories.models import Confidentiality

from .models import Figure


def visible_figures(user) -> QuerySet[Figure]:
    role = role_of(user)
    qs = Figure.objects.all()
    if role == Role.PROGRAMME:
        return qs
    if role not in (Role.COMPANY, Role.PROVINCE, Role.AMVI):
        return qs.none()
    trajectories = trajectory_permissions.visible_trajectories(user)
    qs = qs.filter(
        company__in=trajectories.values("company_id"),
        source__in=trajectory_permissions.visible_documents(user).values("pk"),
    )
    if role == Role.PROVINCE:
        qs = qs.exclude(confidentiality=Confidentiality.CONFIDENTIAL)
    return qs


def can_view(user, figure: Figure) -> bool:
    return visible_figures(user).filter(pk=figure.pk).exists()


def can_read_register(user, company) -> bool:
    """May open the register page of ``company`` (its trajectory is one the user may see)."""
    role = role_of(user)
    if role not in (Role.PROGRAMME, Role.COMPANY, Role.PROVINCE, Role.AMVI):
        return False
    return trajectory_permissions.visible_trajectories(user).filter(company=company).exists()


def can_record(user, company) -> bool:
    """Recording and proposing: the programme team; a company user or a province for its own company."""
    role = role_of(user)
    if role == Role.PROGRAMME:
        return True
    if role in (Role.COMPANY, Role.PROVINCE):
        return trajectory_permissions.visible_trajectories(user).filter(company=company).exists()
    return False


can_propose = can_record


def can_publish(user) -> bool:
    """Publishing (of figures and of documents as sources): the programme team alone."""
    return role_of(user) == Role.PROGRAMME

