"""Roles: what a user is in the programme, for every app's permissions and for the menu.

The role vocabulary and :func:`role_of` live here, below every app, because every app reasons with
them (object-level rules live in each app's ``permissions`` module). Who holds which role is recorded
by ``maatwerk.accounts`` (``Membership``, reached from a user as ``user.membership``), which sits beside
the trajectories app: neither imports the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

#: Who does something through a service: a user (possibly anonymous), or None for the system (demo data, imports).
Actor: TypeAlias = "User | AnonymousUser | None"


class Role(models.TextChoices):
    PROGRAMME = "programme", _("Programmateam (ministerie/RVO)")
    COMPANY = "company", _("Bedrijf")
    AMVI = "amvi", _("AMVI-lid")
    PROVINCE = "province", _("Provincie of ander ministerie")


def role_of(user: Actor) -> str | None:
    """The user's role, or None for anonymous users and users without one (they see only public material)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.PROGRAMME
    try:
        membership = getattr(user, "membership", None)
        return membership.role if membership else None
    except ObjectDoesNotExist:  # pragma: no cover
        return None
