"""Finding trajectories by what a user types: name, slug, id, or a case-insensitive name prefix."""

from __future__ import annotations

from django.db.models import QuerySet

from maatwerk.core.forms import plain_int

from .models import Trajectory


class NotFound(LookupError):
    pass


def find_trajectory(key: str, queryset: QuerySet[Trajectory] | None = None) -> Trajectory:
    """By id, slug or exact name; else a case-insensitive name prefix that matches exactly one company."""
    qs = (queryset if queryset is not None else Trajectory.objects.all()).select_related("company")
    key = key.strip()
    if not key:
        raise NotFound("geef een bedrijfsnaam, slug of id")
    number = plain_int(key)
    if number is not None:
        found = qs.filter(pk=number).first() or qs.filter(company_id=number).first()
        if found:
            return found
    exact = qs.filter(company__slug=key.lower()).first() or qs.filter(company__name__iexact=key).first()
    if exact:
        return exact
    matches = list(qs.filter(company__name__istartswith=key))
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFound(f"geen traject van een bedrijf dat begint met {key!r}")
    names = ", ".join(sorted(m.company.name for m in matches))
    raise NotFound(f"{key!r} past bij meerdere bedrijven: {names}; wees specifieker")
