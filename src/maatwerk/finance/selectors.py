from __future__ import annotations

from django.db.models import QuerySet

from maatwerk.core.forms import plain_int
from maatwerk.core.roles import Actor
from maatwerk.trajectories import permissions

from .models import Project


class NotFound(LookupError):
    pass


def visible_projects(user: Actor) -> QuerySet[Project]:
    return Project.objects.filter(trajectory__in=permissions.visible_trajectories(user)).select_related("trajectory__company")


def find_project(key: str, queryset: QuerySet[Project] | None = None) -> Project:
    """By id, exact name, or a case-insensitive prefix of the project or company name matching one project."""
    qs = queryset if queryset is not None else Project.objects.select_related("trajectory__company")
    key = key.strip()
    number = plain_int(key)
    if number is not None and qs.filter(pk=number).exists():
        return qs.get(pk=number)
    for lookup in ("name__iexact", "name__istartswith", "trajectory__company__name__iexact", "trajectory__company__name__istartswith"):
        matches = list(qs.filter(**{lookup: key}))
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise NotFound(f"{key!r} past bij meerdere projecten: {', '.join(sorted(str(m) for m in matches))}")
    raise NotFound(f"geen project {key!r}")
